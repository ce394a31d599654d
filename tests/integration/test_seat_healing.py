"""Seat state that heals itself (docs/architecture.md, "Redis follows PostgreSQL"): Redis converges to
PostgreSQL after any loss, a hold is honoured or cleanly refused, one clock decides time-based
answers, and Redis's storage does not grow for ever."""

import datetime
import socket
import threading
import time
import unittest
import uuid

from harness import (ON_CLUSTER, ApiHelpers, BookingSteps, Proxy, Server, ServerTestCase, psql, redis_cli,
                     redis_server_of, wait_for)

PG_PORT = 5433
# What docs/architecture.md promises: agreement with PostgreSQL within 5 seconds of a loss.
CONVERGENCE_SECONDS = 5


class Resp:
    """Just enough of a Redis client to copy keys byte for byte (DUMP/RESTORE carry binary)."""

    def __init__(self, show_id):
        # The server holding the show's keys (they share a hash tag, so one cluster node has them all).
        port, db = redis_server_of(f"show:{{{show_id}}}")
        self.sock = socket.create_connection(("127.0.0.1", int(port)))
        self.buf = b""
        self.command("SELECT", db)

    def command(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self._reply()

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.sock.recv(65536)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b":"):
            return int(rest) if kind == b":" else rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(65536)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RuntimeError(f"unexpected reply {line!r}")

    def keys_of_show(self, show_id):
        return self.command("KEYS", f"*{{{show_id}}}*")

    def snapshot(self, show_id):
        """Every key of the show, as DUMP and PTTL see it: what a replica had."""
        return [(k, self.command("DUMP", k), self.command("PTTL", k)) for k in self.keys_of_show(show_id)]

    def restore(self, show_id, snapshot):
        """Puts the show's keys back to the snapshot: a failover to a replica that missed the writes since."""
        for k in self.keys_of_show(show_id):
            self.command("DEL", k)
        for k, dump, pttl in snapshot:
            self.command("RESTORE", k, max(pttl, 0), dump, "REPLACE")

    def close(self):
        self.sock.close()


class HealingSteps(BookingSteps):
    """The customer's steps, plus what these tests watch: a seat sold or free, Redis back."""

    def sold(self, show_id, seat, server=None):
        m = self.seat_map(show_id, server) or {}
        return seat in m.get("unavailableSeatIds", []) and seat not in m.get("heldSeatIds", [seat])

    def free(self, show_id, seat, server=None):
        m = self.seat_map(show_id, server) or {}
        return "unavailableSeatIds" in m and seat not in m["unavailableSeatIds"] and seat not in m["heldSeatIds"]

    def redis_back(self, server=None):
        """Waits until every worker of the server sees Redis again (each client reconnects after a
        back-off): a few requests in a row that need Redis, which alternate between the workers."""
        server = server or self.server
        probe = f"/api/v1/holds/{uuid.uuid4()}"
        token = server.token("probe-" + uuid.uuid4().hex[:6])
        self.assertTrue(wait_for(lambda: all(server.request("GET", probe, token=token).status == 404
                                             for _ in range(4)), 10))


class RedisLosesWritesTest(HealingSteps, ServerTestCase):
    def test_restored_to_an_older_copy_after_a_payment_and_a_refund(self):
        show = self.new_show()["showId"]
        alice, bob = self.buyer(), self.buyer()
        alices = self.book(alice, show, ["A1"])
        bobs = self.book(bob, show, ["B1"])
        self.assertEqual(self.pay(bob, bobs["orderId"]).status, 200)
        resp = Resp(show)
        try:
            replica = resp.snapshot(show)  # A1 in an unpaid order, B1 sold
            self.assertEqual(self.pay(alice, alices["orderId"]).status, 200)  # A1 sold
            self.assertEqual(self.cancel(bob, bobs["orderId"]).json["status"], "REFUNDED")  # B1 free
            resp.restore(show, replica)
        finally:
            resp.close()
        # Within seconds, and with nobody touching the seats, Redis agrees with PostgreSQL again.
        self.assertTrue(wait_for(lambda: self.sold(show, "A1") and self.free(show, "B1"), CONVERGENCE_SECONDS),
                        self.seat_map(show))
        self.assertEqual(self.hold(self.buyer(), show, ["A1"]).status, 409)  # paid: never held again
        self.assertEqual(self.hold(self.buyer(), show, ["B1"]).status, 201)  # refunded: free to hold

    def test_a_deleted_key_is_rebuilt(self):
        show = self.new_show()["showId"]
        buyer, holder = self.buyer(), self.buyer()
        order = self.book(buyer, show, ["C2"])
        self.assertEqual(self.pay(buyer, order["orderId"]).status, 200)
        held = self.hold(holder, show, ["C3"])
        self.assertEqual(held.status, 201)
        self.assertTrue(self.sold(show, "C2"))
        redis_cli("DEL", f"sold:{{{show}}}", f"seats:{{{show}}}")
        # (A seat map remembered by the server may still look right: watch Redis itself.)
        self.assertTrue(wait_for(lambda: redis_cli("SISMEMBER", f"sold:{{{show}}}", "C2") == "1",
                                 CONVERGENCE_SECONDS))
        self.assertTrue(self.sold(show, "C2"), self.seat_map(show))
        self.assertEqual(self.hold(self.buyer(), show, ["C2"]).status, 409)
        # The live hold kept its seat through the loss of the seat keys: its record had it.
        self.assertIn("C3", self.seat_map(show)["heldSeatIds"])
        self.assertEqual(self.hold(self.buyer(), show, ["C3"]).status, 409)
        self.assertEqual(self.order(holder, held.json["holdId"]).status, 201)

    def test_a_lost_key_stays_noticed_when_a_payment_writes_to_it_at_once(self):
        show = self.new_show()["showId"]
        first, second = self.buyer(), self.buyer()
        paid = self.book(first, show, ["C1"])
        self.assertEqual(self.pay(first, paid["orderId"]).status, 200)
        pending = self.book(second, show, ["C4"])
        redis_cli("DEL", f"sold:{{{show}}}")
        # The payment's Redis step finds the state damaged: it writes nothing rather than a set that
        # would hold C4 alone and hide the loss of C1.
        self.assertEqual(self.pay(second, pending["orderId"]).status, 200)
        self.assertTrue(wait_for(lambda: redis_cli("SMISMEMBER", f"sold:{{{show}}}", "C1", "C4").split() == ["1", "1"],
                                 CONVERGENCE_SECONDS))
        for seat in ("C1", "C4"):
            self.assertEqual(self.hold(self.buyer(), show, [seat]).status, 409, seat)

    def test_a_lost_hold_key_is_noticed_on_the_next_hold(self):
        show = self.new_show()["showId"]
        self.assertEqual(self.hold(self.buyer(), show, ["A1"]).status, 201)
        redis_cli("DEL", f"user_holds:{{{show}}}")
        self.assertEqual(self.hold(self.buyer(), show, ["A2"]).status, 201)
        # Rebuilt, with its sentinel and its expiry, before the hold was decided.
        self.assertEqual(redis_cli("EXISTS", f"user_holds:{{{show}}}"), "1")
        self.assertGreater(int(redis_cli("PTTL", f"user_holds:{{{show}}}")), 0)

    def test_listings_agree_again_after_redis_loses_everything(self):
        movie = self.create_movie()
        theatre = self.create_theatre()
        screen = self.create_screen(theatre["theatreId"], rows=1, seats=2)
        day = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
        show = self.create_show(movie["movieId"], screen["screenId"], f"{day}T18:00:00+05:30")["showId"]
        buyer = self.buyer()
        order = self.book(buyer, show, ["A1", "A2"])
        self.assertEqual(self.pay(buyer, order["orderId"]).status, 200)

        def status():
            r = self.call("GET", f"/api/v1/movies/{movie['movieId']}/shows?date={day}")
            return r.json["theatres"][0]["shows"][0]["status"]

        self.assertEqual(status(), "SOLD_OUT")
        redis_cli("FLUSHDB")
        # Nobody asks for the seat map: the listing alone must come back to SOLD_OUT.
        self.assertTrue(wait_for(lambda: status() == "SOLD_OUT", CONVERGENCE_SECONDS))


@unittest.skipIf(ON_CLUSTER, "a proxy stands in front of one Redis server; test_cluster fails a cluster's primary")
class RedisStepFailsAfterCommitTest(HealingSteps, ServerTestCase):
    @classmethod
    def setUpClass(cls):
        port, db = redis_server_of("")
        cls.redis = Proxy(int(port))
        cls.server = Server(redis_url=f"redis://127.0.0.1:{cls.redis.port}/{db}")
        cls.admin = cls.server.token("admin-" + uuid.uuid4().hex[:8], admin=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.redis.stop()

    def setUp(self):
        self.redis_back()

    def test_payment_and_refund_while_redis_is_away_are_caught_up(self):
        show = self.new_show()["showId"]
        alice, bob = self.buyer(), self.buyer()
        alices = self.book(alice, show, ["A1"])
        bobs = self.book(bob, show, ["B1"])
        self.assertEqual(self.pay(bob, bobs["orderId"]).status, 200)
        self.redis.stop()  # Redis unreachable right after each commit below
        try:
            paid = self.pay(alice, alices["orderId"])
            self.assertEqual(paid.status, 200, paid)  # the committed answer, not an error
            self.assertEqual(paid.json["status"], "CONFIRMED")
            refunded = self.cancel(bob, bobs["orderId"])
            self.assertEqual(refunded.status, 200, refunded)
            self.assertEqual(refunded.json["status"], "REFUNDED")
        finally:
            self.redis.start()
        self.redis_back()
        self.assertTrue(wait_for(lambda: self.sold(show, "A1") and self.free(show, "B1"), CONVERGENCE_SECONDS),
                        self.seat_map(show))
        self.assertEqual(self.hold(self.buyer(), show, ["B1"]).status, 201)

    def test_cancelling_a_show_again_finishes_what_redis_missed(self):
        movie = self.create_movie()
        theatre = self.create_theatre()
        screen = self.create_screen(theatre["theatreId"])
        day = (datetime.date.today() + datetime.timedelta(days=25)).isoformat()
        show = self.create_show(movie["movieId"], screen["screenId"], f"{day}T18:00:00+05:30")["showId"]
        listing = f"/api/v1/movies/{movie['movieId']}/shows?date={day}"

        def listed():
            return [s["showId"] for t in self.call("GET", listing).json["theatres"] for s in t["shows"]]

        self.book(self.buyer(), show, ["A3"])
        self.assertEqual(listed(), [show])  # the listing is now cached in Redis
        self.redis.stop()
        try:
            r = self.call("POST", f"/api/v1/admin/shows/{show}/cancel", token=self.admin)
            self.assertEqual(r.status, 200, r)
        finally:
            self.redis.start()
        self.redis_back()
        # The cached listing was not told (Redis was away): it still offers the show, for up to a minute.
        self.assertEqual(listed(), [show])
        again = self.call("POST", f"/api/v1/admin/shows/{show}/cancel", token=self.admin)
        self.assertEqual(again.status, 200, again)
        self.assertEqual(listed(), [])  # the repeat finished the job
        self.assertTrue(wait_for(lambda: self.free(show, "A3"), CONVERGENCE_SECONDS), self.seat_map(show))
        self.assertEqual(self.hold(self.buyer(), show, ["A3"]).status, 409)  # cancelled: not bookable


class HoldHonouredOrRefusedTest(HealingSteps, ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = Proxy(PG_PORT)
        cls.server = Server(env={"HOLD_TTL_SECONDS": "2"},
                            database_url=f"postgresql://marquee@127.0.0.1:{cls.pg.port}/marquee_test")
        cls.admin = cls.server.token("admin-" + uuid.uuid4().hex[:8], admin=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.pg.stop()

    def test_a_hold_expiring_while_its_order_waits_never_takes_another_users_seats(self):
        show = self.new_show()["showId"]
        alice, bob = self.buyer(), self.buyer()
        # Everything the later requests need from PostgreSQL is already known to both workers (each
        # request below is a new connection, and connections alternate between them).
        for _ in range(2):
            self.seat_map(show)
        for token in (alice, alice, bob, bob):
            self.call("GET", f"/api/v1/holds/{uuid.uuid4()}", token=token)
        held = self.hold(alice, show, ["A1", "A2"])
        self.assertEqual(held.status, 201, held)
        self.pg.pause()
        answers = {}
        ordering = threading.Thread(target=lambda: answers.update(alice=self.order(alice, held.json["holdId"])))
        try:
            ordering.start()
            time.sleep(2.8)  # alice's hold is past its expiry now, her order still waiting
            answers["bob"] = self.hold(bob, show, ["A2"])
        finally:
            self.pg.resume()
        ordering.join(20)
        alice_order, bob_hold = answers["alice"], answers["bob"]
        self.assertIn(bob_hold.status, (201, 409), bob_hold)
        if bob_hold.status == 201:
            # Bob was told the seat is his: it stays his, and alice's order was refused, writing nothing.
            self.assertError(alice_order, 409, "HOLD_EXPIRED")
            self.assertEqual(psql(f"SELECT count(*) FROM orders WHERE hold_id = '{held.json['holdId']}'"), "0")
            self.assertEqual(self.order(bob, bob_hold.json["holdId"]).status, 201)
        else:
            # The seats were claimed for alice's order while her hold was valid: the order stands.
            self.assertEqual(alice_order.status, 201, alice_order)
            self.assertEqual(alice_order.json["seats"], ["A1", "A2"])

    def test_an_order_for_a_lapsed_hold_is_refused_and_writes_nothing(self):
        show = self.new_show()["showId"]
        alice = self.buyer()
        held = self.hold(alice, show, ["B1"])
        self.assertEqual(held.status, 201)
        time.sleep(2.2)
        self.assertError(self.order(alice, held.json["holdId"]), 409, "HOLD_EXPIRED")
        self.assertEqual(psql(f"SELECT count(*) FROM orders WHERE hold_id = '{held.json['holdId']}'"), "0")


class OneClockTest(HealingSteps, ApiHelpers, unittest.TestCase):
    """Two instances whose own clocks are 8 seconds apart give the same time-based answers."""

    @classmethod
    def setUpClass(cls):
        env = {"HOLD_TTL_SECONDS": "6"}
        cls.ahead = Server(env={**env, "MARQUEE_CLOCK_SKEW_MS": "4000"})
        cls.behind = Server(env={**env, "MARQUEE_CLOCK_SKEW_MS": "-4000"}, args=("serve", "--no-jobs"))
        cls.behind.wait_ready()
        cls.server = cls.ahead
        cls.admin = cls.ahead.token("admin-" + uuid.uuid4().hex[:8], admin=True)
        time.sleep(1.2)  # each has compared its clock with Redis's

    @classmethod
    def tearDownClass(cls):
        cls.ahead.stop()
        cls.behind.stop()

    def test_hold_status_and_seat_map_agree_across_instances(self):
        show = self.new_show()["showId"]
        buyer = self.buyer(self.ahead)
        held = self.hold(buyer, show, ["A1"], server=self.ahead)
        self.assertEqual(held.status, 201, held)
        hold_id = held.json["holdId"]

        def views():
            return [(s.request("GET", f"/api/v1/holds/{hold_id}", token=buyer).json["status"],
                     "A1" in self.seat_map(show, s)["heldSeatIds"]) for s in (self.ahead, self.behind)]

        time.sleep(2)  # 2 s into a 6 s hold: the instance 4 s ahead must not call it expired
        self.assertEqual(views(), [("HELD", True), ("HELD", True)])
        time.sleep(5)  # 7 s in: the instance 4 s behind must not call it held
        self.assertEqual(views(), [("EXPIRED", False), ("EXPIRED", False)])


class StorageTest(HealingSteps, ServerTestCase):
    def test_a_refused_hold_writes_nothing(self):
        show = self.new_show()["showId"]
        self.assertEqual(self.hold(self.buyer(), show, ["A1"]).status, 201)
        before = set(redis_cli("KEYS", "hold_show:*").split())
        self.assertEqual(self.hold(self.buyer(), show, ["A1"]).status, 409)
        # No key added (older holds' keys may expire meanwhile).
        self.assertLessEqual(set(redis_cli("KEYS", "hold_show:*").split()), before)

    def test_a_shows_state_expires_a_day_after_it_ends(self):
        show = self.new_show(days_ahead=3)
        self.assertEqual(self.hold(self.buyer(), show["showId"], ["A1"]).status, 201)
        ends = int(psql(f"SELECT extract(epoch FROM end_time)::bigint FROM shows WHERE show_id = '{show['showId']}'"))
        for key in ("show", "sold", "seats", "seat_expiry", "holds", "user_holds", "hold_expiry"):
            expire_at = int(redis_cli("PEXPIRETIME", f"{key}:{{{show['showId']}}}")) // 1000
            self.assertAlmostEqual(expire_at, ends + 86400, delta=5, msg=key)

    def test_delivered_events_are_removed_after_a_week(self):
        # Ids in the order of creation, as the sequence gives them: ahead of every event the test
        # database has gathered (retention reads the outbox from its oldest ids on).
        def written(days_ago, before):
            return psql(f"INSERT INTO outbox (event_id, event_type, payload, created_at, delivered_at) "
                        f"SELECT coalesce(min(event_id), 0) - {before}, 'order.created', '{{}}', "
                        f"now() - interval '{days_ago} days', now() - interval '{days_ago} days' FROM outbox "
                        "RETURNING event_id").splitlines()[0]
        recent = written(6, 1)
        old = written(8, 1)
        jobs = Server(args=("jobs",))  # removes old deliveries when it starts, then every minute
        try:
            self.assertTrue(wait_for(lambda: psql(f"SELECT count(*) FROM outbox WHERE event_id = {old}") == "0", 10))
            self.assertEqual(psql(f"SELECT count(*) FROM outbox WHERE event_id = {recent}"), "1")
        finally:
            jobs.stop()


if __name__ == "__main__":
    unittest.main()
