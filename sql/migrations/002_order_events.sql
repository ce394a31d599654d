-- The payload of every order event in the outbox: what a notification needs to tell a person
-- about their booking (movie, theatre, local show time, seats, amount, ticket code), built in the
-- same statement that changes the order. `o` is the order row as it is after the change.
-- PL/pgSQL rather than LANGUAGE sql: a SQL function that cannot be inlined is parsed and planned
-- again on every call; PL/pgSQL keeps the plan of its query for the life of the connection.
CREATE FUNCTION marquee_order_event(event text, o orders) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT jsonb_build_object(
      'event', event,
      'orderId', o.order_id,
      'userId', o.user_id,
      'email', o.customer_email,
      'name', o.customer_name,
      'status', o.status,
      'ticketCode', o.ticket_code,
      'seats', to_jsonb(o.seat_ids),
      'amount', o.amount,
      'showId', o.show_id,
      'movie', m.title,
      'theatre', t.name,
      'theatreAddress', t.address,
      'startTime', to_char(s.start_time AT TIME ZONE t.timezone, 'YYYY-MM-DD HH24:MI'),
      'timezone', t.timezone)
    FROM shows s
    JOIN movies m ON m.movie_id = s.movie_id
    JOIN theatres t ON t.theatre_id = s.theatre_id
    WHERE s.show_id = o.show_id);
END
$$;
