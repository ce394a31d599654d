"""Hostile text: NUL and other control characters in any text field are refused with 400 naming the
field (never stored altered, never a 500), and every refusal, whatever refused it, carries the
client's X-Request-Id."""

import json
import socket
import uuid

from harness import CUSTOMER, ServerTestCase, psql

# NUL (PostgreSQL cannot store it: libpq would cut the text there), BEL, ESC, DEL and a C1 control.
HOSTILE = ["a\u0000b", "a\u0007b", "\u001b[31mred", "a\u007fb", "a\u0085b"]


class HostileTextTest(ServerTestCase):
    def refused(self, response, field):
        self.assertError(response, 400, "VALIDATION_ERROR", field)
        self.assertEqual(response.headers.get("x-request-id"), self.request_id)

    def send(self, method, path, body=None, token=None):
        self.request_id = "hostile-" + uuid.uuid4().hex[:8]
        return self.call(method, path, body, token=token, headers={"X-Request-Id": self.request_id})

    def movie_body(self):
        return {"title": "Clean title " + uuid.uuid4().hex[:6], "durationMins": 100, "releaseDate": "2024-01-01",
                "genres": ["Drama"], "cast": [{"name": "Lead", "role": "Hero"}], "crew": [{"name": "D", "role": "Director"}]}

    def test_movie_fields(self):
        movie = self.create_movie()
        for bad in HOSTILE:
            for field in ("title", "about", "language", "format", "ageRating", "thumbnailUrl"):
                body = {**self.movie_body(), field: bad}
                self.refused(self.send("POST", "/api/v1/admin/movies", body, self.admin), field)
                self.refused(self.send("PATCH", f"/api/v1/admin/movies/{movie['movieId']}", {field: bad}, self.admin),
                             field)
            self.refused(self.send("POST", "/api/v1/admin/movies", {**self.movie_body(), "genres": [bad]}, self.admin),
                         "genres")
            self.refused(self.send("POST", "/api/v1/admin/movies",
                                   {**self.movie_body(), "cast": [{"name": bad, "role": "Hero"}]}, self.admin), "name")
            self.refused(self.send("POST", "/api/v1/admin/movies",
                                   {**self.movie_body(), "crew": [{"name": "D", "role": bad}]}, self.admin), "role")
        # Nothing was stored, not even cut short at the NUL.
        self.assertEqual(psql("SELECT count(*) FROM movies WHERE title = 'a'"), "0")
        # A synopsis may run over several lines.
        ok = self.send("POST", "/api/v1/admin/movies", {**self.movie_body(), "about": "Line one.\nLine two.\tEnd."},
                       self.admin)
        self.assertEqual(ok.status, 201, ok)
        self.assertEqual(ok.json["about"], "Line one.\nLine two.\tEnd.")

    def test_theatre_and_screen_fields(self):
        theatre = self.create_theatre()
        for bad in HOSTILE:
            for field in ("name", "address", "city", "timezone"):
                body = {"name": "T", "address": "1 Main St", "city": "C", "geo": {"lat": 1, "lng": 1},
                        "timezone": "Asia/Kolkata", field: bad}
                self.refused(self.send("POST", "/api/v1/admin/theatres", body, self.admin), field)
            rows = [{"rowLabel": "A", "seatNumbers": [1, 2], "seatType": "REGULAR"}]
            for field, body in (("screenName", {"screenName": bad, "rows": rows}),
                                ("screenType", {"screenName": "S", "screenType": bad, "rows": rows}),
                                ("seatType", {"screenName": "S", "rows": [{**rows[0], "seatType": bad}]}),
                                ("rowLabel", {"screenName": "S", "rows": [{**rows[0], "rowLabel": bad}]})):
                self.refused(self.send("POST", f"/api/v1/admin/theatres/{theatre['theatreId']}/screens", body,
                                       self.admin), field)

    def test_booking_fields_and_query_text(self):
        show = self.new_show()
        for bad in HOSTILE:
            self.refused(self.send("POST", "/api/v1/holds", {"showId": show["showId"], "seatIds": [bad], "quantity": 1},
                                   self.user), "seatIds")
        hold = self.call("POST", "/api/v1/holds", {"showId": show["showId"], "seatIds": ["A1"], "quantity": 1},
                         token=self.user)
        self.assertEqual(hold.status, 201, hold)
        for bad in HOSTILE:
            for field in ("name", "email", "phone"):
                customer = {**CUSTOMER, field: bad}
                self.refused(self.send("POST", "/api/v1/orders", {"holdId": hold.json["holdId"], "customer": customer},
                                       self.user), field)
        self.assertEqual(psql(f"SELECT count(*) FROM orders WHERE hold_id = '{hold.json['holdId']}'"), "0")
        for encoded in ("%00", "%07", "%1B", "%7F", "%C2%85"):
            r = self.send("GET", f"/api/v1/movies/{show['movieId']}/shows?date=2030-01-01&city=Pune{encoded}")
            self.refused(r, "city")

    def test_every_refusal_carries_the_clients_request_id(self):
        cases = [
            ("GET", "/no/such/route", None),  # router: 404
            ("DELETE", "/api/v1/movies", None),  # router: 405
            ("POST", "/api/v1/admin/theatres", b"{not json"),  # body parser: 400
        ]
        for method, path, raw in cases:
            request_id = "refused-" + uuid.uuid4().hex[:8]
            r = self.call(method, path, raw=raw, token=self.admin, headers={"X-Request-Id": request_id})
            self.assertGreaterEqual(r.status, 400, r)
            self.assertEqual(r.headers.get("x-request-id"), request_id, (method, path))
        big = json.dumps({"name": "x" * (70 * 1024)}).encode()  # size limit: 413
        r = self.call("POST", "/api/v1/admin/theatres", raw=big, token=self.admin, headers={"X-Request-Id": "big-1"})
        self.assertEqual((r.status, r.headers.get("x-request-id")), (413, "big-1"))
        # An HTTP parser error (a bad header) still answers with the id it could read.
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Request-Id: parse-1\r\nBad Header\r\n\r\n")
            reply = s.recv(65536).decode(errors="replace")
        self.assertIn(" 400 ", reply.split("\r\n")[0])
        self.assertIn("X-Request-Id: parse-1", reply)

    def test_paths_and_queries_that_are_not_utf8_are_refused(self):
        # Found by fuzz/api_request.cpp: a stray byte in the path (%84) came back inside a 404 whose
        # body was then not JSON; in a query it would have reached PostgreSQL, which refuses it.
        movie = self.create_movie()["movieId"]
        for path in ("/api/v1/movies/%84", f"/api/v1/movies/{movie}/shows?date=2030-01-01&city=%FF",
                     "/api/v1/movies?category=%C3", "/no/such/%ED%A0%80"):
            r = self.send("GET", path)
            self.refused(r, "not UTF-8")
            json.loads(r.raw)  # the answer itself is JSON
        # Well-formed UTF-8 is text like any other.
        r = self.send("GET", f"/api/v1/movies/{movie}/shows?date=2030-01-01&city=K%C3%B8benhavn")
        self.assertEqual(r.status, 200, r)
