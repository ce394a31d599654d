#include "jobs/show_partitions.hpp"

#include "pg/pool.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace marquee::jobs {

namespace {

constexpr std::chrono::hours kInterval{1};
// After a failure (PostgreSQL away) the next try comes sooner.
constexpr std::chrono::seconds kRetry{30};
constexpr int kMonthsAhead = 12;

constexpr pg::Statement kEnsureMonths{"show_partitions_ensure", "SELECT marquee_ensure_show_partitions($1)"};

}  // namespace

boost::asio::awaitable<void> keep_show_partitions(pg::Pool& db) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    for (;;) {
        std::chrono::steady_clock::duration wait = kInterval;
        try {
            co_await db.query(kEnsureMonths, kMonthsAhead);
        } catch (const std::exception& e) {
            spdlog::warn("show partitions: {}", e.what());
            wait = kRetry;
        }
        timer.expires_after(wait);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
}

}  // namespace marquee::jobs
