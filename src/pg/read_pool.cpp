#include "pg/read_pool.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace pg {

namespace {

constexpr Statement kPrimaryPosition{"read_pool_primary_position",
                                     "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint AS position"};
// NULL on a server that is not a standby: it is as current as a primary.
constexpr Statement kReplayedPosition{"read_pool_replayed_position",
                                      "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS position"};
// A query on a standby cancelled because it held back WAL replay: it would run on the primary.
constexpr std::string_view kRecoveryConflict = "40001";
constexpr std::chrono::milliseconds kProbeInterval{500};
// Probes that may go unanswered before the replica is left out.
constexpr int kProbesMissed = 3;

}  // namespace

ReadPool::ReadPool(Pool& primary, Pool* replica, std::chrono::milliseconds max_lag)
    : primary_(primary), replica_(replica), max_lag_(max_lag) {}

bool ReadPool::replica_in_use() const {
    return replica_ && usable_ && Clock::now() - last_good_probe_ < kProbesMissed * kProbeInterval;
}

boost::asio::awaitable<Result> ReadPool::read(const Statement& s, std::vector<Param> values, bool primary_if_empty) {
    if (replica_in_use()) {
        std::optional<Result> got = co_await try_replica(s, values);
        if (got && !(primary_if_empty && got->empty())) co_return std::move(*got);
    }
    Lease lease = co_await primary_.acquire();
    co_return co_await lease->execute(s, values);
}

boost::asio::awaitable<std::optional<Result>> ReadPool::try_replica(const Statement& s, const std::vector<Param>& values) {
    try {
        Lease lease = co_await replica_->acquire();
        co_return co_await lease->execute(s, values);
    } catch (const marquee::BackendUnavailable&) {
        usable_ = false;  // until the next probe finds it back
    } catch (const Error& e) {
        if (e.sqlstate != kRecoveryConflict) throw;
    }
    co_return std::nullopt;
}

int ReadPool::cache_ttl(int ttl_seconds) const {
    if (!replica_in_use()) return ttl_seconds;
    auto bound = std::chrono::duration_cast<std::chrono::seconds>(max_lag_).count();
    return static_cast<int>(std::clamp<long long>(bound, 1, ttl_seconds));
}

boost::asio::awaitable<void> ReadPool::watch() {
    if (!replica_) co_return;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    for (;;) {
        co_await probe();
        timer.expires_after(kProbeInterval);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
}

boost::asio::awaitable<void> ReadPool::probe() {
    bool was_usable = usable_;
    co_await measure_lag();
    if (usable_ != was_usable) {
        if (usable_) spdlog::info("read replica: in use for catalogue reads");
        else spdlog::warn("read replica: bypassed (unreachable or more than {} s behind the primary)",
                          std::chrono::duration_cast<std::chrono::seconds>(max_lag_).count());
    }
}

boost::asio::awaitable<void> ReadPool::measure_lag() {
    try {
        auto now = Clock::now();
        auto position = co_await primary_.query(kPrimaryPosition);
        primary_positions_.emplace_back(now, position.front().integer("position"));
    } catch (const std::exception&) {
        // The primary is away: the replica is judged by the positions sampled before.
    }
    // Enough history to tell "max_lag behind" from "further behind"; the newest sample always stays.
    while (primary_positions_.size() > 1 && Clock::now() - primary_positions_.front().first > 2 * max_lag_)
        primary_positions_.pop_front();
    try {
        auto replayed = co_await replica_->query(kReplayedPosition);
        last_good_probe_ = Clock::now();
        if (replayed.front().is_null("position")) {
            usable_ = true;
            co_return;
        }
        std::int64_t position = replayed.front().integer("position");
        // The newest primary position the replica has replayed: it has everything written before then.
        auto caught_up_to = std::find_if(primary_positions_.rbegin(), primary_positions_.rend(),
                                         [&](const auto& sample) { return sample.second <= position; });
        usable_ = caught_up_to != primary_positions_.rend() && Clock::now() - caught_up_to->first <= max_lag_;
    } catch (const std::exception&) {
        usable_ = false;
    }
}

}  // namespace pg
