# Shows, databases and processes for the booking benchmarks and drills (bench/run.sh, ab-booking.sh,
# first-minute.sh, faults.sh, soak.sh): bookings consume seats for good, so they get shows of their
# own on the demo's 8 × 15 screens. Sourced after scripts/lib.sh; the functions below need DATABASE_URL.

# add_booking_shows LAST_DAY: a show every 4 hours on each such screen from day 8 to LAST_DAY.
add_booking_shows() {
  psql "$DATABASE_URL" -qc "INSERT INTO shows (movie_id, theatre_id, screen_id, start_time, end_time, price)
    SELECT '550e8400-e29b-41d4-a716-446655440005', sc.theatre_id, sc.screen_id, t, t + interval '180 minutes', 250
    FROM screens sc, generate_series(date_trunc('day', now()) + interval '8 days 6 hours',
                                     date_trunc('day', now()) + interval '$1 days', interval '4 hours') t
    WHERE sc.total_seats = 120 AND NOT EXISTS (SELECT 1 FROM show_slots l WHERE l.screen_id = sc.screen_id
      AND l.live AND l.during && tstzrange(t, t + interval '180 minutes'))" >/dev/null
}

# booking_shows AFTER: the live shows on those screens starting later than now() + AFTER, comma-separated.
booking_shows() {
  psql "$DATABASE_URL" -tAc "SELECT string_agg(show_id::text, ',') FROM shows s JOIN screens sc USING (screen_id)
    WHERE sc.total_seats = 120 AND s.start_time > now() + interval '$1' AND s.status <> 'CANCELLED'"
}

# fresh_database NAME REDIS_DB: drops and creates database NAME with the demo catalogue, empties Redis
# database REDIS_DB, and points DATABASE_URL and REDIS_URL at them.
fresh_database() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U marquee -d postgres -qc "DROP DATABASE IF EXISTS $1" >/dev/null
  ensure_database "$1"
  export DATABASE_URL="postgresql://marquee@127.0.0.1:$PG_PORT/$1"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$2"
  redis-cli -p "$REDIS_PORT" -n "$2" FLUSHDB >/dev/null
  "$BIN" migrate >/dev/null
  "$BIN" seed-demo >/dev/null
}

# seat_pairs: every two seats side by side on a show starting more than an hour from now, one
# "showId A1,A2" line each, in random order (work for bench/first_minute.lua and steady_load.py).
seat_pairs() {
  psql "$DATABASE_URL" -tAF' ' -c "SELECT s.show_id, l.row_label || n || ',' || l.row_label || (n + 1)
    FROM shows s JOIN seat_layouts l USING (screen_id), unnest(l.seat_numbers) n
    WHERE s.start_time > now() + interval '1 hour' AND s.status <> 'CANCELLED' AND n % 2 = 1
      AND n + 1 = ANY (l.seat_numbers) ORDER BY random()"
}

# start_api PORT LOG: `marquee serve --no-jobs` in the background on PORT, its output appended to
# LOG; its pid in api_pid.
start_api() {
  PORT=$1 "$BIN" serve --no-jobs >> "$2" 2>&1 &
  api_pid=$!
}

# start_jobs LOG: `marquee jobs` in the background, its output appended to LOG; its pid in jobs_pid.
start_jobs() {
  "$BIN" jobs >> "$1" 2>&1 &
  jobs_pid=$!
}

# wait_healthy PORT: until the server on PORT answers /api/health with 200 (at most 10 s).
wait_healthy() {
  for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$1/api/health" >/dev/null && return 0
    sleep 0.05
  done
}
