#include "catalog/show_query.hpp"

#include "common/errors.hpp"

#include <charconv>

namespace marquee::catalog {

std::optional<GeoPoint> parse_near(std::optional<std::string_view> text) {
    if (!text) return std::nullopt;
    auto comma = text->find(',');
    auto parse = [](std::string_view s, double& out) {
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
    };
    GeoPoint p{};
    if (comma == std::string_view::npos || !parse(text->substr(0, comma), p.lat) ||
        !parse(text->substr(comma + 1), p.lng) || !(p.lat >= -90 && p.lat <= 90) || !(p.lng >= -180 && p.lng <= 180))
        throw ApiError::validation("near: must be lat,lng with -90 ≤ lat ≤ 90 and -180 ≤ lng ≤ 180");
    return p;
}

}  // namespace marquee::catalog
