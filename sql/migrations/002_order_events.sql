-- The payload of every order event in the outbox (marquee_order_event is called by every statement
-- that changes an order, booking/order_store.cpp).
-- An order event carries the facts of the change (who, which order, its status, seats, amount,
-- ticket code); the outbox deliverer adds the catalogue context (movie, theatre, local start time)
-- when it sends, for a whole batch of events in one query (jobs/outbox.cpp). A SQL function made of
-- one expression is inlined into the statement that calls it: no per-row function call, no lookups.
CREATE FUNCTION marquee_order_event(event text, o orders) RETURNS jsonb
LANGUAGE sql STABLE AS $$
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
    'showId', o.show_id)
$$;

