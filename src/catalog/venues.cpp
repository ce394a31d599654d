#include "catalog/venues.hpp"

#include "catalog/catalog.hpp"
#include "catalog/venue_input.hpp"
#include "catalog/venue_store.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"

namespace marquee::catalog {

boost::asio::awaitable<http::Response> admin_create_theatre(Catalog& catalog, http::RequestContext& ctx) {
    NewTheatre theatre = parse_new_theatre(input::parse_object(ctx.request.content_type, ctx.request.body));
    bool known = co_await catalog.venues().timezone_exists(theatre.timezone);
    if (!known) throw ApiError::validation("timezone: is not an IANA time zone name (e.g. Asia/Kolkata)");
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

boost::asio::awaitable<http::Response> admin_list_theatres(Catalog& catalog, http::RequestContext&) {
    std::string items = co_await catalog.venues().theatres_json();
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("items").raw(items);
    w.end_object();
    co_return http::json_response(200, std::move(out));
}

boost::asio::awaitable<http::Response> admin_create_screen(Catalog& catalog, http::RequestContext& ctx) {
    TheatreId theatre(input::path_uuid(ctx.param("theatreId"), "theatreId"));
    NewScreen screen = parse_new_screen(input::parse_object(ctx.request.content_type, ctx.request.body));

    CreatedScreen created = co_await catalog.venues().create_screen(theatre, screen);
    switch (created.outcome) {
        case CreatedScreen::Outcome::Created: break;
        case CreatedScreen::Outcome::NoSuchTheatre: throw ApiError::not_found("theatre not found");
        case CreatedScreen::Outcome::NameTaken:
            throw ApiError::validation("screenName: this theatre already has a screen with that name");
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
