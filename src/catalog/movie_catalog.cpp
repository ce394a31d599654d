#include "catalog/movie_catalog.hpp"

#include "catalog/cache.hpp"
#include "catalog/movie_render.hpp"
#include "common/errors.hpp"
#include "common/json_writer.hpp"
#include "pg/read_pool.hpp"

namespace marquee::catalog {

std::string list_cache_field(const MovieListQuery& q) {
    return std::string(to_string(q.order)) + '|' + std::to_string(q.limit) + '|' + q.cursor_text;
}

boost::asio::awaitable<std::string> MovieCatalog::list_page(const MovieListQuery& q) {
    std::string field = list_cache_field(q);
    auto cached = co_await ResponseCache::lookup(redis_, movies_list_cache_key(), field);
    if (cached.body) co_return std::move(*cached.body);
    int ttl = movies_.cache_ttl(kMoviesCacheTtl);  // judged before the read: where it goes decides
    auto movies = co_await movies_.list(q.order, q.limit, q.after);
    std::string body = render_movie_list(q.order, q.limit, movies);
    co_await ResponseCache::fill(redis_, movies_list_cache_key(), field, body, cached.epoch, ttl);
    co_return body;
}

boost::asio::awaitable<std::string> MovieCatalog::movie_page(const MovieId& movie) {
    auto cached = co_await ResponseCache::lookup(redis_, movie_cache_key(movie), "details");
    if (cached.body) co_return std::move(*cached.body);
    int ttl = movies_.cache_ttl(kMoviesCacheTtl);
    auto details = co_await movies_.details(movie, pg::Freshness::MayLag);
    if (!details || !details->is_active) throw ApiError::not_found("movie not found");
    std::string body = render_movie_details(*details);
    co_await ResponseCache::fill(redis_, movie_cache_key(movie), "details", body, cached.epoch, ttl);
    co_return body;
}

boost::asio::awaitable<MovieDetails> MovieCatalog::create(const MovieChanges& changes) {
    MovieId movie = co_await movies_.create(changes);
    co_await invalidate_movie(redis_, movie);
    co_return co_await written(movie);
}

boost::asio::awaitable<MovieDetails> MovieCatalog::update(const MovieId& movie, const MovieChanges& changes) {
    bool found = co_await movies_.update(movie, changes);
    if (!found) throw ApiError::not_found("movie not found");
    co_await invalidate_movie(redis_, movie);
    co_return co_await written(movie);
}

boost::asio::awaitable<MovieDetails> MovieCatalog::written(const MovieId& movie) {
    auto details = co_await movies_.details(movie, pg::Freshness::Latest);
    if (!details) throw ApiError::not_found("movie not found");
    co_return std::move(*details);
}

boost::asio::awaitable<std::string> MovieCatalog::schedulable_page() {
    std::string items = co_await movies_.schedulable_json();
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("items").raw(items).end_object();
    co_return out;
}

}  // namespace marquee::catalog
