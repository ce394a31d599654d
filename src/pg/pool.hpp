#pragma once
#include "common/ids.hpp"
#include "pg/connection.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <type_traits>

namespace pg {

// Turns a C++ value into a text parameter: strings as they are, numbers in decimal, bools as t/f,
// std::nullopt as SQL NULL.
inline Param to_param(std::nullopt_t) { return std::nullopt; }
inline Param to_param(const std::string& s) { return s; }
inline Param to_param(std::string_view s) { return std::string(s); }
inline Param to_param(const char* s) { return s ? Param(s) : std::nullopt; }
inline Param to_param(bool b) { return std::string(b ? "t" : "f"); }
template <class T>
    requires std::is_arithmetic_v<T>
Param to_param(T v) {
    return std::to_string(v);
}
template <class Tag> Param to_param(const marquee::Id<Tag>& id) { return id.str(); }
template <class T> Param to_param(const std::optional<T>& v) { return v ? to_param(*v) : std::nullopt; }

template <class... Args> std::vector<Param> params(const Args&... args) {
    std::vector<Param> out;
    out.reserve(sizeof...(args));
    (out.push_back(to_param(args)), ...);
    return out;
}

class Pool;

// A connection borrowed from a pool; returned when the lease is destroyed.
class Lease {
public:
    Lease(Pool* pool, Connection* conn) : pool_(pool), conn_(conn) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection* operator->() const { return conn_; }

private:
    Pool* pool_;
    Connection* conn_;
};

// A transaction on one leased connection. Commit it explicitly; one that is dropped (an exception,
// a client error, an early return) is rolled back as soon as it is dropped.
class Transaction {
public:
    explicit Transaction(Lease lease) : lease_(std::move(lease)) {}
    template <class... Args> boost::asio::awaitable<Result> query(const Statement& s, const Args&... args) {
        co_return co_await lease_->execute(s, params(args...));
    }
    boost::asio::awaitable<void> commit() { co_await lease_->simple("COMMIT"); }

private:
    Lease lease_;
};

// The PostgreSQL connections of one I/O thread. Only that thread touches it, so it needs no lock.
// Connections open lazily, reconnect after a failure, and a caller waits (briefly, then gets 503)
// when all are busy.
class Pool {
public:
    Pool(boost::asio::any_io_executor executor, std::string url, int max_size);

    boost::asio::awaitable<Lease> acquire();
    boost::asio::awaitable<Transaction> begin();

    template <class... Args> boost::asio::awaitable<Result> query(const Statement& s, const Args&... args) {
        Lease lease = co_await acquire();
        co_return co_await lease->execute(s, params(args...));
    }

private:
    friend class Lease;
    // Someone waiting for a connection. It leaves the queue when it is destroyed, however that
    // happens (a timeout, or its coroutine discarded at shutdown), so release() never wakes a waiter
    // that is gone.
    struct Waiter {
        Waiter(Pool& pool, boost::asio::any_io_executor executor);
        ~Waiter();
        Pool& pool;
        boost::asio::steady_timer timer;
        Connection* granted = nullptr;
    };
    void release(Connection* conn);
    // A transaction left open (its holder threw or returned early) is rolled back before the
    // connection serves anyone else: at once, so its row locks do not outlive the request.
    boost::asio::awaitable<void> roll_back_then_release(Connection* conn);
    boost::asio::awaitable<void> make_ready(Connection& conn);

    boost::asio::any_io_executor executor_;
    std::string url_;
    std::size_t max_size_;
    std::vector<std::unique_ptr<Connection>> all_;
    std::vector<Connection*> idle_;
    std::deque<Waiter*> waiters_;
    // After a failed connect, callers fail fast until this instant instead of each trying again.
    Clock::time_point down_until_{};
};

}  // namespace pg
