"""PostgreSQL or Redis going away: requests that need it get 503 quickly (never a hang or a 500),
health says which part is down, and the service recovers by itself once the server is back."""

import http.client
import threading
import time
import unittest
import uuid

from harness import ApiHelpers, Proxy, Server, ServerTestCase, in_parallel, wait_for

PG_PORT = 5433
REDIS_PORT = 6380


class OutageTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Proxy(PG_PORT)
        cls.redis = Proxy(REDIS_PORT)
        cls.server = Server(database_url=f"postgresql://marquee@127.0.0.1:{cls.pg.port}/marquee_test",
                            redis_url=f"redis://127.0.0.1:{cls.redis.port}/1")
        cls.admin = cls.server.token("admin-" + uuid.uuid4().hex[:8], admin=True)
        cls.user = cls.server.token("user-" + uuid.uuid4().hex[:8])

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.pg.stop()
        cls.redis.stop()

    def health(self):
        return self.call("GET", "/api/health")

    def test_postgres_outage_is_503_then_recovers(self):
        movie_id = self.create_movie()["movieId"]
        availability = f"/api/v1/movies/{movie_id}/availability?from=2030-01-01&to=2030-01-10"
        self.assertEqual(self.call("GET", availability).status, 200)

        self.pg.stop()
        try:
            started = time.time()
            r = self.call("GET", availability)
            self.assertError(r, 503, "SERVICE_UNAVAILABLE")
            self.assertLess(time.time() - started, 5, "a database outage must fail fast, not hang")
            self.assertError(self.call("POST", "/api/v1/admin/theatres", {"name": "T", "city": "C",
                                       "geo": {"lat": 1, "lng": 1}}, token=self.admin), 503, "SERVICE_UNAVAILABLE")
            self.assertTrue(wait_for(lambda: self.health().status == 503))
            self.assertEqual(self.health().json, {"status": "degraded", "postgres": "down", "redis": "ok"})
            # The message gives nothing away about the internals.
            self.assertNotIn("5433", r.raw)
        finally:
            self.pg.start()
        self.assertTrue(wait_for(lambda: self.health().status == 200))
        self.assertTrue(wait_for(lambda: self.call("GET", availability).status == 200))

    def test_redis_outage_degrades_gracefully_then_recovers(self):
        self.redis.stop()
        try:
            self.assertTrue(wait_for(lambda: self.health().status == 503))
            self.assertEqual(self.health().json, {"status": "degraded", "postgres": "ok", "redis": "down"})
            # The catalogue is still served from PostgreSQL (no cache), and a protected endpoint still
            # works: the rate limiter lets requests through rather than failing them.
            self.assertEqual(self.call("GET", "/api/v1/movies?category=trending").status, 200)
            movie = self.call("POST", "/api/v1/admin/movies", {"title": "During outage", "durationMins": 90,
                              "releaseDate": "2024-01-01"}, token=self.admin)
            self.assertEqual(movie.status, 201, movie)
        finally:
            self.redis.start()
        self.assertTrue(wait_for(lambda: self.health().status == 200))
        self.assertEqual(self.call("GET", f"/api/v1/movies/{movie.json['movieId']}").status, 200)


class PostgresHostNameTest(ApiHelpers, unittest.TestCase):
    """DATABASE_URL may name its host; the name is looked up off the event loop (libpq would block
    the loop on getaddrinfo), and every address it has is tried, as libpq would."""

    def test_a_host_name_is_resolved_and_its_addresses_tried(self):
        # `localhost` usually resolves to ::1 first, where PostgreSQL does not listen: the connection
        # must go on to 127.0.0.1.
        server = Server(database_url=f"postgresql://marquee@localhost:{PG_PORT}/marquee_test")
        try:
            self.server = server
            self.admin = server.token("admin-" + uuid.uuid4().hex[:8], admin=True)
            self.assertEqual(self.call("GET", "/api/health").json["postgres"], "ok")
            movie = self.call("POST", "/api/v1/admin/movies", {"title": "By name", "durationMins": 90,
                              "releaseDate": "2024-01-01"}, token=self.admin)
            self.assertEqual(movie.status, 201, movie)
            self.assertEqual(self.call("GET", f"/api/v1/movies/{movie.json['movieId']}").status, 200)
        finally:
            server.stop()

    def test_a_name_that_does_not_resolve_is_an_outage_not_a_hang(self):
        server = Server(database_url=f"postgresql://marquee@no-such-host.invalid:{PG_PORT}/marquee_test",
                        wait=False)
        try:
            self.server = server
            server.wait_ready(healthy=False)
            self.assertTrue(wait_for(lambda: self.call("GET", "/api/health").status == 503))
            self.assertEqual(self.call("GET", "/api/health").json["postgres"], "down")
            self.assertError(self.call("GET", f"/api/v1/movies/{uuid.uuid4()}"), 503, "SERVICE_UNAVAILABLE")
        finally:
            server.stop()


class GracefulShutdownInFlightTest(unittest.TestCase):
    def test_sigterm_lets_the_request_in_flight_finish(self):
        pg = Proxy(PG_PORT)
        server = Server(database_url=f"postgresql://marquee@127.0.0.1:{pg.port}/marquee_test")
        try:
            movie = f"/api/v1/movies/{uuid.uuid4()}/availability?from=2030-01-01&to=2030-01-02"
            self.assertEqual(server.request("GET", movie).status, 404)  # connections to PostgreSQL are open
            pg.pause()
            result = {}
            worker = threading.Thread(target=lambda: result.update(r=server.request("GET", movie, timeout=20)))
            worker.start()
            # The request is now waiting on PostgreSQL: its query (by its prepared statement's name)
            # reached the stuck proxy.
            self.assertTrue(wait_for(lambda: b"movie_availability" in pg.held_back, timeout=10))
            server.process.terminate()
            time.sleep(0.5)
            self.assertIsNone(server.process.poll(), "the server quit with a request in flight")
            pg.resume()
            worker.join(20)
            self.assertEqual(result["r"].status, 404)  # answered, not dropped
            self.assertEqual(server.process.wait(10), 0)
        finally:
            pg.resume()
            server.stop()
            pg.stop()


    def test_sigterm_serves_a_request_sent_on_an_idle_connection(self):
        # A gateway's pooled keep-alive connection: idle when the signal comes, used a moment later.
        server = Server()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("GET", "/api/health")
            first = conn.getresponse()
            first.read()
            self.assertEqual(first.status, 200)
            server.process.terminate()
            time.sleep(0.5)
            conn.request("GET", "/api/health")
            answer = conn.getresponse()
            answer.read()
            self.assertEqual(answer.status, 200)
            self.assertEqual(answer.getheader("Connection"), "close")  # the gateway drops the connection
            self.assertEqual(server.process.wait(10), 0)
        finally:
            conn.close()
            server.stop()


class StalledPostgresTest(ServerTestCase):
    """PostgreSQL stops answering (a paused proxy) under concurrent orders: every request is answered
    quickly, and the service is back as soon as PostgreSQL is."""

    @classmethod
    def setUpClass(cls):
        cls.pg = Proxy(PG_PORT)
        cls.server = Server(database_url=f"postgresql://marquee@127.0.0.1:{cls.pg.port}/marquee_test")
        cls.admin = cls.server.token("admin-" + uuid.uuid4().hex[:8], admin=True)

    @classmethod
    def tearDownClass(cls):
        cls.pg.resume()
        cls.server.stop()
        cls.pg.stop()

    def test_order_writes_are_answered_within_bounds_while_postgres_is_stalled(self):
        show = self.new_show(rows=4, seats=10)["showId"]
        customer = {"name": "Asha Rao", "email": "asha@example.com", "phone": "+919876543210"}
        users, holds = [], []
        for i in range(40):
            token = self.server.token(f"stall-{i}-{uuid.uuid4().hex[:6]}")
            h = self.call("POST", "/api/v1/holds", {"showId": show, "seatIds": [f"{'ABCD'[i // 10]}{i % 10 + 1}"],
                                                   "quantity": 1}, token=token)
            self.assertEqual(h.status, 201, h)
            self.call("GET", f"/api/v1/holds/{h.json['holdId']}", token=token)  # known to both workers
            users.append(token)
            holds.append(h.json["holdId"])

        def order(token, hold_id):
            started = time.time()
            r = self.server.request("POST", "/api/v1/orders", {"holdId": hold_id, "customer": customer}, token=token,
                                    timeout=30)
            return r, time.time() - started

        self.pg.pause()
        try:
            answers = in_parallel([lambda t=t, h=h: order(t, h) for t, h in zip(users, holds)])
        finally:
            self.pg.resume()
        for r, took in answers:
            self.assertError(r, 503, "SERVICE_UNAVAILABLE")
            self.assertEqual(r.headers.get("retry-after"), "1")
            # A wait for a batch (5 s), or a statement sent before the stall gave up (6 s): never a hang.
            self.assertLess(took, 12, r)
        # Back within seconds: the same orders go through now (or were written after all: 200).
        self.assertTrue(wait_for(lambda: self.health().status == 200))
        again = wait_for(lambda: order(users[0], holds[0])[0].status in (200, 201), 10)
        self.assertTrue(again)

    def health(self):
        return self.call("GET", "/api/health")


if __name__ == "__main__":
    unittest.main()
