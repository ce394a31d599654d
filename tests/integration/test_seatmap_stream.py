"""The live seat map (docs/api-notes.md, "Live seat map"): GET /api/v1/shows/{id}/seatmap/stream sends
the whole map, then every change in order, whichever instance made it; a reconnect with Last-Event-ID
gets exactly what it missed, or the whole map again, never a gap."""

import json
import socket
import threading
import time
import unittest
import uuid

from harness import (BookingSteps, ServerTestCase, Server, THROUGH_GATEWAY, redis_cli, wait_for)


class SeatMapStream:
    """A Server-Sent Events client on a raw socket: `events` fills as they arrive (id, event, data)."""

    def __init__(self, port, show, last_event_id=None):
        self.events, self.head = [], None
        self.sock = socket.create_connection(("127.0.0.1", port))
        extra = f"Last-Event-ID: {last_event_id}\r\n" if last_event_id else ""
        self.sock.sendall(f"GET /api/v1/shows/{show}/seatmap/stream HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n".encode())
        self.closed = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        buffer = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                buffer += chunk
                if self.head is None and b"\r\n\r\n" in buffer:
                    self.head, buffer = buffer.split(b"\r\n\r\n", 1)
                    self.head = self.head.decode()
                while self.head is not None and b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    fields = {}
                    for line in block.decode().split("\n"):
                        if line.startswith(":"):
                            continue  # a comment: the heartbeat
                        name, _, value = line.partition(": ")
                        fields[name] = value
                    if fields:
                        self.events.append((fields.get("id"), fields.get("event"), json.loads(fields.get("data", "null"))))
        except OSError:
            pass
        self.closed = True

    def wait_for(self, count, timeout=10):
        wait_for(lambda: len(self.events) >= count, timeout)
        return self.events

    def changes(self):
        return [(e, d) for _, e, d in self.events if e == "seats"]

    def held(self, since=0):
        """The held seats as a client following the stream from event `since` on has them (None
        before it got a whole map there)."""
        held = None
        for _, event, data in self.events[since:]:
            if event == "seatmap":
                held = set(data["heldSeatIds"])
            elif held is not None:
                held -= set(data.get("available", []))
                held |= set(data.get("held", []))
                held -= set(data.get("sold", []))
        return held

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class SeatMapStreamTest(BookingSteps, ServerTestCase):

    def setUp(self):
        self.show = self.new_show(rows=2, seats=5)["showId"]
        self.streams = []

    def tearDown(self):
        for s in self.streams:
            s.close()

    def open(self, port=None, last_event_id=None):
        s = SeatMapStream(port or self.server.port, self.show, last_event_id)
        self.streams.append(s)
        first = s.wait_for(1)
        self.assertTrue(first, "no first event")
        return s

    def current_map(self):
        return self.call("GET", f"/api/v1/shows/{self.show}/seatmap").json

    def test_the_whole_map_first_then_every_change(self):
        s = self.open()
        self.assertIn("text/event-stream", s.head)
        _, event, data = s.events[0]
        self.assertEqual(event, "seatmap")
        self.assertEqual(data, self.current_map())
        me = self.buyer()
        hold = self.hold(me, self.show, ["A1", "A2"]).json
        moved = self.call("PATCH", f"/api/v1/holds/{hold['holdId']}", {"seatIds": ["A2", "A3"], "quantity": 2}, token=me)
        self.assertEqual(moved.status, 200)
        order = self.order(me, hold["holdId"]).json
        self.assertEqual(self.pay(me, order["orderId"]).status, 200)
        self.assertEqual(self.cancel(me, order["orderId"]).status, 200)
        wanted = [{"cause": "held", "held": ["A1", "A2"]},
                  {"cause": "held", "held": ["A2", "A3"], "available": ["A1"]},
                  {"cause": "sold", "sold": ["A2", "A3"]},
                  {"cause": "freed", "available": ["A2", "A3"]}]
        wait_for(lambda: len([d for e, d in s.changes() if d.get("cause") != "reset"]) >= len(wanted))
        self.assertEqual([d for e, d in s.changes()], wanted)
        ids = [i for i, _, _ in s.events]
        self.assertEqual(len(set(ids)), len(ids))

    def test_events_in_order_across_two_instances(self):
        other = Server(env=self.SERVER_ENV)
        try:
            here, there = self.open(), self.open(port=other.port)
            people = [self.buyer() for _ in range(6)]
            for i, me in enumerate(people):
                server = other if i % 2 else self.server  # every other change made on the other instance
                self.assertEqual(self.hold(me, self.show, [f"B{i % 5 + 1}"] if i < 5 else ["A5"], server=server).status, 201)
            for s in (here, there):
                wait_for(lambda: len(s.changes()) >= 6)
                self.assertEqual([d["held"] for _, d in s.changes()], [["B1"], ["B2"], ["B3"], ["B4"], ["B5"], ["A5"]])
            ids = lambda s: [i for i, e, _ in s.events if e == "seats"]
            self.assertEqual(ids(here), ids(there))  # the same events, with the same ids
        finally:
            other.stop()

    def test_reconnect_with_last_event_id_replays_exactly_what_was_missed(self):
        s = self.open()
        me = self.buyer()
        self.hold(me, self.show, ["A1"])
        wait_for(lambda: s.changes())
        last_seen = s.events[-1][0]
        s.close()
        for seats in (["A2"], ["A3"], ["A4"]):
            self.hold(self.buyer(), self.show, seats)
        again = self.open(last_event_id=last_seen)
        again.wait_for(3)
        self.assertEqual([(e, d) for _, e, d in again.events], [("seats", {"cause": "held", "held": [x]}) for x in ("A2", "A3", "A4")])

    def test_a_last_event_id_it_cannot_vouch_for_gets_the_whole_map(self):
        self.hold(self.buyer(), self.show, ["A1"])
        for last in ("1-0", "not-an-id", "99999999999999-0"):
            s = self.open(last_event_id=last)
            self.assertEqual(s.events[0][1], "seatmap", last)
            self.assertEqual(s.events[0][2]["heldSeatIds"], ["A1"])
        # Redis lost the stream: the id the client has is nowhere, so a whole map.
        s = self.open()
        self.hold(self.buyer(), self.show, ["A2"])
        wait_for(lambda: s.changes())
        last_seen = s.events[-1][0]
        redis_cli("DEL", f"seat_events:{{{self.show}}}")
        again = self.open(last_event_id=last_seen)
        self.assertEqual(again.events[0][1], "seatmap")
        self.assertEqual(again.events[0][2]["heldSeatIds"], ["A1", "A2"])

    def test_a_live_stream_that_falls_off_the_kept_events_gets_the_whole_map(self):
        s = self.open()
        self.hold(self.buyer(), self.show, ["A1"])
        wait_for(lambda: s.changes())
        seen = len(s.events)
        redis_cli("XTRIM", f"seat_events:{{{self.show}}}", "MAXLEN", "0")  # as if 1,000 events had gone by
        self.hold(self.buyer(), self.show, ["A2"])
        # A whole map comes (the feed's position is gone), and from it the client ends where the seats are.
        self.assertEqual(wait_for(lambda: s.held(since=seen) == {"A1", "A2"}), True, s.events[seen:])

    def test_a_rebuilt_state_sends_the_whole_map(self):
        s = self.open()
        self.hold(self.buyer(), self.show, ["A1"])
        wait_for(lambda: s.changes())
        redis_cli("DEL", f"sold:{{{self.show}}}")  # Redis lost a key: the next hold rebuilds the state
        self.assertEqual(self.hold(self.buyer(), self.show, ["A3"]).status, 201)
        wait_for(lambda: [e for _, e, _ in s.events[1:]].count("seatmap") >= 1 and s.changes()[-1][1].get("held") == ["A3"])
        maps = [d for _, e, d in s.events[1:] if e == "seatmap"]
        self.assertTrue(maps, s.events)
        self.assertIn("A1", maps[-1]["heldSeatIds"])

    def test_many_subscribers_each_get_every_change(self):
        streams = [SeatMapStream(self.server.port, self.show) for _ in range(200)]
        self.streams.extend(streams)
        self.assertTrue(wait_for(lambda: all(s.events for s in streams)))
        self.hold(self.buyer(), self.show, ["A4"])
        self.assertTrue(wait_for(lambda: all(s.changes() for s in streams)))
        self.assertEqual({json.dumps(s.changes(), sort_keys=True) for s in streams},
                         {json.dumps([("seats", {"cause": "held", "held": ["A4"]})], sort_keys=True)})

    def test_a_live_stream_whose_events_redis_lost_gets_the_whole_map(self):
        s = self.open()
        self.hold(self.buyer(), self.show, ["A1"])
        wait_for(lambda: s.changes())
        seen = len(s.events)
        redis_cli("DEL", f"seat_events:{{{self.show}}}")  # no request follows: the feed notices
        self.assertEqual(wait_for(lambda: s.held(since=seen) == {"A1"}), True, s.events[seen:])
        # The next hold rebuilds the show's state (its stream was part of it) and is streamed too.
        self.assertEqual(self.hold(self.buyer(), self.show, ["A2"]).status, 201)
        self.assertTrue(wait_for(lambda: any(d.get("held") == ["A2"] for _, d in s.changes())), s.events)
        self.assertEqual(self.current_map()["heldSeatIds"], ["A1", "A2"])

    def test_a_trimmed_last_event_id_gets_the_whole_map(self):
        s = self.open()
        self.hold(self.buyer(), self.show, ["B1"])
        wait_for(lambda: s.changes())
        last_seen = s.events[-1][0]
        s.close()
        self.hold(self.buyer(), self.show, ["B2"])
        redis_cli("XTRIM", f"seat_events:{{{self.show}}}", "MINID", "=", last_seen.split("-")[0] + "-" + str(int(last_seen.split("-")[1]) + 1))
        again = self.open(last_event_id=last_seen)
        self.assertEqual(again.events[0][1], "seatmap")
        self.assertEqual(again.events[0][2]["heldSeatIds"], ["B1", "B2"])

    def test_unknown_show(self):
        r = self.call("GET", f"/api/v1/shows/{uuid.uuid4()}/seatmap/stream")
        self.assertError(r, 404, "NOT_FOUND")
        self.assertError(self.call("GET", "/api/v1/shows/nope/seatmap/stream"), 400, "VALIDATION_ERROR")


class SeatMapExpiryTest(BookingSteps, ServerTestCase):
    SERVER_ENV = {"HOLD_TTL_SECONDS": "2"}

    def test_an_expiry_is_streamed_without_a_request(self):
        show = self.new_show(rows=2, seats=5)["showId"]
        s = SeatMapStream(self.server.port, show)
        try:
            s.wait_for(1)
            self.hold(self.buyer(), show, ["B2"])
            wait_for(lambda: any(d.get("cause") == "expired" for _, d in s.changes()), timeout=8)
            self.assertEqual([d for _, d in s.changes()], [{"cause": "held", "held": ["B2"]},
                                                           {"cause": "expired", "available": ["B2"]}])
            self.assertEqual(self.call("GET", f"/api/v1/shows/{show}/seatmap").json["heldSeatIds"], [])
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
