#include "catalog/venues.hpp"

#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"
#include "pg/pool.hpp"

#include <set>

namespace marquee::catalog {

namespace {

constexpr pg::Statement kTimezoneExists{"timezone_exists",
                                        "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)"};
constexpr pg::Statement kInsertTheatre{
    "theatre_insert",
    "INSERT INTO theatres (name, address, city, geo_lat, geo_lng, timezone, cancellation_available) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING theatre_id, geo_lat::text, geo_lng::text"};
constexpr pg::Statement kInsertScreen{
    "screen_insert",
    "INSERT INTO screens (theatre_id, screen_name, screen_type, total_seats) VALUES ($1, $2, $3, $4) "
    "RETURNING screen_id"};
// $1 screen, $2 JSON array of {rowLabel, seatNumbers, seatType} in front-to-back order.
constexpr pg::Statement kInsertLayout{
    "seat_layout_insert",
    "INSERT INTO seat_layouts (screen_id, row_index, row_label, seat_numbers, seat_type) "
    "SELECT $1, e.position, e.item->>'rowLabel', "
    "ARRAY(SELECT jsonb_array_elements_text(e.item->'seatNumbers')::integer), e.item->>'seatType' "
    "FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(item, position)"};

constexpr std::size_t kMaxRows = 100;
constexpr std::int64_t kMaxSeatNumber = 999;

bool is_row_label(std::string_view s) {
    // Letters only: a seat id is the label followed by the number, so a digit in the label would
    // make "A11" ambiguous.
    if (s.empty() || s.size() > 5) return false;
    for (char c : s)
        if (c < 'A' || c > 'Z') return false;
    return true;
}

}  // namespace

boost::asio::awaitable<http::Response> admin_create_theatre(http::RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    std::string name = f.string("name", 1, 255);
    auto address = f.optional_string("address", 1000);
    std::string city = f.string("city", 1, 100);
    input::Fields geo(f.object("geo"), "geo");
    double lat = geo.number("lat", -90, 90);
    double lng = geo.number("lng", -180, 180);
    std::string timezone = f.optional_string("timezone", 64).value_or("Asia/Kolkata");
    bool cancellation = f.optional_bool("cancellationAvailable").value_or(true);

    auto known = co_await ctx.services.db.query(kTimezoneExists, timezone);
    if (!known.boolean(0, 0)) f.fail("timezone", "is not an IANA time zone name (e.g. Asia/Kolkata)");

    auto r = co_await ctx.services.db.query(kInsertTheatre, name, address, city, lat, lng, timezone, cancellation);
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("theatreId", r.text(0, 0));
    w.field("name", name);
    w.key("address");
    address ? w.string(*address) : w.null();
    w.field("city", city);
    w.key("geo").begin_object().key("lat").raw(r.text(0, 1)).key("lng").raw(r.text(0, 2)).end_object();
    w.field("timezone", timezone);
    w.field("cancellationAvailable", cancellation);
    w.end_object();
    co_return http::json_response(201, std::move(out));
}

boost::asio::awaitable<http::Response> admin_create_screen(http::RequestContext& ctx) {
    std::string theatre_id = input::path_uuid(ctx.param("theatreId"), "theatreId");
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    std::string screen_name = f.string("screenName", 1, 50);
    auto screen_type = f.optional_string("screenType", 20);
    const auto& rows = f.array("rows", 1, kMaxRows);

    // Validate the layout and re-render it canonically (seat numbers ascending) for the insert.
    std::string layout_json;
    JsonWriter layout(layout_json);
    layout.begin_array();
    std::set<std::string> labels;
    std::int64_t total_seats = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string path = "rows[" + std::to_string(i) + "]";
        if (!rows[i].is_object()) throw ApiError::validation(path + ": must be an object");
        input::Fields row(rows[i].as_object(), path);
        std::string label = row.string("rowLabel", 1, 5);
        if (!is_row_label(label)) row.fail("rowLabel", "must be 1 to 5 capital letters");
        if (!labels.insert(label).second) row.fail("rowLabel", "is used by another row");
        std::string seat_type = row.optional_string("seatType", 20).value_or("REGULAR");
        const auto& numbers = row.array("seatNumbers", 1, kMaxSeatNumber);
        std::set<std::int64_t> seats;
        for (const auto& n : numbers) {
            if (!n.is_int64() || n.as_int64() < 1 || n.as_int64() > kMaxSeatNumber)
                row.fail("seatNumbers", "must be integers from 1 to " + std::to_string(kMaxSeatNumber));
            if (!seats.insert(n.as_int64()).second) row.fail("seatNumbers", "must not repeat a number");
        }
        total_seats += static_cast<std::int64_t>(seats.size());
        layout.begin_object();
        layout.field("rowLabel", label);
        layout.key("seatNumbers").begin_array();
        for (auto n : seats) layout.integer(n);
        layout.end_array();
        layout.field("seatType", seat_type);
        layout.end_object();
    }
    layout.end_array();

    std::string screen_id;
    try {
        auto tx = co_await ctx.services.db.begin();
        auto r = co_await tx.query(kInsertScreen, theatre_id, screen_name, screen_type, total_seats);
        screen_id = std::string(r.text(0, 0));
        co_await tx.query(kInsertLayout, screen_id, layout_json);
        co_await tx.commit();
    } catch (const pg::Error& e) {
        if (e.sqlstate == "23503") throw ApiError::not_found("theatre not found");
        if (e.unique_violation()) f.fail("screenName", "this theatre already has a screen with that name");
        throw;
    }

    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("screenId", screen_id);
    w.field("theatreId", theatre_id);
    w.field("screenName", screen_name);
    w.key("screenType");
    screen_type ? w.string(*screen_type) : w.null();
    w.field("totalSeats", total_seats);
    w.key("rows").raw(layout_json);
    w.end_object();
    co_return http::json_response(201, std::move(out));
}

}  // namespace marquee::catalog
