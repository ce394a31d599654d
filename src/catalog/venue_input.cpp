#include "catalog/venue_input.hpp"

#include "catalog/screen_layout.hpp"
#include "common/input.hpp"

namespace marquee::catalog {

NewTheatre parse_new_theatre(const boost::json::object& body) {
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
    return theatre;
}

NewScreen parse_new_screen(const boost::json::object& body) {
    input::Fields f(body);
    NewScreen screen;
    screen.screen_name = f.string("screenName", 1, 50);
    screen.screen_type = f.optional_string("screenType", 20);
    ScreenLayout layout = parse_layout(f);
    screen.total_seats = layout.total_seats;
    screen.layout_json = std::move(layout.json);
    return screen;
}

}  // namespace marquee::catalog
