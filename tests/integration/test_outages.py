"""PostgreSQL or Redis going away: requests that need it get 503 quickly (never a hang or a 500),
health says which part is down, and the service recovers by itself once the server is back."""

import time
import unittest
import uuid

from harness import Proxy, Server, ServerTestCase

PG_PORT = 5433
REDIS_PORT = 6380


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


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


if __name__ == "__main__":
    unittest.main()
