"""The virtual waiting room (docs/api-notes.md, "Waiting room"): first come first served places,
admission at the configured rate in exact arrival order, single-use admissions bound to a user and a
show and used up by the hold they admit, places given up when nobody asks after them, settings that
survive Redis losing them, and a room that turns itself on above a rate."""

import base64
import datetime
import hashlib
import hmac
import json
import time
import uuid

from harness import JWT_SECRET, ServerTestCase, Server, in_parallel, redis_cli, wait_for


def forged_pass(kind, payload, secret=JWT_SECRET):
    """A pass signed as the server signs them (auth/passes.hpp): what only a holder of the secret can make."""
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    body = b64(json.dumps(payload, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), f"marquee-pass.{kind}.{body}".encode(), hashlib.sha256).digest()
    return f"{body}.{b64(sig)}"


class WaitingRoomTest(ServerTestCase):

    def setUp(self):
        self.show = self.new_show(rows=4, seats=10)["showId"]

    def room(self, show=None, **settings):
        body = {"enabled": True, "admitPerSecond": 5, **settings}
        r = self.call("PUT", f"/api/v1/admin/shows/{show or self.show}/waiting-room", body, token=self.admin)
        self.assertEqual(r.status, 200, r)
        return r.json

    def person(self):
        return self.server.token("fan-" + uuid.uuid4().hex[:12])

    def join(self, token, show=None):
        r = self.call("POST", f"/api/v1/shows/{show or self.show}/queue", token=token)
        self.assertEqual(r.status, 200, r)
        return r.json

    def poll(self, token, ticket):
        return self.call("GET", f"/api/v1/queue/{ticket}", token=token)

    def admitted(self, token, ticket, timeout=15):
        """Polls until admitted; the admission."""
        place = wait_for(lambda: (lambda r: r.json if r.json.get("status") == "ADMITTED" else None)(self.poll(token, ticket)),
                         timeout)
        self.assertTrue(place, "not admitted in time")
        return place["admission"]

    def hold(self, token, seats, admission=None, show=None):
        body = {"showId": show or self.show, "seatIds": seats, "quantity": len(seats)}
        if admission is not None:
            body["admission"] = admission
        return self.call("POST", "/api/v1/holds", body, token=token)

    def test_a_room_that_is_off_lets_everyone_through(self):
        me = self.person()
        self.assertEqual(self.join(me), {"showId": self.show, "status": "OPEN"})
        self.assertEqual(self.hold(me, ["A1"]).status, 201)

    def test_the_whole_flow(self):
        settings = self.room(admitPerSecond=5, admissionTtlSeconds=60)
        self.assertEqual((settings["enabled"], settings["on"], settings["admitPerSecond"]), (True, True, 5))
        me = self.person()
        self.assertError(self.hold(me, ["A1"]), 403, "ADMISSION_REQUIRED", "/queue")
        place = self.join(me)
        self.assertIn(place["status"], ("WAITING", "ADMITTED"))
        admission = self.admitted(me, place["ticket"])
        r = self.hold(me, ["A1", "A2"], admission)
        self.assertEqual(r.status, 201, r)
        # Single use: the admission was used up by the hold it admitted.
        self.assertError(self.hold(me, ["A3"], admission), 403, "ADMISSION_INVALID")
        self.assertEqual(self.call("GET", f"/api/v1/holds/{r.json['holdId']}", token=me).json["seatIds"], ["A1", "A2"])
        # A PATCH of the hold it admitted needs nothing more.
        patched = self.call("PATCH", f"/api/v1/holds/{r.json['holdId']}", {"seatIds": ["A4"], "quantity": 1}, token=me)
        self.assertEqual(patched.status, 200, patched)
        described = self.call("GET", f"/api/v1/admin/shows/{self.show}/waiting-room", token=self.admin).json
        self.assertGreaterEqual(described["admitted"], 1)

    def test_a_refused_hold_keeps_the_admission(self):
        self.room()
        me, other = self.person(), self.person()
        self.assertEqual(self.hold(other, ["B1"], self.admitted(other, self.join(other)["ticket"])).status, 201)
        admission = self.admitted(me, self.join(me)["ticket"])
        self.assertError(self.hold(me, ["B1"], admission), 409, "SEATS_UNAVAILABLE")
        self.assertEqual(self.hold(me, ["B2"], admission).status, 201)

    def test_admissions_that_are_not_the_callers(self):
        self.room()
        alice, bob = self.person(), self.person()
        alices = self.admitted(alice, self.join(alice)["ticket"])
        # Shared: Bob cannot use Alice's.
        self.assertError(self.hold(bob, ["C1"], alices), 403, "ADMISSION_INVALID")
        # Tampered: any change breaks the signature.
        body, sig = alices.split(".")
        self.assertError(self.hold(alice, ["C1"], body + "." + sig[:-2] + ("AA" if sig[-2:] != "AA" else "BB")),
                         403, "ADMISSION_INVALID")
        self.assertError(self.hold(alice, ["C1"], "not-an-admission"), 403, "ADMISSION_INVALID")
        # For another show.
        other_show = self.new_show()["showId"]
        self.room(show=other_show)
        self.assertError(self.hold(alice, ["A1"], alices, show=other_show), 403, "ADMISSION_INVALID")
        # Signed right but naming a place the room never admitted (what a leaked secret could make):
        # the hold script finds no such admission for the user.
        forged = forged_pass("admission", {"s": self.show, "u": self.sub(alice), "n": 999999,
                                           "e": int(time.time() * 1000) + 60000})
        self.assertError(self.hold(alice, ["C1"], forged), 403, "ADMISSION_INVALID")
        # Expired.
        expired = forged_pass("admission", {"s": self.show, "u": self.sub(alice), "n": 1, "e": int(time.time() * 1000) - 5000})
        self.assertError(self.hold(alice, ["C1"], expired), 403, "ADMISSION_EXPIRED")
        # Passes of another kind: her queue ticket, her token.
        self.assertError(self.hold(alice, ["C1"], self.join(alice)["ticket"]), 403, "ADMISSION_INVALID")
        self.assertError(self.hold(alice, ["C1"], alice), 403, "ADMISSION_INVALID")
        # Alice's own is still good.
        self.assertEqual(self.hold(alice, ["C1"], alices).status, 201)

    def test_an_admission_past_its_time_in_redis(self):
        self.room()
        me = self.person()
        admission = self.admitted(me, self.join(me)["ticket"])
        # The signed pass still looks good, but the room's own record of it has run out.
        number = json.loads(base64.urlsafe_b64decode(admission.split(".")[0] + "==="))["n"]
        redis_cli("HSET", f"admitted:{{{self.show}}}", self.sub(me), f"{number}:1")
        self.assertError(self.hold(me, ["D4"], admission), 403, "ADMISSION_EXPIRED")

    def test_a_stale_admission_does_no_harm_once_the_room_is_off(self):
        self.room()
        me = self.person()
        expired = forged_pass("admission", {"s": self.show, "u": self.sub(me), "n": 1, "e": int(time.time() * 1000) - 5000})
        self.assertError(self.hold(me, ["D5"], expired), 403, "ADMISSION_EXPIRED")
        self.room(enabled=False)
        self.assertEqual(self.hold(me, ["D5"], expired).status, 201)

    def test_a_hold_from_before_the_room_cannot_move_while_it_is_on(self):
        me = self.person()
        hold = self.hold(me, ["D6"]).json
        self.room()
        moved = self.call("PATCH", f"/api/v1/holds/{hold['holdId']}", {"seatIds": ["D7"], "quantity": 1}, token=me)
        self.assertError(moved, 403, "ADMISSION_REQUIRED", "may be released")
        # It keeps its seats, and may be released.
        self.assertEqual(self.call("POST", f"/api/v1/holds/{hold['holdId']}/release", token=me).status, 200)

    def test_leaving_the_queue(self):
        self.room(opensAt=(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat())
        first, second = self.person(), self.person()
        t1, t2 = self.join(first)["ticket"], self.join(second)["ticket"]
        self.assertEqual(self.poll(second, t2).json["position"], 2)
        self.assertError(self.call("DELETE", f"/api/v1/queue/{t1}", token=second), 404, "NOT_FOUND")
        r = self.call("DELETE", f"/api/v1/queue/{t1}", token=first)
        self.assertEqual((r.status, r.json), (200, {"showId": self.show, "status": "LEFT"}))
        self.assertEqual(self.poll(second, t2).json["position"], 1)
        self.assertError(self.poll(first, t1), 410, "QUEUE_PLACE_EXPIRED")
        # The old ticket speaks for the old place only: leaving with it again keeps a newer one.
        t3 = self.join(first)["ticket"]
        self.assertEqual(self.call("DELETE", f"/api/v1/queue/{t1}", token=first).status, 200)
        self.assertEqual(self.poll(first, t3).json["position"], 2)

    def sub(self, token):
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]

    def test_queue_order_and_one_place_per_user(self):
        # Everyone queues before the room opens (however slow the machine, nobody is admitted while
        # they join), then it opens: admission counts from the change of settings.
        in_an_hour = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat()
        self.room(admitPerSecond=2, opensAt=in_an_hour)
        fans = [self.person() for _ in range(8)]
        tickets = []
        for i, fan in enumerate(fans):
            place = self.join(fan)
            self.assertEqual((place["status"], place["position"]), ("WAITING", i + 1), place)
            tickets.append(place["ticket"])
            again = self.join(fan)  # one place per user: joining again changes nothing
            self.assertEqual((again["position"], again["ticket"]), (place["position"], place["ticket"]))
        self.room(admitPerSecond=2, opensAt=None)
        started = time.time()
        admitted_at = {}
        while len(admitted_at) < len(fans) and time.time() - started < 20:
            for i, fan in enumerate(fans):
                if i in admitted_at:
                    continue
                r = self.poll(fan, tickets[i])
                self.assertEqual(r.status, 200, r)
                if r.json["status"] == "ADMITTED":
                    admitted_at[i] = time.time() - started
                else:
                    self.assertEqual(r.json["position"], r.json["ahead"] + 1)
                    self.assertGreaterEqual(r.json["estimatedWaitSeconds"], 1)
            # Exact arrival order: whoever is admitted, everyone who came before is too.
            self.assertEqual(sorted(admitted_at), list(range(len(admitted_at))), admitted_at)
            time.sleep(0.1)
        self.assertEqual(len(admitted_at), len(fans))
        # Never more than the rate: 8 places at 2 a second take at least 3 seconds past the first.
        self.assertGreaterEqual(admitted_at[7] - admitted_at[0], 3.0 - 0.3, admitted_at)

    def test_abandoned_places_are_given_up(self):
        self.room(admitPerSecond=1, opensAt=(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat())
        first, second, third = self.person(), self.person(), self.person()
        t1, t2, t3 = (self.join(p)["ticket"] for p in (first, second, third))
        self.assertEqual(self.poll(third, t3).json["position"], 3)
        # The first stops asking: his place is last seen 31 s ago.
        redis_cli("ZADD", f"queue_seen:{{{self.show}}}", str(int(time.time() * 1000) - 31000), self.sub(first))
        self.assertEqual(self.poll(third, t3).json["position"], 2)
        self.assertError(self.poll(first, t1), 410, "QUEUE_PLACE_EXPIRED")
        # Joining again gives a new place, at the back; the old ticket stays dead.
        again = self.join(first)
        self.assertEqual(again["position"], 3)
        self.assertError(self.poll(first, t1), 410, "QUEUE_PLACE_EXPIRED")

    def test_tickets_are_the_callers_own(self):
        self.room(opensAt=(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat())
        alice, bob = self.person(), self.person()
        ticket = self.join(alice)["ticket"]
        self.assertError(self.poll(bob, ticket), 404, "NOT_FOUND")
        self.assertError(self.poll(alice, ticket[:-3] + "xyz"), 404, "NOT_FOUND")
        self.assertError(self.poll(alice, "nonsense"), 404, "NOT_FOUND")
        place = self.poll(alice, ticket).json
        self.assertEqual((place["status"], place["position"]), ("WAITING", 1))
        self.assertRegex(place["opensAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertGreaterEqual(place["estimatedWaitSeconds"], 3500)
        self.assertEqual(place["seatsAvailable"], 40)
        self.room(enabled=False)
        self.assertEqual(self.hold(bob, ["A1", "A2"]).status, 201)
        self.room(opensAt=(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat())
        self.assertEqual(self.poll(alice, ticket).json["seatsAvailable"], 38)

    def test_sales_open_at_the_scheduled_time(self):
        me = self.person()  # (a subprocess: made before the clock starts)
        # Far enough ahead for the set-up, the join and the poll to land before it on a loaded machine.
        opens = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=5)
        self.room(admitPerSecond=100, opensAt=opens.isoformat())
        ticket = self.join(me)["ticket"]
        self.assertEqual(self.poll(me, ticket).json["status"], "WAITING")
        admission = self.admitted(me, ticket, timeout=20)
        self.assertGreaterEqual(time.time(), opens.timestamp() - 0.5)
        self.assertEqual(self.hold(me, ["D1"], admission).status, 201)

    def test_places_and_settings_outlive_the_api_and_redis(self):
        self.room(opensAt=(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat())
        fans = [self.person() for _ in range(3)]
        tickets = [self.join(f)["ticket"] for f in fans]
        # Another instance (or this one restarted) knows every place.
        other = Server(env=self.SERVER_ENV)
        try:
            for i, (fan, ticket) in enumerate(zip(fans, tickets)):
                r = other.request("GET", f"/api/v1/queue/{ticket}", token=fan)
                self.assertEqual((r.status, r.json["position"]), (200, i + 1), r)
        finally:
            other.stop()
        # Redis loses the show's state, settings included: they come back from PostgreSQL, and the
        # room stays shut to holds without an admission.
        redis_cli("DEL", f"show:{{{self.show}}}")
        self.assertError(self.hold(self.person(), ["A1"]), 403, "ADMISSION_REQUIRED")

    def test_a_room_that_turns_itself_on(self):
        self.room(enabled=False, autoAbovePerSecond=3)
        self.assertEqual(self.call("GET", f"/api/v1/admin/shows/{self.show}/waiting-room", token=self.admin).json["on"], False)
        people = [self.person() for _ in range(8)]  # (subprocesses: made before, so the holds land together)
        replies = in_parallel([lambda p=p, s=s: self.hold(p, [s]) for p, s in zip(people, ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"])])
        statuses = sorted(r.status for r in replies)
        self.assertIn(403, statuses)
        self.assertLessEqual(statuses.count(201), 6)  # at most 3 in each of two seconds
        for r in replies:
            if r.status == 403:
                self.assertError(r, 403, "ADMISSION_REQUIRED")
        room = self.call("GET", f"/api/v1/admin/shows/{self.show}/waiting-room", token=self.admin).json
        self.assertEqual((room["enabled"], room["on"]), (False, True))
        self.assertEqual(self.join(self.person())["status"] in ("WAITING", "ADMITTED"), True)

    def test_turning_the_room_off(self):
        self.room()
        self.assertEqual(self.hold(self.person(), ["A1"]).status, 403)
        self.room(enabled=False)
        self.assertEqual(self.hold(self.person(), ["A1"]).status, 201)

    def test_bad_settings_and_unknown_shows(self):
        bad = [({"admitPerSecond": 5}, "enabled"), ({"enabled": True}, "admitPerSecond"),
               ({"enabled": True, "admitPerSecond": 0}, "admitPerSecond"),
               ({"enabled": True, "admitPerSecond": 5, "opensAt": "soon"}, "opensAt"),
               ({"enabled": True, "admitPerSecond": 5, "admissionTtlSeconds": 5}, "admissionTtlSeconds")]
        for body, field in bad:
            r = self.call("PUT", f"/api/v1/admin/shows/{self.show}/waiting-room", body, token=self.admin)
            self.assertError(r, 400, "VALIDATION_ERROR", field)
        missing = str(uuid.uuid4())
        r = self.call("PUT", f"/api/v1/admin/shows/{missing}/waiting-room", {"enabled": True, "admitPerSecond": 5},
                      token=self.admin)
        self.assertError(r, 404, "NOT_FOUND")
        self.assertError(self.call("POST", f"/api/v1/shows/{missing}/queue", token=self.user), 404, "NOT_FOUND")
        r = self.call("PUT", f"/api/v1/admin/shows/{self.show}/waiting-room", {"enabled": True, "admitPerSecond": 5},
                      token=self.user)
        self.assertEqual(r.status, 403, r)


if __name__ == "__main__":
    import unittest
    unittest.main()
