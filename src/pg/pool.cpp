#include "pg/pool.hpp"

#include "common/metrics.hpp"

namespace {
// Registered at start, so a scrape shows them before any wait.
auto& waits = marquee::metrics::registry().histogram(
    "marquee_pg_pool_wait_seconds", "Waits for a PostgreSQL connection when all of a worker's were busy");
auto& timeouts = marquee::metrics::registry().counter(
    "marquee_pg_pool_timeouts_total", "Requests that found no PostgreSQL connection free in time");
}  // namespace

#include "common/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace asio = boost::asio;

namespace pg {

namespace {
// How long a request waits for a free connection before it is told the database is unavailable.
constexpr std::chrono::milliseconds kAcquireTimeout{3000};
constexpr std::chrono::milliseconds kReconnectBackoff{250};
}  // namespace

Lease::~Lease() {
    if (pool_) pool_->release(conn_);
}

Pool::Pool(asio::any_io_executor executor, std::string url, int max_size)
    : executor_(std::move(executor)), url_(std::move(url)), max_size_(static_cast<std::size_t>(max_size)) {}

Pool::Waiter::Waiter(Pool& pool_, asio::any_io_executor executor) : pool(pool_), timer(executor, kAcquireTimeout) {
    pool.waiters_.push_back(this);
}

Pool::Waiter::~Waiter() { std::erase(pool.waiters_, this); }

asio::awaitable<void> Pool::roll_back_then_release(Connection* conn) {
    try {
        co_await conn->simple("ROLLBACK");
    } catch (const std::exception&) {
        // The connection failed: it is reopened when next used.
    }
    release(conn);
}

void Pool::release(Connection* conn) {
    if (conn->usable() && conn->in_transaction()) {
        asio::co_spawn(executor_, roll_back_then_release(conn), asio::detached);
        return;
    }
    if (!waiters_.empty()) {
        Waiter* next = waiters_.front();
        waiters_.pop_front();
        next->granted = conn;
        next->timer.cancel();
        return;
    }
    idle_.push_back(conn);
}

asio::awaitable<void> Pool::make_ready(Connection& conn) {
    if (conn.usable()) co_return;
    if (Clock::now() < down_until_) throw marquee::BackendUnavailable("PostgreSQL is unavailable");
    try {
        co_await conn.connect(Clock::now() + kConnectDeadline);
    } catch (const marquee::BackendUnavailable&) {
        down_until_ = Clock::now() + kReconnectBackoff;
        throw;
    }
}

asio::awaitable<Lease> Pool::acquire() {
    Connection* conn = nullptr;
    if (!idle_.empty()) {
        // Prefer a connection that is already open.
        auto it = std::find_if(idle_.rbegin(), idle_.rend(), [](Connection* c) { return c->usable(); });
        auto pick = it == idle_.rend() ? idle_.end() - 1 : std::next(it).base();
        conn = *pick;
        idle_.erase(pick);
    } else if (all_.size() < max_size_) {
        all_.push_back(std::make_unique<Connection>(executor_, url_));
        conn = all_.back().get();
    } else {
        // Every connection busy: the wait is what pool sizing is about (docs/operations.md).
        auto waiting_since = std::chrono::steady_clock::now();
        Waiter waiter(*this, executor_);
        boost::system::error_code ec;
        co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        waits.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - waiting_since).count());
        if (!waiter.granted) {
            timeouts.add();
            throw marquee::BackendUnavailable("no PostgreSQL connection became free in time");
        }
        conn = waiter.granted;
    }
    Lease lease(this, conn);
    co_await make_ready(*conn);
    co_return lease;
}

asio::awaitable<Transaction> Pool::begin() {
    Lease lease = co_await acquire();
    co_await lease->simple("BEGIN");
    co_return Transaction(std::move(lease));
}

}  // namespace pg
