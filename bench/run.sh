#!/usr/bin/env bash
# Measures marquee with wrk against a bare Beast server, the raw Redis script rate and pgbench:
# health, movies list, shows-by-date, seat map, hold creation and full bookings (hold → order →
# confirm), on a fresh copy of the demo catalogue (database marquee_bench, recreated each run).
#   bench/run.sh                 10 s per endpoint, 64 connections
#   DURATION=30 CONNECTIONS=128 bench/run.sh
#   ONLY=booking bench/run.sh    just full bookings against pgbench (also: ONLY=reads, ONLY=holds)
#   ROUNDS=5 ONLY=booking bench/run.sh   bookings and pgbench measured in turns five times (default 3)
#   BENCH_BIN=old/marquee bench/run.sh   measure another build of marquee (before/after a change)
#   WITH_JOBS=1 bench/run.sh     a `marquee jobs` process runs beside the server (expiry, outbox,
#                                the seat reconciler), as in production
# Prints a table; the numbers go into docs/benchmarks.md by hand, with the machine they came from.
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/booking_shows.sh"
BIN="${BENCH_BIN:-$BIN}"
export MARQUEE_ENV=development  # tokens are signed with the built-in development secret

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
WRK_THREADS="${WRK_THREADS:-1}"
MARQUEE_PORT=8090
BARE_PORT=8091

install_packages
[[ -n "${BENCH_BIN:-}" ]] || build_release
cmake --build "$BUILD_DIR" --target bare_beast booker >/dev/null
start_servers
psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -qc "DROP DATABASE IF EXISTS marquee_bench" >/dev/null
ensure_database marquee_bench
export DATABASE_URL="postgresql://marquee@127.0.0.1:$PG_PORT/marquee_bench"
"$BIN" migrate >/dev/null
"$BIN" seed-demo >/dev/null

# A Redis database of its own, emptied first: every run starts from the same seat state.
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/2"
redis-cli -p "$REDIS_PORT" -n 2 FLUSHDB >/dev/null
# An append-only-file rewrite (a forked child compressing the whole dataset) in the middle of a run
# takes a core away from whichever endpoint is being measured: compact the file now, and hold
# automatic rewrites off until the run is over (restored on exit).
AOF_REWRITE_PERCENTAGE=$(redis-cli -p "$REDIS_PORT" CONFIG GET auto-aof-rewrite-percentage | tail -1)
redis-cli -p "$REDIS_PORT" CONFIG SET auto-aof-rewrite-percentage 0 >/dev/null
redis-cli -p "$REDIS_PORT" BGREWRITEAOF >/dev/null 2>&1 || true
for _ in $(seq 600); do
  redis-cli -p "$REDIS_PORT" INFO persistence | grep -q 'aof_rewrite_in_progress:0' && break
  sleep 0.1
done

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  redis-cli -p "$REDIS_PORT" CONFIG SET auto-aof-rewrite-percentage "$AOF_REWRITE_PERCENTAGE" >/dev/null
}
trap cleanup EXIT

# The rate limiter stays on the path (one Redis script per protected request) with a limit no
# benchmark reaches.
PORT=$MARQUEE_PORT THREADS=$THREADS RATE_LIMIT_PER_MINUTE=1000000 "$BIN" serve --no-jobs > "$LOCAL/bench-marquee.log" 2>&1 &
pids+=($!)
if [[ -n "${WITH_JOBS:-}" ]]; then
  "$BIN" jobs > "$LOCAL/bench-jobs.log" 2>&1 &
  pids+=($!)
fi
"$BUILD_DIR/bench/bare_beast" $BARE_PORT "$THREADS" &
pids+=($!)
wait_healthy $MARQUEE_PORT

MOVIE=550e8400-e29b-41d4-a716-446655440001
TOMORROW=$(date -u -d tomorrow +%F)
export BENCH_DIR="$ROOT/bench"
# Holds and seat maps spread over every future show of the demo's 240-seat screens; 240 users.
HOLD_SHOWS=$(psql "$DATABASE_URL" -tAc "SELECT string_agg(show_id::text, ',') FROM shows s JOIN screens sc USING (screen_id)
  WHERE sc.total_seats = 240 AND s.start_time > now() + interval '10 minutes' AND s.status <> 'CANCELLED'")
export HOLD_SHOWS
export HOLD_TOKENS="$LOCAL/bench-tokens.txt"
for k in $(seq 0 239); do "$BIN" token --sub "bench-user-$k" --ttl 86400; done > "$HOLD_TOKENS"

declare -A URLS=(
  [bare]="http://127.0.0.1:$BARE_PORT/"
  [health]="http://127.0.0.1:$MARQUEE_PORT/api/health"
  [movies]="http://127.0.0.1:$MARQUEE_PORT/api/v1/movies?category=trending&limit=20"
  [shows]="http://127.0.0.1:$MARQUEE_PORT/api/v1/movies/$MOVIE/shows?date=$TOMORROW"
  [seatmap]="http://127.0.0.1:$MARQUEE_PORT"
  [holds]="http://127.0.0.1:$MARQUEE_PORT"
  [fullmap]="http://127.0.0.1:$MARQUEE_PORT"
)
# seatmap reads shows nobody has touched yet; fullmap reads them again after the holds run, when
# every seat of every show is held (a sold-out house).
declare -A SCRIPTS=([seatmap]=seatmap.lua [holds]=holds.lua [fullmap]=seatmap.lua)
ORDER=(bare health movies shows seatmap holds fullmap)
ONLY="${ONLY:-all}"
case "$ONLY" in
  all) ;;
  reads) ORDER=(bare health movies shows seatmap) ;;
  holds) ORDER=(holds) ;;
  booking) ORDER=() ;;
  *) echo "ONLY must be all, reads, holds or booking" >&2; exit 2 ;;
esac

declare -A RPS
printf '%-8s %12s %9s %9s %8s %8s\n' endpoint "req/s" "p50 ms" "p99 ms" non-2xx errors
for name in "${ORDER[@]}"; do
  script="$ROOT/bench/${SCRIPTS[$name]:-report.lua}"
  # A short warm-up fills caches and opens connections; only the second run is reported.
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d2s -s "$script" "${URLS[$name]}" >/dev/null
  read -r _ rps p50 p99 status errors < <(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -s "$script" "${URLS[$name]}" | grep '^RESULT')
  RPS[$name]=$rps
  printf '%-8s %12s %9s %9s %8s %8s\n' "$name" "$rps" "$p50" "$p99" "$status" "$errors"
done

# The same hold script, straight into Redis: one user replacing its hold with a random seat, on
# keys of the same shape (a bench show whose state is initialised). Twice: on a show with nothing
# else held, and on one where 240 other users each hold a seat, as every show is by the time the
# holds run above ends (the hashes and sorted sets the script works on are then that much larger).
if [[ "$ONLY" == all || "$ONLY" == holds ]]; then
SHA=$(redis-cli -p "$REDIS_PORT" -n 2 SCRIPT LOAD "$(cat "$ROOT/src/booking/lua/prelude.lua" "$ROOT/src/booking/lua/create_hold.lua")")
redis_script_rate() {
  local S="$1"
  redis-benchmark -p "$REDIS_PORT" --dbnum 2 -c "$CONNECTIONS" -n $((DURATION * 20000)) -r 240 --csv \
    EVALSHA "$SHA" 12 "show:$S" "sold:$S" "seats:$S" "seat_expiry:$S" "holds:$S" "user_holds:$S" "hold_expiry:$S" \
    "admitted:$S" "queue:$S" "queue_seen:$S" "room:$S" "seat_events:$S" \
    bench-user hold-__rand_int__ 300000 3600000 "" "A__rand_int__" | tail -1 | cut -d, -f2 | tr -d '"'
}
EMPTY="{bench-show-empty}"
FULL="{bench-show-full}"
# A show's state as lua/resync.lua leaves it: every key there, with its sentinel.
for S in "$EMPTY" "$FULL"; do
  redis-cli -p "$REDIS_PORT" -n 2 HSET "show:$S" init 1 cancelled 0 >/dev/null
  redis-cli -p "$REDIS_PORT" -n 2 SADD "sold:$S" '#' >/dev/null
  redis-cli -p "$REDIS_PORT" -n 2 HSET "seats:$S" '#' 0 >/dev/null
  redis-cli -p "$REDIS_PORT" -n 2 ZADD "seat_expiry:$S" 0 '#' >/dev/null
  redis-cli -p "$REDIS_PORT" -n 2 HSET "holds:$S" '#' '{}' >/dev/null
  redis-cli -p "$REDIS_PORT" -n 2 HSET "user_holds:$S" '' '#' >/dev/null
  redis-cli -p "$REDIS_PORT" -n 2 ZADD "hold_expiry:$S" 0 '#' >/dev/null
  redis-cli -p "$REDIS_PORT" -n 2 XADD "seat_events:$S" '*' e '{"cause":"reset"}' >/dev/null
done
for i in $(seq 0 239); do
  echo "EVALSHA $SHA 12 show:$FULL sold:$FULL seats:$FULL seat_expiry:$FULL holds:$FULL user_holds:$FULL hold_expiry:$FULL admitted:$FULL queue:$FULL queue_seen:$FULL room:$FULL seat_events:$FULL other-$i other-hold-$i 300000 3600000 '' B$i"
done | redis-cli -p "$REDIS_PORT" -n 2 >/dev/null
REDIS_EMPTY_RPS=$(redis_script_rate "$EMPTY")
REDIS_RPS=$(redis_script_rate "$FULL")
printf '%-8s %12.0f   (redis-benchmark, the same Lua script, show otherwise empty)\n' "redis" "$REDIS_EMPTY_RPS"
printf '%-8s %12.0f   (redis-benchmark, the same Lua script, 240 seats held by others)\n' "redis" "$REDIS_RPS"
for S in "$EMPTY" "$FULL"; do
  redis-cli -p "$REDIS_PORT" -n 2 DEL "show:$S" "sold:$S" "seats:$S" "seat_expiry:$S" "holds:$S" "user_holds:$S" \
    "hold_expiry:$S" "seat_events:$S" >/dev/null
done
fi

if [[ "$ONLY" == all || "$ONLY" == booking ]]; then
# Full bookings: 64 users, each on its own connection walking hold → order → confirm over and over
# (bench/booker.cpp), against PostgreSQL's own simple-update rate (pgbench -N) on the same server.
# The machine's speed drifts within minutes, so the two are measured in turns, ROUNDS times
# (booking, then pgbench, then booking …), and the ratio of each pair is reported; the bar is judged
# on their median. Bookings consume seats for good: give them two months of shows on the demo's
# 8 × 15 screens, and start each run where the previous one stopped.
ROUNDS="${ROUNDS:-3}"
add_booking_shows 60
BOOK_SHOWS=$(booking_shows '10 minutes')
export BOOK_SHOWS
psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -qc "DROP DATABASE IF EXISTS marquee_pgbench" >/dev/null
ensure_database marquee_pgbench
pgbench -h 127.0.0.1 -p "$PG_PORT" -U marquee -i -q -s 10 marquee_pgbench >/dev/null 2>&1
# A short warm-up on seats of its own, then the measured rounds. The database was created a moment
# ago: without statistics, the plans PostgreSQL caches for the prepared statements are made for
# empty tables (a sequential scan of orders, say) and kept until autovacuum gets round to analyzing
# them, a minute or more into the run. A database in service has its statistics: analyze first.
read -r _ _ _ _ _ BOOK_START < <(BOOK_START=0 "$BUILD_DIR/bench/booker" 127.0.0.1 $MARQUEE_PORT "$CONNECTIONS" 2)
psql "$DATABASE_URL" -qc "VACUUM ANALYZE" >/dev/null
RATIOS=()
for round in $(seq "$ROUNDS"); do
  read -r _ BOOKINGS BOOK_P50 BOOK_P99 BOOK_STATUS BOOK_START < <(BOOK_START=$BOOK_START "$BUILD_DIR/bench/booker" \
    127.0.0.1 $MARQUEE_PORT "$CONNECTIONS" "$DURATION")
  printf '%-8s %12s %9s %9s %8s   (bookings/s; latency per request; round %s)\n' booking "$BOOKINGS" "$BOOK_P50" \
    "$BOOK_P99" "$BOOK_STATUS" "$round"
  PGBENCH_TPS=$(pgbench -h 127.0.0.1 -p "$PG_PORT" -U marquee -N -c "$CONNECTIONS" -j 2 -T "$DURATION" marquee_pgbench 2>/dev/null \
    | awk '/^tps/ {print int($3)}')
  printf '%-8s %12s   (pgbench -N simple-update TPS, %s clients; round %s)\n' pgbench "$PGBENCH_TPS" "$CONNECTIONS" "$round"
  RATIOS+=($((100 * BOOKINGS / PGBENCH_TPS)))
done
BOOKING_RATIO=$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
fi

echo
awk -v b="${RPS[bare]:-}" -v h="${RPS[health]:-}" -v m="${RPS[movies]:-}" -v s="${RPS[shows]:-}" \
    -v sm="${RPS[seatmap]:-}" -v fm="${RPS[fullmap]:-}" -v hd="${RPS[holds]:-}" -v r="${REDIS_RPS:-}" -v re="${REDIS_EMPTY_RPS:-}" \
    -v br="${BOOKING_RATIO:-}" -v rounds="${RATIOS[*]:-}" 'BEGIN {
  if (h) printf "bare / health      = %.2fx  (bar: at most 1.5x)\n", b / h
  if (h) printf "movies / health    = %.0f%%\n", 100 * m / h
  if (h) printf "shows / health     = %.0f%%  (bar: at least 60%%)\n", 100 * s / h
  if (h) printf "seatmap / health   = %.0f%%  (bar: at least 60%%)\n", 100 * sm / h
  if (h && fm) printf "fullmap / health   = %.0f%%  (sold-out house)\n", 100 * fm / h
  if (r) printf "holds / redis      = %.0f%%  (bar: at least 50%%; against the script on an empty show: %.0f%%)\n", 100 * hd / r, 100 * hd / re
  if (br) printf "bookings / pgbench = %d%%  (median of the rounds: %s; bar: at least 50%%)\n", br, rounds
}'
echo "(wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, marquee THREADS=$THREADS, $(nproc) cores)"
