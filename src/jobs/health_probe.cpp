#include "jobs/health_probe.hpp"

#include "pg/pool.hpp"
#include "redis/client.hpp"
#include "redis/server_clock.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace marquee::jobs {

namespace {
constexpr pg::Statement kPing{"health_ping", "SELECT 1"};
}

bool HealthState::postgres_up() const {
    for (const auto& p : parts)
        if (!p.postgres_up.load(std::memory_order_relaxed)) return false;
    return true;
}

bool HealthState::redis_up() const {
    for (const auto& p : parts)
        if (!p.redis_up.load(std::memory_order_relaxed)) return false;
    return true;
}

boost::asio::awaitable<void> probe_health(pg::Pool& db, redis::Client& redis, HealthState::Part& health,
                                          redis::ServerClock& clock) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    for (;;) {
        // Redis first: its TIME keeps the clock in step even while PostgreSQL is slow to answer.
        try {
            std::vector<std::string> time{"TIME"};
            std::int64_t sent = clock.local_ms();
            auto reply = co_await redis.command(std::move(time));
            std::int64_t received = clock.local_ms();
            // A single server has just answered TIME; a cluster's other primaries are asked too.
            // (Apart: g++ 12 mishandles a co_await inside && or ?:.)
            bool every_primary = true;
            if (redis.is_cluster()) every_primary = co_await redis.every_primary_answers();
            health.redis_up = !reply.is_error() && every_primary;
            if (reply.type == redis::Value::Type::Array && reply.elements.size() == 2)
                clock.observe(std::stoll(reply.elements[0].str) * 1000 + std::stoll(reply.elements[1].str) / 1000, sent,
                              received);
        } catch (const std::exception&) {
            health.redis_up = false;
        }
        try {
            co_await db.query(kPing);
            health.postgres_up = true;
        } catch (const std::exception&) {
            health.postgres_up = false;
        }
        timer.expires_after(std::chrono::milliseconds(500));
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
}

}  // namespace marquee::jobs
