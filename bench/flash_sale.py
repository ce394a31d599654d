#!/usr/bin/env python3
"""Flash sale: N users race for the seats of one show.

Each user looks at the seat map, picks 1-4 seats that look free (next to each other when it can),
and asks for a hold; on 409 it looks again and retries, until it has a hold or the show is full.
Reports the time until every seat was held, holds granted, 409s and errors (which must be 0), then
verifies that no seat has two owners and that the seat map equals the union of the granted holds.

Usage: flash_sale.py --port P --show SHOW_ID --secret JWT_SECRET [--users 5000] [--concurrency 256]
(bench/flash-sale sets everything up and calls this.)
"""

import argparse
import asyncio
import base64
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


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--show", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=256)
    args = parser.parse_args()

    rng = random.Random(2026)
    stats = {"granted": 0, "conflicts": 0, "errors": 0, "requests": 0}
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

    # Verification: every granted hold is still HELD, no seat is in two of them, and the seat map
    # shows exactly their union.
    checker = Client(args.port)
    owners = {}
    double = []
    for name, (tok, hold_id, seats) in granted.items():
        status, hold = await checker.request("GET", f"/api/v1/holds/{hold_id}", auth=tok)
        if status != 200 or hold["status"] != "HELD" or hold["seatIds"] != seats:
            stats["errors"] += 1
        for seat in seats:
            if seat in owners:
                double.append(seat)
            owners[seat] = hold_id
    _, seatmap = await checker.request("GET", seatmap_path)
    union_matches = sorted(seatmap["heldSeatIds"]) == sorted(owners)
    total = sum(len(r["seats"]) for r in seatmap["layout"]["rows"])

    sell_out = f"{sold_out_at[0] - started:.2f} s" if sold_out_at[0] else "not sold out"
    print(f"users                {args.users} (concurrency {args.concurrency})")
    print(f"seats                {total}, held at the end {len(owners)}")
    print(f"time to sell out     {sell_out}  (all users done in {finished - started:.2f} s)")
    print(f"requests             {stats['requests']} ({stats['requests'] / (finished - started):.0f}/s)")
    print(f"holds granted        {stats['granted']}")
    print(f"409 conflicts        {stats['conflicts']}")
    print(f"errors               {stats['errors']}")
    print(f"seats with 2 owners  {len(double)}")
    print(f"seat map == holds    {union_matches}")
    ok = stats["errors"] == 0 and not double and union_matches and len(owners) == total
    print("RESULT", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
