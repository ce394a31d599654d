# Shows for the booking benchmarks (bench/run.sh, bench/ab-booking.sh): bookings consume seats for
# good, so they get shows of their own on the demo's 8 × 15 screens. Sourced; needs DATABASE_URL.

# add_booking_shows LAST_DAY: a show every 4 hours on each such screen from day 8 to LAST_DAY.
add_booking_shows() {
  psql "$DATABASE_URL" -qc "INSERT INTO shows (movie_id, theatre_id, screen_id, start_time, end_time, price)
    SELECT '550e8400-e29b-41d4-a716-446655440005', sc.theatre_id, sc.screen_id, t, t + interval '180 minutes', 250
    FROM screens sc, generate_series(date_trunc('day', now()) + interval '8 days 6 hours',
                                     date_trunc('day', now()) + interval '$1 days', interval '4 hours') t
    WHERE sc.total_seats = 120 ON CONFLICT DO NOTHING" >/dev/null
}

# booking_shows AFTER: the live shows on those screens starting later than now() + AFTER, comma-separated.
booking_shows() {
  psql "$DATABASE_URL" -tAc "SELECT string_agg(show_id::text, ',') FROM shows s JOIN screens sc USING (screen_id)
    WHERE sc.total_seats = 120 AND s.start_time > now() + interval '$1' AND s.status <> 'CANCELLED'"
}
