#!/usr/bin/env bash
# Measures the read paths with wrk against a fresh marquee (demo data) and a bare Beast server.
#   bench/run.sh                 10 s per endpoint, 64 connections
#   DURATION=30 CONNECTIONS=128 bench/run.sh
# Prints a table; the numbers go into docs/benchmarks.md by hand, with the machine they came from.
source "$(dirname "$0")/../scripts/lib.sh"

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
WRK_THREADS="${WRK_THREADS:-1}"
MARQUEE_PORT=8090
BARE_PORT=8091

install_packages
build_release
cmake --build "$BUILD_DIR" --target bare_beast >/dev/null
start_servers
ensure_database marquee
"$BIN" migrate >/dev/null
"$BIN" seed-demo >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

PORT=$MARQUEE_PORT THREADS=$THREADS RATE_LIMIT_PER_MINUTE=0 "$BIN" serve --no-jobs > "$LOCAL/bench-marquee.log" 2>&1 &
pids+=($!)
"$BUILD_DIR/bench/bare_beast" $BARE_PORT "$THREADS" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$MARQUEE_PORT/api/health" >/dev/null && break; sleep 0.1; done

MOVIE=550e8400-e29b-41d4-a716-446655440001
TOMORROW=$(date -u -d tomorrow +%F)
declare -A URLS=(
  [bare]="http://127.0.0.1:$BARE_PORT/"
  [health]="http://127.0.0.1:$MARQUEE_PORT/api/health"
  [movies]="http://127.0.0.1:$MARQUEE_PORT/api/v1/movies?category=trending&limit=20"
  [shows]="http://127.0.0.1:$MARQUEE_PORT/api/v1/movies/$MOVIE/shows?date=$TOMORROW"
)
ORDER=(bare health movies shows)

declare -A RPS
printf '%-8s %12s %9s %9s %8s %8s\n' endpoint "req/s" "p50 ms" "p99 ms" non-2xx errors
for name in "${ORDER[@]}"; do
  # A short warm-up fills caches and opens connections; only the second run is reported.
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d2s -s "$ROOT/bench/report.lua" "${URLS[$name]}" >/dev/null
  read -r _ rps p50 p99 status errors < <(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -s "$ROOT/bench/report.lua" "${URLS[$name]}" | grep '^RESULT')
  RPS[$name]=$rps
  printf '%-8s %12s %9s %9s %8s %8s\n' "$name" "$rps" "$p50" "$p99" "$status" "$errors"
done
echo
awk -v b="${RPS[bare]}" -v h="${RPS[health]}" -v m="${RPS[movies]}" -v s="${RPS[shows]}" 'BEGIN {
  printf "bare / health      = %.2fx  (bar: at most 1.5x)\n", b / h
  printf "movies / health    = %.0f%%\n", 100 * m / h
  printf "shows / health     = %.0f%%  (bar: at least 60%%)\n", 100 * s / h
}'
echo "(wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, marquee THREADS=$THREADS, $(nproc) cores)"
