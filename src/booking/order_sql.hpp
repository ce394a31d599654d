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

// Creates a batch of orders (booking/order_writer.hpp). $1: a JSON array of {i, hold_id, user_id,
// show_id, seats, name, email, phone, amount}; $2: the payment window in seconds. Returns each new
// order as the client sees it, then its expiry in ms and its `i`; a request without a row back is
// for a show that is cancelled or has started. The share lock on each show's row makes a show
// cancellation wait until these orders are committed, so it cancels them too (migration 004).
// Users are inserted in a fixed order so that two batches naming the same new users cannot
// deadlock.
inline constexpr pg::Statement kCreateOrders{
    "orders_create",
    "WITH req AS (SELECT * FROM marquee_new_orders($1::jsonb)), "
    "bookable AS (SELECT show_id FROM shows WHERE show_id IN (SELECT show_id FROM req) "
    "  AND status <> 'CANCELLED' AND start_time > now() FOR SHARE), "
    "known_users AS (INSERT INTO users (user_id) SELECT DISTINCT user_id FROM req ORDER BY user_id "
    "  ON CONFLICT (user_id) DO NOTHING), "
    "o AS (INSERT INTO orders (hold_id, user_id, show_id, seat_ids, customer_name, customer_email, customer_phone, "
    "      amount, expires_at) "
    "  SELECT r.hold_id, r.user_id, s.show_id, r.seats, r.name, r.email, r.phone, r.amount, "
    "         now() + make_interval(secs => $2::integer) "
    "  FROM req r JOIN bookable s ON s.show_id = r.show_id "
    "  ORDER BY r.i RETURNING *), "
    "seats AS (INSERT INTO order_seats (show_id, seat_id, order_id) "
    "  SELECT o.show_id, unnest(o.seat_ids), o.order_id FROM o), "
    "event AS (INSERT INTO outbox (event_type, payload) "
    "  SELECT 'order.created', marquee_order_event('order.created', ROW(o.*)::orders) FROM o) "
    "SELECT " MARQUEE_ORDER_COLUMNS ", (extract(epoch FROM ov.expires_at) * 1000)::bigint, r.i "
    "FROM o ov JOIN req r ON r.hold_id = ov.hold_id " MARQUEE_ORDER_JOINS};

// $1 show, $2 seats (JSON array): those that a live order owns.
inline constexpr pg::Statement kOwnedSeats{
    "order_seats_owned",
    "SELECT seat_id FROM order_seats WHERE show_id = $1 AND seat_id IN (SELECT jsonb_array_elements_text($2::jsonb))"};

// Pays a batch of pending orders, or expires those whose window has passed
// (booking/order_writer.hpp). $1: a JSON array of {i, order_id, user_id, code}. For each order found
// (and the caller's): its status before this statement, whether its window had passed, the show and
// the seats, then the paid order as the client sees it (NULLs unless this statement paid it), then
// its `i`. One UPDATE locks, re-checks and either pays or expires each pending order; an order that
// looked payable but was changed by someone else in the meantime is not updated and comes back, as
// the statement's snapshot shows it, with status PAYMENT_PENDING and no paid columns: the caller
// reads it again. Only orders this statement did not change are looked up again.
// The orders are found by primary key first and updated by row address (ctid): left to itself the
// planner may drive the UPDATE from the index of pending orders when its statistics say there are
// few, and keep that plan for the connection's life while a rush makes thousands. A row updated by
// someone else meanwhile has a new address, so the re-check skips it like any changed order.
inline constexpr pg::Statement kConfirmPayments{
    "orders_confirm_payment",
    "WITH req AS (SELECT * FROM marquee_payments($1::jsonb)), "
    "target AS MATERIALIZED (SELECT o.ctid AS tid, r.code FROM req r JOIN orders o "
    "  ON o.order_id = r.order_id AND o.user_id = r.user_id), "
    "changed AS (UPDATE orders o SET status = CASE WHEN o.expires_at > now() THEN 'CONFIRMED' ELSE 'EXPIRED' END, "
    "  ticket_code = CASE WHEN o.expires_at > now() THEN r.code END, "
    "  confirmed_at = CASE WHEN o.expires_at > now() THEN now() END, "
    "  cancelled_at = CASE WHEN o.expires_at > now() THEN NULL ELSE now() END FROM target r "
    "  WHERE o.ctid = r.tid AND o.status = 'PAYMENT_PENDING' RETURNING o.*), "
    "freed AS (DELETE FROM order_seats WHERE order_id IN (SELECT order_id FROM changed WHERE status = 'EXPIRED')), "
    "events AS (INSERT INTO outbox (event_type, payload) "
    "  SELECT e.name, marquee_order_event(e.name, ROW(c.*)::orders) FROM changed c, "
    "  LATERAL (SELECT CASE c.status WHEN 'CONFIRMED' THEN 'order.confirmed' ELSE 'order.expired' END AS name) e), "
    // Rendered once for the whole batch (a subquery in the join would be run again per request).
    "paid_view AS MATERIALIZED (SELECT " MARQUEE_ORDER_COLUMNS "FROM changed ov " MARQUEE_ORDER_JOINS
    "  WHERE ov.status = 'CONFIRMED') "
    "SELECT COALESCE(prev.status, 'PAYMENT_PENDING'), COALESCE(prev.expires_at, c.expires_at) <= now(), "
    "  COALESCE(prev.show_id, c.show_id), array_to_json(COALESCE(prev.seat_ids, c.seat_ids))::text, paid_view.*, r.i "
    "FROM req r LEFT JOIN changed c ON c.order_id = r.order_id "
    "LEFT JOIN LATERAL (SELECT o.status, o.expires_at, o.show_id, o.seat_ids FROM orders o "
    "  WHERE c.order_id IS NULL AND o.order_id = r.order_id AND o.user_id = r.user_id OFFSET 0) prev ON true "
    "LEFT JOIN paid_view ON paid_view.order_id = r.order_id "
    "WHERE c.order_id IS NOT NULL OR prev.status IS NOT NULL"};


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

// $1 show. Cancels it with every live order, including any being written at that moment
// (migration 004). Returns whether this call cancelled it, orders cancelled, orders refunded, the
// show's status and its movie (status NULL: no such show).
inline constexpr pg::Statement kCancelShow{"show_cancel", "SELECT * FROM marquee_cancel_show($1)"};

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
