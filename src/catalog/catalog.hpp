#pragma once
#include "catalog/seat_counts.hpp"
#include "http/router.hpp"

#include <memory>

namespace pg { class Pool; }
namespace redis { class Client; }

namespace marquee::catalog {

class MovieStore;
class ShowListing;
class ShowStore;
class VenueStore;

// The catalogue's part of one worker: its stores and services over that worker's PostgreSQL pool
// and Redis connection (used by that worker's thread only, so nothing here needs a lock).
class Catalog {
public:
    Catalog(pg::Pool& db, redis::Client& redis, const SeatCounts& seat_counts);
    ~Catalog();
    Catalog(const Catalog&) = delete;
    Catalog& operator=(const Catalog&) = delete;

    // For the response cache (catalog/cache.hpp).
    redis::Client& redis() { return redis_; }
    MovieStore& movies() { return *movies_; }
    VenueStore& venues() { return *venues_; }
    ShowStore& shows() { return *shows_; }
    // Shows-by-date with live statuses; keeps this worker's hints between requests.
    ShowListing& listing() { return *listing_; }

private:
    redis::Client& redis_;
    std::unique_ptr<MovieStore> movies_;
    std::unique_ptr<VenueStore> venues_;
    std::unique_ptr<ShowStore> shows_;
    std::unique_ptr<ShowListing> listing_;
};

// The catalogue's public endpoints (docs/api.md §4) and its admin endpoints (docs/api.md §4, admin), served by
// `catalog`'s services.
void add_routes(http::Router& router, Catalog& catalog);

}  // namespace marquee::catalog
