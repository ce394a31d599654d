#pragma once
#include "catalog/show_query.hpp"
#include "common/ids.hpp"
#include "common/money.hpp"
#include "common/time.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pg {
class Pool;
class ReadPool;
}  // namespace pg

namespace marquee::catalog {

// One show of a shows-by-date listing, with its theatre and screen. Rows come grouped by theatre.
struct ShowListingRow {
    TheatreId theatre_id;
    std::string theatre_name;
    std::optional<std::string> address;
    std::string city;
    std::string geo_lat, geo_lng;  // JSON numbers, as PostgreSQL stores them
    bool cancellation_available = false;
    std::optional<std::string> distance_km;  // JSON number; near-me listings only
    ShowId show_id;
    std::string start_time, end_time;  // theatre-local RFC 3339
    Money price;
    ScreenId screen_id;
    std::string screen_name;
    std::int64_t total_seats = 0;
};

// A show as the admin API describes it.
struct ShowSummary {
    ShowId show_id;
    MovieId movie_id;
    TheatreId theatre_id;
    ScreenId screen_id;
    std::string start_time, end_time;  // theatre-local RFC 3339
    Money price;
    bool cancelled = false;
    std::int64_t total_seats = 0;
    std::string date;  // YYYY-MM-DD, theatre-local
};

// The theatre-local dates on which a movie has bookable shows.
struct AvailableDates {
    bool movie_listed = false;  // exists and is active
    std::string dates_json;     // JSON array of YYYY-MM-DD, ascending
};

struct NewShow {
    MovieId movie;
    ScreenId screen;
    EpochSeconds start = 0;  // the end follows from the movie's duration
    Money price;
};

struct CreatedShow {
    enum class Outcome { Created, Overlap, NoSuchMovie, NoSuchScreen };
    Outcome outcome = Outcome::Created;
    ShowId show_id;  // when Created
};

// Shows, read with their theatres and screens. Only scheduled shows at active theatres are listed.
class ShowStore {
public:
    // Writes and the admin's reads go to `db` (the primary); public reads through `reads`.
    ShowStore(pg::Pool& db, pg::ReadPool& reads) : db_(db), reads_(reads) {}

    // How long a page built from a read made now may be cached (pg::ReadPool::cache_ttl).
    int cache_ttl(int ttl_seconds) const;

    // from and to: YYYY-MM-DD.
    boost::asio::awaitable<AvailableDates> available_dates(const MovieId& movie, const std::string& from,
                                                           const std::string& to);
    // Ordered by theatre name (by distance first for a near-me query), then start time.
    boost::asio::awaitable<std::vector<ShowListingRow>> on_date(const ShowsOnDate& query);
    boost::asio::awaitable<CreatedShow> create(const NewShow& show);
    boost::asio::awaitable<std::optional<ShowSummary>> summary(const ShowId& show);

private:
    pg::Pool& db_;
    pg::ReadPool& reads_;
};

}  // namespace marquee::catalog
