#include "booking/order_store.hpp"

#include "catalog/sql_fragments.hpp"
#include "common/json_writer.hpp"
#include "common/text.hpp"
#include "pg/pool.hpp"

#include <algorithm>

namespace marquee::booking {

namespace {

// ---- statements ---------------------------------------------------------------------------------

// An order as clients see it (read by read_order): the columns (the order is `ov`), then the joins
// that complete them.
#define MARQUEE_ORDER_COLUMNS                                                                                    \
    "ov.order_id, ov.user_id, ov.hold_id, "                                                                     \
    "CASE WHEN ov.status = 'PAYMENT_PENDING' AND ov.expires_at <= now() THEN 'EXPIRED' ELSE ov.status END AS status, " \
    "ov.seat_ids, ov.amount::text AS amount, ov.ticket_code, "                                                  \
    "extract(epoch FROM ov.created_at)::bigint AS created_epoch, ov.created_at::text AS created_key, "           \
    "extract(epoch FROM ov.expires_at)::bigint AS expires_epoch, "                                              \
    "(extract(epoch FROM ov.expires_at) * 1000)::bigint AS expires_ms, "                                        \
    "ov.customer_name, ov.customer_email, ov.customer_phone, ov.show_id, "                                      \
    "extract(epoch FROM lower(s.during))::bigint AS show_start, "                                               \
    MARQUEE_SQL_UTC_OFFSET("lower(s.during)") " AS show_utc_offset, "                                         \
    "m.movie_id, m.title AS movie_title, t.theatre_id, t.name AS theatre_name, "                                \
    "t.cancellation_available AS theatre_allows_cancellation "
// A show by its id is read from show_slots (one index probe), not the month partitions of `shows`
// (migration 009).
#define MARQUEE_ORDER_JOINS                                                                                      \
    "JOIN show_slots s ON s.show_id = ov.show_id JOIN movies m ON m.movie_id = s.movie_id "                     \
    "JOIN theatres t ON t.theatre_id = s.theatre_id "

// Every statement that changes orders names them, as they are after the change, `changed`, and ends
// with these: the seats of orders that are no longer live go back to the show; each order's event
// (named by its new status) goes to the outbox; and each show's seat version counts the orders
// changed (migration 007), in show order so that two statements never wait on each other's rows.
#define MARQUEE_FREE_SEATS_OF_ENDED_ORDERS                                                                      \
    "freed AS (DELETE FROM order_seats WHERE order_id IN "                                                      \
    "  (SELECT order_id FROM changed WHERE status NOT IN ('PAYMENT_PENDING', 'CONFIRMED'))), "
#define MARQUEE_ORDER_EVENT_ROWS                                                                                \
    "SELECT e.name, marquee_order_event(e.name, ROW(c.*)::orders) FROM changed c, "                             \
    "  LATERAL (SELECT CASE c.status WHEN 'PAYMENT_PENDING' THEN 'order.created' "                             \
    "    WHEN 'CONFIRMED' THEN 'order.confirmed' WHEN 'EXPIRED' THEN 'order.expired' "                          \
    "    WHEN 'CANCELLED' THEN 'order.cancelled' ELSE 'order.refunded' END AS name) e "
// Each changed order gets its own seat version, the last ones of its show's new version: Redis's
// step for it carries that number (lua/prelude.lua, should_apply).
#define MARQUEE_COUNT_SEAT_CHANGES                                                                              \
    "versions AS (INSERT INTO seat_versions (show_id, version) "                                                \
    "  SELECT show_id, count(*) FROM changed GROUP BY show_id ORDER BY show_id "                               \
    "  ON CONFLICT (show_id) DO UPDATE SET version = seat_versions.version + EXCLUDED.version, changed_at = now() " \
    "  RETURNING show_id, version), "                                                                           \
    "order_versions AS (SELECT c.order_id, sv.version - count(*) OVER (PARTITION BY c.show_id) "                \
    "  + row_number() OVER (PARTITION BY c.show_id ORDER BY c.order_id) AS seat_version "                       \
    "  FROM changed c JOIN versions sv ON sv.show_id = c.show_id) "
#define MARQUEE_RECORD_ORDER_CHANGES                                                                            \
    "events AS (INSERT INTO outbox (event_type, payload) " MARQUEE_ORDER_EVENT_ROWS "), " MARQUEE_COUNT_SEAT_CHANGES

constexpr pg::Statement kOrderById{
    "order_by_id", "SELECT " MARQUEE_ORDER_COLUMNS "FROM orders ov " MARQUEE_ORDER_JOINS "WHERE ov.order_id = $1"};

constexpr pg::Statement kOrderOfHold{
    "order_of_hold", "SELECT " MARQUEE_ORDER_COLUMNS "FROM orders ov " MARQUEE_ORDER_JOINS "WHERE ov.hold_id = $1"};

// $1 user, $2 limit, $3/$4 cursor (created_at text, order id) or NULL: newest first.
constexpr pg::Statement kOrdersOfUser{
    "orders_of_user",
    "SELECT " MARQUEE_ORDER_COLUMNS "FROM orders ov " MARQUEE_ORDER_JOINS
    "WHERE ov.user_id = $1 AND ($3::timestamptz IS NULL OR (ov.created_at, ov.order_id) < ($3::timestamptz, $4::uuid)) "
    "ORDER BY ov.created_at DESC, ov.order_id DESC LIMIT $2"};

// Creates a batch of orders. $1: a JSON array of {i, hold_id, user_id, show_id, seats, name, email,
// phone, amount}; $2: the payment window in seconds. Returns each new order with its `i`; a request
// without a row back is for a show that is cancelled or has started. The share lock on each show's
// slot (show_slots, which a cancellation updates through the trigger on `shows`) makes a show
// cancellation wait until these orders are committed, so it cancels them too (cancel_show). Users are inserted in a fixed order so that two batches naming the same new users
// cannot deadlock.
constexpr pg::Statement kCreateOrders{
    "orders_create",
    "WITH req AS (SELECT * FROM marquee_new_orders($1::jsonb)), "
    "bookable AS (SELECT show_id FROM show_slots WHERE show_id IN (SELECT show_id FROM req) "
    "  AND live AND lower(during) > now() FOR SHARE), "
    "known_users AS (INSERT INTO users (user_id) SELECT DISTINCT user_id FROM req ORDER BY user_id "
    "  ON CONFLICT (user_id) DO NOTHING), "
    "changed AS (INSERT INTO orders (hold_id, user_id, show_id, seat_ids, customer_name, customer_email, "
    "      customer_phone, amount, expires_at) "
    "  SELECT r.hold_id, r.user_id, s.show_id, r.seats, r.name, r.email, r.phone, r.amount, "
    "         now() + make_interval(secs => $2::integer) "
    "  FROM req r JOIN bookable s ON s.show_id = r.show_id "
    "  ORDER BY r.i RETURNING *), "
    "seats AS (INSERT INTO order_seats (show_id, seat_id, order_id) "
    "  SELECT o.show_id, unnest(o.seat_ids), o.order_id FROM changed o), "
    MARQUEE_RECORD_ORDER_CHANGES
    "SELECT " MARQUEE_ORDER_COLUMNS ", r.i AS batch_index, v.seat_version "
    "FROM changed ov JOIN req r ON r.hold_id = ov.hold_id JOIN order_versions v ON v.order_id = ov.order_id "
    MARQUEE_ORDER_JOINS};

// The constraints order writes can run into, by name.
constexpr std::string_view kSeatOwnedByLiveOrder = "order_seats_pkey";  // a seat in two live orders
constexpr std::string_view kOneOrderPerHold = "orders_hold_id_key";
constexpr std::string_view kUniqueTicketCode = "orders_ticket_code_key";

// $1 show, $2 seats (JSON array): those that a live order owns.
constexpr pg::Statement kOwnedSeats{
    "order_seats_owned",
    "SELECT seat_id FROM order_seats WHERE show_id = $1 AND seat_id IN (SELECT jsonb_array_elements_text($2::jsonb))"};

// Pays a batch of pending orders, or expires those whose window has passed. $1: a JSON array of {i,
// order_id, user_id, code}. For each order found (and the caller's): its status before this
// statement, whether its window had passed, whether this statement changed it, its show and seats,
// then the paid order as the client sees it (NULLs unless this statement paid it), then its `i`.
// One UPDATE locks, re-checks and either pays or expires each pending order; an order that looked
// pending but was changed by someone else in the meantime (paid, expired by the sweeper, cancelled)
// is not updated and comes back, as the statement's snapshot shows it, with status PAYMENT_PENDING,
// changed_here false and no paid columns: the caller pays again, and the next statement sees the
// change. Only orders this statement did not change are looked up again.
// The orders are found by primary key first and updated by row address (ctid): left to itself the
// planner may drive the UPDATE from the index of pending orders when its statistics say there are
// few, and keep that plan for the connection's life while a rush makes thousands. A row updated by
// someone else meanwhile has a new address, so the re-check skips it like any changed order.
constexpr pg::Statement kConfirmPayments{
    "orders_confirm_payment",
    "WITH req AS (SELECT * FROM marquee_payments($1::jsonb)), "
    "target AS MATERIALIZED (SELECT o.ctid AS tid, r.code FROM req r JOIN orders o "
    "  ON o.order_id = r.order_id AND o.user_id = r.user_id), "
    "changed AS (UPDATE orders o SET status = CASE WHEN o.expires_at > now() THEN 'CONFIRMED' ELSE 'EXPIRED' END, "
    "  ticket_code = CASE WHEN o.expires_at > now() THEN r.code END, "
    "  confirmed_at = CASE WHEN o.expires_at > now() THEN now() END, "
    "  cancelled_at = CASE WHEN o.expires_at > now() THEN NULL ELSE now() END FROM target r "
    "  WHERE o.ctid = r.tid AND o.status = 'PAYMENT_PENDING' RETURNING o.*), "
    MARQUEE_FREE_SEATS_OF_ENDED_ORDERS MARQUEE_RECORD_ORDER_CHANGES ", "
    // Rendered once for the whole batch (a subquery in the join would be run again per request).
    "paid_view AS MATERIALIZED (SELECT " MARQUEE_ORDER_COLUMNS "FROM changed ov " MARQUEE_ORDER_JOINS
    "  WHERE ov.status = 'CONFIRMED') "
    "SELECT COALESCE(prev.status, 'PAYMENT_PENDING') AS before_status, "
    "  COALESCE(prev.expires_at, c.expires_at) <= now() AS before_lapsed, c.order_id IS NOT NULL AS changed_here, "
    "  COALESCE(prev.show_id, c.show_id) AS target_show_id, COALESCE(prev.seat_ids, c.seat_ids) AS target_seats, "
    "  paid_view.*, r.i AS batch_index, v.seat_version "
    "FROM req r LEFT JOIN changed c ON c.order_id = r.order_id LEFT JOIN order_versions v ON v.order_id = c.order_id "
    "LEFT JOIN LATERAL (SELECT o.status, o.expires_at, o.show_id, o.seat_ids FROM orders o "
    "  WHERE c.order_id IS NULL AND o.order_id = r.order_id AND o.user_id = r.user_id OFFSET 0) prev ON true "
    "LEFT JOIN paid_view ON paid_view.order_id = r.order_id "
    "WHERE c.order_id IS NOT NULL OR prev.status IS NOT NULL"};

// $1 order, $2 user: the facts the cancellation rules need, with the order locked until the
// transaction ends (a payment of it waits, then finds it changed).
constexpr pg::Statement kLockForCancellation{
    "order_lock_for_cancellation",
    "SELECT o.status, o.expires_at <= now() AS lapsed, lower(s.during) <= now() AS show_started, "
    "  t.cancellation_available, o.show_id, o.seat_ids "
    "FROM orders o JOIN show_slots s ON s.show_id = o.show_id JOIN theatres t ON t.theatre_id = s.theatre_id "
    "WHERE o.order_id = $1 AND o.user_id = $2 FOR UPDATE OF o"};

// $1 order, $2 its new status (an ending one: CANCELLED, REFUNDED, EXPIRED).
constexpr pg::Statement kEndOrder{
    "order_end",
    "WITH changed AS (UPDATE orders SET status = $2, cancelled_at = now() WHERE order_id = $1 RETURNING *), "
    MARQUEE_FREE_SEATS_OF_ENDED_ORDERS MARQUEE_RECORD_ORDER_CHANGES "SELECT seat_version FROM order_versions"};

// $1 show. First statement of a show cancellation: waits for the order writes that share-lock the
// show's slot (kCreateOrders; the trigger on `shows` updates the slot), so that the next statement, with a snapshot of its own, sees them.
// No row: no such show.
constexpr pg::Statement kMarkShowCancelled{
    "show_mark_cancelled",
    "WITH marked AS (UPDATE shows SET status = 'CANCELLED', cancelled_at = now() "
    "  WHERE " MARQUEE_SHOW_BY_ID("", "$1") " AND status <> 'CANCELLED' RETURNING show_id) "
    "SELECT s.movie_id, EXISTS (SELECT 1 FROM marked) AS cancelled_now FROM show_slots s WHERE s.show_id = $1"};

// $1 show, $2 whether this call cancelled it, $3 its movie. Pending orders become CANCELLED and
// confirmed ones REFUNDED; each customer gets order.cancelled or order.refunded and show.cancelled
// for their order; a show with no bookings gets one show.cancelled with no customer. A show
// cancelled before is swept again: a sweep that was cut short is finished.
constexpr pg::Statement kCancelShowOrders{
    "show_cancel_orders",
    "WITH changed AS (UPDATE orders o "
    "  SET status = CASE WHEN o.status = 'CONFIRMED' THEN 'REFUNDED' ELSE 'CANCELLED' END, cancelled_at = now() "
    "  WHERE o.order_id IN (SELECT os.order_id FROM order_seats os WHERE os.show_id = $1) "
    "    AND o.status IN ('PAYMENT_PENDING', 'CONFIRMED') RETURNING o.*), "
    MARQUEE_FREE_SEATS_OF_ENDED_ORDERS
    // One INSERT, so each customer's order event comes before the show events.
    "events AS (INSERT INTO outbox (event_type, payload) " MARQUEE_ORDER_EVENT_ROWS
    "  UNION ALL SELECT 'show.cancelled', marquee_order_event('show.cancelled', ROW(c.*)::orders) FROM changed c "
    "  UNION ALL SELECT 'show.cancelled', jsonb_build_object('event', 'show.cancelled', 'orderId', NULL, "
    "    'userId', NULL, 'email', NULL, 'showId', $1::uuid, 'movieId', $3::uuid) "
    "  WHERE $2::boolean AND NOT EXISTS (SELECT 1 FROM changed)), "
    // The orders changed, and the show itself when this call cancelled it. Counted after the orders
    // are locked, as every order statement does (orders, then seat_versions: no deadlock).
    "versions AS (INSERT INTO seat_versions (show_id, version) "
    "  SELECT $1::uuid, (SELECT count(*) FROM changed) + CASE WHEN $2::boolean THEN 1 ELSE 0 END "
    "  WHERE $2::boolean OR EXISTS (SELECT 1 FROM changed) "
    "  ON CONFLICT (show_id) DO UPDATE SET version = seat_versions.version + EXCLUDED.version, changed_at = now()) "
    "SELECT count(*) FILTER (WHERE status = 'CANCELLED') AS orders_cancelled, "
    "  count(*) FILTER (WHERE status = 'REFUNDED') AS orders_refunded FROM changed"};

// $1 batch size. SKIP LOCKED lets several job processes sweep at once without touching the same
// order.
constexpr pg::Statement kExpireDueOrders{
    "orders_expire_due",
    "WITH due AS (SELECT order_id FROM orders WHERE status = 'PAYMENT_PENDING' AND expires_at <= now() "
    "  ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED), "
    "changed AS (UPDATE orders o SET status = 'EXPIRED', cancelled_at = now() FROM due "
    "  WHERE o.order_id = due.order_id RETURNING o.*), "
    MARQUEE_FREE_SEATS_OF_ENDED_ORDERS MARQUEE_RECORD_ORDER_CHANGES
    "SELECT c.order_id, c.show_id, c.seat_ids, v.seat_version FROM changed c "
    "JOIN order_versions v ON v.order_id = c.order_id"};

#undef MARQUEE_ORDER_COLUMNS
#undef MARQUEE_ORDER_JOINS
#undef MARQUEE_FREE_SEATS_OF_ENDED_ORDERS
#undef MARQUEE_RECORD_ORDER_CHANGES
#undef MARQUEE_ORDER_EVENT_ROWS
#undef MARQUEE_COUNT_SEAT_CHANGES

// ---- rows ---------------------------------------------------------------------------------------

OrderStatus read_status(const pg::Row& r, std::string_view column) {
    auto status = kOrderStatusNames.parse(r.text(column));
    if (!status) throw std::logic_error("an order has the unknown status " + r.str(column));
    return *status;
}

std::vector<SeatId> read_seats(const pg::Row& r, std::string_view column) {
    std::vector<SeatId> seats;
    for (auto& s : r.text_array(column)) seats.emplace_back(std::move(s));
    return seats;
}

// The columns of MARQUEE_ORDER_COLUMNS.
Order read_order(const pg::Row& r) {
    Order o;
    o.id = OrderId(r.text("order_id"));
    o.user = UserId(r.text("user_id"));
    o.hold = HoldId(r.text("hold_id"));
    o.status = read_status(r, "status");
    o.seats = read_seats(r, "seat_ids");
    o.amount = Money::parse_decimal(r.text("amount")).value_or(Money{});
    o.ticket_code = r.optional_str("ticket_code");
    o.created = r.integer("created_epoch");
    o.created_key = r.str("created_key");
    o.expires = r.integer("expires_epoch");
    o.expires_ms = r.integer("expires_ms");
    o.customer = {r.str("customer_name"), r.str("customer_email"), r.str("customer_phone")};
    o.show = ShowId(r.text("show_id"));
    o.show_start = r.integer("show_start");
    o.show_utc_offset = static_cast<int>(r.integer("show_utc_offset"));
    o.movie = MovieId(r.text("movie_id"));
    o.movie_title = r.str("movie_title");
    o.theatre = TheatreId(r.text("theatre_id"));
    o.theatre_name = r.str("theatre_name");
    o.theatre_allows_cancellation = r.boolean("theatre_allows_cancellation");
    return o;
}

// An order as the create statement returns it: with the seat version of its creation.
Order read_created_order(const pg::Row& r) {
    Order o = read_order(r);
    o.seat_version = r.integer("seat_version");
    return o;
}

PaymentRecord read_payment(const pg::Row& r) {
    PaymentRecord p;
    p.before = read_status(r, "before_status");
    p.lapsed = r.boolean("before_lapsed");
    p.changed_here = r.boolean("changed_here");
    p.show = ShowId(r.text("target_show_id"));
    p.seats = read_seats(r, "target_seats");
    if (!r.is_null("order_id")) p.paid = read_order(r);
    if (!r.is_null("seat_version")) p.seat_version = r.integer("seat_version");
    return p;
}

CancellationCandidate read_candidate(const pg::Row& r) {
    return {read_status(r, "status"), r.boolean("lapsed"), r.boolean("show_started"),
            r.boolean("cancellation_available"), ShowId(r.text("show_id")), read_seats(r, "seat_ids")};
}

EndedOrder read_ended(const pg::Row& r) {
    return {OrderId(r.text("order_id")), ShowId(r.text("show_id")), read_seats(r, "seat_ids"),
            r.integer("seat_version")};
}

// ---- batches ------------------------------------------------------------------------------------

// A burst larger than this is split: one statement should not hold many row locks for long.
constexpr std::size_t kMaxBatch = 32;

// One batch of each kind in flight per worker: the next batch forms while it runs. More slots only
// split a rush into smaller batches that compete for the same cores (docs/decisions.md); more
// workers bring more batches in flight where there are more cores.
constexpr int kBatchSlots = 1;

// A ticket code: "BMS-" and 8 characters of A–Z2–9 from the cryptographic random source
// (34^8 ≈ 1.8·10^12 codes; rejection sampling keeps every character equally likely).
std::string new_ticket_code() {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789";
    std::string code = "BMS-";
    while (code.size() < 12) {
        for (unsigned char b : random_bytes(16)) {
            if (b >= 34 * 7) continue;  // 238: the largest multiple of 34 below 256
            code += kAlphabet[b % 34];
            if (code.size() == 12) break;
        }
    }
    return code;
}

// Hands each request the row whose batch_index names it; a request without a row gets an empty
// outcome.
template <class Request, class Read>
void distribute(const pg::Result& result, std::span<Request*> requests, Read read) {
    for (Request* r : requests) r->outcome.emplace();
    for (pg::Row row : result) {
        auto i = static_cast<std::size_t>(row.integer("batch_index"));
        if (i < requests.size()) requests[i]->outcome.emplace(read(row));
    }
}

// The batch as the JSON array the statements read: one object per request, its index as `i`.
template <class Request, class WriteFields>
std::string batch_json(std::span<Request*> requests, WriteFields write_fields) {
    std::string json;
    JsonWriter w(json);
    w.begin_array();
    for (std::size_t i = 0; i < requests.size(); ++i) {
        w.begin_object();
        w.field("i", static_cast<std::int64_t>(i));
        write_fields(w, requests[i]->item);
        w.end_object();
    }
    w.end_array();
    return json;
}

std::string seats_json(const std::vector<SeatId>& seats) {
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    for (const auto& s : seats) w.string(s.str());
    w.end_array();
    return out;
}

}  // namespace

OrderStore::OrderStore(boost::asio::any_io_executor executor, pg::Pool& db, int order_ttl_seconds)
    : db_(db), order_ttl_seconds_(order_ttl_seconds),
      creates_(executor, kMaxBatch, kBatchSlots, [](const NewOrder& o) { return o.hold.str(); },
               [this](std::span<pg::Batcher<NewOrder, CreateResult>::Request*> requests) -> boost::asio::awaitable<void> {
                   // Requests that waited too long are answered without being sent.
                   std::vector<pg::Batcher<NewOrder, CreateResult>::Request*> in_time;
                   auto now = std::chrono::steady_clock::now();
                   for (auto* r : requests) {
                       if (now <= r->item.send_by) in_time.push_back(r);
                       else r->outcome.emplace(CreateResult{std::nullopt, true});
                   }
                   if (in_time.empty()) co_return;
                   std::span<pg::Batcher<NewOrder, CreateResult>::Request*> sent(in_time);
                   std::string json = batch_json(sent, [](JsonWriter& w, const NewOrder& o) {
                       w.field("hold_id", o.hold).field("user_id", o.user).field("show_id", o.show);
                       w.key("seats").begin_array();
                       for (const auto& s : o.seats) w.string(s.str());
                       w.end_array();
                       w.field("name", o.customer.name).field("email", o.customer.email).field("phone", o.customer.phone);
                       w.field("amount", o.amount.to_decimal());
                   });
                   auto result = co_await db_.query(kCreateOrders, json, order_ttl_seconds_);
                   distribute(result, sent, [](const pg::Row& row) { return CreateResult{read_created_order(row), false}; });
               }),
      payments_(executor, kMaxBatch, kBatchSlots, [](const Payment& p) { return p.order.str(); },
                [this](std::span<pg::Batcher<Payment, PaymentResult>::Request*> requests) -> boost::asio::awaitable<void> {
                    // A fresh ticket code for every attempt: a batch retried alone draws again.
                    std::string json = batch_json(requests, [](JsonWriter& w, const Payment& p) {
                        w.field("order_id", p.order).field("user_id", p.user).field("code", new_ticket_code());
                    });
                    auto result = co_await db_.query(kConfirmPayments, json);
                    distribute(result, requests, read_payment);
                }) {}

boost::asio::awaitable<OrderStore::CreateOutcome> OrderStore::create(NewOrder order) {
    CreateResult created;
    std::string conflict;  // the constraint a concurrent writer won on (no co_await inside a catch)
    try {
        created = co_await creates_.submit(std::move(order));
    } catch (const pg::Error& e) {
        if (e.kind != pg::ErrorKind::UniqueViolation) throw;
        conflict = e.constraint;
    }
    if (conflict == kSeatOwnedByLiveOrder) co_return SeatsTaken{};
    if (conflict == kOneOrderPerHold) co_return HoldOrdered{};
    if (!conflict.empty()) throw std::logic_error("order creation ran into " + conflict);
    if (created.too_late) co_return TooLate{};
    if (!created.order) co_return NotBookable{};
    Created done;
    done.order = std::move(*created.order);
    co_return done;
}

boost::asio::awaitable<std::optional<PaymentRecord>> OrderStore::pay(const OrderId& order, const UserId& user) {
    for (int attempt = 0;; ++attempt) {
        try {
            // Field by field: g++ 12 destroys the temporaries of a braced initialiser in a coroutine twice.
            Payment payment;
            payment.order = order;
            payment.user = user;
            co_return co_await payments_.submit(std::move(payment));
        } catch (const pg::Error& e) {
            // Two orders drew the same ticket code (one in 10^12): draw again.
            if (!e.violates(kUniqueTicketCode) || attempt == 3) throw;
        }
    }
}

boost::asio::awaitable<std::optional<Order>> OrderStore::find(const OrderId& order) {
    auto r = co_await db_.query(kOrderById, order);
    if (r.empty()) co_return std::nullopt;
    co_return read_order(r.front());
}

boost::asio::awaitable<std::optional<Order>> OrderStore::of_hold(const HoldId& hold) {
    auto r = co_await db_.query(kOrderOfHold, hold);
    if (r.empty()) co_return std::nullopt;
    co_return read_order(r.front());
}

boost::asio::awaitable<std::optional<std::vector<Order>>> OrderStore::of_user(const UserId& user, std::int64_t limit,
                                                                             const std::optional<Cursor>& after) {
    std::optional<std::string> after_time, after_id;
    if (after) after_time = after->sort_key, after_id = after->id;
    pg::Result rows;
    bool unreadable_cursor = false;
    try {
        rows = co_await db_.query(kOrdersOfUser, user, limit + 1, after_time, after_id);
    } catch (const pg::Error& e) {
        if (e.kind != pg::ErrorKind::InvalidText) throw;
        unreadable_cursor = true;  // a forged time that does not parse
    }
    if (unreadable_cursor) co_return std::nullopt;
    std::vector<Order> orders;
    for (pg::Row row : rows) orders.push_back(read_order(row));
    co_return orders;
}

boost::asio::awaitable<std::vector<SeatId>> OrderStore::owned_seats(const ShowId& show,
                                                                    const std::vector<SeatId>& seats) {
    auto owned = co_await db_.query(kOwnedSeats, show, seats_json(seats));
    std::vector<SeatId> out;
    for (pg::Row row : owned) out.emplace_back(row.text("seat_id"));
    co_return out;
}

boost::asio::awaitable<std::optional<EndedOrder>> OrderStore::cancel(
    const OrderId& order, const UserId& user, const std::function<OrderStatus(const CancellationCandidate&)>& decide) {
    auto tx = co_await db_.begin();
    auto locked = co_await tx.query(kLockForCancellation, order, user);
    if (locked.empty()) co_return std::nullopt;  // rolled back: nothing was changed
    CancellationCandidate candidate = read_candidate(locked.front());
    OrderStatus next = decide(candidate);
    auto changed = co_await tx.query(kEndOrder, order, to_string(next));
    co_await tx.commit();
    EndedOrder ended;
    ended.seat_version = changed.front().integer("seat_version");
    ended.id = order;
    ended.show = std::move(candidate.show);
    ended.seats = std::move(candidate.seats);
    co_return ended;
}

boost::asio::awaitable<std::optional<ShowCancellation>> OrderStore::cancel_show(const ShowId& show) {
    auto tx = co_await db_.begin();
    auto marked = co_await tx.query(kMarkShowCancelled, show);
    if (marked.empty()) co_return std::nullopt;
    ShowCancellation out;
    out.movie = MovieId(marked.front().text("movie_id"));
    out.cancelled_now = marked.front().boolean("cancelled_now");
    auto swept = co_await tx.query(kCancelShowOrders, show, out.cancelled_now, out.movie);
    out.orders_cancelled = swept.front().integer("orders_cancelled");
    out.orders_refunded = swept.front().integer("orders_refunded");
    co_await tx.commit();
    co_return out;
}

boost::asio::awaitable<std::vector<EndedOrder>> OrderStore::expire_due(int batch) {
    auto expired = co_await db_.query(kExpireDueOrders, batch);
    std::vector<EndedOrder> out;
    for (pg::Row row : expired) out.push_back(read_ended(row));
    co_return out;
}

}  // namespace marquee::booking
