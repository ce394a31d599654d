#include "catalog/listing_page.hpp"

#include "common/json_writer.hpp"

#include <charconv>

namespace marquee::catalog {

namespace {
constexpr char kStatusMark = '\x01';
}  // namespace

std::string render_listing_page(const MovieId& movie, const std::string& date, const std::vector<ShowListingRow>& rows) {
    std::string index;
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("movieId", movie.str());
    w.field("date", date);
    w.key("theatres").begin_array();
    const TheatreId* current = nullptr;
    for (const ShowListingRow& row : rows) {
        if (!current || row.theatre_id != *current) {
            if (current) w.end_array().end_object();
            current = &row.theatre_id;
            w.begin_object();
            w.field("theatreId", row.theatre_id.str());
            w.field("name", row.theatre_name);
            w.optional_string("address", row.address);
            w.field("city", row.city);
            w.key("geo").begin_object().key("lat").raw(row.geo_lat).key("lng").raw(row.geo_lng).end_object();
            w.field("cancellationAvailable", row.cancellation_available);
            if (row.distance_km) w.key("distanceKm").raw(*row.distance_km);
            w.key("shows").begin_array();
        }
        w.begin_object();
        w.field("showId", row.show_id.str());
        w.field("startTime", row.start_time);
        w.field("endTime", row.end_time);
        w.key("price").raw(row.price.to_json());
        w.key("status").raw(std::string_view(&kStatusMark, 1));
        w.field("screenId", row.screen_id.str());
        w.field("screenName", row.screen_name);
        w.end_object();
        index += row.show_id.str() + ':' + std::to_string(row.total_seats) + ',';
    }
    if (current) w.end_array().end_object();
    w.end_array();
    w.end_object();
    return index + '\n' + body;
}

ListingIndex read_listing_index(std::string_view page) {
    ListingIndex index;
    auto newline = page.find('\n');
    for (std::size_t pos = 0; pos < newline;) {
        auto colon = page.find(':', pos), comma = page.find(',', pos);
        index.shows.emplace_back(page.substr(pos, colon - pos));
        std::int64_t total = 0;
        std::from_chars(page.data() + colon + 1, page.data() + comma, total);
        index.total_seats.push_back(total);
        pos = comma + 1;
    }
    return index;
}

std::string with_statuses(std::string_view page, const std::vector<ShowStatus>& statuses) {
    auto newline = page.find('\n');
    std::string body;
    body.reserve(page.size() - newline + 16 * statuses.size());
    std::size_t from = newline + 1;
    for (ShowStatus status : statuses) {
        std::size_t mark = page.find(kStatusMark, from);
        body.append(page, from, mark - from);
        body += '"';
        body += to_string(status);
        body += '"';
        from = mark + 1;
    }
    body.append(page, from);
    return body;
}

}  // namespace marquee::catalog
