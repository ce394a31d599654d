#include "catalog/catalog.hpp"

#include "catalog/movie_catalog.hpp"
#include "catalog/movie_store.hpp"
#include "catalog/movies.hpp"
#include "catalog/show_listing.hpp"
#include "catalog/show_schedule.hpp"
#include "catalog/show_store.hpp"
#include "catalog/shows.hpp"
#include "catalog/venue_store.hpp"
#include "catalog/venues.hpp"

namespace marquee::catalog {

Catalog::Catalog(pg::Pool& db, pg::ReadPool& reads, redis::Client& redis, const SeatCounts& seat_counts)
    : movie_store_(std::make_unique<MovieStore>(db, reads)),
      venues_(std::make_unique<VenueStore>(db)),
      shows_(std::make_unique<ShowStore>(db, reads)),
      movies_(std::make_unique<MovieCatalog>(redis, *movie_store_)),
      listing_(std::make_unique<ShowListing>(redis, seat_counts, *shows_, *movie_store_)),
      schedule_(std::make_unique<ShowSchedule>(redis, *shows_)) {}

Catalog::~Catalog() = default;

void add_routes(http::Router& router, Catalog& catalog) {
    using http::Access;
    using http::Method;
    // Each handler gets this worker's catalogue; `catalog` outlives the router that holds them.
    router.add(Method::Get, "/api/v1/movies", Access::Public, http::with(catalog, list_movies));
    router.add(Method::Get, "/api/v1/movies/{movieId}", Access::Public, http::with(catalog, get_movie));
    router.add(Method::Get, "/api/v1/movies/{movieId}/availability", Access::Public, http::with(catalog, movie_availability));
    router.add(Method::Get, "/api/v1/movies/{movieId}/shows", Access::Public, http::with(catalog, movie_shows));

    router.add(Method::Get, "/api/v1/admin/movies", Access::Admin, http::with(catalog, admin_list_movies));
    router.add(Method::Post, "/api/v1/admin/movies", Access::Admin, http::with(catalog, admin_create_movie));
    router.add(Method::Patch, "/api/v1/admin/movies/{movieId}", Access::Admin, http::with(catalog, admin_patch_movie));
    router.add(Method::Get, "/api/v1/admin/theatres", Access::Admin, http::with(catalog, admin_list_theatres));
    router.add(Method::Post, "/api/v1/admin/theatres", Access::Admin, http::with(catalog, admin_create_theatre));
    router.add(Method::Post, "/api/v1/admin/theatres/{theatreId}/screens", Access::Admin, http::with(catalog, admin_create_screen));
    router.add(Method::Post, "/api/v1/admin/shows", Access::Admin, http::with(catalog, admin_create_show));
}

}  // namespace marquee::catalog
