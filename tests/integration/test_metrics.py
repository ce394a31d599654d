"""Prometheus metrics (docs/operations.md): GET /metrics for admins, in the text format promtool
accepts, counting what the service does; the alert rules parse."""

import os
import shutil
import subprocess
import unittest
import uuid

from harness import (ROOT, ApiHelpers, BookingSteps, Server, ServerTestCase, free_port, psql, wait_for,
                     metric_sample as sample)


class MetricsTest(BookingSteps, ServerTestCase):

    def scrape(self):
        r = self.call("GET", "/metrics", token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("Content-Type").startswith("text/plain; version=0.0.4"))
        return r.raw.decode() if isinstance(r.raw, bytes) else r.raw

    def test_only_admins(self):
        self.assertError(self.call("GET", "/metrics"), 401, "UNAUTHORIZED")
        self.assertError(self.call("GET", "/metrics", token=self.user), 403, "FORBIDDEN")

    def test_what_the_service_did_is_counted(self):
        before = self.scrape()
        show = self.new_show()["showId"]
        me, other = self.buyer(), self.buyer()
        order = self.book(me, show, ["A1"])
        self.assertEqual(self.pay(me, order["orderId"]).status, 200)
        self.assertEqual(self.hold(other, show, ["A1"]).status, 409)
        self.call("GET", f"/api/v1/shows/{uuid.uuid4()}/seatmap")
        after = self.scrape()
        grew = lambda name, **labels: sample(after, name, **labels) - sample(before, name, **labels)
        self.assertGreaterEqual(grew("marquee_http_requests_total", route="/api/v1/holds", method="POST", status="201"), 1)
        self.assertGreaterEqual(grew("marquee_http_requests_total", route="/api/v1/holds", method="POST", status="409"), 1)
        self.assertGreaterEqual(grew("marquee_http_requests_total", route="/api/v1/shows/{showId}/seatmap", status="404"), 1)
        self.assertGreaterEqual(grew("marquee_http_request_duration_seconds_count", route="/api/v1/holds", method="POST"), 2)
        self.assertGreaterEqual(grew("marquee_holds_total", outcome="granted"), 1)
        self.assertGreaterEqual(grew("marquee_holds_total", outcome="taken"), 1)
        # A full house asked for best seats: none free.
        tiny = self.new_show(rows=1, seats=1)["showId"]
        self.assertEqual(self.hold(self.buyer(), tiny, ["A1"]).status, 201)
        r = self.call("POST", "/api/v1/holds", {"showId": tiny, "quantity": 1, "best": True}, token=self.buyer())
        self.assertEqual(r.status, 409, r)
        self.assertGreaterEqual(sample(self.scrape(), "marquee_holds_total", outcome="none_free"), 1)
        self.assertGreaterEqual(grew("marquee_orders_total", outcome="created"), 1)
        self.assertGreaterEqual(grew("marquee_orders_total", outcome="confirmed"), 1)
        self.assertGreater(grew("marquee_pg_statements_total"), 0)
        self.assertGreater(grew("marquee_redis_commands_total"), 0)
        self.assertGreaterEqual(sample(after, "marquee_http_requests_in_flight"), 1)  # the scrape itself
        self.assertGreaterEqual(sample(after, "marquee_outbox_backlog"), 0)
        self.assertEqual(sample(after, "marquee_outbox_dead"),
                         float(psql("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL")))
        for family in ("marquee_outbox_backlog", "marquee_outbox_oldest_undelivered_seconds", "marquee_outbox_dead",
                       "marquee_pg_errors_total", "marquee_redis_errors_total", "marquee_pg_pool_wait_seconds"):
            self.assertIn(f"# TYPE {family} ", after)

    def test_promtool_accepts_the_metrics_and_the_alert_rules(self):
        self.assertTrue(shutil.which("promtool"), "promtool missing: ./test.sh installs Debian's prometheus package")
        self.book(self.buyer(), self.new_show()["showId"], ["B2"])
        r = subprocess.run(["promtool", "check", "metrics"], input=self.scrape(), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rules = os.path.join(ROOT, "deploy", "alerts.yml")
        r = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class JobsProcessMetricsTest(BookingSteps, ApiHelpers, unittest.TestCase):
    """`marquee jobs` (the jobs of a scaled-out deployment) answers /metrics and /api/health on
    METRICS_PORT, and nothing of the API: what its jobs did (orders expired) can be scraped."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(env={"ORDER_TTL_SECONDS": "2", "HOLD_TTL_SECONDS": "1"}, args=("serve", "--no-jobs"))
        port = free_port()
        # (A rate limit a scraper would soon reach, if scrapes were counted.)
        cls.jobs = Server(env={"METRICS_PORT": str(port), "RATE_LIMIT_PER_MINUTE": "2"}, args=("jobs",), port=port,
                          wait=False)
        cls.jobs.contract = False  # it answers no API: docs/openapi.yaml is the API's
        cls.jobs.wait_ready()
        cls.admin = cls.server.token("admin-jobs-metrics", admin=True)

    @classmethod
    def tearDownClass(cls):
        cls.jobs.stop()
        cls.server.stop()

    def jobs_metrics(self):
        r = self.jobs.request("GET", "/metrics", token=self.admin)
        self.assertEqual(r.status, 200, r)
        return r.raw.decode() if isinstance(r.raw, bytes) else r.raw

    def test_the_jobs_process_is_scraped_for_what_its_jobs_did(self):
        before = sample(self.jobs_metrics(), "marquee_orders_total", outcome="expired")
        me = self.buyer()
        order = self.book(me, self.new_show()["showId"], ["A1"])
        # The API process runs no jobs: the jobs process expires the unpaid order, and says so.
        self.assertTrue(wait_for(lambda: psql(f"SELECT status FROM orders WHERE order_id = '{order['orderId']}'")
                                 == "EXPIRED", timeout=15))
        self.assertGreaterEqual(sample(self.jobs_metrics(), "marquee_orders_total", outcome="expired") - before, 1)
        r = subprocess.run(["promtool", "check", "metrics"], input=self.jobs_metrics(), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_scrapes_are_not_rate_limited(self):
        for _ in range(5):
            self.jobs_metrics()

    def test_only_health_and_metrics_are_answered(self):
        self.assertEqual(self.jobs.request("GET", "/api/health").status, 200)
        # Every outcome is there from the start (at 0 until something happens), so a first rise shows.
        scraped = self.jobs_metrics()
        for outcome in ("created", "confirmed", "cancelled", "refunded", "expired"):
            self.assertRegex(scraped, rf'(?m)^marquee_orders_total{{outcome="{outcome}"}} \d+$')
        self.assertError(self.jobs.request("GET", "/metrics"), 401, "UNAUTHORIZED")
        self.assertError(self.jobs.request("GET", "/api/v1/movies"), 404, "NOT_FOUND")
        self.assertError(self.jobs.request("POST", "/api/v1/holds", {"showId": str(uuid.uuid4()), "seatIds": ["A1"]},
                                           token=self.admin), 404, "NOT_FOUND")


if __name__ == "__main__":
    unittest.main()
