#pragma once
#include "common/ids.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace marquee::catalog {

struct GeoPoint {
    double lat = 0, lng = 0;
};

// What a shows-by-date request asks for.
struct ShowsOnDate {
    MovieId movie;
    std::string date;  // YYYY-MM-DD, the theatres' local date
    std::optional<std::string> city;
    std::optional<GeoPoint> near;
    double radius_km = 100;  // around `near`
};

// The `near` query parameter, "lat,lng": nullopt when absent, ApiError(400) when it is not two
// decimal numbers with -90 ≤ lat ≤ 90 and -180 ≤ lng ≤ 180.
std::optional<GeoPoint> parse_near(std::optional<std::string_view> text);

}  // namespace marquee::catalog
