#include "booking/seat_map.hpp"

#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"

namespace marquee::booking {

boost::asio::awaitable<http::Response> seat_map(http::RequestContext& ctx) {
    std::string show_id = input::path_uuid(ctx.param("showId"), "showId");
    auto show = co_await ctx.services.shows.require(ctx.services.db, show_id);
    auto live = co_await SeatStore(ctx.services.redis, ctx.services.db).seat_map(*show, ctx.services.seat_maps);

    std::string body;
    body.reserve(show->layout_json.size() + 256 + 6 * (live->held.size() + live->sold.size()));
    JsonWriter w(body);
    w.begin_object();
    w.field("showId", show->show_id);
    w.field("theatreId", show->theatre_id);
    w.field("screenName", show->screen_name);
    w.key("price").raw(show->price.to_json());
    w.key("layout").raw(show->layout_json);
    w.key("unavailableSeatIds").begin_array();
    for (const auto& s : live->sold) w.string(s);
    w.end_array();
    w.key("heldSeatIds").begin_array();
    for (const auto& s : live->held) w.string(s);
    w.end_array();
    w.end_object();
    co_return http::json_response(200, std::move(body));
}

}  // namespace marquee::booking
