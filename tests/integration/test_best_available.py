"""Best available (docs/api-notes.md, "Best available"): the server picks `quantity` adjacent seats of
one row, nearest the best zone (the middle of the width, two thirds of the way back), never leaving a
lone free seat when another choice avoids it; atomic and race-free like every hold."""

import datetime
import uuid

from harness import ServerTestCase, in_parallel


class BestAvailableTest(ServerTestCase):

    def show_with(self, rows):
        """A show on a screen with these rows: [(label, seat numbers, seat type)], front to back."""
        theatre = self.create_theatre()
        screen = self.create_screen(theatre["theatreId"], layout=[
            {"rowLabel": label, "seatNumbers": list(numbers), "seatType": seat_type} for label, numbers, seat_type in rows])
        day = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        return self.create_show(self.create_movie()["movieId"], screen["screenId"], f"{day}T18:00:00+05:30")["showId"]

    def best(self, show, quantity, token=None, **extra):
        return self.call("POST", "/api/v1/holds", {"showId": show, "quantity": quantity, "best": True, **extra},
                         token=token or self.server.token("u-" + uuid.uuid4().hex[:12]))

    def take(self, show, seats):
        r = self.call("POST", "/api/v1/holds", {"showId": show, "seatIds": seats, "quantity": len(seats)},
                      token=self.server.token("u-" + uuid.uuid4().hex[:12]))
        self.assertEqual(r.status, 201, r)

    def test_the_middle_two_thirds_back_first(self):
        show = self.show_with([(row, range(1, 11), "REGULAR") for row in "ABCDE"])
        r = self.best(show, 2)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["seatIds"], ["D5", "D6"])  # row index 3 of 0–4 is nearest 2.67; 5–6 the middle
        self.assertEqual(r.json["status"], "HELD")
        self.assertEqual(self.best(show, 2).json["seatIds"], ["C5", "C6"])  # a row nearer beats seats further out
        # D's free runs are now D1–D4 and D7–D10: three of four would strand one, so E's middle.
        self.assertEqual(self.best(show, 3).json["seatIds"], ["E4", "E5", "E6"])
        held = self.call("GET", f"/api/v1/shows/{show}/seatmap").json["heldSeatIds"]
        self.assertEqual(held, ["C5", "C6", "D5", "D6", "E4", "E5", "E6"])

    def test_no_lone_seat_when_a_choice_avoids_it(self):
        show = self.show_with([("A", range(1, 7), "REGULAR")])
        self.take(show, ["A1"])
        # A3–A4 is the middle but would strand A2; A4–A5 would strand A6 at the row's end.
        self.assertEqual(self.best(show, 2).json["seatIds"], ["A2", "A3"])
        # Now A4–A6 are left: two of them must strand one, and that is still better than nothing.
        self.assertEqual(self.best(show, 2).json["seatIds"], ["A4", "A5"])
        self.assertEqual(self.best(show, 1).json["seatIds"], ["A6"])

    def test_an_aisle_breaks_adjacency(self):
        show = self.show_with([("A", [1, 2, 3, 4, 6, 7, 8, 9], "REGULAR")])
        self.assertEqual(self.best(show, 4).json["seatIds"], ["A1", "A2", "A3", "A4"])
        self.assertEqual(self.best(show, 4).json["seatIds"], ["A6", "A7", "A8", "A9"])
        r = self.best(self.show_with([("A", [1, 2, 3, 4, 6, 7, 8, 9], "REGULAR")]), 5)
        self.assertError(r, 409, "SEATS_UNAVAILABLE", "no 5 adjacent free seats")

    def test_seat_types(self):
        show = self.show_with([(row, range(1, 11), "REGULAR") for row in "ABC"] +
                              [(row, range(1, 11), "PREMIUM") for row in "DE"])
        self.assertEqual(self.best(show, 2, seatType="PREMIUM").json["seatIds"], ["D5", "D6"])
        self.assertEqual(self.best(show, 2, seatType="REGULAR").json["seatIds"], ["C5", "C6"])
        self.assertError(self.best(show, 2, seatType="VIP"), 400, "VALIDATION_ERROR", "seatType")

    def test_nearly_full_rows(self):
        show = self.show_with([(row, range(1, 7), "REGULAR") for row in "ABC"])
        self.take(show, ["A1", "A2", "A4", "A5", "B1", "B3", "B5"])
        self.take(show, ["C2", "C3", "C4", "C5"])
        # Free: A3, A6, B2, B4, B6, C1, C6 — no two adjacent anywhere.
        self.assertError(self.best(show, 2), 409, "SEATS_UNAVAILABLE")
        self.take(show, ["A6", "B2", "B4", "B6", "C1", "C6"])
        self.assertEqual(self.best(show, 1).json["seatIds"], ["A3"])
        self.assertError(self.best(show, 1), 409, "SEATS_UNAVAILABLE")

    def test_a_new_best_hold_replaces_the_users_own(self):
        show = self.show_with([("A", range(1, 7), "REGULAR")])
        me = self.server.token("u-" + uuid.uuid4().hex[:12])
        first = self.best(show, 2, token=me).json
        self.assertEqual(first["seatIds"], ["A3", "A4"])
        # Its own seats count as free for the hold that replaces it.
        second = self.best(show, 6, token=me)
        self.assertEqual(second.json["seatIds"], ["A1", "A2", "A3", "A4", "A5", "A6"], second)
        old = self.call("GET", f"/api/v1/holds/{first['holdId']}", token=me).json
        self.assertEqual(old["status"], "RELEASED")

    def test_bad_requests(self):
        show = self.show_with([("A", range(1, 5), "REGULAR")])
        self.assertError(self.best(show, 2, seatIds=["A1", "A2"]), 400, "VALIDATION_ERROR", "seatIds")
        self.assertError(self.best(show, 0), 400, "VALIDATION_ERROR", "quantity")
        self.assertError(self.best(show, 11), 400, "VALIDATION_ERROR", "quantity")
        r = self.call("POST", "/api/v1/holds", {"showId": show, "quantity": 2, "best": "yes"}, token=self.user)
        self.assertError(r, 400, "VALIDATION_ERROR", "best")

    def test_a_rush_sells_every_seat_once(self):
        show = self.show_with([(row, range(1, 11), "REGULAR") for row in "ABCDEF"])  # 60 seats
        tokens = [self.server.token("rush-" + uuid.uuid4().hex[:12]) for _ in range(40)]
        replies = in_parallel([lambda t=t: self.best(show, 2, token=t) for t in tokens])
        granted = [r.json["seatIds"] for r in replies if r.status == 201]
        refused = [r for r in replies if r.status != 201]
        self.assertEqual(len(granted), 30, [r.status for r in replies])
        for r in refused:
            self.assertError(r, 409, "SEATS_UNAVAILABLE")
        seats = [s for pair in granted for s in pair]
        self.assertEqual(len(seats), len(set(seats)))  # none twice
        self.assertEqual(len(set(seats)), 60)  # every one
        for a, b in granted:
            self.assertEqual((a[0], int(a[1:]) + 1), (b[0], int(b[1:])))  # adjacent, one row


if __name__ == "__main__":
    import unittest
    unittest.main()
