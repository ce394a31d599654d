"""Shows partitioned by month (sql/migrations/009_partitioned_shows.sql): a query by date reads only
the months it covers, a show in a month no partition holds yet is still added, and the rules the
unpartitioned table kept still hold across partitions (no two live shows on a screen at once, even
straddling a month's end; a cancelled show frees its slot; a show id is unique)."""

import datetime
import os
import re
import subprocess
import unittest
import urllib.parse
import uuid

from harness import DATABASE_URL, MARQUEE_BIN, ROOT, Server, ServerTestCase, psql


def month_start(months_ahead):
    today = datetime.date.today().replace(day=1)
    year, month = divmod(today.month - 1 + months_ahead, 12)
    return datetime.date(today.year + year, month + 1, 1)


class PartitionedShowsTest(ServerTestCase):
    def screen(self):
        theatre = self.create_theatre(timezone="UTC")
        return self.create_screen(theatre["theatreId"])["screenId"]

    def add_show(self, movie, screen, start):
        return self.call("POST", "/api/v1/admin/shows",
                         {"movieId": movie, "screenId": screen, "startTime": start, "price": 250}, token=self.admin)

    def test_a_query_by_date_reads_only_its_months(self):
        # The server's own statements, as it runs them: auto_explain prints each one's executed plan
        # as a notice, which libpq writes to the server's log.
        options = ("-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 "
                   "-c auto_explain.log_level=notice")
        server = Server(database_url=f"{DATABASE_URL}?options={urllib.parse.quote(options)}")
        try:
            movie = self.create_movie()["movieId"]
            day = month_start(2) + datetime.timedelta(days=14)
            # Past the five custom plans: the generic one prunes when it starts. A city of its own
            # each time, so no answer comes from the cache.
            for i in range(7):
                listing = server.request("GET", f"/api/v1/movies/{movie}/shows?date={day}&city=Nowhere{i}")
                self.assertEqual(listing.status, 200, listing)
        finally:
            server.stop()
        with open(server.log_path) as f:
            plans = [p for p in f.read().split("NOTICE:  duration:") if "movie_id = $1 AND s.status <> 'CANCELLED'" in p
                     and "ORDER BY t.name" in p]
        self.assertGreaterEqual(len(plans), 6, "the listing's plans were not logged")
        for plan in plans:
            self.assertEqual(partitions_named(plan), {f"shows_{day:%Y_%m}"}, plan)
        self.assertIn("Subplans Removed", plans[-1])

    def test_a_show_beyond_the_prepared_months_gets_its_month(self):
        movie = self.create_movie()["movieId"]
        # Well past the year the jobs keep ready, and a month no earlier run has made.
        ahead = 40
        while psql(f"SELECT to_regclass('shows_{month_start(ahead):%Y_%m}') IS NULL") != "t":
            ahead += 1
        far = month_start(ahead)
        name = f"shows_{far:%Y_%m}"
        created = self.add_show(movie, self.screen(), f"{far}T18:00:00Z")
        self.assertEqual(created.status, 201, created)
        self.assertEqual(psql(f"SELECT count(*) FROM {name} WHERE show_id = '{created.json['showId']}'"), "1")

    def test_no_overlap_across_a_month_end(self):
        movie = self.create_movie()["movieId"]  # 120 minutes long
        screen = self.screen()
        end_of_month = month_start(3) - datetime.timedelta(days=1)
        late = self.add_show(movie, screen, f"{end_of_month}T23:00:00Z")
        self.assertEqual(late.status, 201, late)
        early = self.add_show(movie, screen, f"{month_start(3)}T00:30:00Z")  # next month's partition
        self.assertError(early, 409, "SHOW_OVERLAP")
        # A cancelled show frees its slot, in whichever month it is.
        cancelled = self.call("POST", f"/api/v1/admin/shows/{late.json['showId']}/cancel", token=self.admin)
        self.assertEqual(cancelled.status, 200, cancelled)
        self.assertEqual(self.add_show(movie, screen, f"{month_start(3)}T00:30:00Z").status, 201)

    def test_every_show_has_its_slot_and_ids_stay_unique(self):
        self.assertEqual(psql("SELECT count(*) FROM shows s LEFT JOIN show_slots l USING (show_id) "
                              "WHERE l.show_id IS NULL OR l.live <> (s.status <> 'CANCELLED')"), "0")
        show = self.new_show()["showId"]
        # The same id again, in another month: show_slots' key refuses it.
        duplicate = psql_error(f"INSERT INTO shows (show_id, movie_id, theatre_id, screen_id, start_time, end_time, price) "
                               f"SELECT show_id, movie_id, theatre_id, screen_id, start_time + interval '60 days', "
                               f"end_time + interval '60 days', price FROM shows WHERE show_id = '{show}'")
        self.assertIn("show_slots_pkey", duplicate)


def partitions_named(plan):
    return set(re.findall(r"\bon (shows_\d{4}_\d{2})\b", plan))


def psql_error(sql):
    result = subprocess.run(["psql", DATABASE_URL, "-tAqc", sql], capture_output=True, text=True)
    return result.stderr


class UpgradeTest(unittest.TestCase):
    """Migration 009 on a database that already has shows and orders, as a running deployment has:
    every show moves to its month with its slot, and the rules hold afterwards."""

    def test_existing_shows_move_to_their_months(self):
        name = "marquee_upgrade_" + uuid.uuid4().hex[:8]
        admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
        url = DATABASE_URL.rsplit("/", 1)[0] + "/" + name
        migrations = os.path.join(ROOT, "sql", "migrations")
        run = lambda db, sql: subprocess.run(["psql", db, "-v", "ON_ERROR_STOP=1", "-qtAc", sql], check=True,
                                             capture_output=True, text=True).stdout.strip()
        run(admin_url, f"CREATE DATABASE {name}")
        try:
            # The schema as migration 008 left it, recorded as marquee migrate records it.
            run(url, "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            for file in sorted(os.listdir(migrations)):
                if file >= "009":
                    break
                subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-1", "-f", os.path.join(migrations, file)],
                               check=True, capture_output=True, text=True)
                run(url, f"INSERT INTO schema_migrations (version) VALUES ('{file[:-4]}')")
            # Shows over half a year on one screen, one cancelled.
            run(url, "WITH m AS (INSERT INTO movies (title, duration_mins, release_date) VALUES ('Old', 120, '2024-01-01') "
                     "  RETURNING movie_id), "
                     "t AS (INSERT INTO theatres (name, city, geo_lat, geo_lng) VALUES ('Old Cinema', 'Testville', 1, 1) "
                     "  RETURNING theatre_id), "
                     "sc AS (INSERT INTO screens (theatre_id, screen_name, total_seats) SELECT theatre_id, 'One', 10 FROM t "
                     "  RETURNING screen_id, theatre_id) "
                     "INSERT INTO shows (movie_id, theatre_id, screen_id, start_time, end_time, price, status) "
                     "SELECT m.movie_id, sc.theatre_id, sc.screen_id, now() + make_interval(days => 20 * i), "
                     "now() + make_interval(days => 20 * i, mins => 120), 200, "
                     "CASE WHEN i = 3 THEN 'CANCELLED' ELSE 'SCHEDULED' END FROM m, sc, generate_series(1, 9) i")
            before = run(url, "SELECT count(*) FROM shows")
            self.assertGreater(int(before), 0)
            migrated = subprocess.run([MARQUEE_BIN, "migrate"], env={**os.environ, "DATABASE_URL": url},
                                      capture_output=True, text=True)
            self.assertEqual(migrated.returncode, 0, migrated.stderr)
            self.assertEqual(run(url, "SELECT count(*) FROM shows"), before)
            self.assertEqual(run(url, "SELECT count(*) FROM show_slots"), before)
            self.assertEqual(run(url, "SELECT count(*) FROM ONLY shows"), "0")  # every row in a month partition
            self.assertEqual(run(url, "SELECT relkind FROM pg_class WHERE relname = 'shows'"), "p")
            self.assertEqual(run(url, "SELECT count(*) FROM show_slots WHERE NOT live"), "1")
        finally:
            run(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
