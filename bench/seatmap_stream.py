#!/usr/bin/env python3
"""Live seat map at scale: N idle subscribers on one show's stream, then changes.

Opens --subscribers Server-Sent-Events connections to one instance, then makes --changes holds one
after another and measures, for each, how long until every subscriber had the event (from the hold's
answer), and the server's memory (VmRSS of --pid) before, with everyone connected, and after the
changes. Every subscriber must get every change, in order.

Usage: seatmap_stream.py --port P --pid PID --show SHOW_ID --secret S [--subscribers 10000] [--changes 20]
(bench/seatmap-stream sets everything up and calls this.)
"""

import argparse
import asyncio
import sys
import time

from flash_sale import Client, token


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Subscriber:
    def __init__(self):
        self.received = {}  # event id -> when
        self.order = []
        self.first = asyncio.Event()

    async def run(self, port, show):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /api/v1/shows/{show}/seatmap/stream HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        await reader.readuntil(b"\r\n\r\n")
        event_id = None
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"id: "):
                event_id = line[4:].strip().decode()
            elif line.startswith(b"event: seats"):
                self.received[event_id] = time.perf_counter()
                self.order.append(event_id)
            elif line.startswith(b"event: seatmap"):
                self.first.set()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--show", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--subscribers", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()

    before = rss_mib(args.pid)
    subscribers = [Subscriber() for _ in range(args.subscribers)]
    started = time.perf_counter()
    tasks = []
    for i, s in enumerate(subscribers):
        tasks.append(asyncio.ensure_future(s.run(args.port, args.show)))
        if i % 500 == 499:
            await asyncio.sleep(0.05)  # connect in waves: the listen backlog is finite
    await asyncio.wait_for(asyncio.gather(*(s.first.wait() for s in subscribers)), 120)
    connected = time.perf_counter() - started
    await asyncio.sleep(2)
    with_everyone = rss_mib(args.pid)

    client = Client(args.port)
    fanout = []
    for i in range(args.changes):
        seat = f"{chr(65 + i // 20)}{i % 20 + 1}"
        status, hold = await client.request("POST", "/api/v1/holds", {"showId": args.show, "seatIds": [seat], "quantity": 1},
                                            token(f"stream-bench-{i}", args.secret))
        answered = time.perf_counter()
        if status != 201:
            print(f"hold answered {status}: {hold}", file=sys.stderr)
            return 1
        deadline = answered + 10
        while time.perf_counter() < deadline and sum(1 for s in subscribers if len(s.order) > i) < len(subscribers):
            await asyncio.sleep(0.005)
        last = max((s.received[s.order[i]] for s in subscribers if len(s.order) > i), default=answered)
        fanout.append(last - answered)
    await asyncio.sleep(1)
    after = rss_mib(args.pid)
    complete = all(len(s.order) == args.changes for s in subscribers)
    same_order = len({tuple(s.order) for s in subscribers}) == 1
    for t in tasks:
        t.cancel()
    fanout.sort()
    print(f"subscribers          {args.subscribers} connected in {connected:.1f} s")
    print(f"server memory        {before:.0f} MiB before, {with_everyone:.0f} MiB with everyone connected "
          f"({(with_everyone - before) * 1024 / args.subscribers:.1f} KiB each), {after:.0f} MiB after {args.changes} changes")
    print(f"change -> everyone   p50 {fanout[len(fanout) // 2] * 1000:.0f} ms, max {fanout[-1] * 1000:.0f} ms "
          f"(from the hold's answer to the last subscriber's read)")
    print(f"every change to all  {complete}, same order everywhere {same_order}")
    ok = complete and same_order
    print("RESULT", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
