#pragma once
#include "catalog/show_query.hpp"
#include "common/ids.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <unordered_map>
#include <vector>

namespace redis {
class Client;
struct Value;
}  // namespace redis

namespace marquee::catalog {

class MovieStore;
class SeatCounts;
class ShowStore;

// Shows-by-date for one worker: the page from the response cache (or PostgreSQL), with each show's
// status from its live seat count. Only this worker uses it, so its hints need no lock.
class ShowListing {
public:
    ShowListing(redis::Client& redis, const SeatCounts& seat_counts, ShowStore& shows, MovieStore& movies)
        : redis_(redis), seat_counts_(seat_counts), shows_(shows), movies_(movies) {}

    // The response body; ApiError(404) when the movie is not listed.
    boost::asio::awaitable<std::string> on_date(const ShowsOnDate& query);

private:
    boost::asio::awaitable<std::string> with_live_status(const std::string& page, std::vector<ShowId>& guess,
                                                         const std::vector<redis::Value>& guessed_counts);

    redis::Client& redis_;
    const SeatCounts& seat_counts_;
    ShowStore& shows_;
    MovieStore& movies_;
    // The shows each cached page (movie|date|city) listed last time: their live counts are fetched
    // in the cache lookup's round trip. Only a hint: a wrong guess costs one more round trip.
    std::unordered_map<std::string, std::vector<ShowId>> page_shows_;
};

}  // namespace marquee::catalog
