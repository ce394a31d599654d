#include "jobs/seat_reconciler.hpp"

#include "booking/seat_store.hpp"
#include "booking/seat_sync.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <unordered_map>

namespace marquee::jobs {

namespace {

constexpr std::chrono::seconds kPassInterval{1};
// Shows inspected per Redis round trip (four commands each).
constexpr std::size_t kInspectChunk = 1000;
// Rebuilds per pass, so that a Redis that lost everything is refilled over a few seconds instead
// of in one burst; shows left over are rebuilt in the next pass (or on first use).
constexpr int kMaxRebuildsPerPass = 200;

}  // namespace

boost::asio::awaitable<void> reconcile_seats(booking::SeatStore& seats) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    std::unordered_map<ShowId, std::int64_t> a_pass_ago;
    for (;;) {
        try {
            auto versions = co_await seats.seat_versions();
            std::unordered_map<ShowId, std::int64_t> seen;
            int rebuilt = 0;
            for (std::size_t from = 0; from < versions.size(); from += kInspectChunk) {
                std::size_t to = std::min(versions.size(), from + kInspectChunk);
                std::vector<ShowId> shows;
                for (std::size_t i = from; i < to; ++i) shows.push_back(versions[i].show);
                auto states = co_await seats.inspect(shows);
                for (std::size_t i = from; i < to; ++i) {
                    const auto& v = versions[i];
                    std::optional<std::int64_t> before;
                    if (auto it = a_pass_ago.find(v.show); it != a_pass_ago.end()) before = it->second;
                    seen.emplace(v.show, v.version);
                    if (rebuilt < kMaxRebuildsPerPass && booking::needs_resync(states[i - from], v.version, before)) {
                        co_await seats.resync(v.show);
                        ++rebuilt;
                    }
                }
            }
            a_pass_ago = std::move(seen);
            if (rebuilt > 0) spdlog::info("seat reconciler: rebuilt {} show(s) in Redis from PostgreSQL", rebuilt);
        } catch (const std::exception& e) {
            spdlog::warn("seat reconciler: {}", e.what());
        }
        timer.expires_after(kPassInterval);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
}

}  // namespace marquee::jobs
