#include "catalog/show_store.hpp"

#include "catalog/sql_fragments.hpp"
#include "pg/read_pool.hpp"

#include <string_view>

namespace marquee::catalog {

namespace {

// ---- statements ---------------------------------------------------------------------------------

#define MARQUEE_SHOW_JOINS \
    "FROM shows s JOIN theatres t ON t.theatre_id = s.theatre_id JOIN screens sc ON sc.screen_id = s.screen_id "

// The shows of movie $1 that customers can book: scheduled, at a theatre that is open.
#define MARQUEE_LISTED_SHOWS "s.movie_id = $1 AND s.status <> 'CANCELLED' AND t.is_active AND "

constexpr pg::Statement kAvailability{
    "movie_availability",
    "SELECT (SELECT is_active FROM movies WHERE movie_id = $1) AS movie_active, "
    "(SELECT COALESCE(json_agg(day ORDER BY day), '[]') FROM ("
    "  SELECT DISTINCT (s.start_time AT TIME ZONE t.timezone)::date::text AS day "
    "  FROM shows s JOIN theatres t ON t.theatre_id = s.theatre_id "
    "  WHERE " MARQUEE_LISTED_SHOWS MARQUEE_LOCAL_DAY_RANGE("$2", "$3")
    ") days)::text AS available_dates"};

// The columns of a listing row (decoded by listing_row_of) but the distance, which comes next as km.
#define MARQUEE_SHOW_ROWS                                                                                  \
    "SELECT t.theatre_id, t.name AS theatre_name, t.address, t.city, t.geo_lat::text AS geo_lat, "         \
    "t.geo_lng::text AS geo_lng, t.cancellation_available, s.show_id, " MARQUEE_SHOW_TIMES                \
    "s.price::text AS price, sc.screen_id, sc.screen_name, sc.total_seats, "

// $1 movie, $2 date, $3 city or NULL.
#define MARQUEE_SHOWS_ON_DATE                                                                              \
    MARQUEE_SHOW_JOINS "WHERE " MARQUEE_LISTED_SHOWS MARQUEE_LOCAL_DAY_RANGE("$2", "$2")                   \
    "AND ($3::text IS NULL OR lower(t.city) = lower($3)) "

constexpr pg::Statement kShowsByDate{
    "movie_shows_by_date",
    MARQUEE_SHOW_ROWS "NULL::text AS km " MARQUEE_SHOWS_ON_DATE
    "ORDER BY t.name, t.theatre_id, s.start_time"};

// $4 lat, $5 lng, $6 radius in metres. earth_box uses the theatres' gist index; earth_distance then
// trims the box to a circle.
constexpr pg::Statement kShowsByDateNear{
    "movie_shows_by_date_near",
    MARQUEE_SHOW_ROWS
    "round((earth_distance(ll_to_earth($4, $5), ll_to_earth(t.geo_lat, t.geo_lng)) / 1000)::numeric, 2) AS km "
    MARQUEE_SHOWS_ON_DATE
    "AND earth_box(ll_to_earth($4, $5), $6) @> ll_to_earth(t.geo_lat, t.geo_lng) "
    "AND earth_distance(ll_to_earth($4, $5), ll_to_earth(t.geo_lat, t.geo_lng)) <= $6 "
    "ORDER BY km, t.name, t.theatre_id, s.start_time"};

constexpr pg::Statement kInsertShow{
    "show_insert",
    "INSERT INTO shows (movie_id, theatre_id, screen_id, start_time, end_time, price) "
    "SELECT m.movie_id, sc.theatre_id, sc.screen_id, to_timestamp($3), "
    "to_timestamp($3) + make_interval(mins => m.duration_mins), $4::numeric "
    "FROM movies m, screens sc WHERE m.movie_id = $1 AND sc.screen_id = $2 RETURNING show_id"};

// The month partition of `shows` for an instant (sql/migrations/009_partitioned_shows.sql).
constexpr pg::Statement kEnsureMonth{"show_partition_ensure", "SELECT marquee_ensure_show_partition(to_timestamp($1))"};

// An insert into a month no partition of `shows` holds yet: a check violation that names no
// constraint (every CHECK of `shows` has a name; the message itself depends on lc_messages).
bool is_missing_partition(const pg::Error& e) { return e.sqlstate == "23514" && e.constraint.empty(); }

constexpr pg::Statement kShowSummary{
    "show_summary",
    "SELECT s.show_id, s.movie_id, s.theatre_id, s.screen_id, " MARQUEE_SHOW_TIMES
    "s.price::text AS price, s.status = 'CANCELLED' AS cancelled, sc.total_seats, "
    "(s.start_time AT TIME ZONE t.timezone)::date::text AS local_date " MARQUEE_SHOW_JOINS
    "WHERE " MARQUEE_SHOW_BY_ID("s.", "$1")};

constexpr pg::Statement kMovieAndScreenExist{
    "movie_and_screen_exist",
    "SELECT EXISTS (SELECT 1 FROM movies WHERE movie_id = $1) AS movie_exists, "
    "EXISTS (SELECT 1 FROM screens WHERE screen_id = $2) AS screen_exists"};

#undef MARQUEE_SHOWS_ON_DATE
#undef MARQUEE_SHOW_ROWS
#undef MARQUEE_LISTED_SHOWS
#undef MARQUEE_SHOW_JOINS

// The constraint that keeps two live shows off one screen at once (sql/migrations/001_schema.sql).
constexpr std::string_view kNoOverlappingShows = "shows_no_overlap";

// ---- decoders -----------------------------------------------------------------------------------

ShowListingRow listing_row_of(const pg::Row& row) {
    return ShowListingRow{
        .theatre_id = TheatreId(row.text("theatre_id")),
        .theatre_name = row.str("theatre_name"),
        .address = row.optional_str("address"),
        .city = row.str("city"),
        .geo_lat = row.str("geo_lat"),
        .geo_lng = row.str("geo_lng"),
        .cancellation_available = row.boolean("cancellation_available"),
        .distance_km = row.optional_str("km"),
        .show_id = ShowId(row.text("show_id")),
        .start_time = show_local_time(row, "start"),
        .end_time = show_local_time(row, "end"),
        .price = money_column(row, "price"),
        .screen_id = ScreenId(row.text("screen_id")),
        .screen_name = row.str("screen_name"),
        .total_seats = row.integer("total_seats"),
    };
}

ShowSummary summary_of(const pg::Row& row) {
    return ShowSummary{
        .show_id = ShowId(row.text("show_id")),
        .movie_id = MovieId(row.text("movie_id")),
        .theatre_id = TheatreId(row.text("theatre_id")),
        .screen_id = ScreenId(row.text("screen_id")),
        .start_time = show_local_time(row, "start"),
        .end_time = show_local_time(row, "end"),
        .price = money_column(row, "price"),
        .cancelled = row.boolean("cancelled"),
        .total_seats = row.integer("total_seats"),
        .date = row.str("local_date"),
    };
}

AvailableDates available_dates_of(const pg::Row& row) {
    // movie_active is NULL when there is no such movie.
    return {!row.is_null("movie_active") && row.boolean("movie_active"), row.str("available_dates")};
}

// kInsertShow's RETURNING.
ShowId inserted_id_of(const pg::Row& row) { return ShowId(row.text("show_id")); }

// Why kInsertShow inserted nothing.
CreatedShow::Outcome missing_of(const pg::Row& row) {
    return !row.boolean("movie_exists") ? CreatedShow::Outcome::NoSuchMovie : CreatedShow::Outcome::NoSuchScreen;
}

}  // namespace

boost::asio::awaitable<AvailableDates> ShowStore::available_dates(const MovieId& movie, const std::string& from,
                                                                  const std::string& to) {
    auto rows = co_await reads_.query(kAvailability, movie, from, to);
    co_return available_dates_of(rows.front());
}

boost::asio::awaitable<std::vector<ShowListingRow>> ShowStore::on_date(const ShowsOnDate& q) {
    // (No co_await inside ?: here: g++ 12 destroys the result of such an expression too early.)
    pg::Result rows;
    if (q.near)
        rows = co_await reads_.query(kShowsByDateNear, q.movie, q.date, q.city, q.near->lat, q.near->lng,
                                     q.radius_km * 1000);
    else
        rows = co_await reads_.query(kShowsByDate, q.movie, q.date, q.city);
    std::vector<ShowListingRow> shows;
    shows.reserve(static_cast<std::size_t>(rows.size()));
    for (pg::Row row : rows) shows.push_back(listing_row_of(row));
    co_return shows;
}

int ShowStore::cache_ttl(int ttl_seconds) const { return reads_.cache_ttl(ttl_seconds); }

boost::asio::awaitable<CreatedShow> ShowStore::create(const NewShow& show) {
    pg::Result inserted;
    bool overlaps = false;
    for (int attempt = 0;; ++attempt) {
        bool no_partition = false;
        try {
            inserted = co_await db_.query(kInsertShow, show.movie, show.screen, show.start, show.price.to_decimal());
        } catch (const pg::Error& e) {
            if (e.violates(kNoOverlappingShows)) overlaps = true;
            else if (attempt == 0 && is_missing_partition(e)) no_partition = true;
            else throw;
        }
        if (!no_partition) break;
        // Further ahead than the jobs keep months ready (jobs/show_partitions): this show's month is
        // made now, and the insert tried again.
        co_await db_.query(kEnsureMonth, show.start);
    }
    // Field by field: g++ 12 destroys the temporaries of a braced initialiser in a coroutine twice.
    CreatedShow created;
    if (overlaps) {
        created.outcome = CreatedShow::Outcome::Overlap;
        co_return created;
    }
    if (!inserted.empty()) {
        created.outcome = CreatedShow::Outcome::Created;
        created.show_id = inserted_id_of(inserted.front());
        co_return created;
    }
    auto exists = co_await db_.query(kMovieAndScreenExist, show.movie, show.screen);
    created.outcome = missing_of(exists.front());
    co_return created;
}

boost::asio::awaitable<std::optional<ShowSummary>> ShowStore::summary(const ShowId& show) {
    auto rows = co_await db_.query(kShowSummary, show);
    if (rows.empty()) co_return std::nullopt;
    co_return summary_of(rows.front());
}

}  // namespace marquee::catalog
