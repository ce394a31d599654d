#pragma once
#include "app/config.hpp"

#include <atomic>

namespace pg { class Pool; }
namespace redis { class Client; }
namespace marquee::auth {
class TokenCache;
class UserRegistry;
}  // namespace marquee::auth
namespace marquee::booking {
class OrderWriter;
class SeatMapCache;
class ShowDirectory;
}  // namespace marquee::booking

namespace marquee {

// Whether the backing servers answered the last probe (jobs/health_probe), read by GET /api/health
// without a round trip of its own.
struct HealthState {
    std::atomic<bool> postgres_up{false};
    std::atomic<bool> redis_up{false};
};

// What a handler may use. One per I/O thread: the pool, the Redis connection and the user registry
// belong to that thread alone, so nothing here needs a lock.
struct Services {
    const Config& config;
    pg::Pool& db;
    redis::Client& redis;
    auth::TokenCache& tokens;
    auth::UserRegistry& users;
    booking::ShowDirectory& shows;
    booking::SeatMapCache& seat_maps;
    booking::OrderWriter& orders;
    HealthState& health;
};

}  // namespace marquee
