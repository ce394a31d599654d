#!/usr/bin/env python3
"""Flash sale: N users race for the seats of one show.

Each user looks at the seat map, picks 1-4 seats that look free (next to each other when it can),
and asks for a hold; on 409 it looks again and retries, until it has a hold or the show is full.
Reports the time until every seat was held, holds granted, 409s and errors (which must be 0), then
verifies that no seat has two owners and that the seat map equals the union of the granted holds.

With --room, the show's waiting room is on: users arrive over a few seconds, queue, poll, and hold
the best available seats with their admission (see waiting_room() below).

Usage: flash_sale.py --port P --show SHOW_ID --secret JWT_SECRET [--users 5000] [--concurrency 256] [--room …]
(bench/flash-sale sets everything up and calls this.)
"""

import argparse
import asyncio
import base64
import bisect
import hashlib
import hmac
import json
import random
import sys
import time


def token(user, secret):
    def b64(raw):
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"sub": user, "exp": int(time.time()) + 3600}).encode())
    sig = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(sig)}"


class Client:
    """HTTP/1.1 keep-alive connection with just enough of the protocol for the bench drivers (this
    one and steady_load.py). A request that finds the connection broken is sent again on a new one
    `retries` times (steady_load.py counts such failures instead: retries=0)."""

    def __init__(self, port, retries=1):
        self.port = port
        self.retries = retries
        self.reader = self.writer = None

    def close(self):
        if self.writer:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method, path, body=None, auth=None):
        for attempt in range(self.retries + 1):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                data = json.dumps(body).encode() if body is not None else b""
                head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(data)}\r\n"
                if body is not None:
                    head += "Content-Type: application/json\r\n"
                if auth:
                    head += f"Authorization: Bearer {auth}\r\n"
                self.writer.write(head.encode() + b"\r\n" + data)
                status_line = await self.reader.readline()
                status = int(status_line.split()[1])
                length, closing = 0, False
                while True:
                    line = await self.reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    elif name.lower() == "connection" and value.strip().lower() == "close":
                        closing = True
                payload = await self.reader.readexactly(length)
                if closing:
                    self.close()
                return status, json.loads(payload) if payload else None
            except (ConnectionError, asyncio.IncompleteReadError, IndexError):
                self.close()
                if attempt == self.retries:
                    raise


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000 if values else 0.0


def pass_payload(text):
    """What a queue ticket or admission says (its payload is plain base64url JSON): n, the place
    number; e, an admission's expiry (ms)."""
    body = text.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def admitted_users(users):
    return [u for u in users if u[2] is not None]


def spearman(xs, ys):
    rank = lambda v: {x: i for i, x in enumerate(sorted(v))}
    rx, ry = rank(xs), rank(ys)
    n = len(xs)
    if n < 2:
        return 1.0
    d2 = sum((rx[x] - ry[y]) ** 2 for x, y in zip(xs, ys))
    return 1 - 6 * d2 / (n * (n * n - 1))


async def waiting_room(args):
    """Everyone arrives within --arrival seconds, queues, polls as told (at most every --poll-cap s),
    and once admitted asks for the best available seats (fewer if that many are not left), carrying
    the admission, then orders and pays. Whoever hears the show is sold out leaves the line."""
    rng = random.Random(2026)
    stats = {"holds": 0, "granted": 0, "conflicts": 0, "errors": 0, "queue_requests": 0, "gave_up": 0, "sold": 0}
    latencies = []
    users = []  # [join sent at, place number, admission seen at or None]
    admissions_seen = []  # (answer received at, place number)
    waiting_seen = []  # (poll sent at, place number) of every answer "still waiting"
    granted = {}
    last_hold = [None]
    pool = asyncio.Queue()
    for _ in range(args.concurrency):
        pool.put_nowait(Client(args.port))

    async def call(method, path, body=None, auth=None):
        """(status, body, when the request was sent, when its answer came): the times are taken on
        a connection of its own, so they leave out the wait for one (the client's bottleneck)."""
        client = await pool.get()
        try:
            sent = time.perf_counter()
            status, answer = await client.request(method, path, body, auth)
            return status, answer, sent, time.perf_counter()
        finally:
            pool.put_nowait(client)

    async def queued(i, arrival):
        await asyncio.sleep(arrival)
        name = f"fan-{i}-{rng.randrange(1 << 30)}"
        tok = token(name, args.secret)
        try:
            path, method = f"/api/v1/shows/{args.show}/queue", "POST"
            while True:
                status, place, sent, answered = await call(method, path, auth=tok)
                latencies.append(answered - sent)
                stats["queue_requests"] += 1
                if status != 200:
                    stats["errors"] += 1
                    print(f"queue answered {status}: {place}", file=sys.stderr)
                    return
                if method == "POST":
                    record = [sent, pass_payload(place["ticket"])["n"], None]
                    users.append(record)
                    path, method = f"/api/v1/queue/{place['ticket']}", "GET"
                if place["status"] == "ADMITTED":
                    record[2] = answered
                    record.append(pass_payload(place["admission"])["e"])
                    admissions_seen.append((answered, record[1]))
                    break
                waiting_seen.append((sent, record[1]))
                if place["seatsAvailable"] == 0:
                    break
                await asyncio.sleep(min(place["pollAfterSeconds"], args.poll_cap))
            if place["seatsAvailable"] == 0:
                # Sold out: leave the line (so no admission goes to someone who has gone).
                stats["gave_up"] += 1
                await call("DELETE", path, auth=tok)
                return
            want = rng.randint(1, 4)
            while want > 0:
                stats["holds"] += 1
                status, body, _, _ = await call("POST", "/api/v1/holds", {"showId": args.show, "quantity": want,
                                                                          "best": True, "admission": place["admission"]}, tok)
                if status == 201:
                    stats["granted"] += 1
                    granted[name] = (tok, body["holdId"], body["seatIds"])
                    # Buy them: order, then the (mock) payment.
                    status, order, _, _ = await call("POST", "/api/v1/orders", {"holdId": body["holdId"], "customer": {
                        "name": "Flash Fan", "email": "fan@example.com", "phone": "+919876543210"}}, tok)
                    if status != 201:
                        stats["errors"] += 1
                        print(f"order answered {status}: {order}", file=sys.stderr)
                        return
                    status, paid, _, _ = await call("POST", f"/api/v1/orders/{order['orderId']}/confirm-payment", auth=tok)
                    if status != 200 or paid.get("status") != "CONFIRMED":
                        stats["errors"] += 1
                        print(f"payment answered {status}: {paid}", file=sys.stderr)
                        return
                    stats["sold"] += len(body["seatIds"])
                    last_hold[0] = time.perf_counter()
                    return
                if status != 409:
                    stats["errors"] += 1
                    print(f"hold answered {status}: {body}", file=sys.stderr)
                    return
                stats["conflicts"] += 1
                want -= 1  # fewer seats side by side may still be there
            stats["gave_up"] += 1
        except Exception as e:  # noqa: BLE001 - every failure is counted and shown
            stats["errors"] += 1
            print(f"error: {e!r}", file=sys.stderr)

    arrivals = sorted(rng.uniform(0, args.arrival) for _ in range(args.users))
    started = time.perf_counter()
    await asyncio.gather(*(queued(i, a) for i, a in enumerate(arrivals)))
    finished = time.perf_counter()
    # When each admission seen was made, on Redis's clock: its expiry less the room's admission TTL.
    status, room = await Client(args.port).request("GET", f"/api/v1/admin/shows/{args.show}/waiting-room",
                                                   auth=args.admin_token)
    made = sorted(u[3] - room["admissionTtlSeconds"] * 1000 for u in admitted_users(users))
    busiest = max((bisect.bisect_right(made, t + 999) - k for k, t in enumerate(made)), default=0)

    admitted = [u for u in users if u[2] is not None]
    # Overtaking: a place told "still waiting" after a place behind it had been seen admitted. Exact
    # (no polling noise): the admission's answer had arrived before the waiting one's request left.
    admissions_seen.sort()
    times = [t for t, _ in admissions_seen]
    highest_so_far, top = [], 0
    for _, number in admissions_seen:
        top = max(top, number)
        highest_so_far.append(top)
    overtaken = 0
    for sent, number in waiting_seen:
        k = bisect.bisect_left(times, sent)
        if k and highest_so_far[k - 1] > number:
            overtaken += 1
    prefix = overtaken == 0
    # Every seat sold, none twice: the seat map's sold seats are exactly those paid for.
    _, seatmap = await Client(args.port).request("GET", f"/api/v1/shows/{args.show}/seatmap")
    sold_seats = seatmap["unavailableSeatIds"]
    total = sum(len(r["seats"]) for r in seatmap["layout"]["rows"])
    paid_seats = [s for _, _, seats in granted.values() for s in seats]
    sold_ok = sorted(sold_seats) == sorted(paid_seats) and len(set(paid_seats)) == len(paid_seats) == total
    sell_out = f"{last_hold[0] - started:.2f} s" if last_hold[0] and sold_ok else "not sold out"
    print(f"users                {args.users} arriving within {args.arrival:.0f} s (concurrency {args.concurrency})")
    print(f"seats                {total}, sold {len(sold_seats)} (paid for {len(paid_seats)}, distinct "
          f"{len(set(paid_seats))}; the seat map's sold seats are exactly those: {sold_ok})")
    print(f"time to sell out     {sell_out}  (all users done in {finished - started:.2f} s)")
    print(f"queue requests       {stats['queue_requests']} ({stats['queue_requests'] / (finished - started):.0f}/s), "
          f"p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms")
    print(f"places vs arrival    Spearman {spearman([u[0] for u in users], [u[1] for u in users]):.4f} "
          f"(1 = places in exactly the order requests were sent)")
    print(f"admitted             {room['admitted']} by the room, {len(admitted)} of them seen by their users; "
          f"the busiest second of those {busiest} (configured {args.admit_per_second}/s)")
    print(f"admission order      {overtaken} of {len(waiting_seen)} 'waiting' answers came after a place behind "
          f"had been admitted (0 = exact queue order)")
    print(f"hold requests        {stats['holds']} (granted {stats['granted']}, 409 {stats['conflicts']})")
    print(f"left (sold out)      {stats['gave_up']}")
    print(f"errors               {stats['errors']}")
    ok = stats["errors"] == 0 and sold_ok and prefix and busiest <= args.admit_per_second
    print("RESULT", "PASS" if ok else "FAIL")
    return 0 if ok else 1


async def verify(args, granted, stats):
    """Every granted hold is still HELD, no seat is in two of them, and the seat map shows exactly
    their union. Returns (no seat twice and the map matches, (seats held, seats in the show))."""
    checker = Client(args.port)
    owners, double = {}, []
    for name, (tok, hold_id, seats) in granted.items():
        status, hold = await checker.request("GET", f"/api/v1/holds/{hold_id}", auth=tok)
        if status != 200 or hold["status"] != "HELD" or hold["seatIds"] != seats:
            stats["errors"] += 1
        for seat in seats:
            if seat in owners:
                double.append(seat)
            owners[seat] = hold_id
    _, seatmap = await checker.request("GET", f"/api/v1/shows/{args.show}/seatmap")
    union_matches = sorted(seatmap["heldSeatIds"]) == sorted(owners)
    total = sum(len(r["seats"]) for r in seatmap["layout"]["rows"])
    print(f"seats with 2 owners  {len(double)}")
    print(f"seat map == holds    {union_matches}")
    return not double and union_matches, (len(owners), total)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--show", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--room", action="store_true", help="through the show's waiting room (set up by the caller)")
    parser.add_argument("--arrival", type=float, default=3.0, help="--room: arrivals spread over this many seconds")
    parser.add_argument("--poll-cap", type=float, default=2.0, help="--room: poll at least this often (s)")
    parser.add_argument("--admit-per-second", type=int, default=0, help="--room: the room's rate (checked)")
    parser.add_argument("--admin-token", help="--room: to read the room's admission count")
    args = parser.parse_args()
    if args.room:
        return await waiting_room(args)

    rng = random.Random(2026)
    stats = {"granted": 0, "conflicts": 0, "errors": 0, "requests": 0, "holds": 0}
    granted = {}  # user -> (token, hold id)
    sold_out_at = [None]
    pool = asyncio.Queue()
    for _ in range(args.concurrency):
        pool.put_nowait(Client(args.port))
    seatmap_path = f"/api/v1/shows/{args.show}/seatmap"

    async def user(i):
        name = f"flash-{i}-{rng.randrange(1 << 30)}"
        tok = token(name, args.secret)
        want = rng.randint(1, 4)
        client = await pool.get()
        try:
            for _ in range(20):
                stats["requests"] += 1
                status, seatmap = await client.request("GET", seatmap_path)
                if status != 200:
                    stats["errors"] += 1
                    return
                taken = set(seatmap["heldSeatIds"]) | set(seatmap["unavailableSeatIds"])
                rows = [[s for s in r["seats"] if s not in taken] for r in seatmap["layout"]["rows"]]
                free = [s for r in rows for s in r]
                if not free:
                    if sold_out_at[0] is None:
                        sold_out_at[0] = time.perf_counter()
                    return
                # Prefer seats side by side in one row, like a person would.
                candidates = [r for r in rows if len(r) >= want]
                if candidates:
                    row = rng.choice(candidates)
                    start = rng.randrange(len(row) - want + 1)
                    seats = row[start:start + want]
                else:
                    seats = rng.sample(free, min(want, len(free)))
                stats["requests"] += 1
                stats["holds"] += 1
                status, body = await client.request("POST", "/api/v1/holds",
                                                    {"showId": args.show, "seatIds": seats, "quantity": len(seats)}, tok)
                if status == 201:
                    stats["granted"] += 1
                    granted[name] = (tok, body["holdId"], body["seatIds"])
                    return
                if status == 409:
                    stats["conflicts"] += 1
                    continue
                stats["errors"] += 1
                print(f"unexpected {status}: {body}", file=sys.stderr)
                return
        except Exception as e:  # noqa: BLE001 - every failure is counted and shown
            stats["errors"] += 1
            print(f"error: {e!r}", file=sys.stderr)
        finally:
            pool.put_nowait(client)

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(args.users)))
    finished = time.perf_counter()

    ok_doubles, (held, total) = await verify(args, granted, stats)
    sell_out = f"{sold_out_at[0] - started:.2f} s" if sold_out_at[0] else "not sold out"
    print(f"users                {args.users} (concurrency {args.concurrency})")
    print(f"seats                {total}, held at the end {held}")
    print(f"time to sell out     {sell_out}  (all users done in {finished - started:.2f} s)")
    print(f"requests             {stats['requests']} ({stats['requests'] / (finished - started):.0f}/s)")
    print(f"hold requests        {stats['holds']} (granted {stats['granted']}, 409 {stats['conflicts']})")
    print(f"errors               {stats['errors']}")
    ok = stats["errors"] == 0 and ok_doubles and held == total
    print("RESULT", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
