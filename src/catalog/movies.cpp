#include "catalog/movies.hpp"

#include "catalog/cache.hpp"
#include "catalog/catalog.hpp"
#include "catalog/json_fields.hpp"
#include "catalog/movie_input.hpp"
#include "catalog/movie_store.hpp"
#include "common/cursor.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"

namespace marquee::catalog {

namespace {

void write_list_item(JsonWriter& w, const MovieSummary& m) {
    w.begin_object();
    w.field("movieId", m.movie_id.str());
    w.field("title", m.title);
    optional_field(w, "thumbnailUrl", m.thumbnail_url);
    w.key("rating").raw(m.rating);
    w.key("genres").raw(m.genres_json);
    w.field("durationMins", m.duration_mins);
    w.field("releaseDate", m.release_date);
    optional_field(w, "language", m.language);
    optional_field(w, "format", m.format);
    optional_field(w, "ageRating", m.age_rating);
    w.end_object();
}

std::string render_details(const MovieDetails& m) {
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("movieId", m.movie_id.str());
    w.field("title", m.title);
    optional_field(w, "about", m.about);
    optional_field(w, "thumbnailUrl", m.thumbnail_url);
    optional_field(w, "bannerUrl", m.banner_url);
    w.key("rating").raw(m.rating);
    w.field("durationMins", m.duration_mins);
    optional_field(w, "ageRating", m.age_rating);
    w.field("releaseDate", m.release_date);
    optional_field(w, "language", m.language);
    optional_field(w, "format", m.format);
    w.key("genres").raw(m.genres_json);
    w.field("isActive", m.is_active);
    w.key("cast").raw(m.cast_json);
    w.key("crew").raw(m.crew_json);
    w.end_object();
    return body;
}

// The movie as an admin write left it.
boost::asio::awaitable<http::Response> written_movie(Catalog& catalog, const MovieId& movie, int status) {
    auto details = co_await catalog.movies().details(movie);
    if (!details) throw ApiError::not_found("movie not found");
    co_return http::json_response(status, render_details(*details));
}

}  // namespace

boost::asio::awaitable<http::Response> list_movies(Catalog& catalog, http::RequestContext& ctx) {
    const auto& q = ctx.request;
    auto order = kMovieOrderNames.parse(q.query_param("category").value_or("recommended"));
    if (!order) throw ApiError::validation("category: must be recommended or trending");
    auto limit = input::query_integer(q.query_param("limit"), "limit", 1, 50, 20);
    std::optional<Cursor> cursor;
    if (auto text = q.query_param("cursor")) {
        cursor = decode_cursor(*text);
        if (!cursor || !is_sort_key(*order, cursor->sort_key))
            throw ApiError::validation("cursor: not a cursor of this list");
    }

    std::string field = std::string(to_string(*order)) + '|' + std::to_string(limit) + '|' +
                        std::string(q.query_param("cursor").value_or(""));
    auto cached = co_await ResponseCache::lookup(catalog.redis(), movies_list_cache_key(), field);
    if (cached.body) co_return http::json_response(200, std::move(*cached.body));

    auto movies = co_await catalog.movies().list(*order, limit, cursor);
    std::string body = render_page<MovieSummary>(
        movies, limit, [&](const MovieSummary& m) { return cursor_after(*order, m); }, write_list_item);
    co_await ResponseCache::fill(catalog.redis(), movies_list_cache_key(), field, body, cached.epoch, kMoviesCacheTtl);
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> get_movie(Catalog& catalog, http::RequestContext& ctx) {
    MovieId movie(input::path_uuid(ctx.param("movieId"), "movieId"));
    auto cached = co_await ResponseCache::lookup(catalog.redis(), movie_cache_key(movie), "details");
    if (cached.body) co_return http::json_response(200, std::move(*cached.body));
    auto details = co_await catalog.movies().details(movie);
    // An inactive movie is hidden from the public, as if it did not exist.
    if (!details || !details->is_active) throw ApiError::not_found("movie not found");
    std::string body = render_details(*details);
    co_await ResponseCache::fill(catalog.redis(), movie_cache_key(movie), "details", body, cached.epoch, kMoviesCacheTtl);
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> admin_create_movie(Catalog& catalog, http::RequestContext& ctx) {
    MovieChanges changes = parse_movie_changes(input::parse_object(ctx.request.content_type, ctx.request.body), true);
    MovieId movie = co_await catalog.movies().create(changes);
    co_await invalidate_movie(catalog.redis(), movie);
    co_return co_await written_movie(catalog, movie, 201);
}

boost::asio::awaitable<http::Response> admin_patch_movie(Catalog& catalog, http::RequestContext& ctx) {
    MovieId movie(input::path_uuid(ctx.param("movieId"), "movieId"));
    MovieChanges changes = parse_movie_changes(input::parse_object(ctx.request.content_type, ctx.request.body), false);
    bool found = co_await catalog.movies().update(movie, changes);
    if (!found) throw ApiError::not_found("movie not found");
    co_await invalidate_movie(catalog.redis(), movie);
    co_return co_await written_movie(catalog, movie, 200);
}

}  // namespace marquee::catalog
