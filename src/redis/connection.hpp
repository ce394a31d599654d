#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct redisReader;

namespace redis {

using Clock = std::chrono::steady_clock;

// One decoded RESP reply.
struct Value {
    enum class Type { Nil, String, Integer, Array, Status, Error };
    Type type = Type::Nil;
    std::string str;
    long long integer = 0;
    std::vector<Value> elements;

    bool is_nil() const { return type == Type::Nil; }
    bool is_error() const { return type == Type::Error; }
};

// Throws an error reply as marquee::BackendUnavailable: Redis could not do what was asked now.
[[noreturn]] void throw_error_reply(const Value& reply);


// Where Redis is, and how to sign in: every connection sends AUTH (`user` may be empty: the default
// user) when there is a password, then SELECT `db` (not on a cluster: it has only db 0), before any
// command of its own.
struct Endpoint {
    std::string host;
    std::uint16_t port = 6379;
    int db = 0;
    std::optional<std::string> user;
    std::optional<std::string> password;
};

// One multiplexed connection to one Redis server, owned by one I/O thread. Commands from every
// coroutine of the thread share it: they are written back to back (pipelined) and replies are
// matched in order. Throws marquee::BackendUnavailable when the server is unreachable or does not
// answer in time; a lost connection is re-opened by the next command. redis::Client puts one in
// front of a single server, or one per node of a cluster.
class Connection {
    struct Waiter;

public:
    Connection(boost::asio::any_io_executor executor, Endpoint endpoint);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    const Endpoint& endpoint() const { return endpoint_; }
    // Whether the last attempt to reach the server failed recently (a cluster's topology refresh
    // asks the others first).
    bool recently_failed() const;

    // Sends all commands in one write and returns their replies in order.
    boost::asio::awaitable<std::vector<Value>> pipeline(std::vector<std::vector<std::string>> commands);

    // The same in two steps, for one pipeline spread over several servers: connect() each, send()
    // to each, then receive() every batch sent (always all of them: a batch is only safe to drop once
    // it has been received or has failed).
    // A batch dropped before its replies came (an exception between send and receive) detaches
    // itself: the replies still owed to it are then read and discarded.
    class Batch {
    public:
        Batch(Connection& owner, std::unique_ptr<Waiter> waiter);
        Batch(Batch&&) noexcept;
        ~Batch();

    private:
        friend class Connection;
        Connection* owner_;
        std::unique_ptr<Waiter> waiter_;
    };
    boost::asio::awaitable<void> connect();
    Batch send(const std::vector<const std::vector<std::string>*>& commands);
    boost::asio::awaitable<std::vector<Value>> receive(Batch& batch);

private:
    // Someone waiting for replies (or for a connection): woken through its timer, which also
    // carries the deadline.
    struct Waiter {
        Waiter(const boost::asio::any_io_executor& ex, std::size_t expected) : timer(ex), replies(expected) {}
        boost::asio::steady_timer timer;
        std::vector<Value> replies;
        std::size_t received = 0;
        std::optional<std::string> failure;
        bool done() const { return failure || received == replies.size(); }
    };
    enum class State { Disconnected, Connecting, Connected };

    boost::asio::awaitable<void> open_connection();
    // Queues a command whose reply goes to waiter->replies[slot] (waiter nullptr: reply discarded).
    void enqueue(const std::vector<std::string>& args, Waiter* waiter, std::size_t slot);
    boost::asio::awaitable<void> await_replies(Waiter& waiter);
    boost::asio::awaitable<void> write_loop(std::uint64_t generation);
    boost::asio::awaitable<void> read_loop(std::uint64_t generation);
    void reset(const std::string& why);

    boost::asio::any_io_executor executor_;
    Endpoint endpoint_;
    boost::asio::ip::tcp::socket socket_;
    State state_ = State::Disconnected;
    std::uint64_t generation_ = 0;
    redisReader* reader_ = nullptr;
    std::string out_;
    bool writing_ = false;
    // Replies owed by the server, oldest first, and where each goes.
    std::deque<std::pair<Waiter*, std::size_t>> pending_;
    std::vector<Waiter*> connect_waiters_;
    Clock::time_point down_until_{};
};

}  // namespace redis
