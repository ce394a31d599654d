#pragma once
#include <boost/asio/awaitable.hpp>

#include <atomic>

namespace pg { class Pool; }
namespace redis {
class Client;
class ServerClock;
}  // namespace redis

namespace marquee::jobs {

// Whether the backing servers answered the last probe, read by GET /api/health without a round
// trip of its own. Shared by all workers.
struct HealthState {
    std::atomic<bool> postgres_up{false};
    std::atomic<bool> redis_up{false};
};

// Pings PostgreSQL and Redis twice a second and records the outcome in `health`, so GET /api/health
// answers from memory and reflects an outage (or recovery) within half a second. Redis is asked its
// TIME, which also keeps `clock` in step with Redis's clock.
boost::asio::awaitable<void> probe_health(pg::Pool& db, redis::Client& redis, HealthState& health,
                                          redis::ServerClock& clock);

}  // namespace marquee::jobs
