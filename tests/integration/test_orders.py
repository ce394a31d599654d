"""Orders, payment, expiry, cancellation and notifications (docs/api.md §4–§5)."""

import os
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

from harness import (CUSTOMER, DATABASE_URL, MARQUEE_BIN, ApiHelpers, BookingSteps, Server, ServerTestCase, SmtpSink,
                     die_with_parent, in_parallel, metric_sample, psql, read_events, redis_cli, unique, wait_for)


def lock_waiters():
    """Sessions of the test database waiting for a lock another transaction holds."""
    return int(psql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"))


class OrderFlowTest(BookingSteps, ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.events_file = tempfile.mktemp(prefix="marquee-events-", suffix=".jsonl")
        cls.SERVER_ENV = {"NOTIFY_SINK": f"file:{cls.events_file}"}
        super().setUpClass()

    def test_hold_order_confirm(self):
        show = self.new_show(price=280.5)
        alice = self.buyer()
        h = self.hold(alice, show["showId"], ["B3", "A1", "B2"]).json
        r = self.order(alice, h["holdId"])
        self.assertEqual(r.status, 201, r)
        o = r.json
        self.assertEqual(o["status"], "PAYMENT_PENDING")
        self.assertEqual(o["seats"], ["A1", "B2", "B3"])
        self.assertEqual(o["amount"], 841.5)  # 3 × 280.5, exactly
        self.assertEqual(o["show"]["showId"], show["showId"])
        self.assertEqual(o["show"]["startTime"], show["startTime"])
        self.assertEqual(o["theatre"]["theatreId"], show["theatreId"])
        self.assertEqual(o["movie"]["movieId"], show["movieId"])
        self.assertIsInstance(o["movie"]["title"], str)
        self.assertRegex(o["expiresAt"], r"Z$")
        self.assertNotIn("ticketCode", o)
        # The hold became the order; the seats are still held in the seat map.
        self.assertEqual(self.call("GET", f"/api/v1/holds/{h['holdId']}", token=alice).json["status"], "CONVERTED")
        self.assertEqual(self.call("GET", f"/api/v1/holds/{h['holdId']}", token=alice).json["orderId"], o["orderId"])
        self.assertEqual(self.seat_map(show["showId"])["heldSeatIds"], ["A1", "B2", "B3"])
        # Posting the same hold again returns the same order.
        again = self.order(alice, h["holdId"])
        self.assertEqual((again.status, again.json), (200, o))
        self.assertEqual(self.call("GET", f"/api/v1/orders/{o['orderId']}", token=alice).json, o)

        paid = self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=alice)
        self.assertEqual(paid.status, 200, paid)
        self.assertEqual(paid.json["status"], "CONFIRMED")
        self.assertRegex(paid.json["ticketCode"], r"^BMS-[A-Z2-9]{8}$")
        twice = self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=alice)
        self.assertEqual((twice.status, twice.json), (200, paid.json))
        m = self.seat_map(show["showId"])
        self.assertEqual((m["unavailableSeatIds"], m["heldSeatIds"]), (["A1", "B2", "B3"], []))
        self.assertError(self.hold(self.buyer(), show["showId"], ["B2"]), 409, "SEATS_UNAVAILABLE", "B2")
        # The released hold cannot be released again into free seats.
        self.assertError(self.call("POST", f"/api/v1/holds/{h['holdId']}/release", token=alice), 409, "INVALID_STATE")

        events = wait_for(lambda: [e for e in read_events(self.events_file) if e.get("orderId") == o["orderId"]]
                          if len([e for e in read_events(self.events_file) if e.get("orderId") == o["orderId"]]) >= 2
                          else None)
        self.assertEqual([e["event"] for e in events], ["order.created", "order.confirmed"])
        confirmed = events[1]
        self.assertEqual(confirmed["ticketCode"], paid.json["ticketCode"])
        self.assertEqual(confirmed["email"], CUSTOMER["email"])
        self.assertTrue(confirmed["userId"].startswith("buyer-"))

    def test_ticket_codes_are_unique(self):
        show = self.new_show(rows=1, seats=10)
        codes = set()
        for seat in range(1, 11):
            t = self.buyer()
            o = self.book(t, show["showId"], [f"A{seat}"])
            codes.add(self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=t).json["ticketCode"])
        self.assertEqual(len(codes), 10)

    def test_customer_validation(self):
        show = self.new_show()
        t = self.buyer()
        hold_id = self.hold(t, show["showId"], ["A1"]).json["holdId"]
        for customer, field in [({**CUSTOMER, "name": ""}, "customer.name"),
                                ({**CUSTOMER, "name": "x" * 256}, "customer.name"),
                                ({**CUSTOMER, "email": "not-an-email"}, "customer.email"),
                                ({**CUSTOMER, "email": "a@b"}, "customer.email"),
                                ({**CUSTOMER, "phone": "12345"}, "customer.phone"),
                                ({**CUSTOMER, "phone": "98765-43210"}, "customer.phone"),
                                ({**CUSTOMER, "phone": "+1234567890123456"}, "customer.phone"),
                                ({"name": "A", "email": "a@example.com"}, "customer.phone")]:
            self.assertError(self.order(t, hold_id, customer), 400, "VALIDATION_ERROR", field)
        self.assertError(self.call("POST", "/api/v1/orders", {"customer": CUSTOMER}, token=t), 400, "VALIDATION_ERROR",
                         "holdId")
        self.assertError(self.call("POST", "/api/v1/orders", {"holdId": hold_id}, token=t), 400, "VALIDATION_ERROR",
                         "customer")
        self.assertEqual(self.order(t, hold_id, {**CUSTOMER, "phone": "9876543"}).status, 201)

    def test_other_users_cannot_see_or_touch_orders(self):
        show = self.new_show()
        alice, mallory = self.buyer(), self.buyer()
        h = self.hold(alice, show["showId"], ["C1"]).json
        self.assertError(self.order(mallory, h["holdId"]), 404, "NOT_FOUND")
        o = self.order(alice, h["holdId"]).json
        self.assertError(self.order(mallory, h["holdId"]), 404, "NOT_FOUND")
        for method, path in [("GET", f"/api/v1/orders/{o['orderId']}"),
                             ("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment"),
                             ("POST", f"/api/v1/orders/{o['orderId']}/cancel")]:
            self.assertError(self.call(method, path, token=mallory), 404, "NOT_FOUND")
        self.assertNotIn(o["orderId"], [x["orderId"] for x in self.call("GET", "/api/v1/orders", token=mallory).json["items"]])
        self.assertEqual(self.call("GET", f"/api/v1/orders/{o['orderId']}", token=alice).json["status"], "PAYMENT_PENDING")
        self.assertError(self.call("GET", f"/api/v1/orders/{uuid.uuid4()}", token=alice), 404, "NOT_FOUND")
        self.assertError(self.call("GET", "/api/v1/orders/nope", token=alice), 400, "VALIDATION_ERROR")
        self.assertError(self.order(alice, str(uuid.uuid4())), 404, "NOT_FOUND")

    def test_released_hold_cannot_become_an_order(self):
        show = self.new_show()
        t = self.buyer()
        h = self.hold(t, show["showId"], ["A2"]).json
        self.call("POST", f"/api/v1/holds/{h['holdId']}/release", token=t)
        self.assertError(self.order(t, h["holdId"]), 409, "INVALID_STATE")

    def test_my_orders_newest_first_with_paging(self):
        show = self.new_show(rows=1, seats=6)
        t = self.buyer()
        ids = [self.book(t, show["showId"], [f"A{i}"])["orderId"] for i in range(1, 6)]
        seen, cursor = [], None
        while True:
            r = self.call("GET", "/api/v1/orders?limit=2" + (f"&cursor={cursor}" if cursor else ""), token=t)
            self.assertEqual(r.status, 200, r)
            seen += [x["orderId"] for x in r.json["items"]]
            cursor = r.json["nextCursor"]
            if not cursor:
                break
        self.assertEqual(seen, list(reversed(ids)))
        self.assertError(self.call("GET", "/api/v1/orders?limit=0", token=t), 400, "VALIDATION_ERROR", "limit")
        self.assertError(self.call("GET", "/api/v1/orders?cursor=zzz", token=t), 400, "VALIDATION_ERROR", "cursor")

    def test_cancel_pending_and_refund_confirmed(self):
        show = self.new_show()
        t = self.buyer()
        pending = self.book(t, show["showId"], ["A1", "A2"])
        r = self.call("POST", f"/api/v1/orders/{pending['orderId']}/cancel", token=t)
        self.assertEqual((r.status, r.json["status"]), (200, "CANCELLED"))
        self.assertEqual(self.seat_map(show["showId"])["heldSeatIds"], [])
        self.assertError(self.call("POST", f"/api/v1/orders/{pending['orderId']}/cancel", token=t), 409, "INVALID_STATE")
        self.assertError(self.call("POST", f"/api/v1/orders/{pending['orderId']}/confirm-payment", token=t), 409,
                         "INVALID_STATE")
        # The freed seats can be booked by someone else at once.
        other = self.buyer()
        confirmed = self.book(other, show["showId"], ["A1"])
        self.call("POST", f"/api/v1/orders/{confirmed['orderId']}/confirm-payment", token=other)
        r = self.call("POST", f"/api/v1/orders/{confirmed['orderId']}/cancel", token=other)
        self.assertEqual((r.status, r.json["status"]), (200, "REFUNDED"))
        m = self.seat_map(show["showId"])
        self.assertEqual((m["unavailableSeatIds"], m["heldSeatIds"]), ([], []))
        events = wait_for(lambda: {e["event"] for e in read_events(self.events_file)
                                   if e.get("orderId") in (pending["orderId"], confirmed["orderId"])} >=
                          {"order.cancelled", "order.refunded"})
        self.assertTrue(events)

    def test_cancellation_not_allowed(self):
        strict = self.create_theatre(cancellationAvailable=False)
        screen = self.create_screen(strict["theatreId"])
        movie = self.create_movie()
        show = self.create_show(movie["movieId"], screen["screenId"], "2031-03-03T18:00:00+05:30")
        t = self.buyer()
        o = self.book(t, show["showId"], ["A1"])
        self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=t)
        self.assertError(self.call("POST", f"/api/v1/orders/{o['orderId']}/cancel", token=t), 409,
                         "CANCELLATION_NOT_ALLOWED")
        # The refusal left no lock behind: the order and its show can be changed at once.
        self.assertEqual(psql(f"SET lock_timeout = '2s'; SELECT order_id FROM orders "
                              f"WHERE order_id = '{o['orderId']}' FOR UPDATE"), o["orderId"])
        self.assertEqual(self.call("POST", f"/api/v1/admin/shows/{show['showId']}/cancel", token=self.admin).status,
                         200)
        # A show that has started cannot be refunded either.
        show2 = self.new_show()
        o2 = self.book(t, show2["showId"], ["A1"])
        self.call("POST", f"/api/v1/orders/{o2['orderId']}/confirm-payment", token=t)
        psql(f"UPDATE shows SET start_time = now() - interval '1 minute', end_time = now() + interval '2 hours' "
             f"WHERE show_id = '{show2['showId']}'")
        self.assertError(self.call("POST", f"/api/v1/orders/{o2['orderId']}/cancel", token=t), 409,
                         "CANCELLATION_NOT_ALLOWED", "started")

    def test_admin_cancels_a_show(self):
        show = self.new_show()
        a, b, c = self.buyer(), self.buyer(), self.buyer()
        pending = self.book(a, show["showId"], ["A1"])
        paid = self.book(b, show["showId"], ["A2"])
        self.call("POST", f"/api/v1/orders/{paid['orderId']}/confirm-payment", token=b)
        self.assertError(self.call("POST", f"/api/v1/admin/shows/{show['showId']}/cancel", token=a), 403, "FORBIDDEN")
        r = self.call("POST", f"/api/v1/admin/shows/{show['showId']}/cancel", token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["ordersCancelled"], r.json["ordersRefunded"]), (1, 1))
        self.assertEqual(self.call("GET", f"/api/v1/orders/{pending['orderId']}", token=a).json["status"], "CANCELLED")
        self.assertEqual(self.call("GET", f"/api/v1/orders/{paid['orderId']}", token=b).json["status"], "REFUNDED")
        self.assertError(self.hold(c, show["showId"], ["A3"]), 409, "SHOW_NOT_BOOKABLE")
        m = self.seat_map(show["showId"])
        self.assertEqual((m["unavailableSeatIds"], m["heldSeatIds"]), ([], []))
        # Left out of the listing; cancelling again is harmless.
        day = show["startTime"][:10]
        listing = self.call("GET", f"/api/v1/movies/{show['movieId']}/shows?date={day}").json
        self.assertNotIn(show["showId"], [s["showId"] for t in listing["theatres"] for s in t["shows"]])
        again = self.call("POST", f"/api/v1/admin/shows/{show['showId']}/cancel", token=self.admin)
        self.assertEqual((again.status, again.json["ordersCancelled"]), (200, 0))
        self.assertError(self.call("POST", f"/api/v1/admin/shows/{uuid.uuid4()}/cancel", token=self.admin), 404,
                         "NOT_FOUND")
        notified = wait_for(lambda: {(e["event"], e.get("orderId")) for e in read_events(self.events_file)} >= {
            ("order.cancelled", pending["orderId"]), ("order.refunded", paid["orderId"]),
            ("show.cancelled", pending["orderId"]), ("show.cancelled", paid["orderId"])})
        self.assertTrue(notified)
        # Each customer hears what happened to their order before the show's own news.
        for order in (pending, paid):
            sequence = [e["event"] for e in read_events(self.events_file) if e.get("orderId") == order["orderId"]]
            self.assertLess(sequence.index("order.cancelled" if order is pending else "order.refunded"),
                            sequence.index("show.cancelled"), sequence)

    def test_show_cancel_waits_for_an_order_being_written(self):
        # An order write that has checked its show is bookable but not yet committed when the admin
        # cancels the show must be cancelled with it, not left live on a cancelled show. The write is
        # held up mid-statement by another transaction holding the same seat's ownership row.
        show = self.new_show()
        t, other = self.buyer(), self.buyer()
        blocker_order = self.book(other, show["showId"], ["C4"])
        h = self.hold(t, show["showId"], ["A1"])
        self.assertEqual(h.status, 201, h)
        blocker = subprocess.Popen(["psql", DATABASE_URL, "-qX"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   text=True)
        try:
            blocker.stdin.write(f"BEGIN; INSERT INTO order_seats (show_id, seat_id, order_id) VALUES "
                                f"('{show['showId']}', 'A1', '{blocker_order['orderId']}');\n")
            blocker.stdin.flush()
            self.assertTrue(wait_for(lambda: psql(
                f"SELECT count(*) FROM order_seats WHERE show_id = '{show['showId']}'") == "1" and
                lock_waiters() == 0))
            results = {}
            order_thread = threading.Thread(target=lambda: results.update(order=self.order(t, h.json["holdId"])))
            order_thread.start()
            self.assertTrue(wait_for(lambda: lock_waiters() == 1), "the order write never reached the seat row")
            cancel_thread = threading.Thread(target=lambda: results.update(cancel=self.call(
                "POST", f"/api/v1/admin/shows/{show['showId']}/cancel", token=self.admin)))
            cancel_thread.start()
            # The cancellation waits for the order write (a second waiter) instead of answering.
            self.assertTrue(wait_for(lambda: lock_waiters() == 2 or "cancel" in results))
            self.assertNotIn("cancel", results, "the show was cancelled without waiting for the order being written")
        finally:
            blocker.stdin.write("ROLLBACK;\n")
            blocker.stdin.close()
            blocker.wait()
        order_thread.join()
        cancel_thread.join()
        self.assertEqual(results["order"].status, 201, results["order"])
        self.assertEqual(results["cancel"].status, 200, results["cancel"])
        self.assertEqual(results["cancel"].json["ordersCancelled"], 2)
        order_id = results["order"].json["orderId"]
        self.assertEqual(self.call("GET", f"/api/v1/orders/{order_id}", token=t).json["status"], "CANCELLED")
        self.assertEqual(psql(f"SELECT count(*) FROM orders WHERE show_id = '{show['showId']}' "
                              f"AND status IN ('PAYMENT_PENDING', 'CONFIRMED')"), "0")
        self.assertError(self.call("POST", f"/api/v1/orders/{order_id}/confirm-payment", token=t), 409,
                         "INVALID_STATE")
        m = self.seat_map(show["showId"])
        self.assertEqual((m["unavailableSeatIds"], m["heldSeatIds"]), ([], []))
        self.assertTrue(wait_for(lambda: ("order.cancelled", order_id) in {
            (e["event"], e.get("orderId")) for e in read_events(self.events_file)}))

    def test_redis_flush_mid_flow(self):
        show = self.new_show()
        alice, bob = self.buyer(), self.buyer()
        o = self.book(alice, show["showId"], ["B1", "B2"])
        redis_cli("FLUSHDB")
        # Rebuilt from PostgreSQL: Alice's unpaid seats are still held, so Bob is refused at once.
        self.assertEqual(self.seat_map(show["showId"])["heldSeatIds"], ["B1", "B2"])
        self.assertError(self.hold(bob, show["showId"], ["B2", "B3"]), 409, "SEATS_UNAVAILABLE")
        # Even if Redis knew nothing of it (a state that looks whole and current but is empty),
        # PostgreSQL refuses a second owner: Bob gets his hold, but not an order.
        redis_cli("FLUSHDB")
        tag = "{" + show["showId"] + "}"
        version = psql(f"SELECT version FROM seat_versions WHERE show_id = '{show['showId']}'")
        redis_cli("HSET", f"show:{tag}", "init", "blank", "cancelled", "0", "applied", version)
        redis_cli("SADD", f"sold:{tag}", "#")
        redis_cli("HSET", f"seats:{tag}", "#", version)
        redis_cli("ZADD", f"seat_expiry:{tag}", "0", "#")
        redis_cli("HSET", f"holds:{tag}", "#", "{}")
        redis_cli("HSET", f"user_holds:{tag}", "", "#")
        redis_cli("ZADD", f"hold_expiry:{tag}", "0", "#")
        redis_cli("XADD", f"seat_events:{tag}", "*", "e", '{"cause":"reset"}')
        h = self.hold(bob, show["showId"], ["B2", "B3"])
        self.assertEqual(h.status, 201, h)
        self.assertError(self.order(bob, h.json["holdId"]), 409, "SEATS_UNAVAILABLE", "B2")
        paid = self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=alice)
        self.assertEqual(paid.json["status"], "CONFIRMED")

    def test_paying_one_order_many_times_at_once_gives_one_ticket(self):
        show = self.new_show()
        t = self.buyer()
        o = self.book(t, show["showId"], ["C3"])
        paid = in_parallel([lambda: self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=t)
                            for _ in range(8)])
        self.assertEqual({p.status for p in paid}, {200}, paid)
        self.assertEqual(len({p.json["ticketCode"] for p in paid}), 1)
        self.assertEqual(psql(f"SELECT count(*) FROM outbox WHERE event_type = 'order.confirmed' "
                              f"AND payload->>'orderId' = '{o['orderId']}'"), "1")

    def test_concurrent_orders_answer_one_by_one_when_one_collides(self):
        # Orders posted at the same moment are written in shared batches (booking/order_store.hpp);
        # one of them colliding with a live order in PostgreSQL must fail alone.
        show = self.new_show(rows=2, seats=8)
        users = [self.buyer() for _ in range(16)]
        seats = [f"{row}{n}" for row in "AB" for n in range(1, 9)]  # the first user wants the owner's seat
        holds = [self.hold(t, show["showId"], [s]) for t, s in zip(users, seats)]
        for h in holds:
            self.assertEqual(h.status, 201, h)
        # Then PostgreSQL gives A1 to another live order that Redis never heard of (written straight
        # into the tables: no seat version moves, so nothing repairs Redis before the orders below).
        taken = {"orderId": psql(
            f"WITH o AS (INSERT INTO orders (hold_id, user_id, show_id, seat_ids, customer_name, customer_email, "
            f"customer_phone, amount, expires_at) VALUES (gen_random_uuid(), 'owner-{uuid.uuid4().hex[:8]}', "
            f"'{show['showId']}', ARRAY['A1'], 'Owner', 'owner@example.com', '+911234567', 280, "
            f"now() + interval '10 minutes') RETURNING order_id, show_id) "
            f"INSERT INTO order_seats (show_id, seat_id, order_id) SELECT show_id, 'A1', order_id FROM o "
            f"RETURNING order_id").splitlines()[0]}
        orders = in_parallel([lambda t=t, h=h: self.order(t, h.json["holdId"]) for t, h in zip(users, holds)])
        self.assertError(orders[0], 409, "SEATS_UNAVAILABLE", "A1")
        for seat, o in zip(seats[1:], orders[1:]):
            self.assertEqual(o.status, 201, o)
            self.assertEqual(o.json["seats"], [seat])
        paid = in_parallel([lambda t=t, o=o: self.call("POST", f"/api/v1/orders/{o.json['orderId']}/confirm-payment",
                                                       token=t) for t, o in zip(users[1:], orders[1:])])
        codes = {p.json["ticketCode"] for p in paid if p.status == 200}
        self.assertEqual(len(codes), 15)
        self.assertEqual(psql(f"SELECT count(*) FROM orders WHERE show_id = '{show['showId']}' AND status = 'CONFIRMED'"), "15")
        self.assertEqual(psql(f"SELECT status FROM orders WHERE order_id = '{taken['orderId']}'"), "PAYMENT_PENDING")


class PaymentWindowTest(BookingSteps, ServerTestCase):
    # Short windows, yet with room for a loaded machine between the steps each test times.
    SERVER_ENV = {"ORDER_TTL_SECONDS": "5", "HOLD_TTL_SECONDS": "2"}

    def test_seats_stay_reserved_past_the_hold_and_free_when_the_order_expires(self):
        show = self.new_show()
        alice, bob = self.buyer(), self.buyer()
        untouched = self.book(alice, show["showId"], ["A1"])
        time.sleep(2.5)  # the hold has expired, the order has not
        self.assertError(self.hold(bob, show["showId"], ["A1"]), 409, "SEATS_UNAVAILABLE")
        self.assertEqual(self.seat_map(show["showId"])["heldSeatIds"], ["A1"])
        # Nobody touches the order: the sweeper expires it within a few seconds of its window.
        self.assertTrue(wait_for(lambda: self.call("GET", "/api/v1/shows/" + show["showId"] + "/seatmap")
                                 .json["heldSeatIds"] == [], timeout=15))
        self.assertEqual(psql(f"SELECT status FROM orders WHERE order_id = '{untouched['orderId']}'"), "EXPIRED")
        self.assertEqual(self.hold(bob, show["showId"], ["A1"]).status, 201)

    def test_confirming_after_the_window_is_order_expired(self):
        show = self.new_show()
        t = self.buyer()
        o = self.book(t, show["showId"], ["C1"])
        time.sleep(5.2)
        self.assertError(self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=t), 409,
                         "ORDER_EXPIRED")
        self.assertEqual(self.call("GET", f"/api/v1/orders/{o['orderId']}", token=t).json["status"], "EXPIRED")
        self.assertEqual(self.seat_map(show["showId"])["heldSeatIds"], [])
        self.assertError(self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=t), 409,
                         "ORDER_EXPIRED")

    def test_expired_hold_cannot_become_an_order(self):
        show = self.new_show()
        t = self.buyer()
        h = self.hold(t, show["showId"], ["B4"]).json
        time.sleep(2.2)
        self.assertError(self.order(t, h["holdId"]), 409, "HOLD_EXPIRED")


class OrderEndedMeanwhileTest(BookingSteps, ServerTestCase):
    """An answer of ORDER_EXPIRED is never followed by a seat map that still shows the order's seats
    held. (Redis keeps an unpaid order's seats until its deadline and a grace after, unless told: these
    tests move the deadline in PostgreSQL only, so Redis would show them held for ten minutes.) No
    expiry sweeper runs here: what each test does by hand is the only thing that ends the order."""
    SERVER_JOBS = False

    def expire_as_a_dead_sweeper_did(self, order):
        """What the expiry sweeper commits, without the step in Redis that should follow it: the
        process died between the two (or the step is still on its way)."""
        psql("WITH o AS (UPDATE orders SET status = 'EXPIRED', cancelled_at = now(), expires_at = now() "
             f"WHERE order_id = '{order['orderId']}' RETURNING order_id) "
             "DELETE FROM order_seats WHERE order_id IN (SELECT order_id FROM o)")

    def assert_expired_and_free(self, response, token, order, show, seat):
        self.assertError(response, 409, "ORDER_EXPIRED")
        self.assertEqual(self.call("GET", f"/api/v1/orders/{order['orderId']}", token=token).json["status"], "EXPIRED")
        seat_map = self.seat_map(show["showId"])
        self.assertNotIn(seat, seat_map["heldSeatIds"] + seat_map["unavailableSeatIds"])
        self.assertEqual(self.hold(self.buyer(), show["showId"], [seat]).status, 201)

    def act_on_an_order_the_sweeper_expired(self, seat, action):
        """Books `seat`, expires the order as a dead sweeper did, then POSTs the order's `action`."""
        show, t = self.new_show(), self.buyer()
        o = self.book(t, show["showId"], [seat])
        self.expire_as_a_dead_sweeper_did(o)
        answer = self.call("POST", f"/api/v1/orders/{o['orderId']}/{action}", token=t)
        self.assert_expired_and_free(answer, t, o, show, seat)

    def test_paying_an_order_the_sweeper_expired_frees_its_seats(self):
        self.act_on_an_order_the_sweeper_expired("C2", "confirm-payment")

    def test_cancelling_an_order_the_sweeper_expired_frees_its_seats(self):
        self.act_on_an_order_the_sweeper_expired("C3", "cancel")

    def expired_counted(self):
        """marquee_orders_total{outcome="expired"}, summed over the processes serving the API."""
        return sum(metric_sample(server.request("GET", "/metrics", token=self.admin).raw, "marquee_orders_total",
                                 outcome="expired")
                   for server in getattr(self.server, "instances", [self.server]))

    def pay_while_expired_underneath(self, seat, lapsed_before):
        """Pays an order while another transaction holds its row: the payment's statement takes its
        snapshot (the order pending, its window passed or not), waits for the lock, and meanwhile
        the other transaction expires the order (as the sweeper does, without its Redis step)."""
        show, t = self.new_show(), self.buyer()
        o = self.book(t, show["showId"], [seat])
        if lapsed_before:  # (no sweeper runs here to expire it first)
            psql(f"UPDATE orders SET expires_at = now() - interval '1 second' WHERE order_id = '{o['orderId']}'")
        locker = subprocess.Popen(["psql", DATABASE_URL, "-qAt", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, text=True)
        result, payer = {}, None
        try:
            locker.stdin.write(f"BEGIN; SELECT 1 FROM orders WHERE order_id = '{o['orderId']}' FOR UPDATE;\n")
            locker.stdin.flush()
            self.assertTrue(wait_for(lambda: psql(  # the lock is taken and the locker waits for more
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' "
                f"AND query LIKE '%{o['orderId']}%FOR UPDATE%'") != "0"))
            payer = threading.Thread(target=lambda: result.update(
                r=self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=t, timeout=20)))
            payer.start()
            self.assertTrue(wait_for(lambda: psql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE '%marquee_payments%'") != "0"), "the payment never waited for the order's lock")
            locker.stdin.write(
                "UPDATE orders SET status = 'EXPIRED', cancelled_at = now(), expires_at = now() "
                f"WHERE order_id = '{o['orderId']}'; DELETE FROM order_seats WHERE order_id = '{o['orderId']}'; COMMIT;\n")
            locker.stdin.close()
            self.assertEqual(locker.wait(10), 0)
        finally:
            if locker.poll() is None:
                locker.kill()
                locker.wait()
            if payer:
                payer.join(20)
        self.assert_expired_and_free(result["r"], t, o, show, seat)

    def test_paying_an_order_expired_while_the_payment_waited_frees_its_seats(self):
        # The payment's snapshot has the order pending and payable.
        self.pay_while_expired_underneath("B1", lapsed_before=False)

    def test_paying_a_lapsed_order_someone_else_expired_meanwhile_counts_no_expiry(self):
        # The payment's snapshot has the order pending with its window passed: it did not expire it
        # (the other transaction did), so it neither counts an expiry nor leaves the seats held.
        before = self.expired_counted()
        self.pay_while_expired_underneath("B2", lapsed_before=True)
        self.assertEqual(self.expired_counted(), before)

    def test_cancelling_a_lapsed_order_expires_it(self):
        # Its window has passed and no sweeper has come by: the cancellation expires it, as a
        # payment would, rather than leave its seats held until the sweeper does.
        show, t = self.new_show(), self.buyer()
        o = self.book(t, show["showId"], ["C4"])
        psql(f"UPDATE orders SET expires_at = now() - interval '1 second' WHERE order_id = '{o['orderId']}'")
        cancelled = self.call("POST", f"/api/v1/orders/{o['orderId']}/cancel", token=t)
        self.assert_expired_and_free(cancelled, t, o, show, "C4")


class BookingRaceTest(BookingSteps, ServerTestCase):
    def test_50_users_race_through_hold_order_confirm_on_12_seats(self):
        show = self.new_show(rows=3, seats=4)
        show_id = show["showId"]
        seats = [f"{r}{n}" for r in "ABC" for n in range(1, 5)]
        users = [self.buyer() for _ in range(50)]

        def attempt(i, token):
            import random
            rng = random.Random(i)
            for _ in range(6):
                wanted = rng.sample(seats, rng.randint(1, 3))
                h = self.hold(token, show_id, wanted)
                if h.status != 201:
                    self.assertEqual(h.status, 409, h)
                    continue
                o = self.order(token, h.json["holdId"])
                if o.status != 201:
                    self.assertEqual(o.status, 409, o)
                    continue
                p = self.call("POST", f"/api/v1/orders/{o.json['orderId']}/confirm-payment", token=token)
                self.assertEqual(p.status, 200, p)
                return p.json
            return None

        results = [r for r in in_parallel([lambda i=i, t=t: attempt(i, t) for i, t in enumerate(users)]) if r]
        owners = {}
        for order in results:
            for seat in order["seats"]:
                self.assertNotIn(seat, owners, f"{seat} is in two confirmed orders")
                owners[seat] = order["orderId"]
        rows = psql(f"SELECT seat_id FROM order_seats os JOIN orders o USING (order_id) "
                    f"WHERE os.show_id = '{show_id}' AND o.status = 'CONFIRMED'").split()
        self.assertEqual(sorted(rows), sorted(owners))
        m = self.seat_map(show_id)
        self.assertEqual(sorted(m["unavailableSeatIds"]), sorted(owners))
        self.assertGreater(len(owners), 0)


class DeliveryTest(BookingSteps, ApiHelpers, unittest.TestCase):
    """Crash between commit and delivery, two job processes at once, and SMTP."""

    def setUp(self):
        self.events_file = tempfile.mktemp(prefix="marquee-events-", suffix=".jsonl")
        self.processes = []

    def tearDown(self):
        for p in self.processes:
            if p.poll() is None:
                p.kill()
                p.wait()

    def start_server(self, **env):
        self.server = Server(env=env, args=("serve", "--no-jobs") if env.pop("_no_jobs", False) else ("serve",))
        self.admin = self.server.token("admin-" + uuid.uuid4().hex[:6], admin=True)
        return self.server

    def jobs(self):
        env = {**self.server.env, "NOTIFY_SINK": f"file:{self.events_file}"}
        p = subprocess.Popen([MARQUEE_BIN, "jobs"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             preexec_fn=die_with_parent)
        self.processes.append(p)
        return p

    def test_event_survives_a_kill_between_commit_and_delivery(self):
        self.start_server(_no_jobs=True, NOTIFY_SINK=f"file:{self.events_file}")
        show = self.new_show()
        t = self.buyer()
        o = self.book(t, show["showId"], ["A1"])
        os.kill(self.server.process.pid, signal.SIGKILL)  # committed, never delivered
        self.server.process.wait()
        self.server.log.close()
        self.assertEqual(read_events(self.events_file), [])
        self.jobs()
        delivered = wait_for(lambda: [e for e in read_events(self.events_file) if e["orderId"] == o["orderId"]])
        self.assertEqual([e["event"] for e in delivered], ["order.created"])

    def test_two_job_processes_deliver_each_event_once(self):
        self.start_server(_no_jobs=True, ORDER_TTL_SECONDS="2")
        try:
            show = self.new_show(rows=2, seats=10)
            orders = [self.book(self.buyer(), show["showId"], [f"{r}{n}"])["orderId"]
                      for r in "AB" for n in range(1, 11)]
            self.jobs()
            self.jobs()
            # order.created for all 20 now, order.expired for all 20 once their window passes.
            # (Counting only these orders' events: the shared outbox may hold other tests' too.)
            mine = lambda: [e for e in read_events(self.events_file) if e["orderId"] in orders]
            done = wait_for(lambda: len(mine()) >= 40, timeout=20)
            self.assertTrue(done)
            time.sleep(1.5)  # anything delivered twice would show up by now
            events = [(e["event"], e["orderId"]) for e in read_events(self.events_file) if e["orderId"] in orders]
            self.assertEqual(len(events), len(set(events)), "an event was delivered twice")
            self.assertEqual(sorted(events), sorted([("order.created", o) for o in orders] +
                                                    [("order.expired", o) for o in orders]))
            self.assertEqual(psql("SELECT count(*) FROM orders WHERE order_id IN (" +
                                  ",".join(f"'{o}'" for o in orders) + ") AND status = 'EXPIRED'"), "20")
        finally:
            self.server.stop()

    def test_smtp_delivery_is_a_readable_email(self):
        sink = SmtpSink()
        try:
            self.start_server(NOTIFY_SINK=f"smtp://127.0.0.1:{sink.port}")
            show = self.new_show()
            t = self.buyer()
            o = self.book(t, show["showId"], ["A3", "A4"])
            paid = self.call("POST", f"/api/v1/orders/{o['orderId']}/confirm-payment", token=t).json
            mail = wait_for(lambda: [m for m in sink.messages if paid["ticketCode"] in m[1]])
            self.assertTrue(mail, sink.messages)
            recipients, text = mail[0]
            self.assertEqual(recipients, [CUSTOMER["email"]])
            for expected in (paid["movie"]["title"], "A3, A4", paid["ticketCode"], "Subject: Your tickets for",
                             "Asha Rao"):
                self.assertIn(expected, text)
        finally:
            self.server.stop()
            sink.close()

    def test_a_rejected_recipient_is_parked_and_everyone_else_served_once(self):
        bounce = f"bounce-{uuid.uuid4().hex[:6]}@example.com"
        sink = SmtpSink(rejected={bounce})
        # A file sink beside the relay: it has every event at once, and never again.
        events_file = os.path.join(tempfile.mkdtemp(), "events.jsonl")
        try:
            self.start_server(NOTIFY_SINK=f"smtp://127.0.0.1:{sink.port},file:{events_file}", OUTBOX_MAX_ATTEMPTS="2")
            show = self.new_show()
            good = [f"good-{i}-{uuid.uuid4().hex[:6]}@example.com" for i in range(3)]
            orders = {}
            for i, email in enumerate(good + [bounce]):
                t = self.buyer()
                h = self.hold(t, show["showId"], [f"A{i + 1}"])
                o = self.call("POST", "/api/v1/orders", {"holdId": h.json["holdId"],
                                                          "customer": {**CUSTOMER, "email": email}}, token=t)
                self.assertEqual(o.status, 201, o)
                orders[email] = o.json["orderId"]

            def dead():
                r = self.call("GET", "/api/v1/admin/notifications/dead?limit=100", token=self.admin)
                return [e for e in r.json["items"] if e["payload"].get("orderId") == orders[bounce]]

            parked = wait_for(dead, 20)
            self.assertTrue(parked)
            self.assertEqual(parked[0]["attempts"], 2)
            self.assertIn("SMTP", parked[0]["lastError"])
            self.assertEqual(parked[0]["deliveredTo"], [f"file:{events_file}"])
            # Everyone else got their e-mail, exactly once, however often the bad one was retried.
            time.sleep(1)
            for email in good:
                self.assertEqual(len([m for m in sink.messages if m[0] == [email]]), 1, email)
            self.assertEqual([m for m in sink.messages if m[0] == [bounce]], [])
            # The relay learns the address; an operator re-drives the event, and it goes through once.
            sink.rejected.clear()
            redrive = self.call("POST", f"/api/v1/admin/notifications/{parked[0]['eventId']}/redrive",
                                token=self.admin)
            self.assertEqual(redrive.status, 200, redrive)
            self.assertTrue(wait_for(lambda: [m for m in sink.messages if m[0] == [bounce]], 10))
            self.assertFalse(dead())
            # The re-drive went to the relay only.
            self.assertEqual(len([e for e in read_events(events_file) if e.get("orderId") == orders[bounce]]), 1)
            self.assertError(self.call("POST", f"/api/v1/admin/notifications/{parked[0]['eventId']}/redrive",
                                       token=self.admin), 404, "NOT_FOUND")
            self.assertError(self.call("POST", "/api/v1/admin/notifications/abc/redrive", token=self.admin), 400,
                             "VALIDATION_ERROR")
        finally:
            self.server.stop()
            sink.close()


if __name__ == "__main__":
    unittest.main()
