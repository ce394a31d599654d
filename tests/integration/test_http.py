"""The HTTP surface shared by every endpoint: health, the error envelope, request ids, auth,
body limits, malformed requests, keep-alive and rate limiting (docs/api.md §2–§3)."""

import base64
import hashlib
import hmac
import http.client
import json
import socket
import subprocess
import time
import unittest

from harness import (DATABASE_URL, JWT_SECRET, MARQUEE_BIN, REDIS_URL, Server, ServerTestCase, die_with_parent,
                     free_port, redis_cli)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(header, payload, secret=JWT_SECRET):
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    sig = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(sig)}"


class HttpSurfaceTest(ServerTestCase):
    def raw_exchange(self, data, read_timeout=5):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=read_timeout) as s:
            s.sendall(data)
            chunks = []
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            except socket.timeout:
                pass
            return b"".join(chunks).decode(errors="replace")

    def test_health_reports_both_servers(self):
        r = self.call("GET", "/api/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json, {"status": "ok", "postgres": "ok", "redis": "ok"})
        self.assertEqual(r.header("content-type"), "application/json")

    def test_unknown_route_is_404_in_the_envelope(self):
        self.assertError(self.call("GET", "/api/v1/nothing-here"), 404, "NOT_FOUND")
        self.assertError(self.call("GET", "/no-such-page"), 404, "NOT_FOUND")
        self.assertError(self.call("GET", "/api/health/"), 404, "NOT_FOUND")

    def test_wrong_method_is_405_with_allow(self):
        r = self.call("DELETE", "/api/health")
        self.assertError(r, 405, "METHOD_NOT_ALLOWED")
        self.assertEqual(r.header("allow"), "GET")
        self.assertError(self.call("PUT", "/api/v1/admin/movies", {}), 405, "METHOD_NOT_ALLOWED")

    def test_request_id_is_echoed_or_generated(self):
        r = self.call("GET", "/api/health", headers={"X-Request-Id": "trace-abc-123"})
        self.assertEqual(r.header("x-request-id"), "trace-abc-123")
        generated = self.call("GET", "/api/health").header("x-request-id")
        self.assertRegex(generated, r"^[0-9a-f]{16}$")
        self.assertNotEqual(generated, self.call("GET", "/api/health").header("x-request-id"))
        # Errors carry it too, and an unprintable id is replaced rather than echoed.
        self.assertEqual(self.call("GET", "/nope", headers={"X-Request-Id": "e-1"}).header("x-request-id"), "e-1")
        self.assertRegex(self.call("GET", "/api/health", headers={"X-Request-Id": "a b"}).header("x-request-id"),
                         r"^[0-9a-f]{16}$")

    def test_protected_endpoint_needs_a_valid_token(self):
        path = "/api/v1/admin/theatres"
        self.assertError(self.call("POST", path, {}), 401, "UNAUTHORIZED")
        self.assertError(self.call("POST", path, {}, headers={"Authorization": "Basic abc"}), 401, "UNAUTHORIZED")
        self.assertError(self.call("POST", path, {}, token="not.a.jwt"), 401, "UNAUTHORIZED")
        now = int(time.time())
        good_claims = {"sub": "eve", "exp": now + 60, "roles": ["admin"]}
        self.assertError(self.call("POST", path, {}, token=hs256({"alg": "HS256"}, good_claims, "wrong-secret")),
                         401, "UNAUTHORIZED")
        self.assertError(self.call("POST", path, {}, token=hs256({"alg": "HS256"}, {**good_claims, "exp": now - 5})),
                         401, "UNAUTHORIZED", "expired")
        self.assertError(self.call("POST", path, {}, token=hs256({"alg": "HS256"}, {"sub": "eve", "roles": ["admin"]})),
                         401, "UNAUTHORIZED", "exp")
        none_header = b64(b'{"alg":"none"}')
        unsigned = f"{none_header}.{b64(json.dumps(good_claims).encode())}."
        self.assertError(self.call("POST", path, {}, token=unsigned), 401, "UNAUTHORIZED")
        # A hand-made HS256 token with the right secret is accepted (validation error, not 401).
        self.assertError(self.call("POST", path, {}, token=hs256({"alg": "HS256", "typ": "JWT"}, good_claims)),
                         400, "VALIDATION_ERROR")

    def test_admin_endpoints_need_the_admin_role(self):
        self.assertError(self.call("POST", "/api/v1/admin/movies", {"title": "x"}, token=self.user), 403, "FORBIDDEN")
        self.assertError(self.call("POST", "/api/v1/admin/shows", {}, token=self.user), 403, "FORBIDDEN")

    def test_body_must_be_json(self):
        path = "/api/v1/admin/theatres"
        self.assertError(self.call("POST", path, raw=b"name=x", content_type="application/x-www-form-urlencoded",
                                   token=self.admin), 415, "UNSUPPORTED_MEDIA_TYPE")
        self.assertError(self.call("POST", path, raw=b"{}", content_type=None, token=self.admin),
                         415, "UNSUPPORTED_MEDIA_TYPE")
        self.assertError(self.call("POST", path, raw=b"{\"name\": ", token=self.admin), 400, "VALIDATION_ERROR",
                         "malformed JSON")
        self.assertError(self.call("POST", path, raw=b"[1,2]", token=self.admin), 400, "VALIDATION_ERROR")
        self.assertError(self.call("POST", path, raw=b"", token=self.admin), 400, "VALIDATION_ERROR")
        deep = b"[" * 5000 + b"]" * 5000
        self.assertError(self.call("POST", path, raw=deep, token=self.admin), 400, "VALIDATION_ERROR")
        ok = self.call("POST", path, raw=b'{"name":"x"}', content_type="application/json; charset=utf-8",
                       token=self.admin)
        self.assertError(ok, 400, "VALIDATION_ERROR", "city")

    def test_body_over_64_kib_is_413(self):
        big = json.dumps({"name": "x" * (70 * 1024)}).encode()
        refused = self.call("POST", "/api/v1/admin/theatres", raw=big, token=self.admin,
                            headers={"X-Request-Id": "client-413"})
        self.assertError(refused, 413, "PAYLOAD_TOO_LARGE")
        self.assertEqual(refused.headers["x-request-id"], "client-413")  # the client's id, even here
        # The server is still fine afterwards.
        self.assertEqual(self.call("GET", "/api/health").status, 200)

    def test_malformed_http_gets_400_and_the_server_survives(self):
        reply = self.raw_exchange(b"THIS IS NOT HTTP\r\n\r\n")
        self.assertIn("400", reply.split("\r\n")[0])
        self.assertIn('"code":"VALIDATION_ERROR"', reply)
        reply = self.raw_exchange(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assertIn("400", reply.split("\r\n")[0])
        reply = self.raw_exchange(b"GET /api/%zz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertRegex(reply.split("\r\n")[0], r" 40[04] ")
        reply = self.raw_exchange(b"POST /api/v1/admin/theatres HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 1)
        self.assertEqual(reply, "")  # incomplete body: nothing answered, connection closed or timed out
        self.assertEqual(self.call("GET", "/api/health").status, 200)

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        request = b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            # Pipelined: three requests in one write, three responses back in order.
            s.sendall(request * 3)
            data = b""
            while data.count(b"HTTP/1.1 200") < 3:
                chunk = s.recv(65536)
                self.assertTrue(chunk, "connection closed early")
                data += chunk
        self.assertEqual(data.count(b'"status":"ok"'), 3)

    def test_head_is_get_without_a_body(self):
        reply = self.raw_exchange(b"HEAD /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head, _, body = reply.partition("\r\n\r\n")
        self.assertIn("HTTP/1.1 200", head)
        self.assertIn("Content-Length: 44", head)
        self.assertEqual(body, "")
        self.assertIn("405", self.raw_exchange(b"HEAD /api/v1/orders/x/cancel HTTP/1.1\r\nHost: x\r\n"
                                               b"Connection: close\r\n\r\n").split("\r\n")[0])

    def test_connection_close_is_honoured(self):
        reply = self.raw_exchange(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertIn("HTTP/1.1 200", reply)
        self.assertIn("Connection: close", reply)


class RateLimitTest(ServerTestCase):
    SERVER_ENV = {"RATE_LIMIT_PER_MINUTE": "3"}

    def test_fourth_call_in_a_minute_is_429_with_retry_after(self):
        statuses = [self.call("POST", "/api/v1/admin/theatres", {}, token=self.admin).status for _ in range(3)]
        self.assertEqual(statuses, [400, 400, 400])
        r = self.call("POST", "/api/v1/admin/theatres", {}, token=self.admin)
        self.assertError(r, 429, "RATE_LIMITED")
        self.assertGreaterEqual(int(r.header("retry-after")), 1)
        self.assertLessEqual(int(r.header("retry-after")), 60)
        # Per endpoint and per user: another endpoint and another user are unaffected.
        self.assertEqual(self.call("POST", "/api/v1/admin/shows", {}, token=self.admin).status, 400)
        other_admin = self.server.token("other-admin-" + str(time.time()), admin=True)
        self.assertEqual(self.call("POST", "/api/v1/admin/theatres", {}, token=other_admin).status, 400)
        # Public endpoints are not rate limited.
        for _ in range(5):
            self.assertEqual(self.call("GET", "/api/health").status, 200)

    def test_a_window_left_without_an_expiry_still_ends(self):
        # The window's expiry is set by its first request; a counter whose process died before
        # setting it must not lock the user out for good.
        user = "stuck-" + str(time.time())
        key = "ratelimit:{" + user + "}:POST /api/v1/admin/theatres"
        redis_cli("SET", key, "3")
        r = self.call("POST", "/api/v1/admin/theatres", {}, token=self.server.token(user, admin=True))
        self.assertError(r, 429, "RATE_LIMITED")
        self.assertEqual(r.header("retry-after"), "60")
        self.assertGreater(int(redis_cli("TTL", key)), 0)
        # A new window expires on its own.
        fresh = "ratelimit:{" + user + "}:POST /api/v1/admin/shows"
        self.assertEqual(self.call("POST", "/api/v1/admin/shows", {}, token=self.server.token(user, admin=True)).status,
                         400)
        self.assertGreater(int(redis_cli("TTL", fresh)), 0)


class GracefulShutdownTest(unittest.TestCase):
    def test_sigterm_stops_the_server_cleanly(self):
        server = Server()
        self.assertEqual(server.request("GET", "/api/health").status, 200)
        server.process.terminate()
        self.assertEqual(server.process.wait(10), 0)
        server.log.close()

    def test_a_second_server_on_the_same_port_fails_at_start(self):
        first = Server()
        try:
            env = {**first.env}
            r = subprocess.run([MARQUEE_BIN, "serve"], env=env, capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 1, r)
            self.assertIn(f"cannot listen on 127.0.0.1:{first.port}", r.stdout + r.stderr)
            self.assertEqual(first.request("GET", "/api/health").status, 200)
        finally:
            first.stop()

    def test_bad_configuration_stops_at_start_naming_the_variable(self):
        for var, value in [("PORT", "abc"), ("THREADS", "0"), ("HOLD_TTL_SECONDS", "-1"), ("REDIS_URL", "http://x"),
                           ("NOTIFY_SINK", "carrier-pigeon"), ("RATE_LIMIT_PER_MINUTE", "lots")]:
            r = subprocess.run([MARQUEE_BIN, "serve"], env={var: value}, capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 2, (var, r))
            self.assertIn(var, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


class StuckLogReaderTest(unittest.TestCase):
    def test_a_log_nobody_reads_never_holds_up_requests_or_the_stop(self):
        port = free_port()
        env = {"PATH": "/usr/bin:/bin", "PORT": str(port), "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
               "JWT_SECRET": JWT_SECRET, "THREADS": "2", "LOG_LEVEL": "info"}
        # stdout is a pipe this test never reads: it fills after some 64 KiB of access log.
        proc = subprocess.Popen([MARQUEE_BIN, "serve", "--no-jobs"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        try:
            conn = None
            deadline = time.time() + 20
            while time.time() < deadline and conn is None:
                try:
                    conn = socket.create_connection(("127.0.0.1", port), timeout=2)
                except OSError:
                    time.sleep(0.1)
            self.assertIsNotNone(conn)
            conn.close()
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            started = time.time()
            for i in range(3000):  # ~300 KiB of access log: far past what the pipe holds
                client.request("GET", f"/api/health?n={i}")
                response = client.getresponse()
                response.read()
                self.assertIn(response.status, (200, 503))
            self.assertLess(time.time() - started, 30)
            client.close()
            # Nor does it keep the server from stopping.
            proc.terminate()
            self.assertEqual(proc.wait(15), 0)
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    unittest.main()
