#include "jobs/table_statistics.hpp"

#include "pg/pool.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <string>

namespace marquee::jobs {

namespace {

constexpr std::chrono::seconds kInterval{5};

// The tables whose statistics fall behind; reltuples is what the planner believes (-1: never analyzed).
constexpr pg::Statement kStaleTables{
    "table_statistics_stale",
    "SELECT s.relname::text AS table_name FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE s.schemaname = 'public' AND s.relname IN ('orders', 'order_seats', 'outbox', 'users') "
    "  AND s.n_mod_since_analyze >= 500 AND s.n_mod_since_analyze > greatest(c.reltuples, 0) "
    "ORDER BY s.relname"};

}  // namespace

boost::asio::awaitable<void> keep_table_statistics(pg::Pool& db) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    for (;;) {
        timer.expires_after(kInterval);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        try {
            auto stale = co_await db.query(kStaleTables);
            for (auto row : stale) {
                // One of the four names the statement lists, so it can go into the SQL text as it is.
                std::string table = row.str("table_name");
                std::string sql = "ANALYZE " + table;
                auto lease = co_await db.acquire();
                co_await lease->simple(sql.c_str());
                spdlog::info("table statistics: analyzed {} (it had doubled since the planner last looked)", table);
            }
        } catch (const std::exception& e) {
            spdlog::warn("table statistics: {}", e.what());
        }
    }
}

}  // namespace marquee::jobs
