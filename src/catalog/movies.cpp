#include "catalog/movies.hpp"

#include "catalog/catalog.hpp"
#include "catalog/movie_catalog.hpp"
#include "catalog/movie_input.hpp"
#include "catalog/movie_render.hpp"
#include "common/cursor.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"

namespace marquee::catalog {

boost::asio::awaitable<http::Response> list_movies(Catalog& catalog, http::RequestContext& ctx) {
    const auto& q = ctx.request;
    MovieListQuery query;
    auto order = kMovieOrderNames.parse(q.query_param("category").value_or("recommended"));
    if (!order) throw ApiError::validation("category: must be recommended or trending");
    query.order = *order;
    query.limit = input::query_integer(q.query_param("limit"), "limit", 1, 50, 20);
    if (auto text = q.query_param("cursor")) {
        query.after = decode_cursor(*text);
        if (!query.after || !is_sort_key(query.order, query.after->sort_key))
            throw ApiError::validation("cursor: not a cursor of this list");
        query.cursor_text = std::string(*text);
    }
    std::string body = co_await catalog.movies().list_page(query);
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> get_movie(Catalog& catalog, http::RequestContext& ctx) {
    MovieId movie(input::path_uuid(ctx.param("movieId"), "movieId"));
    std::string body = co_await catalog.movies().movie_page(movie);
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> admin_list_movies(Catalog& catalog, http::RequestContext&) {
    std::string body = co_await catalog.movies().schedulable_page();
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> admin_create_movie(Catalog& catalog, http::RequestContext& ctx) {
    MovieChanges changes = parse_movie_changes(input::parse_object(ctx.request.content_type, ctx.request.body), true);
    MovieDetails movie = co_await catalog.movies().create(changes);
    co_return http::json_response(201, render_movie_details(movie));
}

boost::asio::awaitable<http::Response> admin_patch_movie(Catalog& catalog, http::RequestContext& ctx) {
    MovieId movie(input::path_uuid(ctx.param("movieId"), "movieId"));
    MovieChanges changes = parse_movie_changes(input::parse_object(ctx.request.content_type, ctx.request.body), false);
    MovieDetails written = co_await catalog.movies().update(movie, changes);
    co_return http::json_response(200, render_movie_details(written));
}

}  // namespace marquee::catalog
