"""docs/openapi.yaml is the API's own description: it lists exactly the router's routes, passes
Redocly's linter, and is what the server publishes at /api/openapi.yaml (rendered at /api/docs).
That every response of every integration test matches it is checked by the harness
(openapi_check.py)."""
import os
import subprocess
import unittest

import openapi_check
from harness import MARQUEE_BIN, Server

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def router_routes(development):
    env = dict(os.environ, MARQUEE_ENV="development" if development else "production",
               JWT_SECRET="a-secret-only-for-listing-routes-32-bytes")
    out = subprocess.run([MARQUEE_BIN, "routes"], env=env, capture_output=True, text=True, check=True).stdout
    return set(out.split("\n")) - {""}


class OpenApiTest(unittest.TestCase):
    def test_every_route_and_nothing_else(self):
        documented = openapi_check.contract().routes()
        served = router_routes(development=True)
        self.assertEqual(sorted(served - documented), [], "routes the document does not describe")
        self.assertEqual(sorted(documented - served), [], "operations the server does not have")
        # In production the development sign-in is the one route that is not there.
        self.assertEqual(served - router_routes(development=False), {"POST /api/v1/dev/sign-in"})

    def test_every_operation_is_complete(self):
        spec = openapi_check.contract().spec
        self.assertEqual(spec["openapi"][:4], "3.1.")
        ids = set()
        for template, item in spec["paths"].items():
            for method, op in item.items():
                if method not in ("get", "put", "post", "patch", "delete"):
                    continue
                name = f"{method.upper()} {template}"
                self.assertNotIn(op["operationId"], ids, name)
                ids.add(op["operationId"])
                self.assertTrue(op.get("summary"), name)
                statuses = set(op["responses"])
                self.assertTrue(any(s.startswith("2") for s in statuses), name)
                # Every endpoint may find a backend down, but the scrape (it answers regardless).
                self.assertEqual("503" in statuses, op["operationId"] != "getMetrics", name)
                if op.get("security", spec.get("security")):
                    self.assertIn("401", statuses, name)
                    # Every protected route is rate limited, but the scrapes' (Access::Monitoring).
                    self.assertEqual("429" in statuses, op["operationId"] != "getMetrics", name)
                # A malformed id in the path is a 400 (a queue ticket is opaque: a bad one is its own error).
                if any(p.startswith("{") and p != "{ticket}" for p in template.split("/")):
                    self.assertIn("400", statuses, name)

    def test_the_linter_passes(self):
        redocly = os.path.join(ROOT, "node_modules", ".bin", "redocly")
        self.assertTrue(os.path.exists(redocly), "npm ci has not installed @redocly/cli (./test.sh does)")
        r = subprocess.run([redocly, "lint", "--format", "stylish", os.path.join(ROOT, "docs", "openapi.yaml")],
                           capture_output=True, text=True, cwd=ROOT, timeout=120,
                           env=dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true"))
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-2000:])

    def test_the_server_publishes_it(self):
        server = Server(env={"WEB_DIR": os.path.join(ROOT, "web")})
        try:
            r = server.request("GET", "/api/openapi.yaml")
            self.assertEqual(r.status, 200, r)
            self.assertTrue(r.header("content-type").startswith("application/yaml"))
            with open(os.path.join(ROOT, "docs", "openapi.yaml")) as f:
                self.assertEqual(r.raw, f.read())
            page = server.request("GET", "/api/docs")
            self.assertEqual(page.status, 200, page)
            self.assertIn('spec-url="/api/openapi.yaml"', page.raw)
            self.assertIn('src="/vendor/redoc.standalone.js"', page.raw)
            bundle = server.request("HEAD", "/vendor/redoc.standalone.js")
            self.assertEqual(bundle.status, 200, "Redoc is not vendored into web/vendor/ (./run.sh does it)")
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
