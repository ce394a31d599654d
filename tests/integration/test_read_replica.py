"""DATABASE_READ_URL: the public catalogue reads go to a streaming replica; reads that must see a
write a moment old (a show booked right after it was added) and everything else go to the
primary; a replica that lags beyond DATABASE_READ_MAX_LAG_SECONDS or stops is bypassed with no
failed request. The replica's WAL replay is paused to make it visibly stale."""

import subprocess
import threading
import time
import unittest

from harness import DATABASE_READ_URL, ApiHelpers, BookingSteps, Proxy, Server, wait_for

REPLICA_PORT = int(DATABASE_READ_URL.rsplit(":", 1)[1].split("/")[0])


def on_replica(sql):
    return subprocess.run(["psql", DATABASE_READ_URL, "-tAqc", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


class ReadReplicaTest(BookingSteps, ApiHelpers, unittest.TestCase):
    server = None

    def start(self, **env):
        self.proxy = Proxy(REPLICA_PORT)
        self.server = Server(env={"DATABASE_READ_URL": DATABASE_READ_URL.replace(str(REPLICA_PORT), str(self.proxy.port)),
                                  "LOG_LEVEL": "info", **env})
        self.admin = self.server.token("admin-replica", admin=True)
        # Every worker has measured the replica's lag and started using it: each worker probes on its
        # own, and a request may land on any of them (the first to log is not enough).
        workers = int(self.server.env["THREADS"])
        self.assertTrue(wait_for(lambda: self.log().count("read replica: in use") >= workers, timeout=10))

    def log(self):
        with open(self.server.log_path) as f:
            return f.read()

    def tearDown(self):
        on_replica("SELECT pg_wal_replay_resume()")
        if self.server:
            self.server.stop()
        self.proxy.stop()

    def dates_of(self, show):
        """The show's date once its movie is known where the read went; [] while it is not (404)."""
        response = self.call("GET", availability_of(show))
        self.assertIn(response.status, (200, 404), response)
        return response.json["availableDates"] if response.status == 200 else []

    def test_catalogue_reads_go_to_the_replica_and_fresh_lookups_to_the_primary(self):
        self.start(DATABASE_READ_MAX_LAG_SECONDS="3600")
        on_replica("SELECT pg_wal_replay_pause()")
        show = self.new_show()
        # The replica has not replayed the new movie: the availability it serves does not know it…
        # (Asked until it answers: a worker whose probe a loaded machine delayed past its grace
        # rightly sends the read to the primary meanwhile.)
        stale = wait_for(lambda: (lambda r: r if r.status == 404 else None)(self.call("GET", availability_of(show))),
                         timeout=5)
        self.assertTrue(stale, "the replica never served the stale availability")
        self.assertError(stale, 404, "NOT_FOUND")
        # …while a lookup of one thing that was just written falls back to the primary: the movie's
        # page, and a hold on the new show, work at once.
        self.assertEqual(self.call("GET", f"/api/v1/movies/{show['movieId']}").status, 200)
        self.assertEqual(self.hold(self.buyer(), show["showId"], ["A1"]).status, 201)
        on_replica("SELECT pg_wal_replay_resume()")
        self.assertTrue(wait_for(lambda: self.dates_of(show) != [], timeout=5))

    def test_a_replica_too_far_behind_is_bypassed(self):
        self.start(DATABASE_READ_MAX_LAG_SECONDS="1")
        on_replica("SELECT pg_wal_replay_pause()")
        show = self.new_show()
        # More than a second behind, the replica is left out and the primary answers.
        self.assertTrue(wait_for(lambda: self.dates_of(show) != [], timeout=5))
        self.assertIn("read replica: bypassed", self.log())

    def test_a_replica_that_stops_costs_no_request(self):
        self.start()
        show = self.new_show()
        self.assertTrue(wait_for(lambda: self.dates_of(show) != [], timeout=5))
        statuses, stop = [], threading.Event()

        def reader():
            while not stop.is_set():
                statuses.append(self.call("GET", availability_of(show)).status)
                statuses.append(self.call("GET", f"/api/v1/movies/{show['movieId']}/shows?date={show_date(show)}&city=Testville").status)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            relayed = self.proxy.relayed
            self.proxy.stop()  # the replica goes away mid-run
            time.sleep(2)
            self.proxy.start()
            time.sleep(1)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertGreater(relayed, 0)
        self.assertGreater(len(statuses), 50)
        self.assertEqual(set(statuses), {200}, f"{len([s for s in statuses if s != 200])} failed")


def show_date(show):
    return show["startTime"][:10]


def availability_of(show):
    return f"/api/v1/movies/{show['movieId']}/availability?from={show_date(show)}&to={show_date(show)}"
