#include "catalog/venue_store.hpp"

#include "pg/pool.hpp"

#include <string_view>

namespace marquee::catalog {

namespace {

// ---- statements ---------------------------------------------------------------------------------

constexpr pg::Statement kTimezoneExists{
    "timezone_exists", "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS known"};
constexpr pg::Statement kInsertTheatre{
    "theatre_insert",
    "INSERT INTO theatres (name, address, city, geo_lat, geo_lng, timezone, cancellation_available) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING theatre_id, geo_lat::text AS geo_lat, geo_lng::text AS geo_lng"};
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

// Every active theatre with its active screens, as the JSON array of GET /api/v1/admin/theatres: a
// short list read rarely (an operator's form), so PostgreSQL writes it whole.
constexpr pg::Statement kTheatresWithScreens{
    "theatres_with_screens",
    "SELECT coalesce(json_agg(t ORDER BY t.city, t.name, t.\"theatreId\"), '[]')::text AS items FROM ("
    "  SELECT th.theatre_id AS \"theatreId\", th.name, th.address, th.city, "
    "    json_build_object('lat', th.geo_lat, 'lng', th.geo_lng) AS geo, th.timezone, "
    "    th.cancellation_available AS \"cancellationAvailable\", "
    "    (SELECT coalesce(json_agg(json_build_object('screenId', s.screen_id, 'screenName', s.screen_name, "
    "       'screenType', s.screen_type, 'totalSeats', s.total_seats) ORDER BY s.screen_name), '[]') "
    "     FROM screens s WHERE s.theatre_id = th.theatre_id AND s.is_active) AS screens "
    "  FROM theatres th WHERE th.is_active) t"};

// The constraints a new screen can run into, by the names PostgreSQL gave them
// (sql/migrations/001_schema.sql, table screens).
constexpr std::string_view kScreenOfTheatre = "screens_theatre_id_fkey";                 // no such theatre
constexpr std::string_view kScreenNameInTheatre = "screens_theatre_id_screen_name_key";  // (theatre_id, screen_name)

// ---- decoders -----------------------------------------------------------------------------------

bool known_of(const pg::Row& row) { return row.boolean("known"); }

CreatedTheatre theatre_of(const pg::Row& row) {
    return {TheatreId(row.text("theatre_id")), row.str("geo_lat"), row.str("geo_lng")};
}

ScreenId screen_id_of(const pg::Row& row) { return ScreenId(row.text("screen_id")); }

}  // namespace

boost::asio::awaitable<bool> VenueStore::timezone_exists(const std::string& name) {
    auto rows = co_await db_.query(kTimezoneExists, name);
    co_return known_of(rows.front());
}

boost::asio::awaitable<std::string> VenueStore::theatres_json() {
    auto rows = co_await db_.query(kTheatresWithScreens);
    co_return rows.front().str("items");
}

boost::asio::awaitable<CreatedTheatre> VenueStore::create_theatre(const NewTheatre& t) {
    auto rows = co_await db_.query(kInsertTheatre, t.name, t.address, t.city, t.lat, t.lng, t.timezone,
                                   t.cancellation_available);
    co_return theatre_of(rows.front());
}

boost::asio::awaitable<CreatedScreen> VenueStore::create_screen(const TheatreId& theatre, const NewScreen& s) {
    CreatedScreen created;
    try {
        auto tx = co_await db_.begin();
        auto rows = co_await tx.query(kInsertScreen, theatre, s.screen_name, s.screen_type, s.total_seats);
        created.screen_id = screen_id_of(rows.front());
        co_await tx.query(kInsertLayout, created.screen_id, s.layout_json);
        co_await tx.commit();
    } catch (const pg::Error& e) {
        // Field by field: g++ 12 destroys the temporaries of a braced initialiser in a coroutine twice.
        if (e.violates(kScreenOfTheatre))
            created.outcome = CreatedScreen::Outcome::NoSuchTheatre;
        else if (e.violates(kScreenNameInTheatre))
            created.outcome = CreatedScreen::Outcome::NameTaken;
        else
            throw;
        created.screen_id = ScreenId();
    }
    co_return created;
}

}  // namespace marquee::catalog
