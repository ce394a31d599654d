// The HTTP face of booking: each handler parses and validates the request, calls a service and
// renders the answer. Rules live in the services (holds, orders, lifecycle), I/O in the stores.
#include "booking/booking.hpp"
#include "booking/render.hpp"
#include "booking/requests.hpp"
#include "catalog/show_status.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/time.hpp"

#include <charconv>

namespace marquee::booking {

namespace {

using http::RequestContext;
using http::Response;
using Reply = boost::asio::awaitable<Response>;

template <class IdType> IdType path_id(const RequestContext& ctx, std::string_view name) {
    return IdType(input::path_uuid(ctx.param(name), name));
}

Reply seat_map(Booking& b, RequestContext& ctx) {
    auto show_id = path_id<ShowId>(ctx, "showId");
    auto show = co_await b.shows.require(show_id);
    auto live = co_await b.seats.seat_map(*show);
    co_return http::json_response(200, render_seat_map(*show, *live));
}

Reply seat_map_stream(Booking& b, RequestContext& ctx) {
    auto show_id = path_id<ShowId>(ctx, "showId");
    auto show = co_await b.shows.require(show_id);
    auto start = co_await b.feeds.open(*show, ctx.request.last_event_id);
    http::Response response;
    response.stream = [&b, show, start](http::EventStream& out) { return b.feeds.stream(show, start, out); };
    co_return response;
}

Reply create_hold(Booking& b, RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    ShowId show_id(f.uuid("showId"));
    auto show = co_await b.shows.require(show_id);
    auto admission = b.room.admission_number(f.optional_string("admission", 2048), show_id, ctx.caller().user_id);
    if (auto best = parse_best_seats(f, *show, b.settings.max_seats_per_hold)) {
        auto hold = co_await b.holds.create_best(*show, ctx.caller().user_id, best->quantity, best->seat_type, admission);
        co_return http::json_response(201, render_hold(hold));
    }
    auto seats = parse_seat_selection(f, *show, b.settings.max_seats_per_hold);
    auto hold = co_await b.holds.create(*show, ctx.caller().user_id, seats, admission);
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
    auto seats = parse_seat_selection(f, *show, b.settings.max_seats_per_hold);
    auto hold = co_await b.holds.change(*show, ctx.caller().user_id, hold_id, seats);
    co_return http::json_response(200, render_hold(hold));
}

Reply release_hold(Booking& b, RequestContext& ctx) {
    auto hold_id = path_id<HoldId>(ctx, "holdId");
    auto hold = co_await b.holds.release(ctx.caller().user_id, hold_id);
    co_return http::json_response(200, render_hold(hold));
}

Reply create_order(Booking& b, RequestContext& ctx) {
    auto request = parse_order_request(input::parse_object(ctx.request.content_type, ctx.request.body));
    auto placed = co_await b.orders.place(ctx.caller().user_id, request.hold_id, std::move(request.customer));
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

Reply join_queue(Booking& b, RequestContext& ctx) {
    auto show_id = path_id<ShowId>(ctx, "showId");
    auto show = co_await b.shows.require(show_id);
    auto place = co_await b.room.join(*show, ctx.caller().user_id);
    co_return http::json_response(200, render_queue_place(show_id, place));
}

Reply poll_queue(Booking& b, RequestContext& ctx) {
    auto ticket = b.room.open_ticket(std::string(ctx.param("ticket")), ctx.caller().user_id);
    auto show = co_await b.shows.require(ticket.show);
    auto place = co_await b.room.poll(*show, ticket, ctx.caller().user_id);
    co_return http::json_response(200, render_queue_place(ticket.show, place));
}

Reply leave_queue(Booking& b, RequestContext& ctx) {
    auto ticket = b.room.open_ticket(std::string(ctx.param("ticket")), ctx.caller().user_id);
    auto show = co_await b.shows.require(ticket.show);
    co_await b.room.leave(*show, ticket, ctx.caller().user_id);
    std::string body;
    JsonWriter w(body);
    w.begin_object().field("showId", ticket.show).field("status", "LEFT").end_object();
    co_return http::json_response(200, std::move(body));
}

Reply admin_get_room(Booking& b, RequestContext& ctx) {
    auto show_id = path_id<ShowId>(ctx, "showId");
    co_await b.shows.require(show_id);
    auto room = co_await b.room.describe(show_id);
    co_return http::json_response(200, render_room(show_id, room));
}

Reply admin_put_room(Booking& b, RequestContext& ctx) {
    auto show_id = path_id<ShowId>(ctx, "showId");
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    auto settings = parse_room_settings(input::Fields(body));
    co_await b.shows.require(show_id);
    auto room = co_await b.room.configure(show_id, settings);
    co_return http::json_response(200, render_room(show_id, room));
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

// The operator's overview: a week from today (UTC) unless told otherwise.
Reply admin_list_shows(Booking& b, RequestContext& ctx) {
    constexpr std::int64_t kDefaultDays = 7, kMaxDays = 62;
    const auto& request = ctx.request;
    ShowOverviewQuery query;
    auto today = static_cast<DayNumber>(now_epoch() / 86400);
    query.from = input::query_date(request.query_param("from"), "from", today);
    query.to = input::query_date(request.query_param("to"), "to", static_cast<DayNumber>(query.from + kDefaultDays));
    input::check_date_range(query.from, query.to, kMaxDays);
    query.limit = input::query_integer(request.query_param("limit"), "limit", 1, 200, 100);
    if (auto text = request.query_param("cursor")) {
        auto cursor = decode_cursor(*text);
        std::int64_t start = 0;
        bool readable = cursor.has_value();
        if (readable) {
            const std::string& key = cursor->sort_key;
            auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), start);
            readable = ec == std::errc() && end == key.data() + key.size();
        }
        if (!readable) throw ApiError::validation("cursor: not a cursor of this list");
        query.after_start = start;
        query.after_show = ShowId(input::path_uuid(cursor->id, "cursor"));
    }
    auto shows = co_await b.overview.page(query);
    co_return http::json_response(
        200, render_page<ShowOverviewRow>(
                 shows, query.limit,
                 [](const ShowOverviewRow& s) { return Cursor{std::to_string(s.start_epoch), s.show_id.str()}; },
                 [](JsonWriter& w, const ShowOverviewRow& s) { write_show_overview(w, s); }));
}

}  // namespace

void add_routes(http::Router& router, Booking& booking) {
    using http::Access;
    using http::Method;
    router.add(Method::Get, "/api/v1/shows/{showId}/seatmap", Access::Public, http::with(booking, seat_map));
    router.add(Method::Get, "/api/v1/shows/{showId}/seatmap/stream", Access::Public, http::with(booking, seat_map_stream));
    router.add(Method::Post, "/api/v1/holds", Access::User, http::with(booking, create_hold));
    router.add(Method::Get, "/api/v1/holds/{holdId}", Access::User, http::with(booking, get_hold));
    router.add(Method::Patch, "/api/v1/holds/{holdId}", Access::User, http::with(booking, change_hold));
    router.add(Method::Post, "/api/v1/holds/{holdId}/release", Access::User, http::with(booking, release_hold));
    router.add(Method::Post, "/api/v1/orders", Access::User, http::with(booking, create_order));
    router.add(Method::Get, "/api/v1/orders", Access::User, http::with(booking, list_orders));
    router.add(Method::Get, "/api/v1/orders/{orderId}", Access::User, http::with(booking, get_order));
    router.add(Method::Post, "/api/v1/orders/{orderId}/confirm-payment", Access::User, http::with(booking, confirm_payment));
    router.add(Method::Post, "/api/v1/orders/{orderId}/cancel", Access::User, http::with(booking, cancel_order));
    router.add(Method::Get, "/api/v1/admin/shows", Access::Admin, http::with(booking, admin_list_shows));
    router.add(Method::Post, "/api/v1/admin/shows/{showId}/cancel", Access::Admin, http::with(booking, admin_cancel_show));
    router.add(Method::Post, "/api/v1/shows/{showId}/queue", Access::User, http::with(booking, join_queue));
    router.add(Method::Get, "/api/v1/queue/{ticket}", Access::User, http::with(booking, poll_queue));
    router.add(Method::Delete, "/api/v1/queue/{ticket}", Access::User, http::with(booking, leave_queue));
    router.add(Method::Get, "/api/v1/admin/shows/{showId}/waiting-room", Access::Admin, http::with(booking, admin_get_room));
    router.add(Method::Put, "/api/v1/admin/shows/{showId}/waiting-room", Access::Admin, http::with(booking, admin_put_room));
}

}  // namespace marquee::booking
