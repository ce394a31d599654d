#pragma once
#include "pg/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace pg {

using Clock = std::chrono::steady_clock;
using Param = std::optional<std::string>;

// One non-blocking libpq connection driven by the Asio loop of the thread that owns it: the socket is
// watched by the reactor, so a query never blocks the thread and never needs a thread of its own.
// Throws marquee::BackendUnavailable when the server is unreachable or too slow, pg::Error for a
// statement that PostgreSQL rejected.
class Connection {
public:
    Connection(boost::asio::any_io_executor executor, std::string url);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    boost::asio::awaitable<void> connect(Clock::time_point deadline);
    // Connected, idle at protocol level and not known to be broken.
    bool usable() const { return conn_ != nullptr && !busy_; }
    bool in_transaction() const;

    // Runs a named statement, preparing it first if this connection has not seen it yet.
    boost::asio::awaitable<Result> execute(const Statement& statement, const std::vector<Param>& params);
    // A parameterless command that is not worth preparing (BEGIN, COMMIT, ROLLBACK).
    boost::asio::awaitable<Result> simple(const char* sql);

    void close();

private:
    struct ResolvedHosts {
        std::string host, hostaddr, port;  // comma-separated, one entry per address (port: if the URL has one)
    };
    // The URL's host names looked up off this thread, by `deadline`; nullopt when there is nothing
    // to look up.
    boost::asio::awaitable<std::optional<ResolvedHosts>> resolve_hosts(Clock::time_point deadline);
    // One name's addresses (none when it does not resolve); BackendUnavailable past the deadline.
    boost::asio::awaitable<boost::asio::ip::tcp::resolver::results_type> lookup(const std::string& host,
                                                                               const std::string& port,
                                                                               Clock::time_point deadline);
    boost::asio::awaitable<void> wait(bool for_write, Clock::time_point deadline);
    boost::asio::awaitable<void> flush(Clock::time_point deadline);
    boost::asio::awaitable<Result> collect(Clock::time_point deadline);
    void watch_current_socket();
    [[noreturn]] void fail(const std::string& what);

    boost::asio::any_io_executor executor_;
    std::string url_;
    PGconn* conn_ = nullptr;
    std::optional<boost::asio::posix::stream_descriptor> socket_;
    int watched_fd_ = -1;
    bool busy_ = false;
    std::unordered_set<std::string> prepared_;
};

// How long one statement may take before the connection is dropped; the server-side
// statement_timeout (5 s) fires first, so this only catches a server that stopped answering.
inline constexpr std::chrono::milliseconds kStatementDeadline{6000};
inline constexpr std::chrono::milliseconds kConnectDeadline{3000};

}  // namespace pg
