#!/usr/bin/env bash
# Fault drills under load: while bench/steady_load.py books continuously (browse → hold → order →
# pay, every tenth booking cancelled), restart PostgreSQL, restart Redis, pause each for 5 s
# (SIGSTOP), kill -9 the API and the jobs process and start them again — CALM seconds apart. Then,
# with the load stopped and holds lapsed, an audit from PostgreSQL and Redis: no seat in two live
# orders; Redis's sold and held seats of every show equal to PostgreSQL's; every confirmed order's
# order.confirmed event delivered to the sink. Prints a table per fault (the numbers go into
# docs/reliability.md) and exits non-zero when the audit fails or a request hung.
#   bench/faults.sh                 every drill
#   CALM=30 USERS=32 bench/faults.sh
#   BENCH_BIN=old/marquee bench/faults.sh
# The API runs as `serve --no-jobs` and the jobs as `marquee jobs` beside it, so each can be killed.
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/booking_shows.sh"
BIN="${BENCH_BIN:-$BIN}"

CALM="${CALM:-25}"
USERS="${USERS:-24}"
PAUSE=5
HOLD_TTL=15
# A hold being claimed keeps its seats for the order write at most this long (booking/orders.cpp).
CLAIM_SECONDS=60
API_PORT=8093
export MARQUEE_ENV=production JWT_SECRET="fault-drill-secret-0123456789abcdef0123"
# A short lease: the notifications the killed jobs process had claimed are delivered by its
# successor within the drill, not ten minutes later.
export HOLD_TTL_SECONDS=$HOLD_TTL RATE_LIMIT_PER_MINUTE=0 THREADS=2 OUTBOX_LEASE_SECONDS=20

install_packages
[[ -n "${BENCH_BIN:-}" ]] || build_release
start_servers
fresh_database marquee_faults 4
add_booking_shows 60

WORK="$LOCAL/faults"
rm -rf "$WORK" && mkdir -p "$WORK"
export NOTIFY_SINK="file:$WORK/notifications.jsonl"
seat_pairs > "$WORK/seats"

api_pid= jobs_pid= load_pid=
cleanup() {
  for p in $load_pid $api_pid $jobs_pid; do kill "$p" 2>/dev/null || true; done
  for p in $(postgres_pids) $(cat "$LOCAL/redis/redis.pid" 2>/dev/null); do kill -CONT "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
start_api $API_PORT "$WORK/api.log"
start_jobs "$WORK/jobs.log"
wait_healthy $API_PORT

# This cluster's postmaster and its children (whoever runs them).
postgres_pids() {
  local postmaster; postmaster=$(head -1 "$(pg_root)/data/postmaster.pid" 2>/dev/null) || return 0
  echo "$postmaster" $(pgrep -P "$postmaster")
}
restart_postgres() { as_pg "$PG_BIN/pg_ctl" -D "$(pg_root)/data" -l "$(pg_root)/postgres.log" -m fast -w restart >/dev/null; }
restart_redis() { redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true; start_redis 2>/dev/null; }
pause() {  # pause PID... : SIGSTOP, PAUSE seconds, SIGCONT
  kill -STOP "$@"; sleep $PAUSE; kill -CONT "$@"
}
pause_postgres() { pause $(postgres_pids); }
pause_redis() { pause "$(cat "$LOCAL/redis/redis.pid")"; }
kill_api() { kill -9 "$api_pid"; wait "$api_pid" 2>/dev/null || true; start_api $API_PORT "$WORK/api.log"; wait_healthy $API_PORT; }
kill_jobs() { kill -9 "$jobs_pid"; wait "$jobs_pid" 2>/dev/null || true; start_jobs "$WORK/jobs.log"; }

DRILLS=(restart_postgres restart_redis pause_postgres pause_redis kill_api kill_jobs)
TOTAL=$(( (${#DRILLS[@]} + 1) * CALM + 2 * PAUSE ))
log "load: $USERS customers for $TOTAL s; a drill every $CALM s: ${DRILLS[*]}"
python3 "$ROOT/bench/steady_load.py" --port $API_PORT --secret "$JWT_SECRET" --work "$WORK/seats" \
  --seconds "$TOTAL" --users "$USERS" --out "$WORK/load.jsonl" 2> "$WORK/load.err" &
load_pid=$!
: > "$WORK/drills"
for drill in "${DRILLS[@]}"; do
  sleep "$CALM"
  started=$(date +%s.%N)
  "$drill"
  echo "$drill $started $(date +%s.%N)" >> "$WORK/drills"
  log "$drill done"
done
wait "$load_pid"
load_pid=

log "load stopped: letting holds and claims lapse ($CLAIM_SECONDS s) and the jobs catch up"
sleep $((CLAIM_SECONDS + 5))
# Until the outbox has nothing due (at most a minute).
for _ in $(seq 60); do
  [[ "$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL")" == 0 ]] && break
  sleep 1
done

python3 - "$WORK" "$DATABASE_URL" "$REDIS_PORT" <<'PY'
import json, socket, subprocess, sys
work, db, redis_port = sys.argv[1], sys.argv[2], sys.argv[3]

def sql(q):
    return subprocess.run(["psql", db, "-tAF", "\t", "-c", q], capture_output=True, text=True, check=True).stdout.split("\n")

def redis_pipeline(commands):
    """Every command in one round trip (RESP); each reply as a list of strings."""
    with socket.create_connection(("127.0.0.1", int(redis_port))) as s:
        out = [["SELECT", "4"]] + commands
        s.sendall(b"".join(b"*%d\r\n" % len(c) + b"".join(b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode())
                                                           for a in c) for c in out))
        f = s.makefile("rb")
        def read():
            line = f.readline().rstrip(b"\r\n")
            kind, rest = line[:1], line[1:]
            if kind == b"*":
                return [read() for _ in range(int(rest))]
            if kind == b"$":
                data = f.read(int(rest) + 2)[:-2]
                return data.decode()
            if kind == b"-":
                raise RuntimeError(rest.decode())
            return rest.decode()
        replies = [read() for _ in out]
    return replies[1:]

seconds = [json.loads(l) for l in open(f"{work}/load.jsonl")]
drills = [l.split() for l in open(f"{work}/drills")]

def failures(s):
    return s["503"] + sum(s["other"].values()) + s["conn"] + s["timeouts"]

print("| fault | requests during it | 503 | other 4xx/5xx | connection errors | hung (>10 s) | full recovery |")
print("|---|---|---|---|---|---|---|")
hung = 0
for i, (name, start, end) in enumerate(drills):
    start, end = float(start), float(end)
    # Up to the second in which the next drill starts (that second's failures are the next one's).
    until = int(float(drills[i + 1][1])) if i + 1 < len(drills) else seconds[-1]["t"] + 1
    span = [s for s in seconds if int(start) <= s["t"] < until]
    failed = [s for s in span if failures(s) > 0]
    # Full recovery: the end of the last second with any failure, counted from the moment the
    # drill's command returned (a pause resumed, a restart or a restarted process answering).
    last_bad = max((s["t"] + 1 for s in failed), default=None)
    recovery = "no failed request" if last_bad is None else f"{max(0.0, last_bad - end):.0f} s after it ended"
    window = [s for s in span if s["t"] < (last_bad or int(end) + 1)]
    others = {}
    for s in window:
        for k, v in s["other"].items():
            others[k] = others.get(k, 0) + v
    hung += sum(s["timeouts"] for s in window)
    print(f"| {name} ({end - start:.1f} s) | {sum(s['requests'] for s in window)} | {sum(s['503'] for s in window)} | "
          f"{sum(others.values())}{' ' + json.dumps(others) if others else ''} | {sum(s['conn'] for s in window)} | "
          f"{sum(s['timeouts'] for s in window)} | {recovery} |")
total = sum(s["requests"] for s in seconds)
print(f"\n{total} requests in {len(seconds)} s; {sum(s['ok'] for s in seconds)} answered 2xx.")

problems = []
double = sql("SELECT show_id, seat FROM orders, unnest(seat_ids) seat WHERE status IN ('PAYMENT_PENDING', 'CONFIRMED') "
             "GROUP BY 1, 2 HAVING count(*) > 1")
if any(double):
    problems.append(f"seats in two live orders: {double}")
# PostgreSQL's live seats of every show, then Redis's, in one pipelined round trip.
shows = [l for l in sql("SELECT show_id FROM seat_versions") if l]
sold_pg, pending_pg = {s: set() for s in shows}, {s: set() for s in shows}
for line in sql("SELECT show_id, status, seat FROM orders, unnest(seat_ids) seat "
                "WHERE status IN ('PAYMENT_PENDING', 'CONFIRMED')"):
    if line:
        show, status, seat = line.split("\t")
        (sold_pg if status == "CONFIRMED" else pending_pg).setdefault(show, set()).add(seat)
now_ms = int(redis_pipeline([["TIME"]])[0][0]) * 1000
replies = redis_pipeline([c for s in shows for c in (["SMEMBERS", f"sold:{{{s}}}"],
                          # Every live seat (held, unpaid, sold) has its expiry, or a far one, here.
                          ["ZRANGEBYSCORE", f"seat_expiry:{{{s}}}", f"({now_ms}", "+inf"])])
mismatched = 0
for i, show in enumerate(shows):
    sold_redis, taken_redis = set(replies[2 * i]) - {"#"}, set(replies[2 * i + 1]) - {"#"}
    if sold_pg[show] != sold_redis or sold_pg[show] | pending_pg[show] != taken_redis:
        mismatched += 1
        if mismatched <= 3:
            problems.append(f"show {show}: PostgreSQL sold {sorted(sold_pg[show])} pending {sorted(pending_pg[show])}, "
                            f"Redis sold {sorted(sold_redis)} taken {sorted(taken_redis)}")
if mismatched:
    problems.append(f"{mismatched} of {len(shows)} shows differ between Redis and PostgreSQL")
confirmed = set(x for x in sql("SELECT order_id FROM orders WHERE confirmed_at IS NOT NULL") if x)
delivered = set()
for line in open(f"{work}/notifications.jsonl"):
    event = json.loads(line)
    if event.get("event") == "order.confirmed":
        delivered.add(event.get("orderId"))
undelivered = confirmed - delivered
if undelivered:
    problems.append(f"{len(undelivered)} of {len(confirmed)} confirmed orders have no order.confirmed delivered")
if hung:
    problems.append(f"{hung} requests hung (no answer within 10 s)")
print(f"Audit: {len(shows)} shows compared, {len(confirmed)} confirmed orders, "
      f"{len(delivered)} order.confirmed events delivered.")
for p in problems:
    print("AUDIT FAILED:", p)
if not problems:
    print("Audit passed: no seat in two live orders; Redis equals PostgreSQL for every show; every confirmed "
          "order's order.confirmed was delivered.")
sys.exit(1 if problems else 0)
PY
