"""What the server does for the web app: the files of WEB_DIR at /, the development sign-in, and the
operator's two reads (the shows overview with its sales, the theatres with their screens)."""
import datetime
import os
import shutil
import tempfile
import unittest
import uuid

from harness import CUSTOMER, BookingSteps, Server, ServerTestCase

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class StaticFilesTest(unittest.TestCase):
    """A production server on a WEB_DIR of our own: files read at start, served from memory."""

    @classmethod
    def setUpClass(cls):
        cls.web = tempfile.mkdtemp(prefix="marquee-web-")
        os.makedirs(os.path.join(cls.web, "app"))
        os.makedirs(os.path.join(cls.web, ".git"))
        files = {"index.html": "<!doctype html><title>home</title>", "admin.html": "<!doctype html><title>ops</title>",
                 "app/main.js": "export const x = 1;\n", "styles.css": "body{}", ".git/config": "secret",
                 "api-docs.html": "<!doctype html><title>docs</title>", "openapi.yaml": "openapi: 3.1.0\n"}
        for name, text in files.items():
            with open(os.path.join(cls.web, name), "w") as f:
                f.write(text)
        cls.server = Server(env={"WEB_DIR": cls.web})

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.web)

    def get(self, path, **headers):
        return self.server.request("GET", path, headers=headers)

    def test_pages_and_their_names(self):
        for path, title, kind in [("/", "home", "text/html"), ("/admin", "ops", "text/html"),
                                  ("/api/docs", "docs", "text/html"), ("/app/main.js", None, "text/javascript"),
                                  ("/styles.css", None, "text/css"), ("/api/openapi.yaml", None, "application/yaml")]:
            r = self.get(path)
            self.assertEqual(r.status, 200, (path, r))
            self.assertTrue(r.header("content-type").startswith(kind), (path, r.headers))
            self.assertEqual(r.header("x-content-type-options"), "nosniff")
            if title:
                self.assertIn(f"<title>{title}</title>", r.raw)
                # Pages may load nothing from elsewhere.
                self.assertIn("default-src 'self'", r.header("content-security-policy"))

    def test_a_file_the_browser_has_is_not_sent_again(self):
        first = self.get("/app/main.js")
        etag = first.header("etag")
        self.assertTrue(etag and etag.startswith('"'), first.headers)
        again = self.get("/app/main.js", **{"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.raw, "")
        changed = self.get("/app/main.js", **{"If-None-Match": '"something-else"'})
        self.assertEqual(changed.status, 200)
        self.assertEqual(changed.raw, "export const x = 1;\n")

    def test_nothing_outside_the_folder_or_hidden(self):
        for path in ["/../" + os.path.basename(self.web) + "/index.html", "/.git/config", "/app/../index.html",
                     "/app/", "/app", "/missing.js", "/app//main.js", "/%2e%2e/etc/passwd", "/index.html%00.js"]:
            r = self.get(path)
            self.assertIn(r.status, (400, 404), (path, r))
            self.assertIn("error", r.json or {}, (path, r))

    def test_files_are_read_once_in_production(self):
        with open(os.path.join(self.web, "styles.css"), "w") as f:
            f.write("body{color:red}")
        self.assertEqual(self.get("/styles.css").raw, "body{}")

    def test_only_get_and_head(self):
        self.assertEqual(self.server.request("HEAD", "/").status, 200)
        r = self.server.request("POST", "/", body={})
        self.assertEqual(r.status, 404, r)
        self.assertEqual(r.json["error"]["code"], "NOT_FOUND")

    def test_the_api_is_not_shadowed(self):
        r = self.get("/api/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["status"], "ok")


class DevelopmentSiteTest(unittest.TestCase):
    """In development the files are read on each request (edits show on reload) and anyone may sign in."""

    @classmethod
    def setUpClass(cls):
        cls.web = tempfile.mkdtemp(prefix="marquee-web-")
        with open(os.path.join(cls.web, "index.html"), "w") as f:
            f.write("one")
        cls.server = Server(env={"WEB_DIR": cls.web, "MARQUEE_ENV": "development"})
        cls.production = Server()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.production.stop()
        shutil.rmtree(cls.web)

    def sign_in(self, server=None, **body):
        return (server or self.server).request("POST", "/api/v1/dev/sign-in", body)

    def test_edits_show_at_once(self):
        self.assertEqual(self.server.request("GET", "/").raw, "one")
        with open(os.path.join(self.web, "index.html"), "w") as f:
            f.write("two")
        with open(os.path.join(self.web, "new.js"), "w") as f:
            f.write("new")
        self.assertEqual(self.server.request("GET", "/").raw, "two")
        self.assertEqual(self.server.request("GET", "/new.js").raw, "new")

    def test_sign_in_gives_a_working_token(self):
        name = "Asha " + uuid.uuid4().hex[:6]
        r = self.sign_in(name=name)
        self.assertEqual(r.status, 200, r)
        user = r.json["user"]
        self.assertEqual(user["name"], name)
        self.assertEqual(user["roles"], [])
        self.assertTrue(user["email"].endswith("@example.test"), user)
        orders = self.server.request("GET", "/api/v1/orders", token=r.json["token"])
        self.assertEqual(orders.status, 200, orders)
        # Not an operator.
        self.assertEqual(self.server.request("GET", "/api/v1/admin/shows", token=r.json["token"]).status, 403)
        # The same name is the same user, whatever the case.
        self.assertEqual(self.sign_in(name=name.upper()).json["user"]["userId"], user["userId"])

    def test_an_operator_signs_in_as_admin(self):
        r = self.sign_in(name="Ops " + uuid.uuid4().hex[:6], email="ops@cinema.example", admin=True)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["user"]["roles"], ["admin"])
        self.assertEqual(r.json["user"]["email"], "ops@cinema.example")
        self.assertEqual(self.server.request("GET", "/api/v1/admin/theatres", token=r.json["token"]).status, 200)

    def test_bad_sign_ins(self):
        for body, field in [({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 101}, "name"),
                            ({"name": "a", "email": "not-mail"}, "email"), ({"name": "a", "admin": "yes"}, "admin"),
                            ({"name": "a\u0000b"}, "name")]:
            r = self.sign_in(**body)
            self.assertEqual(r.status, 400, (body, r))
            self.assertIn(field, r.json["error"]["message"])

    def test_production_has_no_sign_in(self):
        r = self.sign_in(self.production, name="Mallory", admin=True)
        self.assertEqual(r.status, 404, r)
        self.assertEqual(r.json["error"]["code"], "NOT_FOUND")


class OperatorReadsTest(BookingSteps, ServerTestCase):
    def overview(self, **query):
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        return self.call("GET", "/api/v1/admin/shows?" + qs, token=self.admin)

    def find(self, show_id, day):
        cursor, seen = None, 0
        while True:
            r = self.overview(**{"from": day, "to": day, "limit": 200, **({"cursor": cursor} if cursor else {})})
            self.assertEqual(r.status, 200, r)
            for item in r.json["items"]:
                if item["showId"] == show_id:
                    return item
            seen += len(r.json["items"])
            cursor = r.json["nextCursor"]
            if not cursor:
                self.fail(f"show {show_id} not among the {seen} shows of {day}")

    def test_sales_held_and_revenue(self):
        show = self.new_show(rows=2, seats=5, days_ahead=40, price=250)
        sold_to, holder = self.buyer(), self.buyer()
        order = self.book(sold_to, show["showId"], ["A1", "A2"])
        self.assertEqual(self.pay(sold_to, order["orderId"]).status, 200)
        self.assertEqual(self.hold(holder, show["showId"], ["B1", "B2", "B3"]).status, 201)
        pending = self.buyer()
        self.book(pending, show["showId"], ["B5"])  # an order awaiting payment counts as held

        item = self.find(show["showId"], show["date"])
        self.assertEqual(item["status"], "SCHEDULED")
        self.assertFalse(item["started"])
        self.assertEqual(item["seats"], {"total": 10, "sold": 2, "held": 4, "available": 4})
        self.assertEqual(item["revenue"], 500)
        self.assertEqual(item["ordersConfirmed"], 1)
        self.assertEqual(item["price"], 250)
        self.assertEqual(item["startTime"], show["startTime"])
        self.assertEqual(item["screen"]["screenId"], show["screenId"])

        # Cancelled: refunds are not revenue, and nothing is held or sold.
        self.assertEqual(self.call("POST", f"/api/v1/admin/shows/{show['showId']}/cancel", token=self.admin).status, 200)
        item = self.find(show["showId"], show["date"])
        self.assertEqual(item["status"], "CANCELLED")
        self.assertEqual(item["seats"], {"total": 10, "sold": 0, "held": 0, "available": 0})
        self.assertEqual(item["revenue"], 0)

    def test_pages_in_start_order(self):
        movie = self.create_movie()
        screen = self.create_screen(self.create_theatre()["theatreId"])
        day = (datetime.date.today() + datetime.timedelta(days=55)).isoformat()
        ids = [self.create_show(movie["movieId"], screen["screenId"], f"{day}T{h:02d}:00:00+05:30")["showId"]
               for h in (9, 12, 15, 18, 21)]
        listed, cursor = [], None
        while True:
            r = self.overview(**{"from": day, "to": day, "limit": 2, **({"cursor": cursor} if cursor else {})})
            self.assertEqual(r.status, 200, r)
            self.assertLessEqual(len(r.json["items"]), 2)
            listed += [i for i in r.json["items"]]
            cursor = r.json["nextCursor"]
            if not cursor:
                break
        ours = [i["showId"] for i in listed if i["showId"] in ids]
        self.assertEqual(ours, ids)
        self.assertEqual(len(set(i["showId"] for i in listed)), len(listed))  # no show twice across pages
        self.assertTrue(all(i["date"] == day for i in listed))
        # In start order (instants: the offsets may differ between theatres), ties by id.
        keys = [(datetime.datetime.fromisoformat(i["startTime"]), i["showId"]) for i in listed]
        self.assertEqual(keys, sorted(keys))

    def test_bad_queries(self):
        for query, field in [({"from": "2026-13-01"}, "from"), ({"to": "tomorrow"}, "to"),
                             ({"from": "2026-12-10", "to": "2026-12-01"}, "from"),
                             ({"from": "2026-01-01", "to": "2026-06-01"}, "to"), ({"limit": 0}, "limit"),
                             ({"limit": 201}, "limit"), ({"cursor": "nope"}, "cursor"),
                             ({"cursor": "MTIzfG5vdC1hLXV1aWQ"}, "cursor")]:
            r = self.overview(**query)
            self.assertEqual(r.status, 400, (query, r))
            self.assertIn(field, r.json["error"]["message"], (query, r))
        self.assertEqual(self.call("GET", "/api/v1/admin/shows", token=self.user).status, 403)
        self.assertEqual(self.call("GET", "/api/v1/admin/shows").status, 401)

    def test_the_default_is_a_week_from_today(self):
        inside = self.new_show(days_ahead=3)
        outside = self.new_show(days_ahead=9)
        today = datetime.datetime.now(datetime.timezone.utc).date()
        seen, cursor = [], None
        while True:
            r = self.call("GET", "/api/v1/admin/shows?limit=200" + (f"&cursor={cursor}" if cursor else ""),
                          token=self.admin)
            self.assertEqual(r.status, 200, r)
            seen += [i["showId"] for i in r.json["items"]]
            for item in r.json["items"]:
                day = datetime.date.fromisoformat(item["date"])
                self.assertTrue(today <= day <= today + datetime.timedelta(days=7), item)
            cursor = r.json["nextCursor"]
            if not cursor:
                break
        self.assertIn(inside["showId"], seen)
        self.assertNotIn(outside["showId"], seen)

    def test_movies_an_operator_may_schedule(self):
        upcoming = self.create_movie(releaseDate=(datetime.date.today() + datetime.timedelta(days=30)).isoformat())
        retired = self.create_movie(isActive=False)
        r = self.call("GET", "/api/v1/admin/movies", token=self.admin)
        self.assertEqual(r.status, 200, r)
        ids = [m["movieId"] for m in r.json["items"]]
        # Pre-sales: a movie not released yet can have shows; an inactive one is not offered.
        self.assertIn(upcoming["movieId"], ids)
        self.assertNotIn(retired["movieId"], ids)
        mine = next(m for m in r.json["items"] if m["movieId"] == upcoming["movieId"])
        self.assertEqual(mine, {"movieId": upcoming["movieId"], "title": upcoming["title"],
                                "releaseDate": upcoming["releaseDate"], "durationMins": 120})
        dates = [m["releaseDate"] for m in r.json["items"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual(self.call("GET", "/api/v1/admin/movies", token=self.user).status, 403)

    def test_theatres_with_their_screens(self):
        theatre = self.create_theatre(name="Zeta " + uuid.uuid4().hex[:6], cancellationAvailable=False)
        screen = self.create_screen(theatre["theatreId"], rows=2, seats=3)
        r = self.call("GET", "/api/v1/admin/theatres", token=self.admin)
        self.assertEqual(r.status, 200, r)
        mine = [t for t in r.json["items"] if t["theatreId"] == theatre["theatreId"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["name"], theatre["name"])
        self.assertFalse(mine[0]["cancellationAvailable"])
        self.assertEqual(mine[0]["timezone"], "Asia/Kolkata")
        self.assertEqual(mine[0]["screens"], [{"screenId": screen["screenId"], "screenName": screen["screenName"],
                                               "screenType": "Standard", "totalSeats": 6}])
        self.assertEqual(self.call("GET", "/api/v1/admin/theatres", token=self.user).status, 403)


if __name__ == "__main__":
    unittest.main()
