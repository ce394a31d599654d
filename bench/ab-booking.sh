#!/usr/bin/env bash
# Compares two marquee binaries on full bookings, alternating them so that the machine's drift falls
# on both alike: A, B, A, B … each an 8 s booker run (bench/booker.cpp, 64 users) on shows nobody has
# booked yet, followed by 5 s of pgbench -N, with CPU per booking of PostgreSQL and Redis from /proc.
#   bench/ab-booking.sh OLD_BINARY NEW_BINARY [PAIRS]
# Needs the database bench/run.sh leaves behind (marquee_bench, marquee_pgbench and the tokens):
# run `ONLY=booking bench/run.sh` once first. Both binaries must work with its schema as it is.
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/booking_shows.sh"

[[ $# -ge 2 ]] || { echo "usage: bench/ab-booking.sh OLD_BINARY NEW_BINARY [PAIRS]" >&2; exit 2; }
A="$1" B="$2" PAIRS="${3:-3}" PORT=8090 SECONDS_PER_RUN=8
export MARQUEE_ENV=development  # the tokens bench/run.sh made are signed with the development secret
export DATABASE_URL="postgresql://marquee@127.0.0.1:$PG_PORT/marquee_bench"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/2"
export HOLD_TOKENS="$LOCAL/bench-tokens.txt"
[[ -s "$HOLD_TOKENS" ]] || { echo "run ONLY=booking bench/run.sh first" >&2; exit 2; }
cmake --build "$BUILD_DIR" --target booker >/dev/null

# Ticks (1/100 s) of CPU used so far by every process named $1.
cpu_ticks() {
  local total=0 t
  for p in /proc/[0-9]*; do
    [[ "$(cat "$p/comm" 2>/dev/null)" == "$1" ]] || continue
    t=$(awk '{print $14 + $15}' "$p/stat" 2>/dev/null) && total=$((total + ${t:-0}))
  done
  echo "$total"
}

run_one() {
  local bin="$1"
  redis-cli -p "$REDIS_PORT" -n 2 FLUSHDB >/dev/null
  # Fresh shows for every run: the old ones are cancelled in PostgreSQL (Redis was just emptied).
  psql "$DATABASE_URL" -qc "UPDATE shows SET status = 'CANCELLED' WHERE movie_id = '550e8400-e29b-41d4-a716-446655440005'
    AND start_time > now() + interval '8 days' AND status <> 'CANCELLED'" >/dev/null
  add_booking_shows 38
  BOOK_SHOWS=$(booking_shows '8 days')
  export BOOK_SHOWS
  PORT=$PORT THREADS=2 RATE_LIMIT_PER_MINUTE=1000000 "$bin" serve --no-jobs >/dev/null 2>&1 &
  local server=$!
  wait_healthy $PORT
  BOOK_START=0 "$BUILD_DIR/bench/booker" 127.0.0.1 $PORT 64 2 >/dev/null
  local pg0 rd0 pg1 rd1 out tps n
  pg0=$(cpu_ticks postgres) rd0=$(cpu_ticks redis-server)
  out=$(BOOK_START=1000 "$BUILD_DIR/bench/booker" 127.0.0.1 $PORT 64 $SECONDS_PER_RUN)
  pg1=$(cpu_ticks postgres) rd1=$(cpu_ticks redis-server)
  kill "$server"; wait "$server" 2>/dev/null || true
  tps=$(pgbench -h 127.0.0.1 -p "$PG_PORT" -U marquee -N -c 64 -j 2 -T 5 marquee_pgbench 2>/dev/null | awk '/^tps/ {print int($3)}')
  read -r _ rate p50 p99 errors _ <<<"$out"
  n=$((rate * SECONDS_PER_RUN))
  printf '%-4s bookings/s %5s  p50 %6s  p99 %6s  non-2xx %s  pgbench %5s (%s%%)  CPU µs/booking: PostgreSQL %s, Redis %s\n' \
    "$2" "$rate" "$p50" "$p99" "$errors" "$tps" $((100 * rate / tps)) $(((pg1 - pg0) * 10000 / n)) $(((rd1 - rd0) * 10000 / n))
}

for _ in $(seq "$PAIRS"); do
  run_one "$A" A
  run_one "$B" B
done
