// The HTTP face of booking: each handler parses and validates the request, calls a service and
// renders the answer. Rules live in the services (holds, orders, lifecycle), I/O in the stores.
#include "booking/booking.hpp"
#include "booking/render.hpp"
#include "catalog/show_status.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"

#include <set>

namespace marquee::booking {

namespace {

using http::RequestContext;
using http::Response;
using Reply = boost::asio::awaitable<Response>;

// {seatIds, quantity}: the distinct seats, validated against the show's layout, in layout order.
std::vector<SeatId> requested_seats(const input::Fields& f, const ShowInfo& show, int max_seats) {
    const auto& list = f.array("seatIds", 1, 1000);
    std::vector<SeatId> seats;
    std::set<std::string> seen;
    for (const auto& v : list) {
        if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 10 ||
            input::has_control_characters(v.as_string(), false))
            f.fail("seatIds", "must be seat ids like \"A1\"");
        std::string seat(v.as_string());
        if (seen.insert(seat).second) seats.emplace_back(std::move(seat));
    }
    auto quantity = f.integer("quantity", 1, max_seats);
    if (static_cast<std::size_t>(quantity) != seats.size())
        f.fail("quantity", "must equal the number of distinct seatIds (" + std::to_string(seats.size()) + ")");
    if (seats.size() > static_cast<std::size_t>(max_seats))
        f.fail("seatIds", "at most " + std::to_string(max_seats) + " seats per hold");
    std::vector<SeatId> unknown;
    for (const auto& s : seats)
        if (!show.has_seat(s)) unknown.push_back(s);
    if (!unknown.empty()) f.fail("seatIds", "unknown seats: " + join_seats(unknown));
    show.sort_seats(seats);
    return seats;
}

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

template <class IdType> IdType path_id(const RequestContext& ctx, std::string_view name) {
    return IdType(input::path_uuid(ctx.param(name), name));
}

Reply seat_map(Booking& b, RequestContext& ctx) {
    auto show_id = path_id<ShowId>(ctx, "showId");
    auto show = co_await b.shows.require(show_id);
    auto live = co_await b.seats.seat_map(*show);
    co_return http::json_response(200, render_seat_map(*show, *live));
}

Reply create_hold(Booking& b, RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    ShowId show_id(f.uuid("showId"));
    auto show = co_await b.shows.require(show_id);
    auto seats = requested_seats(f, *show, b.settings.max_seats_per_hold);
    auto hold = co_await b.holds.create(*show, ctx.caller().user_id, seats);
    co_return http::json_response(201, render_hold(hold));
}

Reply get_hold(Booking& b, RequestContext& ctx) {
    auto hold_id = path_id<HoldId>(ctx, "holdId");
    auto hold = co_await b.holds.get(ctx.caller().user_id, hold_id);
    co_return http::json_response(200, render_hold(hold));
}

Reply change_hold(Booking& b, RequestContext& ctx) {
    auto hold_id = path_id<HoldId>(ctx, "holdId");
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    ShowId show_id = co_await b.holds.show_of(hold_id);
    auto show = co_await b.shows.require(show_id);
    auto seats = requested_seats(f, *show, b.settings.max_seats_per_hold);
    auto hold = co_await b.holds.change(*show, ctx.caller().user_id, hold_id, seats);
    co_return http::json_response(200, render_hold(hold));
}

Reply release_hold(Booking& b, RequestContext& ctx) {
    auto hold_id = path_id<HoldId>(ctx, "holdId");
    auto hold = co_await b.holds.release(ctx.caller().user_id, hold_id);
    co_return http::json_response(200, render_hold(hold));
}

Reply create_order(Booking& b, RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    HoldId hold_id(f.uuid("holdId"));
    Customer customer = parse_customer(f);
    auto placed = co_await b.orders.place(ctx.caller().user_id, hold_id, std::move(customer));
    co_return http::json_response(placed.created ? 201 : 200, render_order(placed.order));
}

Reply get_order(Booking& b, RequestContext& ctx) {
    auto order_id = path_id<OrderId>(ctx, "orderId");
    auto order = co_await b.orders.get(ctx.caller().user_id, order_id);
    co_return http::json_response(200, render_order(order));
}

Reply list_orders(Booking& b, RequestContext& ctx) {
    auto limit = input::query_integer(ctx.request.query_param("limit"), "limit", 1, 50, 20);
    std::optional<Cursor> cursor;
    if (auto text = ctx.request.query_param("cursor")) {
        cursor = decode_cursor(*text);
        if (!cursor) throw ApiError::validation("cursor: not a cursor of this list");
    }
    auto orders = co_await b.orders.list(ctx.caller().user_id, limit, cursor);
    co_return http::json_response(
        200, render_page<Order>(
                 orders, limit, [](const Order& o) { return Cursor{o.created_key, o.id.str()}; },
                 [](JsonWriter& w, const Order& o) { write_order(w, o); }));
}

Reply confirm_payment(Booking& b, RequestContext& ctx) {
    auto order_id = path_id<OrderId>(ctx, "orderId");
    auto order = co_await b.orders.pay(ctx.caller().user_id, order_id);
    co_return http::json_response(200, render_order(order));
}

Reply cancel_order(Booking& b, RequestContext& ctx) {
    auto order_id = path_id<OrderId>(ctx, "orderId");
    auto order = co_await b.orders.cancel(ctx.caller().user_id, order_id);
    co_return http::json_response(200, render_order(order));
}

Reply admin_cancel_show(Booking& b, RequestContext& ctx) {
    auto show_id = path_id<ShowId>(ctx, "showId");
    auto cancelled = co_await b.orders.cancel_show(show_id);
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("showId", show_id);
    w.field("status", catalog::to_string(catalog::ShowStatus::Cancelled));
    w.field("ordersCancelled", cancelled.orders_cancelled);
    w.field("ordersRefunded", cancelled.orders_refunded);
    w.end_object();
    co_return http::json_response(200, std::move(body));
}

}  // namespace

void add_routes(http::Router& router, Booking& booking) {
    using http::Access;
    using http::Method;
    router.add(Method::Get, "/api/v1/shows/{showId}/seatmap", Access::Public, http::with(booking, seat_map));
    router.add(Method::Post, "/api/v1/holds", Access::User, http::with(booking, create_hold));
    router.add(Method::Get, "/api/v1/holds/{holdId}", Access::User, http::with(booking, get_hold));
    router.add(Method::Patch, "/api/v1/holds/{holdId}", Access::User, http::with(booking, change_hold));
    router.add(Method::Post, "/api/v1/holds/{holdId}/release", Access::User, http::with(booking, release_hold));
    router.add(Method::Post, "/api/v1/orders", Access::User, http::with(booking, create_order));
    router.add(Method::Get, "/api/v1/orders", Access::User, http::with(booking, list_orders));
    router.add(Method::Get, "/api/v1/orders/{orderId}", Access::User, http::with(booking, get_order));
    router.add(Method::Post, "/api/v1/orders/{orderId}/confirm-payment", Access::User, http::with(booking, confirm_payment));
    router.add(Method::Post, "/api/v1/orders/{orderId}/cancel", Access::User, http::with(booking, cancel_order));
    router.add(Method::Post, "/api/v1/admin/shows/{showId}/cancel", Access::Admin, http::with(booking, admin_cancel_show));
}

}  // namespace marquee::booking
