#pragma once
#include "common/cursor.hpp"
#include "common/enum_names.hpp"
#include "common/ids.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pg {
class Pool;
class ReadPool;
enum class Freshness;
}  // namespace pg

namespace marquee::catalog {

// The two orders of the public movie list; the names are the `category` query values.
enum class MovieOrder { Recommended, Trending };
inline constexpr EnumNames<MovieOrder, 2> kMovieOrderNames{{"recommended", "trending"}};
constexpr std::string_view to_string(MovieOrder o) { return kMovieOrderNames(o); }

// Values that are already JSON text (rating, genres, cast, crew) stay text: PostgreSQL renders them
// exactly, and decoding them only to write them out again would risk changing them.

// A movie as the public list shows it.
struct MovieSummary {
    MovieId movie_id;
    std::string title;
    std::optional<std::string> thumbnail_url;
    std::string rating;       // exact decimal, e.g. 8.7; the trending list's cursor key
    std::string genres_json;  // JSON array of strings
    std::int64_t duration_mins = 0;
    std::string release_date;  // YYYY-MM-DD; the recommended list's cursor key
    std::optional<std::string> language, format, age_rating;
};

// A movie with everything its page shows.
struct MovieDetails {
    MovieId movie_id;
    std::string title;
    std::optional<std::string> about, thumbnail_url, banner_url;
    std::string rating;  // exact decimal
    std::int64_t duration_mins = 0;
    std::optional<std::string> age_rating;
    std::string release_date;  // YYYY-MM-DD
    std::optional<std::string> language, format;
    std::string genres_json;  // JSON array of strings
    bool is_active = false;
    std::string cast_json;  // JSON array of {name, role, imageUrl, billingOrder}
    std::string crew_json;  // JSON array of {name, role, imageUrl}
};

// What an admin write sets; an absent value is left as it is (or takes its default on create).
struct MovieChanges {
    std::optional<std::string> title, about, thumbnail_url, banner_url, age_rating, language, format;
    std::optional<std::string> rating;  // exact decimal text, one digit after the point
    std::optional<std::int64_t> duration_mins;
    std::optional<std::string> release_date;  // YYYY-MM-DD
    std::optional<std::string> genres_json;
    std::optional<bool> is_active;
    // JSON arrays of {name, imageUrl?, role?, billingOrder?}: present replaces all cast (crew).
    std::optional<std::string> cast_json, crew_json;
};

// The position after `movie` in a list in `order`, and whether a client's cursor can be one: its
// sort key is what the list's statement compares (a rating, or a release date).
Cursor cursor_after(MovieOrder order, const MovieSummary& movie);
bool is_sort_key(MovieOrder order, std::string_view sort_key);

// The movies table and its cast and crew.
class MovieStore {
public:
    // Writes go to `db` (the primary); public reads through `reads`, which may send them to a replica.
    MovieStore(pg::Pool& db, pg::ReadPool& reads) : db_(db), reads_(reads) {}

    // How long a page built from a read made now may be cached (pg::ReadPool::cache_ttl).
    int cache_ttl(int ttl_seconds) const;

    // Released, active movies after `after` in `order`: up to limit + 1 of them, the extra one only
    // saying that a next page exists (render_page). The cursor's sort key is the rating (trending) or
    // the release date (recommended), as the movies carry them.
    boost::asio::awaitable<std::vector<MovieSummary>> list(MovieOrder order, std::int64_t limit,
                                                           const std::optional<Cursor>& after);
    // Active or not: the caller decides who may see an inactive movie.
    boost::asio::awaitable<std::optional<MovieDetails>> details(const MovieId& movie, pg::Freshness freshness);
    // Exists and is active.
    boost::asio::awaitable<bool> is_listed(const MovieId& movie);
    // The active movies, released or still to come, newest release first (at most 1,000), as a JSON
    // array of {movieId, title, releaseDate, durationMins}: what the operator's form offers. From
    // the primary.
    boost::asio::awaitable<std::string> schedulable_json();

    // One transaction each, cast and crew included.
    boost::asio::awaitable<MovieId> create(const MovieChanges& changes);
    // false when there is no such movie.
    boost::asio::awaitable<bool> update(const MovieId& movie, const MovieChanges& changes);

private:
    pg::Pool& db_;
    pg::ReadPool& reads_;
};

}  // namespace marquee::catalog
