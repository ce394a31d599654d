"""Seat holds and the live seat map (docs/api.md §4–§5): atomic locking, replacement,
changes, release, expiry, isolation between users, and races for the same seats."""

import random
import time
import unittest
import uuid

from harness import ServerTestCase, in_parallel, psql, redis_cli


class HoldsTest(ServerTestCase):
    SERVER_ENV = {"MAX_SEATS_PER_HOLD": "4"}

    def setUp(self):
        self.show = self.new_show(rows=3, seats=4)  # A1–A4, B1–B4, C1–C4
        self.show_id = self.show["showId"]

    def token(self):
        return self.server.token("u-" + uuid.uuid4().hex[:12])

    def hold(self, token, seats, quantity=None, show_id=None):
        body = {"showId": show_id or self.show_id, "seatIds": seats,
                "quantity": len(set(seats)) if quantity is None else quantity}
        return self.call("POST", "/api/v1/holds", body, token=token)

    def seat_map(self):
        r = self.call("GET", f"/api/v1/shows/{self.show_id}/seatmap")
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_hold_shape_and_seat_map(self):
        alice = self.token()
        r = self.hold(alice, ["B2", "A3", "B1"])
        self.assertEqual(r.status, 201, r)
        h = r.json
        self.assertEqual(h["showId"], self.show_id)
        self.assertEqual(h["seatIds"], ["A3", "B1", "B2"])  # layout order
        self.assertEqual(h["status"], "HELD")
        self.assertRegex(h["expiresAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(self.call("GET", f"/api/v1/holds/{h['holdId']}", token=alice).json, h)

        m = self.seat_map()
        self.assertEqual(m["showId"], self.show_id)
        self.assertEqual(m["price"], 280)
        self.assertEqual([r["rowLabel"] for r in m["layout"]["rows"]], ["A", "B", "C"])
        self.assertEqual(m["layout"]["rows"][0]["seats"], ["A1", "A2", "A3", "A4"])
        self.assertEqual(m["heldSeatIds"], ["A3", "B1", "B2"])
        self.assertEqual(m["unavailableSeatIds"], [])

    def test_validation(self):
        t = self.token()
        for body, field in [
            ({"showId": self.show_id, "seatIds": ["A1"], "quantity": 2}, "quantity"),
            ({"showId": self.show_id, "seatIds": [], "quantity": 0}, "seatIds"),
            ({"showId": self.show_id, "seatIds": "A1", "quantity": 1}, "seatIds"),
            ({"showId": self.show_id, "seatIds": [1], "quantity": 1}, "seatIds"),
            ({"showId": self.show_id, "seatIds": ["A1", "A2", "A3", "A4", "B1"], "quantity": 5}, "quantity"),
            ({"showId": self.show_id, "seatIds": ["A1"]}, "quantity"),
            ({"showId": "nope", "seatIds": ["A1"], "quantity": 1}, "showId"),
            ({"seatIds": ["A1"], "quantity": 1}, "showId"),
        ]:
            self.assertError(self.call("POST", "/api/v1/holds", body, token=t), 400, "VALIDATION_ERROR", field)
        r = self.hold(t, ["A1", "Z9", "A99"])
        self.assertError(r, 400, "VALIDATION_ERROR", "Z9")
        self.assertIn("A99", r.json["error"]["message"])
        self.assertError(self.hold(t, ["A1"], show_id=str(uuid.uuid4())), 404, "NOT_FOUND")
        # Duplicates count once.
        self.assertEqual(self.hold(t, ["A1", "A1"], quantity=1).status, 201)
        self.assertError(self.call("POST", "/api/v1/holds", {"showId": self.show_id, "seatIds": ["A2"], "quantity": 1}),
                         401, "UNAUTHORIZED")

    def test_conflict_lists_every_taken_seat_and_locks_nothing(self):
        alice, bob = self.token(), self.token()
        self.assertEqual(self.hold(alice, ["A1", "A3"]).status, 201)
        r = self.hold(bob, ["A3", "A2", "A1"])
        self.assertError(r, 409, "SEATS_UNAVAILABLE")
        self.assertEqual(r.json["error"]["message"], "Seats already taken: A1, A3")
        # All or nothing: A2 was not locked by the failed attempt.
        self.assertEqual(self.seat_map()["heldSeatIds"], ["A1", "A3"])
        self.assertEqual(self.hold(bob, ["A2"]).status, 201)

    def test_a_new_hold_replaces_the_old_one_only_when_it_succeeds(self):
        alice, bob = self.token(), self.token()
        first = self.hold(alice, ["A1", "A2"]).json
        self.assertEqual(self.hold(bob, ["C1"]).status, 201)
        # Fails on C1: Alice keeps her first hold untouched.
        self.assertError(self.hold(alice, ["A2", "C1"]), 409, "SEATS_UNAVAILABLE", "C1")
        self.assertEqual(self.call("GET", f"/api/v1/holds/{first['holdId']}", token=alice).json["status"], "HELD")
        self.assertEqual(self.seat_map()["heldSeatIds"], ["A1", "A2", "C1"])
        # Succeeds, taking A2 along from her own old hold; A1 is freed and the old hold is released.
        second = self.hold(alice, ["A2", "B4"])
        self.assertEqual(second.status, 201, second)
        self.assertEqual(self.call("GET", f"/api/v1/holds/{first['holdId']}", token=alice).json["status"], "RELEASED")
        self.assertEqual(self.seat_map()["heldSeatIds"], ["A2", "B4", "C1"])
        self.assertEqual(self.hold(bob, ["A1"]).status, 201)  # bob's new hold replaces his C1
        self.assertEqual(self.seat_map()["heldSeatIds"], ["A1", "A2", "B4"])

    def test_patch_swaps_seats_atomically_and_keeps_expiry(self):
        alice, bob = self.token(), self.token()
        h = self.hold(alice, ["A1", "A2"]).json
        self.hold(bob, ["B1"])
        r = self.call("PATCH", f"/api/v1/holds/{h['holdId']}", {"seatIds": ["A2", "A3", "A4"], "quantity": 3},
                      token=alice)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["seatIds"], ["A2", "A3", "A4"])
        self.assertEqual(r.json["expiresAt"], h["expiresAt"])
        self.assertEqual(r.json["holdId"], h["holdId"])
        self.assertEqual(self.seat_map()["heldSeatIds"], ["A2", "A3", "A4", "B1"])
        # On conflict nothing changes.
        r = self.call("PATCH", f"/api/v1/holds/{h['holdId']}", {"seatIds": ["A2", "B1"], "quantity": 2}, token=alice)
        self.assertError(r, 409, "SEATS_UNAVAILABLE", "B1")
        self.assertEqual(self.call("GET", f"/api/v1/holds/{h['holdId']}", token=alice).json["seatIds"], ["A2", "A3", "A4"])
        self.assertEqual(self.seat_map()["heldSeatIds"], ["A2", "A3", "A4", "B1"])
        # Validation, other users, unknown holds, released holds.
        self.assertError(self.call("PATCH", f"/api/v1/holds/{h['holdId']}", {"seatIds": ["Q1"], "quantity": 1},
                                   token=alice), 400, "VALIDATION_ERROR", "Q1")
        self.assertError(self.call("PATCH", f"/api/v1/holds/{h['holdId']}", {"seatIds": ["C1"], "quantity": 1},
                                   token=bob), 404, "NOT_FOUND")
        self.assertError(self.call("PATCH", f"/api/v1/holds/{uuid.uuid4()}", {"seatIds": ["C1"], "quantity": 1},
                                   token=alice), 404, "NOT_FOUND")
        self.call("POST", f"/api/v1/holds/{h['holdId']}/release", token=alice)
        self.assertError(self.call("PATCH", f"/api/v1/holds/{h['holdId']}", {"seatIds": ["C1"], "quantity": 1},
                                   token=alice), 409, "INVALID_STATE")

    def test_release_frees_seats_at_once_and_is_repeatable(self):
        alice, bob = self.token(), self.token()
        h = self.hold(alice, ["C3", "C4"]).json
        self.assertError(self.hold(bob, ["C4"]), 409, "SEATS_UNAVAILABLE")
        r = self.call("POST", f"/api/v1/holds/{h['holdId']}/release", token=alice)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "RELEASED")
        self.assertEqual(r.json["seatIds"], ["C3", "C4"])
        self.assertEqual(r.json["holdId"], h["holdId"])
        self.assertEqual(self.seat_map()["heldSeatIds"], [])
        self.assertEqual(self.hold(bob, ["C4"]).status, 201)
        again = self.call("POST", f"/api/v1/holds/{h['holdId']}/release", token=alice)
        self.assertEqual((again.status, again.json), (200, r.json))
        # Releasing an old hold never frees seats someone else holds now.
        self.assertEqual(self.seat_map()["heldSeatIds"], ["C4"])
        self.assertEqual(self.call("GET", f"/api/v1/holds/{h['holdId']}", token=alice).json["status"], "RELEASED")

    def test_other_users_holds_are_not_found(self):
        alice, mallory = self.token(), self.token()
        h = self.hold(alice, ["B3"]).json
        for method, path, body in [("GET", f"/api/v1/holds/{h['holdId']}", None),
                                   ("PATCH", f"/api/v1/holds/{h['holdId']}", {"seatIds": ["B4"], "quantity": 1}),
                                   ("POST", f"/api/v1/holds/{h['holdId']}/release", None)]:
            self.assertError(self.call(method, path, body, token=mallory), 404, "NOT_FOUND")
        self.assertEqual(self.seat_map()["heldSeatIds"], ["B3"])
        self.assertError(self.call("GET", "/api/v1/holds/not-a-uuid", token=alice), 400, "VALIDATION_ERROR")
        self.assertError(self.call("GET", f"/api/v1/holds/{uuid.uuid4()}", token=alice), 404, "NOT_FOUND")

    def test_started_and_cancelled_shows_are_not_bookable(self):
        t = self.token()
        started = self.new_show()
        psql(f"UPDATE shows SET start_time = now() - interval '5 minutes', end_time = now() + interval '2 hours' "
             f"WHERE show_id = '{started['showId']}'")
        self.assertError(self.hold(t, ["A1"], show_id=started["showId"]), 409, "SHOW_NOT_BOOKABLE")
        cancelled = self.new_show()
        psql(f"UPDATE shows SET status = 'CANCELLED' WHERE show_id = '{cancelled['showId']}'")
        self.assertError(self.hold(t, ["A1"], show_id=cancelled["showId"]), 409, "SHOW_NOT_BOOKABLE")

    def test_show_status_follows_occupancy(self):
        show = self.new_show(rows=1, seats=5)
        movie_id = psql(f"SELECT movie_id FROM shows WHERE show_id = '{show['showId']}'")
        day = psql(f"SELECT (start_time AT TIME ZONE 'Asia/Kolkata')::date FROM shows WHERE show_id = '{show['showId']}'")

        def status():
            r = self.call("GET", f"/api/v1/movies/{movie_id}/shows?date={day}")
            return r.json["theatres"][0]["shows"][0]["status"]

        self.assertEqual(status(), "AVAILABLE")
        a = self.hold(self.token(), ["A1", "A2"], show_id=show["showId"]).json
        self.assertEqual(status(), "AVAILABLE")  # 40%, read live through the cached listing
        self.hold(self.token(), ["A3"], show_id=show["showId"])
        self.assertEqual(status(), "FILLING_FAST")  # 60%
        self.hold(self.token(), ["A4"], show_id=show["showId"])
        self.assertEqual(status(), "ALMOST_FULL")  # 80%
        self.hold(self.token(), ["A5"], show_id=show["showId"])
        self.assertEqual(status(), "SOLD_OUT")
        anonymous = self.call("POST", f"/api/v1/holds/{a['holdId']}/release", token=None)
        self.assertError(anonymous, 401, "UNAUTHORIZED")  # refused, and without effect:
        self.assertEqual(status(), "SOLD_OUT")

    def test_a_redis_that_refuses_writes_is_503_never_500(self):
        policy = redis_cli("CONFIG", "GET", "maxmemory-policy").splitlines()[-1]
        redis_cli("CONFIG", "SET", "maxmemory-policy", "noeviction")
        redis_cli("CONFIG", "SET", "maxmemory", "1")  # every write now answers -OOM
        try:
            self.assertError(self.hold(self.token(), ["A1"]), 503, "SERVICE_UNAVAILABLE")
        finally:
            redis_cli("CONFIG", "SET", "maxmemory", "0")
            redis_cli("CONFIG", "SET", "maxmemory-policy", policy)
        self.assertEqual(self.hold(self.token(), ["A1"]).status, 201)

    def test_state_is_rebuilt_after_redis_loses_everything(self):
        alice, bob = self.token(), self.token()
        self.assertEqual(self.hold(alice, ["A1"]).status, 201)
        redis_cli("FLUSHDB")
        # Holds lived only in Redis: they are gone, and the show's state is rebuilt on first use.
        self.assertEqual(self.seat_map()["heldSeatIds"], [])
        self.assertEqual(self.hold(bob, ["A1"]).status, 201)
        self.assertEqual(self.seat_map()["heldSeatIds"], ["A1"])
        redis_cli("SCRIPT", "FLUSH")
        self.assertEqual(self.hold(alice, ["A2"]).status, 201)  # scripts reloaded after NOSCRIPT


class HoldExpiryTest(ServerTestCase):
    SERVER_ENV = {"HOLD_TTL_SECONDS": "2"}

    def test_expired_hold_frees_its_seats_and_stays_readable(self):
        show_id = self.new_show()["showId"]
        alice, bob = self.server.token("exp-a-" + uuid.uuid4().hex[:6]), self.server.token("exp-b-" + uuid.uuid4().hex[:6])
        h = self.call("POST", "/api/v1/holds", {"showId": show_id, "seatIds": ["A1", "A2"], "quantity": 2}, token=alice).json
        self.assertError(self.call("POST", "/api/v1/holds", {"showId": show_id, "seatIds": ["A2"], "quantity": 1},
                                   token=bob), 409, "SEATS_UNAVAILABLE")
        time.sleep(2.5)
        self.assertEqual(self.call("GET", f"/api/v1/shows/{show_id}/seatmap").json["heldSeatIds"], [])
        got = self.call("GET", f"/api/v1/holds/{h['holdId']}", token=alice)
        self.assertEqual((got.status, got.json["status"]), (200, "EXPIRED"))
        self.assertError(self.call("PATCH", f"/api/v1/holds/{h['holdId']}", {"seatIds": ["A3"], "quantity": 1},
                                   token=alice), 409, "HOLD_EXPIRED")
        r = self.call("POST", f"/api/v1/holds/{h['holdId']}/release", token=alice)
        self.assertEqual((r.status, r.json["status"]), (200, "EXPIRED"))
        self.assertEqual(self.call("POST", "/api/v1/holds", {"showId": show_id, "seatIds": ["A2"], "quantity": 1},
                                   token=bob).status, 201)


class HoldRaceTest(ServerTestCase):
    def test_200_clients_race_for_the_same_two_seats(self):
        show_id = self.new_show()["showId"]
        tokens = [self.server.token(f"racer-{i}-{uuid.uuid4().hex[:6]}") for i in range(200)]
        body = {"showId": show_id, "seatIds": ["B2", "B3"], "quantity": 2}
        results = in_parallel([lambda t=t: self.call("POST", "/api/v1/holds", body, token=t) for t in tokens])
        statuses = sorted(r.status for r in results)
        self.assertEqual(statuses.count(201), 1, statuses)
        self.assertEqual(statuses.count(409), 199, statuses)
        winner = next(r for r in results if r.status == 201)
        self.assertEqual(self.call("GET", f"/api/v1/shows/{show_id}/seatmap").json["heldSeatIds"], ["B2", "B3"])
        self.assertEqual(winner.json["seatIds"], ["B2", "B3"])

    def test_random_overlapping_holds_never_share_a_seat(self):
        show_id = self.new_show(rows=3, seats=4)["showId"]
        seats = [f"{r}{n}" for r in "ABC" for n in range(1, 5)]
        users = [self.server.token(f"rnd-{i}-{uuid.uuid4().hex[:6]}") for i in range(50)]
        rng = random.Random(7)
        plans = [[rng.sample(seats, rng.randint(1, 4)) for _ in range(4)] for _ in users]

        def play(token, plan):
            held = None
            for wanted in plan:
                if held and rng.random() < 0.3:
                    r = self.call("PATCH", f"/api/v1/holds/{held}", {"seatIds": wanted, "quantity": len(wanted)},
                                  token=token)
                else:
                    r = self.call("POST", "/api/v1/holds", {"showId": show_id, "seatIds": wanted,
                                                            "quantity": len(wanted)}, token=token)
                self.assertIn(r.status, (200, 201, 409), r)
                if r.status in (200, 201):
                    held = r.json["holdId"]
            return token, held

        results = in_parallel([lambda t=t, p=p: play(t, p) for t, p in zip(users, plans)])
        owners = {}
        for token, hold_id in results:
            if not hold_id:
                continue
            h = self.call("GET", f"/api/v1/holds/{hold_id}", token=token).json
            if h["status"] != "HELD":
                continue
            for seat in h["seatIds"]:
                self.assertNotIn(seat, owners, f"{seat} has two holders")
                owners[seat] = hold_id
        held = self.call("GET", f"/api/v1/shows/{show_id}/seatmap").json["heldSeatIds"]
        self.assertEqual(sorted(held), sorted(owners))
        self.assertGreater(len(owners), 0)


if __name__ == "__main__":
    unittest.main()
