#pragma once
#include "pg/result.hpp"

// The statements of the order lifecycle. Every change to an order is one statement: the order, its
// per-seat ownership rows (order_seats, whose primary key forbids a second live owner of a seat) and
// the outbox event describing the change are written atomically, in one round trip.
namespace marquee::booking::sql {

// An order as clients see it: the columns (the order is `ov`), then the joins that complete them.
#define MARQUEE_ORDER_COLUMNS                                                                                     \
    "ov.order_id, ov.user_id, "                                                                                  \
    "CASE WHEN ov.status = 'PAYMENT_PENDING' AND ov.expires_at <= now() THEN 'EXPIRED' ELSE ov.status END, "    \
    "array_to_json(ov.seat_ids)::text, ov.amount::text, ov.ticket_code, extract(epoch FROM ov.created_at)::bigint, " \
    "extract(epoch FROM ov.expires_at)::bigint, ov.customer_name, ov.customer_email, ov.customer_phone, "         \
    "ov.show_id, extract(epoch FROM s.start_time)::bigint, "                                                     \
    "extract(epoch FROM (s.start_time AT TIME ZONE t.timezone) - (s.start_time AT TIME ZONE 'UTC'))::integer, "  \
    "m.movie_id, m.title, t.theatre_id, t.name, ov.hold_id, ov.created_at::text "
#define MARQUEE_ORDER_JOINS                                                                                       \
    "JOIN shows s ON s.show_id = ov.show_id JOIN movies m ON m.movie_id = s.movie_id "                           \
    "JOIN theatres t ON t.theatre_id = s.theatre_id "

inline constexpr pg::Statement kOrderById{
    "order_by_id", "SELECT " MARQUEE_ORDER_COLUMNS "FROM orders ov " MARQUEE_ORDER_JOINS "WHERE ov.order_id = $1"};

// $1 user, $2 limit, $3/$4 cursor (created_at text, order id) or NULL: newest first.
inline constexpr pg::Statement kOrdersOfUser{
    "orders_of_user",
    "SELECT " MARQUEE_ORDER_COLUMNS "FROM orders ov " MARQUEE_ORDER_JOINS
    "WHERE ov.user_id = $1 AND ($3::timestamptz IS NULL OR (ov.created_at, ov.order_id) < ($3::timestamptz, $4::uuid)) "
    "ORDER BY ov.created_at DESC, ov.order_id DESC LIMIT $2"};

inline constexpr pg::Statement kOrderOfHold{"order_of_hold", "SELECT order_id, user_id FROM orders WHERE hold_id = $1"};

// $1 hold, $2 user, $3 show, $4 seats (JSON array), $5 name, $6 email, $7 phone, $8 amount, $9 payment
// window in seconds. Returns the new order as the client sees it (plus its expiry in ms); no row back:
// the show is cancelled or has started.
inline constexpr pg::Statement kCreateOrder{
    "order_create",
    "WITH known_user AS (INSERT INTO users (user_id) VALUES ($2) ON CONFLICT (user_id) DO NOTHING), "
    "o AS (INSERT INTO orders (hold_id, user_id, show_id, seat_ids, customer_name, customer_email, customer_phone, "
    "      amount, expires_at) "
    "  SELECT $1, $2, s.show_id, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5, $6, $7, $8::numeric, "
    "         now() + make_interval(secs => $9::integer) "
    "  FROM shows s WHERE s.show_id = $3 AND s.status <> 'CANCELLED' AND s.start_time > now() RETURNING *), "
    "seats AS (INSERT INTO order_seats (show_id, seat_id, order_id) "
    "  SELECT o.show_id, unnest(o.seat_ids), o.order_id FROM o), "
    "event AS (INSERT INTO outbox (event_type, payload) "
    "  SELECT 'order.created', marquee_order_event('order.created', ROW(o.*)::orders) FROM o) "
    "SELECT " MARQUEE_ORDER_COLUMNS ", (extract(epoch FROM ov.expires_at) * 1000)::bigint FROM o ov " MARQUEE_ORDER_JOINS};

// $1 show, $2 seats (JSON array): those that a live order owns.
inline constexpr pg::Statement kOwnedSeats{
    "order_seats_owned",
    "SELECT seat_id FROM order_seats WHERE show_id = $1 AND seat_id IN (SELECT jsonb_array_elements_text($2::jsonb))"};

// $1 order, $2 user, $3 ticket code. Pays a pending order, or expires it when its window has passed.
// Returns the status before, whether the window had passed, the show and the seats, then the paid
// order as the client sees it (NULLs unless this call paid it).
inline constexpr pg::Statement kConfirmPayment{
    "order_confirm_payment",
    "WITH target AS (SELECT order_id, status, expires_at <= now() AS lapsed FROM orders "
    "  WHERE order_id = $1 AND user_id = $2 FOR UPDATE), "
    "paid AS (UPDATE orders o SET status = 'CONFIRMED', ticket_code = $3, confirmed_at = now() FROM target "
    "  WHERE o.order_id = target.order_id AND target.status = 'PAYMENT_PENDING' AND NOT target.lapsed RETURNING o.*), "
    "lapsed AS (UPDATE orders o SET status = 'EXPIRED', cancelled_at = now() FROM target "
    "  WHERE o.order_id = target.order_id AND target.status = 'PAYMENT_PENDING' AND target.lapsed RETURNING o.*), "
    "freed AS (DELETE FROM order_seats WHERE order_id IN (SELECT order_id FROM lapsed)), "
    "events AS (INSERT INTO outbox (event_type, payload) "
    "  SELECT 'order.confirmed', marquee_order_event('order.confirmed', ROW(p.*)::orders) FROM paid p "
    "  UNION ALL SELECT 'order.expired', marquee_order_event('order.expired', ROW(l.*)::orders) FROM lapsed l) "
    "SELECT target.status, target.lapsed, o.show_id, array_to_json(o.seat_ids)::text, paid_view.* "
    "FROM target JOIN orders o ON o.order_id = target.order_id "
    "LEFT JOIN LATERAL (SELECT " MARQUEE_ORDER_COLUMNS "FROM paid ov " MARQUEE_ORDER_JOINS ") paid_view ON true"};

// $1 order, $2 user. A pending order is cancelled; a confirmed one refunded if the theatre allows it
// and the show has not started. Returns the status before, lapsed, started, cancellation allowed,
// the status after (NULL if unchanged), the show and the seats.
inline constexpr pg::Statement kCancelOrder{
    "order_cancel",
    "WITH target AS (SELECT o.order_id, o.status, o.expires_at <= now() AS lapsed, s.start_time <= now() AS started, "
    "    t.cancellation_available FROM orders o JOIN shows s ON s.show_id = o.show_id "
    "    JOIN theatres t ON t.theatre_id = s.theatre_id WHERE o.order_id = $1 AND o.user_id = $2 FOR UPDATE OF o), "
    "changed AS (UPDATE orders o SET status = CASE WHEN target.status = 'CONFIRMED' THEN 'REFUNDED' ELSE 'CANCELLED' END, "
    "    cancelled_at = now() FROM target WHERE o.order_id = target.order_id "
    "    AND ((target.status = 'PAYMENT_PENDING' AND NOT target.lapsed) "
    "      OR (target.status = 'CONFIRMED' AND target.cancellation_available AND NOT target.started)) RETURNING o.*), "
    "freed AS (DELETE FROM order_seats WHERE order_id IN (SELECT order_id FROM changed)), "
    "events AS (INSERT INTO outbox (event_type, payload) "
    "  SELECT e.name, marquee_order_event(e.name, ROW(c.*)::orders) FROM changed c, "
    "  LATERAL (SELECT CASE c.status WHEN 'REFUNDED' THEN 'order.refunded' ELSE 'order.cancelled' END AS name) e) "
    "SELECT target.status, target.lapsed, target.started, target.cancellation_available, "
    "  (SELECT status FROM changed), o.show_id, array_to_json(o.seat_ids)::text "
    "FROM target JOIN orders o ON o.order_id = target.order_id"};

// $1 show. Cancels it with every live order (pending → CANCELLED, confirmed → REFUNDED). Each
// customer gets order.cancelled or order.refunded and show.cancelled for their order; a show with no
// bookings gets one show.cancelled with no customer. Returns whether this call cancelled it, orders
// cancelled, orders refunded, the show's status before and its movie (NULL: no such show).
inline constexpr pg::Statement kCancelShow{
    "show_cancel",
    "WITH sh AS (UPDATE shows SET status = 'CANCELLED', cancelled_at = now() "
    "  WHERE show_id = $1 AND status <> 'CANCELLED' RETURNING *), "
    "affected AS (UPDATE orders o SET status = CASE WHEN o.status = 'CONFIRMED' THEN 'REFUNDED' ELSE 'CANCELLED' END, "
    "  cancelled_at = now() FROM sh WHERE o.show_id = sh.show_id AND o.status IN ('PAYMENT_PENDING', 'CONFIRMED') "
    "  RETURNING o.*), "
    "freed AS (DELETE FROM order_seats WHERE order_id IN (SELECT order_id FROM affected)), "
    "events AS (INSERT INTO outbox (event_type, payload) "
    "  SELECT e.name, marquee_order_event(e.name, ROW(a.*)::orders) FROM affected a, "
    "  LATERAL (SELECT CASE a.status WHEN 'REFUNDED' THEN 'order.refunded' ELSE 'order.cancelled' END AS name) e "
    "  UNION ALL SELECT 'show.cancelled', marquee_order_event('show.cancelled', ROW(a.*)::orders) FROM affected a "
    "  UNION ALL SELECT 'show.cancelled', jsonb_build_object('event', 'show.cancelled', 'orderId', NULL, "
    "    'userId', NULL, 'email', NULL, 'showId', sh.show_id, 'movieId', sh.movie_id) "
    "    FROM sh WHERE NOT EXISTS (SELECT 1 FROM affected)) "
    "SELECT (SELECT count(*) FROM sh) > 0, (SELECT count(*) FROM affected WHERE status = 'CANCELLED'), "
    "  (SELECT count(*) FROM affected WHERE status = 'REFUNDED'), s.status, s.movie_id "
    "FROM (SELECT 1) one LEFT JOIN shows s ON s.show_id = $1"};

// The expiry sweeper: unpaid orders past their window, a batch at a time; SKIP LOCKED lets several
// job processes sweep at once without touching the same order.
inline constexpr pg::Statement kExpireDueOrders{
    "orders_expire_due",
    "WITH due AS (SELECT order_id FROM orders WHERE status = 'PAYMENT_PENDING' AND expires_at <= now() "
    "  ORDER BY expires_at LIMIT 200 FOR UPDATE SKIP LOCKED), "
    "expired AS (UPDATE orders o SET status = 'EXPIRED', cancelled_at = now() FROM due "
    "  WHERE o.order_id = due.order_id RETURNING o.*), "
    "freed AS (DELETE FROM order_seats WHERE order_id IN (SELECT order_id FROM expired)), "
    "events AS (INSERT INTO outbox (event_type, payload) "
    "  SELECT 'order.expired', marquee_order_event('order.expired', ROW(x.*)::orders) FROM expired x) "
    "SELECT order_id, show_id, array_to_json(seat_ids)::text FROM expired"};

#undef MARQUEE_ORDER_COLUMNS
#undef MARQUEE_ORDER_JOINS

}  // namespace marquee::booking::sql
