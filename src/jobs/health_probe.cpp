#include "jobs/health_probe.hpp"

#include "pg/pool.hpp"
#include "redis/client.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace marquee::jobs {

namespace {
constexpr pg::Statement kPing{"health_ping", "SELECT 1"};
}

boost::asio::awaitable<void> probe_health(pg::Pool& db, redis::Client& redis, HealthState& health) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    for (;;) {
        try {
            co_await db.query(kPing);
            health.postgres_up = true;
        } catch (const std::exception&) {
            health.postgres_up = false;
        }
        try {
            std::vector<std::string> ping{"PING"};
            auto pong = co_await redis.command(std::move(ping));
            health.redis_up = !pong.is_error();
        } catch (const std::exception&) {
            health.redis_up = false;
        }
        timer.expires_after(std::chrono::milliseconds(500));
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
}

}  // namespace marquee::jobs
