#!/usr/bin/env bash
# Is a fresh installation fast from its first minute? Creates and seeds a new database, starts
# `marquee serve` (with its jobs, as ./run.sh does) and at once lets new users arrive at a steady
# rate, each walking hold (two seats) → order → confirm payment, driven by wrk (bench/first_minute.lua).
# Reports request latency in the first minute (one wrk run from the moment the server answers), then
# lets WARM_AFTER seconds of the same load pass unreported, then reports a warm minute.
#   bench/first-minute.sh                      150 users/s
#   USERS_PER_SECOND=300 BENCH_BIN=old/marquee bench/first-minute.sh   another build, more load
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/booking_shows.sh"
BIN="${BENCH_BIN:-$BIN}"

USERS_PER_SECOND="${USERS_PER_SECOND:-150}"
WINDOW="${WINDOW:-60}"
WARM_AFTER="${WARM_AFTER:-60}"
export WRK_THREADS="${WRK_THREADS:-32}" USERS_PER_SECOND
PORT=8092
export MARQUEE_ENV=production JWT_SECRET="first-minute-bench-secret-0123456789abcdef"

install_packages
[[ -n "${BENCH_BIN:-}" ]] || build_release
start_servers
fresh_database marquee_first 3
# More seats than the demo has (a show every 4 hours on its 120-seat screens up to day 90), so that
# every user of every window finds two free seats even at several hundred users a second.
add_booking_shows 90

# Work for every window: a new user per line, two seats side by side on a future show, in random
# order over all shows. Tokens are signed here (HS256), not by spawning `marquee token` thousands of times.
WORK="$LOCAL/first-minute"
rm -rf "$WORK" && mkdir -p "$WORK"
seat_pairs > "$WORK/seats"
python3 - "$WORK" "$USERS_PER_SECOND" "$WINDOW" "$WARM_AFTER" <<'PY'
import base64, hashlib, hmac, json, os, sys, time
work, rate, window, warm_after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
secret = os.environ["JWT_SECRET"].encode()
def b64(raw): return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
seats = open(f"{work}/seats").read().split("\n")
per_window = int(rate * window * 1.2)
needed = per_window * 2 + int(rate * warm_after * 1.2)
if len(seats) < needed:
    sys.exit(f"only {len(seats)} seat pairs for {needed} users: lower USERS_PER_SECOND or WINDOW")
user = 0
def write(name, count):
    global user
    with open(f"{work}/{name}", "w") as out:
        for _ in range(count):
            payload = b64(json.dumps({"sub": f"first-minute-{user}", "exp": int(time.time()) + 86400}).encode())
            sig = b64(hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())
            out.write(f"{header}.{payload}.{sig} {seats[user]}\n")
            user += 1
write("first", per_window)
write("between", int(rate * warm_after * 1.2))
write("warm", per_window)
PY

pid=
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT
PORT=$PORT "$BIN" serve > "$LOCAL/first-minute-marquee.log" 2>&1 &
pid=$!
wait_healthy $PORT

run_window() {  # run_window NAME SECONDS
  WORK_FILE="$WORK/$1" wrk -t"$WRK_THREADS" -c"$WRK_THREADS" -d"$2s" --latency -s "$ROOT/bench/first_minute.lua" \
    "http://127.0.0.1:$PORT" | grep '^RESULT'
}
echo "($USERS_PER_SECOND new users/s, hold → order → pay; wrk -t$WRK_THREADS -c$WRK_THREADS; $(nproc) cores; $BIN${BENCH_BIN:+ (BENCH_BIN)}${BENCH_BIN:-" at $(git -C "$ROOT" rev-parse --short HEAD)"})"
printf '| window | req/s | p50 ms | p99 ms | max ms | bookings | failed steps | socket errors |\n|---|---|---|---|---|---|---|---|\n'
read -r _ rps p50 p99 max bookings failed errors < <(run_window first "$WINDOW")
printf '| 0–%s s (first) | %s | %s | %s | %s | %s | %s | %s |\n' "$WINDOW" "$rps" "$p50" "$p99" "$max" "$bookings" \
  "$failed" "$errors"
run_window between "$WARM_AFTER" >/dev/null
start=$((WINDOW + WARM_AFTER))
read -r _ rps p50 p99 max bookings failed errors < <(run_window warm "$WINDOW")
printf '| %s–%s s (warm) | %s | %s | %s | %s | %s | %s | %s |\n' $start $((start + WINDOW)) \
  "$rps" "$p50" "$p99" "$max" "$bookings" "$failed" "$errors"
