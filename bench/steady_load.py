#!/usr/bin/env python3
"""Steady mixed load for the fault drills (bench/faults.sh) and the soak (bench/soak.sh).

USERS virtual customers, each on its own keep-alive connection, walk over and over: the trending
list, a movie's shows, a show's seat map, then hold two seats → order → confirm payment (every
tenth booking is then cancelled). Each customer pauses THINK seconds between walks. Every request's
outcome is counted in the second (or --bucket seconds) in which it completed, counted from the
start, one JSON line each in --out:
  {"t": <epoch second the bucket starts>, "requests": n, "ok": n, "503": n, "other": {"<status>": n}, "conn": n,
   "timeouts": n, "ms": [p50, p99, max]}
"other" is every answer that is neither 2xx nor 503 (a 409 for a seat taken counts: the work file
gives each booking its own seats, so there should be none; a cancellation the theatre does not
allow, 409 CANCELLATION_NOT_ALLOWED, is a right answer and counts as ok); "conn" are connections refused or
broken; "timeouts" requests unanswered after 10 s (a hang). A failed step ends that walk; the
customer starts the next one after a pause.

Usage: steady_load.py --port P --secret S --work FILE --seconds N --out FILE [--users 24] [--think 0.05]
                      [--bucket 1]
FILE has lines "showId seat,seat", each used once.
"""

import argparse
import asyncio
import json
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from flash_sale import Client, token  # noqa: E402

TIMEOUT = 10.0


class Stats:
    def __init__(self, out, bucket_seconds, start):
        self.out = open(out, "w")
        self.size = bucket_seconds
        self.start = int(start)
        self.seconds = {}

    def bucket(self, t):
        return self.seconds.setdefault(self.start + (int(t) - self.start) // self.size * self.size, {"requests": 0, "ok": 0, "503": 0, "other": {}, "conn": 0,
                                                "timeouts": 0, "lat": []})

    def record(self, started, status=None, failure=None):
        b = self.bucket(time.time())
        b["requests"] += 1
        if failure:
            b[failure] += 1
        elif 200 <= status < 300:
            b["ok"] += 1
        elif status == 503:
            b["503"] += 1
        else:
            b["other"][str(status)] = b["other"].get(str(status), 0) + 1
        b["lat"].append((time.time() - started) * 1000)

    def flush(self, before):
        for t in sorted(k for k in self.seconds if k + self.size <= before):
            b = self.seconds.pop(t)
            lat = sorted(b.pop("lat")) or [0]
            b["ms"] = [round(lat[len(lat) // 2], 2), round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2),
                       round(lat[-1], 2)]
            self.out.write(json.dumps({"t": t, **b}) + "\n")
        self.out.flush()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--users", type=int, default=24)
    p.add_argument("--think", type=float, default=0.05)
    p.add_argument("--bucket", type=int, default=1)
    args = p.parse_args()

    work = iter(open(args.work).read().split("\n"))
    stats = Stats(args.out, args.bucket, time.time())
    stop_at = time.time() + args.seconds
    movie = "550e8400-e29b-41d4-a716-446655440005"
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))

    async def call(conn, method, path, body=None, auth=None, also_right=None):
        started = time.time()
        try:
            status, payload = await asyncio.wait_for(conn.request(method, path, body, auth), TIMEOUT)
        except asyncio.TimeoutError:
            conn.close()
            stats.record(started, failure="timeouts")
            return None, None
        except (OSError, asyncio.IncompleteReadError, IndexError, ValueError):
            conn.close()
            stats.record(started, failure="conn")
            return None, None
        right = also_right and status == also_right[0] and (payload or {}).get("error", {}).get("code") == also_right[1]
        stats.record(started, 200 if right else status)
        return status, payload

    async def customer(u):
        conn = Client(args.port, retries=0)
        tok = token(f"steady-{u}-{int(time.time())}", args.secret)
        walks = 0
        while time.time() < stop_at:
            line = next(work, None)
            if not line:
                print("the work file ran out", file=sys.stderr)
                return
            show, seats = line.split()
            seats = seats.split(",")
            walks += 1
            ok = True
            for path in ("/api/v1/movies?category=trending&limit=20", f"/api/v1/movies/{movie}/shows?date={day}",
                         f"/api/v1/shows/{show}/seatmap"):
                status, _ = await call(conn, "GET", path)
                ok = ok and status == 200
            if ok:
                status, hold = await call(conn, "POST", "/api/v1/holds",
                                          {"showId": show, "seatIds": seats, "quantity": len(seats)}, tok)
                ok = status == 201
            if ok:
                status, order = await call(conn, "POST", "/api/v1/orders", {"holdId": hold["holdId"], "customer": {
                    "name": "Steady Customer", "email": "steady@example.com", "phone": "+919876543210"}}, tok)
                ok = status in (200, 201)
            if ok:
                status, _ = await call(conn, "POST", f"/api/v1/orders/{order['orderId']}/confirm-payment", auth=tok)
                ok = status == 200
            if ok and walks % 10 == 0:
                await call(conn, "POST", f"/api/v1/orders/{order['orderId']}/cancel", auth=tok,
                           also_right=(409, "CANCELLATION_NOT_ALLOWED"))
            await asyncio.sleep(args.think if ok else 0.2)

    async def flusher():
        while time.time() < stop_at + TIMEOUT + 1:
            await asyncio.sleep(1)
            stats.flush(int(time.time()))

    await asyncio.gather(flusher(), *(customer(u) for u in range(args.users)))
    stats.flush(int(time.time()) + args.bucket)


if __name__ == "__main__":
    asyncio.run(main())
