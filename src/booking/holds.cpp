#include "booking/holds.hpp"

#include "booking/seat_list.hpp"
#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"

#include <set>

namespace marquee::booking {

namespace {

SeatStore store_of(http::RequestContext& ctx) { return SeatStore(ctx.services.redis, ctx.services.db); }

// {seatIds, quantity}: the distinct seats, validated against the show's layout, in layout order.
std::vector<std::string> requested_seats(const input::Fields& f, const ShowInfo& show, int max_seats) {
    const auto& list = f.array("seatIds", 1, 1000);
    std::vector<std::string> seats;
    std::set<std::string> seen;
    for (const auto& v : list) {
        if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 10)
            f.fail("seatIds", "must be seat ids like \"A1\"");
        std::string seat(v.as_string());
        if (seen.insert(seat).second) seats.push_back(std::move(seat));
    }
    auto quantity = f.integer("quantity", 1, max_seats);
    if (static_cast<std::size_t>(quantity) != seats.size())
        f.fail("quantity", "must equal the number of distinct seatIds (" + std::to_string(seats.size()) + ")");
    if (seats.size() > static_cast<std::size_t>(max_seats))
        f.fail("seatIds", "at most " + std::to_string(max_seats) + " seats per hold");
    std::vector<std::string> unknown;
    for (const auto& s : seats)
        if (!show.has_seat(s)) unknown.push_back(s);
    if (!unknown.empty()) f.fail("seatIds", "unknown seats: " + join_seats(unknown));
    show.sort_seats(seats);
    return seats;
}

void check_bookable(const ShowInfo& show) {
    if (show.start <= now_epoch()) throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show has already started");
}

[[noreturn]] void fail_outcome(const SeatStore::Outcome& out) {
    using Kind = SeatStore::Outcome::Kind;
    switch (out.kind) {
        case Kind::Taken: throw seats_unavailable(out.taken);
        case Kind::NotBookable: throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show is cancelled");
        case Kind::NotFound: throw ApiError::not_found("hold not found");
        case Kind::WrongState:
            if (out.hold.status == "EXPIRED") throw ApiError::conflict("HOLD_EXPIRED", "the hold has expired");
            throw ApiError::conflict("INVALID_STATE", "the hold is " + out.hold.status);
        case Kind::Ok: break;
    }
    throw std::logic_error("fail_outcome called for a success");
}

std::string render(const Hold& h) {
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("holdId", h.hold_id);
    w.field("showId", h.show_id);
    w.key("seatIds").begin_array();
    for (const auto& s : h.seats) w.string(s);
    w.end_array();
    w.field("status", h.status);
    w.field("expiresAt", format_utc(h.expires_ms / 1000));
    if (h.order_id) w.field("orderId", *h.order_id);
    w.end_object();
    return body;
}

}  // namespace

boost::asio::awaitable<http::Response> create_hold(http::RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    std::string show_id = f.uuid("showId");
    auto show = co_await ctx.services.shows.require(ctx.services.db, show_id);
    auto seats = requested_seats(f, *show, ctx.services.config.max_seats_per_hold);
    check_bookable(*show);
    auto out = co_await store_of(ctx).create_hold(*show, ctx.caller().user_id, seats, ctx.services.config.hold_ttl_seconds);
    if (out.kind != SeatStore::Outcome::Kind::Ok) fail_outcome(out);
    co_return http::json_response(201, render(out.hold));
}

boost::asio::awaitable<http::Response> get_hold(http::RequestContext& ctx) {
    std::string hold_id = input::path_uuid(ctx.param("holdId"), "holdId");
    auto hold = co_await store_of(ctx).find_hold(ctx.caller().user_id, hold_id);
    if (!hold) throw ApiError::not_found("hold not found");
    co_return http::json_response(200, render(*hold));
}

boost::asio::awaitable<http::Response> change_hold(http::RequestContext& ctx) {
    std::string hold_id = input::path_uuid(ctx.param("holdId"), "holdId");
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    SeatStore store = store_of(ctx);
    auto show_id = co_await store.show_of_hold(hold_id);
    if (!show_id) throw ApiError::not_found("hold not found");
    auto show = co_await ctx.services.shows.require(ctx.services.db, *show_id);
    auto seats = requested_seats(f, *show, ctx.services.config.max_seats_per_hold);
    check_bookable(*show);
    auto out = co_await store.change_hold(*show, ctx.caller().user_id, hold_id, seats);
    if (out.kind != SeatStore::Outcome::Kind::Ok) fail_outcome(out);
    co_return http::json_response(200, render(out.hold));
}

boost::asio::awaitable<http::Response> release_hold(http::RequestContext& ctx) {
    std::string hold_id = input::path_uuid(ctx.param("holdId"), "holdId");
    SeatStore store = store_of(ctx);
    auto show_id = co_await store.show_of_hold(hold_id);
    if (!show_id) throw ApiError::not_found("hold not found");
    auto out = co_await store.release_hold(*show_id, ctx.caller().user_id, hold_id);
    if (out.kind != SeatStore::Outcome::Kind::Ok) fail_outcome(out);
    co_return http::json_response(200, render(out.hold));
}

}  // namespace marquee::booking
