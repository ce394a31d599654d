#include "catalog/shows.hpp"

#include "booking/seat_store.hpp"
#include "catalog/cache.hpp"
#include "catalog/occupancy.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"
#include "common/money.hpp"
#include "pg/pool.hpp"

#include <charconv>
#include <unordered_map>

namespace marquee::catalog {

namespace {

// The UTC offset (seconds) a theatre's clock shows at instant `ts`: DST-correct, from PostgreSQL's
// time zone database.
#define MARQUEE_UTC_OFFSET(ts) \
    "extract(epoch FROM (" ts " AT TIME ZONE t.timezone) - (" ts " AT TIME ZONE 'UTC'))::integer"

// A theatre-local date D holds instants within [D - 1 day, D + 2 days) in UTC whatever the zone; that
// range lets the (movie_id, start_time) index do the work before the exact local-date filter.
#define MARQUEE_LOCAL_DAY_RANGE(from, to)                                                               \
    "s.start_time >= " from "::date - interval '1 day' AND s.start_time < " to "::date + interval '2 days' " \
    "AND (s.start_time AT TIME ZONE t.timezone)::date BETWEEN " from "::date AND " to "::date "

constexpr pg::Statement kAvailability{
    "movie_availability",
    "SELECT (SELECT is_active FROM movies WHERE movie_id = $1), "
    "(SELECT COALESCE(json_agg(day ORDER BY day), '[]') FROM ("
    "  SELECT DISTINCT (s.start_time AT TIME ZONE t.timezone)::date::text AS day "
    "  FROM shows s JOIN theatres t ON t.theatre_id = s.theatre_id "
    "  WHERE s.movie_id = $1 AND s.status <> 'CANCELLED' AND t.is_active AND " MARQUEE_LOCAL_DAY_RANGE("$2", "$3")
    ") days)::text"};

constexpr pg::Statement kMovieActive{"movie_active", "SELECT is_active FROM movies WHERE movie_id = $1"};

#define MARQUEE_SHOW_ROWS                                                                                  \
    "SELECT t.theatre_id, t.name, t.address, t.city, t.geo_lat::text, t.geo_lng::text, "                  \
    "t.cancellation_available, s.show_id, extract(epoch FROM s.start_time)::bigint, "                      \
    MARQUEE_UTC_OFFSET("s.start_time") ", extract(epoch FROM s.end_time)::bigint, "                        \
    MARQUEE_UTC_OFFSET("s.end_time") ", s.price::text, sc.screen_id, sc.screen_name, sc.total_seats, "

// $1 movie, $2 date, $3 city or NULL.
constexpr pg::Statement kShowsByDate{
    "movie_shows_by_date",
    MARQUEE_SHOW_ROWS "NULL::text "
    "FROM shows s JOIN theatres t ON t.theatre_id = s.theatre_id JOIN screens sc ON sc.screen_id = s.screen_id "
    "WHERE s.movie_id = $1 AND s.status <> 'CANCELLED' AND t.is_active AND " MARQUEE_LOCAL_DAY_RANGE("$2", "$2")
    "AND ($3::text IS NULL OR lower(t.city) = lower($3)) "
    "ORDER BY t.name, t.theatre_id, s.start_time"};

// $1 movie, $2 date, $3 city or NULL, $4 lat, $5 lng, $6 radius in metres. earth_box uses the
// theatres' gist index; earth_distance then trims the box to a circle.
constexpr pg::Statement kShowsByDateNear{
    "movie_shows_by_date_near",
    MARQUEE_SHOW_ROWS
    "round((earth_distance(ll_to_earth($4, $5), ll_to_earth(t.geo_lat, t.geo_lng)) / 1000)::numeric, 2) AS km "
    "FROM shows s JOIN theatres t ON t.theatre_id = s.theatre_id JOIN screens sc ON sc.screen_id = s.screen_id "
    "WHERE s.movie_id = $1 AND s.status <> 'CANCELLED' AND t.is_active AND " MARQUEE_LOCAL_DAY_RANGE("$2", "$2")
    "AND ($3::text IS NULL OR lower(t.city) = lower($3)) "
    "AND earth_box(ll_to_earth($4, $5), $6) @> ll_to_earth(t.geo_lat, t.geo_lng) "
    "AND earth_distance(ll_to_earth($4, $5), ll_to_earth(t.geo_lat, t.geo_lng)) <= $6 "
    "ORDER BY km, t.name, t.theatre_id, s.start_time"};

constexpr pg::Statement kInsertShow{
    "show_insert",
    "INSERT INTO shows (movie_id, theatre_id, screen_id, start_time, end_time, price) "
    "SELECT m.movie_id, sc.theatre_id, sc.screen_id, to_timestamp($3), "
    "to_timestamp($3) + make_interval(mins => m.duration_mins), $4::numeric "
    "FROM movies m, screens sc WHERE m.movie_id = $1 AND sc.screen_id = $2 RETURNING show_id"};

constexpr pg::Statement kShowSummary{
    "show_summary",
    "SELECT s.show_id, s.movie_id, s.theatre_id, s.screen_id, extract(epoch FROM s.start_time)::bigint, "
    MARQUEE_UTC_OFFSET("s.start_time") ", extract(epoch FROM s.end_time)::bigint, "
    MARQUEE_UTC_OFFSET("s.end_time") ", s.price::text, s.status, sc.total_seats, (s.start_time AT TIME ZONE t.timezone)::date::text "
    "FROM shows s JOIN theatres t ON t.theatre_id = s.theatre_id JOIN screens sc ON sc.screen_id = s.screen_id "
    "WHERE s.show_id = $1"};

constexpr pg::Statement kMovieAndScreenExist{
    "movie_and_screen_exist",
    "SELECT EXISTS (SELECT 1 FROM movies WHERE movie_id = $1), EXISTS (SELECT 1 FROM screens WHERE screen_id = $2)"};

constexpr std::int64_t kMaxSpanDays = 62;
constexpr double kDefaultRadiusKm = 100;

std::string local_time(const pg::Result& r, int row, int epoch_col) {
    return format_with_offset(r.integer(row, epoch_col), static_cast<int>(r.integer(row, epoch_col + 1)));
}

std::string money_json(std::string_view decimal) {
    auto money = Money::parse_decimal(decimal);
    if (!money) throw std::runtime_error("PostgreSQL returned a price that is not a decimal");
    return money->to_json();
}

DayNumber query_date(const http::Request& request, std::string_view name) {
    auto text = request.query_param(name);
    if (!text) throw ApiError::validation(std::string(name) + ": is required (YYYY-MM-DD)");
    auto day = parse_date(*text);
    if (!day) throw ApiError::validation(std::string(name) + ": must be a date YYYY-MM-DD");
    return *day;
}

struct NearPoint {
    double lat, lng;
};

std::optional<NearPoint> parse_near(std::optional<std::string_view> text) {
    if (!text) return std::nullopt;
    auto comma = text->find(',');
    auto parse = [](std::string_view s, double& out) {
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
    };
    NearPoint p{};
    if (comma == std::string_view::npos || !parse(text->substr(0, comma), p.lat) ||
        !parse(text->substr(comma + 1), p.lng) || !(p.lat >= -90 && p.lat <= 90) || !(p.lng >= -180 && p.lng <= 180))
        throw ApiError::validation("near: must be lat,lng with -90 ≤ lat ≤ 90 and -180 ≤ lng ≤ 180");
    return p;
}

// Shows-by-date is cached without its live part, the occupancy status of each show. A cached page is
// "<showId>:<totalSeats>,…\n" followed by the JSON with kStatusMark where each status goes: the mark
// is a raw control character, which JSON text never contains unescaped.
constexpr char kStatusMark = '\x01';

std::string render_shows(const std::string& movie_id, const std::string& date, const pg::Result& rows, bool near) {
    std::string index;
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("movieId", movie_id);
    w.field("date", date);
    w.key("theatres").begin_array();
    std::string_view current;
    for (int i = 0; i < rows.rows(); ++i) {
        if (rows.text(i, 0) != current) {
            if (!current.empty()) w.end_array().end_object();
            current = rows.text(i, 0);
            w.begin_object();
            w.field("theatreId", current);
            w.field("name", rows.text(i, 1));
            w.optional_string("address", rows.c_str_or_null(i, 2));
            w.field("city", rows.text(i, 3));
            w.key("geo").begin_object().key("lat").raw(rows.text(i, 4)).key("lng").raw(rows.text(i, 5)).end_object();
            w.field("cancellationAvailable", rows.boolean(i, 6));
            if (near) w.key("distanceKm").raw(rows.text(i, 16));
            w.key("shows").begin_array();
        }
        w.begin_object();
        w.field("showId", rows.text(i, 7));
        w.field("startTime", local_time(rows, i, 8));
        w.field("endTime", local_time(rows, i, 10));
        w.key("price").raw(money_json(rows.text(i, 12)));
        w.key("status").raw(std::string_view(&kStatusMark, 1));
        w.field("screenId", rows.text(i, 13));
        w.field("screenName", rows.text(i, 14));
        w.end_object();
        index += std::string(rows.text(i, 7)) + ':' + std::string(rows.text(i, 15)) + ',';
    }
    if (!current.empty()) w.end_array().end_object();
    w.end_array();
    w.end_object();
    return index + '\n' + body;
}

// Fills in each show's status from live occupancy (held + sold seats). `guess` holds the show ids
// this page had last time with their counts, fetched in the cache lookup's round trip; when the page
// still lists exactly those shows (the usual case) no second round trip is needed. `guess` is
// updated to this page's shows.
boost::asio::awaitable<std::string> with_live_status(Services& services, const std::string& page,
                                                     std::vector<std::string>& guess,
                                                     const std::vector<redis::Value>& guessed_counts) {
    auto newline = page.find('\n');
    std::vector<std::string> show_ids;
    std::vector<long long> totals;
    for (std::size_t pos = 0; pos < newline;) {
        auto colon = page.find(':', pos), comma = page.find(',', pos);
        show_ids.push_back(page.substr(pos, colon - pos));
        totals.push_back(std::stoll(page.substr(colon + 1, comma - colon - 1)));
        pos = comma + 1;
    }
    std::vector<long long> occupied(show_ids.size(), 0);
    if (show_ids == guess && guessed_counts.size() == show_ids.size()) {
        for (std::size_t i = 0; i < show_ids.size(); ++i) occupied[i] = guessed_counts[i].integer;
    } else {
        try {
            occupied = co_await booking::SeatStore(services.redis, services.db).occupancy(show_ids);
        } catch (const BackendUnavailable&) {
            // Without Redis nobody can hold seats; the listing itself is still worth serving.
        }
        guess = show_ids;
    }
    std::string body;
    body.reserve(page.size() - newline + 16 * show_ids.size());
    std::size_t from = newline + 1;
    for (std::size_t i = 0; i < show_ids.size(); ++i) {
        std::size_t mark = page.find(kStatusMark, from);
        body.append(page, from, mark - from);
        body += '"';
        body += show_status(occupied.at(i), totals[i], false);
        body += '"';
        from = mark + 1;
    }
    body.append(page, from);
    co_return body;
}

}  // namespace

boost::asio::awaitable<http::Response> movie_availability(http::RequestContext& ctx) {
    std::string movie_id = input::path_uuid(ctx.param("movieId"), "movieId");
    DayNumber from = query_date(ctx.request, "from");
    DayNumber to = query_date(ctx.request, "to");
    if (from > to) throw ApiError::validation("from: must not be after to");
    if (to - from > kMaxSpanDays) throw ApiError::validation("to: the range may span at most 62 days");
    auto r = co_await ctx.services.db.query(kAvailability, movie_id, format_date(from), format_date(to));
    if (r.is_null(0, 0) || !r.boolean(0, 0)) throw ApiError::not_found("movie not found");
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("movieId", movie_id);
    w.key("availableDates").raw(r.text(0, 1));
    w.end_object();
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> movie_shows(http::RequestContext& ctx) {
    std::string movie_id = input::path_uuid(ctx.param("movieId"), "movieId");
    std::string date = format_date(query_date(ctx.request, "date"));
    std::optional<std::string> city;
    if (auto c = ctx.request.query_param("city")) {
        if (c->empty() || c->size() > 100) throw ApiError::validation("city: must be 1 to 100 characters");
        city = std::string(*c);
    }
    auto near = parse_near(ctx.request.query_param("near"));
    double radius_km = kDefaultRadiusKm;
    if (auto text = ctx.request.query_param("radiusKm"))
        radius_km = static_cast<double>(input::query_integer(text, "radiusKm", 1, 20000, 100));

    // Near-me answers depend on an arbitrary point: not worth caching. The rest is cached per movie.
    std::string field = date + '|';
    if (city) for (char c : *city) field += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // The shows this page listed last time on this thread: their live counts are fetched together with
    // the cached page. (thread_local: every I/O thread keeps its own, no locking; only a hint.)
    thread_local std::unordered_map<std::string, std::vector<std::string>> page_shows;
    if (page_shows.size() > 10'000) page_shows.clear();
    std::string page_key = movie_id + '|' + field;
    std::vector<std::string> guess = page_shows[page_key];
    ResponseCache::Lookup cached;
    if (!near) {
        cached = co_await ResponseCache::lookup(ctx.services.redis, shows_cache_key(movie_id), field,
                                                booking::SeatStore::occupancy_commands(guess));
        if (cached.body) {
            std::string body = co_await with_live_status(ctx.services, *cached.body, guess, cached.extra_replies);
            page_shows[page_key] = std::move(guess);
            co_return http::json_response(200, std::move(body));
        }
    }

    // (No co_await inside ?: here: g++ 12 destroys the result of such an expression too early.)
    pg::Result rows;
    if (near)
        rows = co_await ctx.services.db.query(kShowsByDateNear, movie_id, date, city, near->lat, near->lng, radius_km * 1000);
    else
        rows = co_await ctx.services.db.query(kShowsByDate, movie_id, date, city);
    if (rows.empty()) {
        auto movie = co_await ctx.services.db.query(kMovieActive, movie_id);
        if (movie.empty() || !movie.boolean(0, 0)) throw ApiError::not_found("movie not found");
    }
    std::string page = render_shows(movie_id, date, rows, near.has_value());
    if (!near)
        co_await ResponseCache::fill(ctx.services.redis, shows_cache_key(movie_id), field, page, cached.epoch, kShowsCacheTtl);
    std::vector<redis::Value> no_counts;
    std::string body = co_await with_live_status(ctx.services, page, guess, no_counts);
    if (!near) page_shows[page_key] = std::move(guess);
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> admin_create_show(http::RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    std::string movie_id = f.uuid("movieId");
    std::string screen_id = f.uuid("screenId");
    EpochSeconds start = f.instant("startTime");
    Money price = f.money("price");
    if (price.minor() <= 0) f.fail("price", "must be greater than 0");
    if (start <= now_epoch()) f.fail("startTime", "must be in the future");

    pg::Result inserted;
    try {
        inserted = co_await ctx.services.db.query(kInsertShow, movie_id, screen_id, start, price.to_decimal());
    } catch (const pg::Error& e) {
        if (e.exclusion_violation())
            throw ApiError::conflict("SHOW_OVERLAP", "another show is on this screen at that time");
        throw;
    }
    if (inserted.empty()) {
        auto exists = co_await ctx.services.db.query(kMovieAndScreenExist, movie_id, screen_id);
        throw ApiError::not_found(!exists.boolean(0, 0) ? "movie not found" : "screen not found");
    }
    auto r = co_await ctx.services.db.query(kShowSummary, inserted.text(0, 0));
    co_await ResponseCache::invalidate(ctx.services.redis, shows_cache_key(movie_id));

    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("showId", r.text(0, 0));
    w.field("movieId", r.text(0, 1));
    w.field("theatreId", r.text(0, 2));
    w.field("screenId", r.text(0, 3));
    w.field("startTime", local_time(r, 0, 4));
    w.field("endTime", local_time(r, 0, 6));
    w.key("price").raw(money_json(r.text(0, 8)));
    w.field("status", show_status(0, r.integer(0, 10), r.text(0, 9) == "CANCELLED"));
    w.field("date", r.text(0, 11));
    w.end_object();
    co_return http::json_response(201, std::move(out));
}

}  // namespace marquee::catalog
