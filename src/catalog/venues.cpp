#include "catalog/venues.hpp"

#include "catalog/catalog.hpp"
#include "catalog/screen_layout.hpp"
#include "catalog/venue_store.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"

namespace marquee::catalog {

boost::asio::awaitable<http::Response> admin_create_theatre(Catalog& catalog, http::RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    NewTheatre theatre;
    theatre.name = f.string("name", 1, 255);
    theatre.address = f.optional_string("address", 1000);
    theatre.city = f.string("city", 1, 100);
    input::Fields geo(f.object("geo"), "geo");
    theatre.lat = geo.number("lat", -90, 90);
    theatre.lng = geo.number("lng", -180, 180);
    theatre.timezone = f.optional_string("timezone", 64).value_or("Asia/Kolkata");
    theatre.cancellation_available = f.optional_bool("cancellationAvailable").value_or(true);

    bool known = co_await catalog.venues().timezone_exists(theatre.timezone);
    if (!known) f.fail("timezone", "is not an IANA time zone name (e.g. Asia/Kolkata)");
    CreatedTheatre created = co_await catalog.venues().create_theatre(theatre);

    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("theatreId", created.theatre_id.str());
    w.field("name", theatre.name);
    w.optional_string("address", theatre.address);
    w.field("city", theatre.city);
    w.key("geo").begin_object().key("lat").raw(created.geo_lat).key("lng").raw(created.geo_lng).end_object();
    w.field("timezone", theatre.timezone);
    w.field("cancellationAvailable", theatre.cancellation_available);
    w.end_object();
    co_return http::json_response(201, std::move(out));
}

boost::asio::awaitable<http::Response> admin_create_screen(Catalog& catalog, http::RequestContext& ctx) {
    TheatreId theatre(input::path_uuid(ctx.param("theatreId"), "theatreId"));
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    NewScreen screen;
    screen.screen_name = f.string("screenName", 1, 50);
    screen.screen_type = f.optional_string("screenType", 20);
    ScreenLayout layout = parse_layout(f);
    screen.total_seats = layout.total_seats;
    screen.layout_json = std::move(layout.json);

    CreatedScreen created = co_await catalog.venues().create_screen(theatre, screen);
    switch (created.outcome) {
        case CreatedScreen::Outcome::Created: break;
        case CreatedScreen::Outcome::NoSuchTheatre: throw ApiError::not_found("theatre not found");
        case CreatedScreen::Outcome::NameTaken:
            f.fail("screenName", "this theatre already has a screen with that name");
    }

    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("screenId", created.screen_id.str());
    w.field("theatreId", theatre.str());
    w.field("screenName", screen.screen_name);
    w.optional_string("screenType", screen.screen_type);
    w.field("totalSeats", screen.total_seats);
    w.key("rows").raw(screen.layout_json);
    w.end_object();
    co_return http::json_response(201, std::move(out));
}

}  // namespace marquee::catalog
