#include "pg/read_pool.hpp"

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

}  // namespace

ReadPool::ReadPool(Pool& primary, Pool* replica, std::chrono::milliseconds max_lag)
    : primary_(primary), replica_(replica), max_lag_(max_lag) {}

boost::asio::awaitable<std::optional<Result>> ReadPool::try_replica(const Statement& s, std::vector<Param> values) {
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

boost::asio::awaitable<void> ReadPool::probe() {
    if (!replica_) co_return;
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
