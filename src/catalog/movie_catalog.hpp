#pragma once
#include "catalog/movie_store.hpp"
#include "common/cursor.hpp"
#include "common/ids.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace redis { class Client; }

namespace marquee::catalog {

// One page of the public movie list, as a client asked for it.
struct MovieListQuery {
    MovieOrder order = MovieOrder::Recommended;
    std::int64_t limit = 20;
    std::optional<Cursor> after;  // nullopt: the first page
    std::string cursor_text;      // `after` as the client sent it, "" for the first page
};

// The field of the list's cache hash that holds this page: "<order>|<limit>|<cursor as sent>". Pages
// already in Redis are stored under it, so it must not change without a new cache key.
std::string list_cache_field(const MovieListQuery& query);

// The movies for one worker: the public list and movie pages from the response cache (or PostgreSQL,
// then cached), and the admin's writes, each of which drops the cached pages it changes.
class MovieCatalog {
public:
    MovieCatalog(redis::Client& redis, MovieStore& movies) : redis_(redis), movies_(movies) {}

    // Response bodies. movie_page: ApiError(404) when there is no such movie or it is inactive (an
    // inactive movie is hidden from the public, as if it did not exist).
    boost::asio::awaitable<std::string> list_page(const MovieListQuery& query);
    boost::asio::awaitable<std::string> movie_page(const MovieId& movie);

    // The movie as the write left it, active or not. update: ApiError(404) when there is no such movie.
    boost::asio::awaitable<MovieDetails> create(const MovieChanges& changes);
    boost::asio::awaitable<MovieDetails> update(const MovieId& movie, const MovieChanges& changes);
    // GET /api/v1/admin/movies: the movies an operator may schedule (not cached: read rarely, and an
    // operator expects a movie just added to be there).
    boost::asio::awaitable<std::string> schedulable_page();

private:
    boost::asio::awaitable<MovieDetails> written(const MovieId& movie);

    redis::Client& redis_;
    MovieStore& movies_;
};

}  // namespace marquee::catalog
