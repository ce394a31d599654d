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
constexpr std::chrono::minutes kForgetEvery{1};
// Each pass inspects one slice of the live shows, so that every show is looked at once every
// kSweepPasses passes (2 s: well inside the 5 s docs/api.md promises) while a pass costs a
// fraction of all shows. With thousands of shows on sale, inspecting every one every second kept
// Redis and the first worker's loop busy enough to multiply the p99 of bookings (docs/benchmarks.md).
constexpr std::size_t kSweepPasses = 2;
// Shows inspected per Redis round trip (two commands each): small enough that the loop serves
// requests between round trips and Redis serves other clients between them.
constexpr std::size_t kInspectChunk = 200;
// Rebuilds per pass, so that a Redis that lost everything is refilled over a few seconds instead of
// in one burst; shows left over are rebuilt in the next pass (or on first use).
constexpr int kMaxRebuildsPerPass = 1000;

using Versions = std::unordered_map<ShowId, std::int64_t>;

boost::asio::awaitable<Versions> read_versions(booking::SeatStore& seats) {
    Versions out;
    for (auto& v : co_await seats.seat_versions()) out.emplace(std::move(v.show), v.version);
    co_return out;
}

}  // namespace

boost::asio::awaitable<void> reconcile_seats(booking::SeatStore& seats) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    Versions a_pass_ago;
    std::size_t pass = 0;
    auto next_forget = std::chrono::steady_clock::now();
    for (;;) {
        try {
            if (std::chrono::steady_clock::now() >= next_forget) {
                next_forget = std::chrono::steady_clock::now() + kForgetEvery;
                co_await seats.forget_ended_versions();
            }
            // Redis first, PostgreSQL after: a change counted in Redis is then always counted in the
            // versions read, so Redis "ahead" of PostgreSQL is a real anomaly, never a race.
            ++pass;
            std::vector<ShowId> shows;
            for (const auto& [show, version] : a_pass_ago)
                if (std::hash<ShowId>{}(show) % kSweepPasses == pass % kSweepPasses) shows.push_back(show);
            std::vector<booking::SeatStore::RedisSeatState> states;
            for (std::size_t from = 0; from < shows.size(); from += kInspectChunk) {
                std::vector<ShowId> chunk(shows.begin() + static_cast<std::ptrdiff_t>(from),
                                          shows.begin() + static_cast<std::ptrdiff_t>(std::min(shows.size(), from + kInspectChunk)));
                auto part = co_await seats.inspect(chunk);
                states.insert(states.end(), part.begin(), part.end());
            }
            Versions now = co_await read_versions(seats);
            int rebuilt = 0;
            for (std::size_t i = 0; i < shows.size() && rebuilt < kMaxRebuildsPerPass; ++i) {
                auto current = now.find(shows[i]);
                if (current == now.end()) continue;  // ended meanwhile
                if (!booking::needs_resync(states[i], current->second, a_pass_ago.at(shows[i]))) continue;
                try {
                    co_await seats.resync(shows[i]);
                    ++rebuilt;
                } catch (const std::exception& e) {
                    // One show that cannot be rebuilt now must not keep the others from healing.
                    spdlog::warn("seat reconciler: show {}: {}", shows[i].str(), e.what());
                }
            }
            a_pass_ago = std::move(now);
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
