#pragma once
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <vector>

namespace pg { class Pool; }
namespace redis {
class Client;
class ServerClock;
}  // namespace redis

namespace marquee::jobs {

// Whether the backing servers answered the last probe of every worker's connections, read by
// GET /api/health without a round trip of its own. Shared by all workers; each probe writes its own
// part.
struct HealthState {
    struct Part {
        std::atomic<bool> postgres_up{false};
        std::atomic<bool> redis_up{false};
    };
    explicit HealthState(std::size_t workers) : parts(workers) {}
    bool postgres_up() const;
    bool redis_up() const;

    std::vector<Part> parts;
};

// Pings one worker's PostgreSQL pool and Redis connection twice a second and records the outcome in
// `health`, so GET /api/health answers from memory and reflects an outage (or recovery) of any
// worker's connections within half a second. Redis is asked its TIME, which also keeps `clock` in
// step with Redis's clock.
boost::asio::awaitable<void> probe_health(pg::Pool& db, redis::Client& redis, HealthState::Part& health,
                                          redis::ServerClock& clock);

}  // namespace marquee::jobs
