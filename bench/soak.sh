#!/usr/bin/env bash
# Soak: MINUTES (default 10) of steady mixed load (bench/steady_load.py: browse → hold → order → pay,
# every tenth booking cancelled) against `serve --no-jobs` and a `marquee jobs` process, as in
# production. Samples each process's resident memory and open file descriptors every minute, and
# prints them with the requests, errors and latency (p50/p99/max) of each minute; the numbers go into
# docs/reliability.md. Growth that does not level off is what to look for.
#   bench/soak.sh
#   MINUTES=30 USERS=48 bench/soak.sh
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/booking_shows.sh"
BIN="${BENCH_BIN:-$BIN}"

MINUTES="${MINUTES:-10}"
USERS="${USERS:-32}"
API_PORT=8094
export MARQUEE_ENV=production JWT_SECRET="soak-test-secret-0123456789abcdef0123456789"
export RATE_LIMIT_PER_MINUTE=0 THREADS=2

install_packages
[[ -n "${BENCH_BIN:-}" ]] || build_release
start_servers
fresh_database marquee_soak 5
# Ten minutes at full speed book about 220,000 pairs of seats: shows up to day 200 offer ~390,000.
add_booking_shows 200
WORK="$LOCAL/soak"
rm -rf "$WORK" && mkdir -p "$WORK"
export NOTIFY_SINK="file:$WORK/notifications.jsonl"
seat_pairs > "$WORK/seats"

api_pid= jobs_pid= load_pid=
cleanup() { for p in $load_pid $api_pid $jobs_pid; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start_api $API_PORT "$WORK/api.log"
start_jobs "$WORK/jobs.log"
wait_healthy $API_PORT

sample() {  # sample MINUTE: one line per process
  for p in api:$api_pid jobs:$jobs_pid; do
    local name=${p%%:*} pid=${p##*:}
    echo "$1 $name $(awk '/VmRSS/ {print $2}' /proc/$pid/status) $(ls /proc/$pid/fd | wc -l)"
  done >> "$WORK/processes"
}
: > "$WORK/processes"
sample 0
log "soak: $USERS customers for $MINUTES minute(s)"
python3 "$ROOT/bench/steady_load.py" --port $API_PORT --secret "$JWT_SECRET" --work "$WORK/seats" \
  --seconds $((MINUTES * 60)) --users "$USERS" --bucket 60 --out "$WORK/load.jsonl" 2> "$WORK/load.err" &
load_pid=$!
for m in $(seq "$MINUTES"); do
  sleep 60
  sample "$m"
done
wait "$load_pid"
load_pid=

python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
minutes = [json.loads(l) for l in open(f"{work}/load.jsonl")]
samples = {}
for line in open(f"{work}/processes"):
    m, name, rss, fds = line.split()
    samples.setdefault(int(m), {})[name] = (int(rss) // 1024, int(fds))
print("| minute | requests | 2xx | 503 | other | p50 ms | p99 ms | max ms | API RSS MiB / fds | jobs RSS MiB / fds |")
print("|---|---|---|---|---|---|---|---|---|---|")
s0 = samples.get(0, {})
print(f"| start | | | | | | | | {s0['api'][0]} / {s0['api'][1]} | {s0['jobs'][0]} / {s0['jobs'][1]} |")
for i, b in enumerate(minutes, start=1):
    s = samples.get(i, {})
    other = sum(b["other"].values()) + b["conn"] + b["timeouts"]
    api = f"{s['api'][0]} / {s['api'][1]}" if "api" in s else ""
    jobs = f"{s['jobs'][0]} / {s['jobs'][1]}" if "jobs" in s else ""
    print(f"| {i} | {b['requests']} | {b['ok']} | {b['503']} | {other} | {b['ms'][0]} | {b['ms'][1]} | {b['ms'][2]} | "
          f"{api} | {jobs} |")
PY
