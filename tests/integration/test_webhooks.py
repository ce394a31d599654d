"""Webhooks (docs/api-notes.md, "Webhooks"): NOTIFY_SINK=webhook:… POSTs each event signed with
HMAC-SHA256 over its timestamp and body, retried through the outbox like every sink, alongside other
sinks."""

import hashlib
import hmac
import http.server
import json
import os
import tempfile
import threading
import time
import unittest

from harness import ApiHelpers, BookingSteps, Server, psql, read_events, wait_for

SECRET = "webhook-test-secret-of-at-least-32-bytes"


class Receiver:
    """A webhook receiver that checks every delivery as the docs tell a receiver to, and can refuse
    the first delivery of every event (HTTP 500) to see it retried. (Other tests' events may be in the
    shared outbox too: each event is judged by its own id.)"""

    def __init__(self, refuse_first_attempts=False):
        self.accepted, self.refused_ids, self.bad = [], [], []
        self.refuse_first_attempts = refuse_first_attempts
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signature = dict(part.split("=", 1) for part in self.headers["X-Marquee-Signature"].split(","))
                event_id = self.headers["X-Marquee-Event-Id"]
                signed = f"{signature['t']}.{event_id}.".encode() + body
                expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
                fresh = abs(time.time() - int(signature["t"])) < 300
                if not hmac.compare_digest(expected, signature["v1"]) or not fresh:
                    receiver.bad.append(self.headers["X-Marquee-Signature"])
                    self.send_response(400)
                elif receiver.refuse_first_attempts and event_id not in receiver.refused_ids:
                    receiver.refused_ids.append(event_id)
                    self.send_response(500)
                else:
                    receiver.accepted.append((self.headers["X-Marquee-Event-Id"], self.headers["X-Marquee-Event"],
                                              json.loads(body)))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


class WebhookTest(BookingSteps, ApiHelpers, unittest.TestCase):

    def start(self, receiver, extra_sink=""):
        env = {"NOTIFY_SINK": f"webhook:http://127.0.0.1:{receiver.port}/hooks{extra_sink}", "WEBHOOK_SECRET": SECRET}
        self.server = Server(env=env)
        self.addCleanup(self.server.stop)
        self.admin = self.server.token("admin-webhooks", admin=True)

    def test_signed_deliveries_alongside_a_file(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        events_file = os.path.join(tempfile.mkdtemp(), "events.jsonl")
        self.start(receiver, extra_sink=f",file:{events_file}")
        me = self.buyer()
        order = self.book(me, self.new_show()["showId"], ["A1"])
        self.assertEqual(self.pay(me, order["orderId"]).status, 200)
        wanted = {("order.created", order["orderId"]), ("order.confirmed", order["orderId"])}
        got = lambda: {(kind, body["orderId"]) for _, kind, body in receiver.accepted}
        self.assertTrue(wait_for(lambda: wanted <= got()), receiver.accepted)
        self.assertEqual(receiver.bad, [])
        confirmed = next(body for _, kind, body in receiver.accepted if kind == "order.confirmed")
        self.assertEqual(confirmed["event"], "order.confirmed")
        self.assertTrue(confirmed["ticketCode"])
        # The file sink got the same events (written after the webhook's, so perhaps a moment later).
        in_file = lambda: {(e["event"], e["orderId"]) for e in read_events(events_file)}
        self.assertTrue(wait_for(lambda: wanted <= in_file()), in_file())

    def test_a_refused_delivery_is_retried_with_the_same_event_id(self):
        receiver = Receiver(refuse_first_attempts=True)
        self.addCleanup(receiver.close)
        self.start(receiver)
        me = self.buyer()
        hold = self.hold(me, self.new_show()["showId"], ["B2"]).json
        order = self.order(me, hold["holdId"]).json
        mine = lambda: [(i, kind) for i, kind, body in receiver.accepted if body.get("orderId") == order["orderId"]]
        self.assertTrue(wait_for(mine, timeout=20), receiver.accepted)
        event_id, kind = mine()[0]
        self.assertEqual(kind, "order.created")
        self.assertIn(event_id, receiver.refused_ids)  # refused once, then accepted under the same id
        self.assertEqual(receiver.refused_ids.count(event_id), 1)
        self.assertRegex(event_id, r"^\d+$")

    def test_a_retry_goes_only_to_the_sinks_that_failed(self):
        # The webhook refuses each event once; the file beside it had it the first time and must not
        # get it again on the webhook's retry (with an e-mail sink, that would be a second e-mail).
        receiver = Receiver(refuse_first_attempts=True)
        self.addCleanup(receiver.close)
        events_file = os.path.join(tempfile.mkdtemp(), "events.jsonl")
        self.start(receiver, extra_sink=f",file:{events_file}")
        me = self.buyer()
        order = self.book(me, self.new_show()["showId"], ["C3"])
        mine = lambda: [i for i, kind, body in receiver.accepted if body.get("orderId") == order["orderId"]]
        self.assertTrue(wait_for(mine, timeout=20), receiver.accepted)
        self.assertIn(mine()[0], receiver.refused_ids)  # the webhook had it on the second attempt
        # Once the outbox has recorded the second attempt, every sink has been called for it.
        recorded = lambda: psql(f"SELECT attempts, delivered_at IS NOT NULL FROM outbox WHERE event_id = {mine()[0]}")
        self.assertTrue(wait_for(lambda: recorded() == "2|t", timeout=10), recorded())
        # The file had it on the first attempt only.
        self.assertEqual([e["event"] for e in read_events(events_file) if e.get("orderId") == order["orderId"]],
                         ["order.created"])

    def test_configuration_is_checked(self):
        import subprocess
        from harness import MARQUEE_BIN
        for sink, secret, wanted in [("webhook:http://example.com/hook", SECRET, "must use https"),
                                     ("webhook:https://example.com/hook", "short", "WEBHOOK_SECRET"),
                                     ("log,nonsense", SECRET, "NOTIFY_SINK")]:
            env = {**os.environ, "NOTIFY_SINK": sink, "WEBHOOK_SECRET": secret}
            r = subprocess.run([MARQUEE_BIN, "serve"], env=env, capture_output=True, text=True, timeout=10)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(wanted, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
