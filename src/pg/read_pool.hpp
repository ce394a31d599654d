#pragma once
#include "common/errors.hpp"
#include "pg/pool.hpp"

#include <chrono>
#include <deque>
#include <optional>

namespace pg {

// Whether a read may be served by a replica that lags a little (public catalogue pages), or must
// see every committed write (an admin reading back what it just wrote).
enum class Freshness { MayLag, Latest };

// Where one worker's catalogue reads go: to a streaming replica (DATABASE_READ_URL) while it is
// reachable and no further behind the primary than `max_lag`, otherwise to the primary. A read the
// replica fails (down, or a query cancelled by a recovery conflict) is asked again of the primary,
// so a replica that stops costs no request. Writes, and reads that must see them, use the primary's
// Pool directly. Without a replica every read goes to the primary.
class ReadPool {
public:
    ReadPool(Pool& primary, Pool* replica, std::chrono::milliseconds max_lag);

    bool has_replica() const { return replica_ != nullptr; }
    // Whether reads go to the replica now: its last lag probe, less than a few probe intervals
    // ago, found it caught up. (A replica that stops answering is left out once its last good probe
    // is that old, even while the probe itself still waits for it.)
    bool replica_in_use() const;

    template <class... Args> boost::asio::awaitable<Result> query(const Statement& s, const Args&... args) {
        co_return co_await read(s, params(args...), false);
    }

    // For a lookup of one thing that may have been created a moment ago (a show booked right after
    // an admin added it): what the replica does not have yet, the primary is asked for.
    template <class... Args> boost::asio::awaitable<Result> query_found(const Statement& s, const Args&... args) {
        co_return co_await read(s, params(args...), true);
    }

    // How long a response read now may be cached: a page read from a lagging replica may predate the
    // write that invalidated the cache, so it is kept no longer than the lag bound, after which the
    // replica has the write.
    int cache_ttl(int ttl_seconds) const;

    // Measures the replica's lag twice a second, for as long as the worker runs (a coroutine of its
    // own, so a replica that hangs holds up nothing else): the primary's WAL position is sampled, and
    // the replica is as stale as the newest sample it has replayed is old. A replica that does not
    // answer, or lags more than max_lag, is bypassed until a probe finds it fit again.
    boost::asio::awaitable<void> watch();

private:
    boost::asio::awaitable<Result> read(const Statement& s, std::vector<Param> values, bool primary_if_empty);
    boost::asio::awaitable<void> probe();
    boost::asio::awaitable<void> measure_lag();
    boost::asio::awaitable<std::optional<Result>> try_replica(const Statement& s, const std::vector<Param>& values);

    Pool& primary_;
    Pool* replica_;
    std::chrono::milliseconds max_lag_;
    bool usable_ = false;
    Clock::time_point last_good_probe_{};
    // (when, the primary's WAL position then), oldest first, covering the last max_lag or so.
    std::deque<std::pair<Clock::time_point, long long>> primary_positions_;
};

}  // namespace pg
