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
    Client(boost::asio::any_io_executor executor, std::string host, std::uint16_t port, int db);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    boost::asio::awaitable<Value> command(std::vector<std::string> args);
    // Sends all commands in one write and returns their replies in order.
    boost::asio::awaitable<std::vector<Value>> pipeline(std::vector<std::vector<std::string>> commands);
    boost::asio::awaitable<Value> eval(const Script& script, const std::vector<std::string>& keys,
                                       const std::vector<std::string>& args);

private:
    struct Pending {
        explicit Pending(const boost::asio::any_io_executor& ex) : timer(ex) {}
        boost::asio::steady_timer timer;
        std::optional<Value> reply;
        std::optional<std::string> failure;
        bool done() const { return reply || failure; }
    };
    enum class State { Disconnected, Connecting, Connected };

    boost::asio::awaitable<void> ensure_connected();
    boost::asio::awaitable<void> open_connection();
    void enqueue(const std::vector<std::string>& args, Pending* pending);
    boost::asio::awaitable<Value> await_reply(Pending& pending);
    boost::asio::awaitable<void> write_loop(std::uint64_t generation);
    boost::asio::awaitable<void> read_loop(std::uint64_t generation);
    void reset(const std::string& why);

    boost::asio::any_io_executor executor_;
    std::string host_;
    std::uint16_t port_;
    int db_;
    boost::asio::ip::tcp::socket socket_;
    State state_ = State::Disconnected;
    std::uint64_t generation_ = 0;
    redisReader* reader_ = nullptr;
    std::string out_;
    bool writing_ = false;
    // Replies owed by the server, oldest first; nullptr for a reply nobody waits for (SELECT).
    std::deque<Pending*> pending_;
    std::vector<Pending*> connect_waiters_;
    Clock::time_point down_until_{};
};

}  // namespace redis
