#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
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

// A Lua script, called by its SHA1; its body is sent only when the server answers NOSCRIPT.
struct Script {
    explicit Script(std::string body);
    std::string body;
    std::string sha;
};

// One multiplexed connection to Redis, owned by one I/O thread. Commands from every coroutine of the
// thread share it: they are written back to back (pipelined) and replies are matched in order.
// Throws marquee::BackendUnavailable when Redis is unreachable or does not answer in time; a lost
// connection is re-opened by the next command.
class Client {
public:
    // Where Redis is, and how to sign in: every connection sends AUTH (`user` may be empty: the
    // default user) when there is a password, then SELECT `db`, before any command of its own.
    struct Endpoint {
        std::string host;
        std::uint16_t port = 6379;
        int db = 0;
        std::optional<std::string> user;
        std::optional<std::string> password;
    };
    Client(boost::asio::any_io_executor executor, Endpoint endpoint);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    boost::asio::awaitable<Value> command(std::vector<std::string> args);
    // Sends all commands in one write and returns their replies in order.
    boost::asio::awaitable<std::vector<Value>> pipeline(std::vector<std::vector<std::string>> commands);
    // Runs a script by SHA (loading it on NOSCRIPT). An error reply (a script that failed, or Redis
    // LOADING, BUSY, OOM, READONLY …) is thrown as marquee::BackendUnavailable.
    boost::asio::awaitable<Value> eval(const Script& script, const std::vector<std::string>& keys,
                                       const std::vector<std::string>& args);

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

    boost::asio::awaitable<void> ensure_connected();
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
