-- Cancelling a show must not miss an order that is being written at that moment. An order write
-- (booking/order_store.cpp, kCreateOrders) takes a share lock on its show's row while it checks that
-- the show is bookable; cancellation updates that row first, which waits for every such write in
-- flight to commit (a write that comes later waits for the cancellation instead, then finds the
-- show cancelled and creates nothing). Only then are the live orders looked for, by a second
-- statement with a snapshot of its own, so the ones just committed are among them.
--
-- One statement could not do this: all its parts share the snapshot taken before the wait. In a
-- VOLATILE PL/pgSQL function each statement takes a fresh snapshot (READ COMMITTED), and the whole
-- function still runs in the caller's single transaction: one round trip, atomic.
--
-- Pending orders become CANCELLED and confirmed ones REFUNDED; each customer gets order.cancelled
-- or order.refunded and show.cancelled for their order; a show with no bookings gets one
-- show.cancelled with no customer. A show cancelled before is swept again (harmlessly: it has no
-- live orders). show_status is NULL when there is no such show.
CREATE FUNCTION marquee_cancel_show(target uuid, OUT cancelled_now boolean, OUT orders_cancelled bigint,
                                    OUT orders_refunded bigint, OUT show_status text, OUT show_movie uuid)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  UPDATE shows SET status = 'CANCELLED', cancelled_at = now() WHERE show_id = target AND status <> 'CANCELLED';
  cancelled_now := FOUND;
  SELECT s.status, s.movie_id INTO show_status, show_movie FROM shows s WHERE s.show_id = target;

  WITH affected AS (
    UPDATE orders o SET status = CASE WHEN o.status = 'CONFIRMED' THEN 'REFUNDED' ELSE 'CANCELLED' END,
      cancelled_at = now()
    WHERE o.order_id IN (SELECT os.order_id FROM order_seats os WHERE os.show_id = target)
      AND o.status IN ('PAYMENT_PENDING', 'CONFIRMED')
    RETURNING o.*),
  freed AS (DELETE FROM order_seats WHERE order_id IN (SELECT order_id FROM affected)),
  events AS (INSERT INTO outbox (event_type, payload)
    SELECT e.name, marquee_order_event(e.name, ROW(a.*)::orders) FROM affected a,
      LATERAL (SELECT CASE a.status WHEN 'REFUNDED' THEN 'order.refunded' ELSE 'order.cancelled' END AS name) e
    UNION ALL SELECT 'show.cancelled', marquee_order_event('show.cancelled', ROW(a.*)::orders) FROM affected a
    UNION ALL SELECT 'show.cancelled', jsonb_build_object('event', 'show.cancelled', 'orderId', NULL,
        'userId', NULL, 'email', NULL, 'showId', target, 'movieId', show_movie)
      WHERE cancelled_now AND NOT EXISTS (SELECT 1 FROM affected))
  SELECT count(*) FILTER (WHERE a.status = 'CANCELLED'), count(*) FILTER (WHERE a.status = 'REFUNDED')
    INTO orders_cancelled, orders_refunded FROM affected a;
END
$$;
