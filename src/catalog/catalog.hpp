#pragma once
#include "catalog/seat_counts.hpp"
#include "http/router.hpp"

#include <memory>

namespace pg {
class Pool;
class ReadPool;
}  // namespace pg
namespace redis { class Client; }

namespace marquee::catalog {

class MovieCatalog;
class MovieStore;
class ShowListing;
class ShowSchedule;
class ShowStore;
class VenueStore;

// The catalogue's part of one worker: its stores and services over that worker's PostgreSQL pool
// and Redis connection (used by that worker only, so nothing here needs a lock).
class Catalog {
public:
    // `db` is the primary; `reads` may send public reads to a replica.
    Catalog(pg::Pool& db, pg::ReadPool& reads, redis::Client& redis, const SeatCounts& seat_counts);
    ~Catalog();
    Catalog(const Catalog&) = delete;
    Catalog& operator=(const Catalog&) = delete;

    // The public movie list and pages (cached), and the admin's writes to movies.
    MovieCatalog& movies() { return *movies_; }
    VenueStore& venues() { return *venues_; }
    ShowStore& shows() { return *shows_; }
    // Shows-by-date with live statuses; keeps this worker's hints between requests.
    ShowListing& listing() { return *listing_; }
    // The admin's new shows.
    ShowSchedule& schedule() { return *schedule_; }

private:
    // Stores first: the services below hold references to them.
    std::unique_ptr<MovieStore> movie_store_;
    std::unique_ptr<VenueStore> venues_;
    std::unique_ptr<ShowStore> shows_;
    std::unique_ptr<MovieCatalog> movies_;
    std::unique_ptr<ShowListing> listing_;
    std::unique_ptr<ShowSchedule> schedule_;
};

// The catalogue's public endpoints (docs/api.md §4) and its admin endpoints (docs/api.md §4, admin), served by
// `catalog`'s services.
void add_routes(http::Router& router, Catalog& catalog);

}  // namespace marquee::catalog
