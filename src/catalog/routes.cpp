#include "catalog/routes.hpp"

#include "catalog/movies.hpp"
#include "catalog/shows.hpp"
#include "catalog/venues.hpp"

namespace marquee::catalog {

void add_routes(http::Router& router) {
    using http::Access;
    using http::Method;
    router.add(Method::Get, "/api/v1/movies", Access::Public, list_movies);
    router.add(Method::Get, "/api/v1/movies/{movieId}", Access::Public, get_movie);
    router.add(Method::Get, "/api/v1/movies/{movieId}/availability", Access::Public, movie_availability);
    router.add(Method::Get, "/api/v1/movies/{movieId}/shows", Access::Public, movie_shows);

    router.add(Method::Post, "/api/v1/admin/movies", Access::Admin, admin_create_movie);
    router.add(Method::Patch, "/api/v1/admin/movies/{movieId}", Access::Admin, admin_patch_movie);
    router.add(Method::Post, "/api/v1/admin/theatres", Access::Admin, admin_create_theatre);
    router.add(Method::Post, "/api/v1/admin/theatres/{theatreId}/screens", Access::Admin, admin_create_screen);
    router.add(Method::Post, "/api/v1/admin/shows", Access::Admin, admin_create_show);
}

}  // namespace marquee::catalog
