#include "booking/orders.hpp"

#include "booking/order_sql.hpp"
#include "booking/order_writer.hpp"
#include "booking/seat_list.hpp"
#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"
#include "catalog/cache.hpp"
#include "catalog/cursor.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"
#include "pg/pool.hpp"

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

namespace marquee::booking {

namespace {

std::vector<std::string> seats_of(std::string_view json_array) {
    std::vector<std::string> seats;
    auto value = boost::json::parse(json_array);
    for (const auto& s : value.as_array()) seats.emplace_back(s.as_string());
    return seats;
}

std::string seats_json(const std::vector<std::string>& seats) {
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    for (const auto& s : seats) w.string(s);
    w.end_array();
    return out;
}

// Columns of MARQUEE_ORDER_COLUMNS (booking/order_sql.hpp).
enum Col {
    kId, kUser, kStatus, kSeats, kAmount, kTicket, kCreated, kExpires, kName, kEmail, kPhone, kShow, kStart,
    kStartOffset, kMovie, kTitle, kTheatre, kTheatreName, kHold, kCreatedText
};

// Writes the order whose MARQUEE_ORDER_COLUMNS start at column `at` of `row`.
void write_order(JsonWriter& w, const pg::Result& result, int row, int at = 0) {
    struct Shifted {
        const pg::Result& r;
        int at;
        std::string_view text(int row, int col) const { return r.text(row, col + at); }
        bool is_null(int row, int col) const { return r.is_null(row, col + at); }
        std::int64_t integer(int row, int col) const { return r.integer(row, col + at); }
    } r{result, at};
    w.begin_object();
    w.field("orderId", r.text(row, kId));
    w.field("status", r.text(row, kStatus));
    w.key("movie").begin_object().field("movieId", r.text(row, kMovie)).field("title", r.text(row, kTitle)).end_object();
    w.key("theatre").begin_object().field("theatreId", r.text(row, kTheatre)).field("name", r.text(row, kTheatreName)).end_object();
    w.key("show").begin_object().field("showId", r.text(row, kShow));
    w.field("startTime", format_with_offset(r.integer(row, kStart), static_cast<int>(r.integer(row, kStartOffset))));
    w.end_object();
    w.key("seats").raw(r.text(row, kSeats));
    w.key("amount").raw(Money::parse_decimal(r.text(row, kAmount)).value_or(Money{}).to_json());
    w.field("expiresAt", format_utc(r.integer(row, kExpires)));
    w.field("createdAt", format_utc(r.integer(row, kCreated)));
    if (!r.is_null(row, kTicket)) w.field("ticketCode", r.text(row, kTicket));
    w.field("holdId", r.text(row, kHold));
    w.key("customer").begin_object();
    w.field("name", r.text(row, kName)).field("email", r.text(row, kEmail)).field("phone", r.text(row, kPhone));
    w.end_object();
    w.end_object();
}

std::string render_order(const pg::Result& r, int row, int at) {
    std::string body;
    JsonWriter w(body);
    write_order(w, r, row, at);
    return body;
}

// The caller's order, rendered; 404 for anyone else's.
boost::asio::awaitable<std::string> load_order(http::RequestContext& ctx, const std::string& order_id) {
    auto r = co_await ctx.services.db.query(sql::kOrderById, order_id);
    if (r.empty() || r.text(0, kUser) != ctx.caller().user_id) throw ApiError::not_found("order not found");
    co_return render_order(r, 0, 0);
}

struct Customer {
    std::string name, email, phone;
};

bool plausible_email(std::string_view e) {
    auto at = e.find('@');
    if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos) return false;
    std::string_view domain = e.substr(at + 1);
    auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size() || domain.find("..") != std::string_view::npos)
        return false;
    for (char c : e)
        if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';') return false;
    return true;
}

Customer parse_customer(const input::Fields& f) {
    input::Fields c(f.object("customer"), "customer");
    Customer out{c.string("name", 1, 255), c.string("email", 3, 255), c.string("phone", 7, 16)};
    if (!plausible_email(out.email)) c.fail("email", "must be an e-mail address like name@example.com");
    std::string_view digits = out.phone;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    bool all_digits = std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!all_digits || digits.size() < 7 || digits.size() > 15)
        c.fail("phone", "must be 7 to 15 digits, optionally starting with +");
    return out;
}

// Redis follows PostgreSQL; if it cannot be told now, the seats' Redis state heals when it expires
// or is rebuilt, and PostgreSQL's constraint still guards every sale.
template <class F> boost::asio::awaitable<void> tell_redis(const char* what, F&& f) {
    try {
        co_await f();
    } catch (const std::exception& e) {
        spdlog::warn("{}: Redis not updated: {}", what, e.what());
    }
}

}  // namespace

boost::asio::awaitable<http::Response> create_order(http::RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    std::string hold_id = f.uuid("holdId");
    Customer customer = parse_customer(f);
    const std::string& user = ctx.caller().user_id;
    SeatStore store(ctx.services.redis, ctx.services.db);

    auto hold = co_await store.find_hold(user, hold_id);
    if (!hold) throw ApiError::not_found("hold not found");
    if (hold->status == "CONVERTED") {
        // Posting the same hold again returns the order it already became.
        auto existing = co_await ctx.services.db.query(sql::kOrderOfHold, hold_id);
        if (!existing.empty() && existing.text(0, 1) == user) {
            std::string order = co_await load_order(ctx, std::string(existing.text(0, 0)));
            co_return http::json_response(200, std::move(order));
        }
    }
    if (hold->status == "EXPIRED") throw ApiError::conflict("HOLD_EXPIRED", "the hold has expired");
    if (hold->status != "HELD") throw ApiError::conflict("INVALID_STATE", "the hold is " + hold->status);
    auto show = co_await ctx.services.shows.require(ctx.services.db, hold->show_id);

    // Field by field: g++ 12 destroys the temporaries of a braced initialiser in a coroutine twice.
    NewOrder order;
    order.hold_id = hold_id;
    order.user_id = user;
    order.show_id = show->show_id;
    order.seats = hold->seats;
    order.name = customer.name;
    order.email = customer.email;
    order.phone = customer.phone;
    order.amount = show->price.times(static_cast<std::int64_t>(hold->seats.size()));
    std::optional<ResultRow> created;
    std::string conflict;  // the constraint a concurrent writer won on (no co_await inside a catch)
    try {
        created = co_await ctx.services.orders.create(std::move(order));
    } catch (const pg::Error& e) {
        if (!e.unique_violation()) throw;
        conflict = e.constraint;
    }
    if (conflict == "order_seats_pkey") {
        // Redis let the hold through (e.g. it lost its data), PostgreSQL did not: the seats are sold or
        // in someone's unpaid order.
        auto owned = co_await ctx.services.db.query(sql::kOwnedSeats, show->show_id, seats_json(hold->seats));
        std::vector<std::string> taken;
        for (int i = 0; i < owned.rows(); ++i) taken.emplace_back(owned.text(i, 0));
        show->sort_seats(taken);
        throw seats_unavailable(taken);
    }
    if (!conflict.empty()) {
        // The same hold posted twice at once: the other request created the order.
        auto again = co_await ctx.services.db.query(sql::kOrderOfHold, hold_id);
        if (again.empty() || again.text(0, 1) != user) throw std::runtime_error("order creation conflict on " + conflict);
        std::string existing = co_await load_order(ctx, std::string(again.text(0, 0)));
        co_return http::json_response(200, std::move(existing));
    }
    if (!created) throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show is cancelled or has started");
    const pg::Result& r = created->result;
    std::string order_id(r.text(created->row, kId));
    std::int64_t expires_ms = r.integer(created->row, kCreatedText + 1);
    co_await tell_redis("order created", [&]() -> boost::asio::awaitable<void> {
        co_await store.convert_hold(show->show_id, user, hold_id, order_id, expires_ms, hold->seats);
    });
    co_return http::json_response(201, render_order(r, created->row, 0));
}

boost::asio::awaitable<http::Response> get_order(http::RequestContext& ctx) {
    std::string order_id = input::path_uuid(ctx.param("orderId"), "orderId");
    std::string order = co_await load_order(ctx, order_id);
    co_return http::json_response(200, std::move(order));
}

boost::asio::awaitable<http::Response> list_orders(http::RequestContext& ctx) {
    auto limit = input::query_integer(ctx.request.query_param("limit"), "limit", 1, 50, 20);
    std::optional<std::string> after_time, after_id;
    if (auto text = ctx.request.query_param("cursor")) {
        auto cursor = catalog::decode_cursor(*text);
        if (!cursor) throw ApiError::validation("cursor: not a cursor of this list");
        after_time = cursor->sort_key;
        after_id = cursor->id;
    }
    pg::Result rows;
    try {
        rows = co_await ctx.services.db.query(sql::kOrdersOfUser, ctx.caller().user_id, limit + 1, after_time, after_id);
    } catch (const pg::Error&) {
        throw ApiError::validation("cursor: not a cursor of this list");  // a forged time that does not parse
    }
    std::string body = catalog::render_page(rows, limit, kCreatedText, kId,
                                            [&](JsonWriter& w, int row) { write_order(w, rows, row); });
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> confirm_payment(http::RequestContext& ctx) {
    std::string order_id = input::path_uuid(ctx.param("orderId"), "orderId");
    const std::string& user = ctx.caller().user_id;
    Payment payment;
    payment.order_id = order_id;
    payment.user_id = user;
    std::optional<ResultRow> found;
    for (int attempt = 0;; ++attempt) {
        try {
            found = co_await ctx.services.orders.confirm(payment);
            break;
        } catch (const pg::Error& e) {
            // Two orders drew the same ticket code (one in 10^12): draw again.
            if (!e.unique_violation() || attempt == 3) throw;
        }
    }
    if (!found) throw ApiError::not_found("order not found");
    const pg::Result& r = found->result;
    int row = found->row;
    std::string before(r.text(row, 0));
    bool lapsed = r.boolean(row, 1);
    std::string show_id(r.text(row, 2));
    auto seats = seats_of(r.text(row, 3));
    SeatStore store(ctx.services.redis, ctx.services.db);
    if (before == "PAYMENT_PENDING" && lapsed) {
        co_await tell_redis("order expired", [&]() -> boost::asio::awaitable<void> {
            co_await store.free_order_seats(show_id, order_id, false, seats);
        });
        throw ApiError::conflict("ORDER_EXPIRED", "the payment window of this order has passed");
    }
    if (before == "PAYMENT_PENDING" && r.is_null(row, 4 + kId)) {
        // Payable when the statement began, changed by someone else before its update reached it (a
        // second confirmation of the same order, a cancellation): answer by what it is now.
        auto now = co_await ctx.services.db.query(sql::kOrderById, order_id);
        before = now.empty() ? "" : std::string(now.text(0, kStatus));
        if (before == "PAYMENT_PENDING")
            throw ApiError::conflict("INVALID_STATE", "the order changed while it was being paid; try again");
    }
    if (before == "EXPIRED") throw ApiError::conflict("ORDER_EXPIRED", "the payment window of this order has passed");
    if (before != "PAYMENT_PENDING" && before != "CONFIRMED")
        throw ApiError::conflict("INVALID_STATE", "the order is " + before);
    if (before == "CONFIRMED") {
        std::string order = co_await load_order(ctx, order_id);  // paid before: the same body again
        co_return http::json_response(200, std::move(order));
    }
    co_await tell_redis("order confirmed", [&]() -> boost::asio::awaitable<void> {
        co_await store.sell_order_seats(show_id, order_id, seats);
    });
    co_return http::json_response(200, render_order(r, row, 4));
}

boost::asio::awaitable<http::Response> cancel_order(http::RequestContext& ctx) {
    std::string order_id = input::path_uuid(ctx.param("orderId"), "orderId");
    auto r = co_await ctx.services.db.query(sql::kCancelOrder, order_id, ctx.caller().user_id);
    if (r.empty()) throw ApiError::not_found("order not found");
    std::string before(r.text(0, 0));
    if (r.is_null(0, 4)) {
        if (before == "CONFIRMED")
            throw ApiError::conflict("CANCELLATION_NOT_ALLOWED", r.boolean(0, 2) ? "the show has already started"
                                                                                 : "this theatre does not allow cancellation");
        if (before == "EXPIRED" || (before == "PAYMENT_PENDING" && r.boolean(0, 1)))
            throw ApiError::conflict("ORDER_EXPIRED", "the payment window of this order has passed");
        throw ApiError::conflict("INVALID_STATE", "the order is " + before);
    }
    std::string show_id(r.text(0, 5));
    auto seats = seats_of(r.text(0, 6));
    co_await tell_redis("order cancelled", [&]() -> boost::asio::awaitable<void> {
        co_await SeatStore(ctx.services.redis, ctx.services.db)
            .free_order_seats(show_id, order_id, before == "CONFIRMED", seats);
    });
    std::string order = co_await load_order(ctx, order_id);
    co_return http::json_response(200, std::move(order));
}

boost::asio::awaitable<http::Response> admin_cancel_show(http::RequestContext& ctx) {
    std::string show_id = input::path_uuid(ctx.param("showId"), "showId");
    auto r = co_await ctx.services.db.query(sql::kCancelShow, show_id);
    if (r.is_null(0, 3)) throw ApiError::not_found("show not found");
    bool cancelled_now = r.boolean(0, 0);
    if (cancelled_now) {
        co_await tell_redis("show cancelled", [&]() -> boost::asio::awaitable<void> {
            co_await SeatStore(ctx.services.redis, ctx.services.db).cancel_show(show_id);
        });
        co_await catalog::ResponseCache::invalidate(ctx.services.redis, catalog::shows_cache_key(std::string(r.text(0, 4))));
    }
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("showId", show_id);
    w.field("status", "CANCELLED");
    w.field("ordersCancelled", r.integer(0, 1));
    w.field("ordersRefunded", r.integer(0, 2));
    w.end_object();
    co_return http::json_response(200, std::move(body));
}

}  // namespace marquee::booking
