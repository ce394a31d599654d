#include "redis/connection.hpp"

#include "common/metrics.hpp"

namespace {
// Registered at start, so a scrape shows them (at 0) before anything was sent or failed.
auto& commands_sent = marquee::metrics::registry().counter("marquee_redis_commands_total", "Redis commands sent");
auto& connection_errors = marquee::metrics::registry().counter(
    "marquee_redis_errors_total", "Redis connections lost or refused, and commands that got no answer in time");
}  // namespace

#include "common/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <hiredis/hiredis.h>

#include <memory>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace redis {

namespace {

constexpr std::chrono::milliseconds kCommandDeadline{2000};
constexpr std::chrono::milliseconds kConnectDeadline{2000};
constexpr std::chrono::milliseconds kReconnectBackoff{250};

Value convert(const redisReply* r) {
    Value v;
    switch (r->type) {
        case REDIS_REPLY_STRING: v.type = Value::Type::String; v.str.assign(r->str, r->len); break;
        case REDIS_REPLY_STATUS: v.type = Value::Type::Status; v.str.assign(r->str, r->len); break;
        case REDIS_REPLY_ERROR: v.type = Value::Type::Error; v.str.assign(r->str, r->len); break;
        case REDIS_REPLY_INTEGER: v.type = Value::Type::Integer; v.integer = r->integer; break;
        case REDIS_REPLY_ARRAY:
            v.type = Value::Type::Array;
            v.elements.reserve(r->elements);
            for (std::size_t i = 0; i < r->elements; ++i) v.elements.push_back(convert(r->element[i]));
            break;
        default: v.type = Value::Type::Nil; break;
    }
    return v;
}

void append_resp(std::string& out, const std::vector<std::string>& args) {
    out += '*';
    out += std::to_string(args.size());
    out += "\r\n";
    for (const auto& a : args) {
        out += '$';
        out += std::to_string(a.size());
        out += "\r\n";
        out += a;
        out += "\r\n";
    }
}

}  // namespace

Connection::Connection(asio::any_io_executor executor, Endpoint endpoint)
    : executor_(executor), endpoint_(std::move(endpoint)), socket_(executor) {}

bool Connection::recently_failed() const { return Clock::now() < down_until_; }

Connection::Batch::Batch(Connection& owner, std::unique_ptr<Waiter> waiter) : owner_(&owner), waiter_(std::move(waiter)) {}
Connection::Batch::Batch(Batch&&) noexcept = default;
Connection::Batch::~Batch() {
    if (!waiter_ || waiter_->done()) return;
    for (auto& [waiter, slot] : owner_->pending_)
        if (waiter == waiter_.get()) waiter = nullptr;
}

Connection::~Connection() {
    if (reader_) redisReaderFree(reader_);
}

void Connection::reset(const std::string& why) {
    connection_errors.add();
    ++generation_;
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (reader_) redisReaderFree(reader_);
    reader_ = nullptr;
    out_.clear();
    writing_ = false;
    state_ = State::Disconnected;
    for (auto [waiter, slot] : pending_) {
        if (!waiter) continue;
        waiter->failure = why;
        waiter->timer.cancel();
    }
    pending_.clear();
}

asio::awaitable<void> Connection::open_connection() {
    state_ = State::Connecting;
    auto fail = [&](const std::string& why) {
        connection_errors.add();
        down_until_ = Clock::now() + kReconnectBackoff;
        state_ = State::Disconnected;
        for (Waiter* w : connect_waiters_) {
            w->failure = why;
            w->timer.cancel();
        }
        connect_waiters_.clear();
        throw marquee::BackendUnavailable(why);
    };
    boost::system::error_code ec;
    tcp::resolver resolver(executor_);
    auto endpoints = co_await resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) fail("Redis host cannot be resolved: " + ec.message());

    tcp::socket socket(executor_);
    auto done = std::make_shared<bool>(false);
    asio::steady_timer timer(executor_, kConnectDeadline);
    timer.async_wait([done, &socket](const boost::system::error_code& e) {
        if (!e && !*done) socket.cancel();
    });
    co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    *done = true;
    if (ec) fail("Redis is unreachable: " + ec.message());
    socket.set_option(tcp::no_delay(true));

    socket_ = std::move(socket);
    reader_ = redisReaderCreate();
    state_ = State::Connected;
    std::uint64_t generation = ++generation_;
    // Sent ahead of everything else on the connection; their replies are not waited for: a refused
    // AUTH shows as NOAUTH errors (503s, logged) on the commands that follow.
    if (endpoint_.password) {
        std::vector<std::string> auth{"AUTH"};
        if (endpoint_.user) auth.push_back(*endpoint_.user);
        auth.push_back(*endpoint_.password);
        enqueue(auth, nullptr, 0);
    }
    if (endpoint_.db != 0) {
        std::vector<std::string> select{"SELECT", std::to_string(endpoint_.db)};
        enqueue(select, nullptr, 0);
    }
    asio::co_spawn(executor_, read_loop(generation), asio::detached);
    for (Waiter* w : connect_waiters_) {
        w->received = 1;
        w->timer.cancel();
    }
    connect_waiters_.clear();
}

asio::awaitable<void> Connection::connect() {
    if (state_ == State::Connected) co_return;
    if (state_ == State::Connecting) {
        // Someone else is connecting: wait for their outcome rather than opening a second socket.
        Waiter waiter(executor_, 1);
        waiter.timer.expires_after(kConnectDeadline * 2);
        connect_waiters_.push_back(&waiter);
        boost::system::error_code ec;
        co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        std::erase(connect_waiters_, &waiter);
        if (waiter.failure) throw marquee::BackendUnavailable(*waiter.failure);
        if (state_ != State::Connected) throw marquee::BackendUnavailable("Redis connection is not ready");
        co_return;
    }
    if (Clock::now() < down_until_) throw marquee::BackendUnavailable("Redis is unavailable");
    co_await open_connection();
}

void Connection::enqueue(const std::vector<std::string>& args, Waiter* waiter, std::size_t slot) {
    commands_sent.add();
    append_resp(out_, args);
    pending_.emplace_back(waiter, slot);
    if (!writing_) {
        writing_ = true;
        asio::co_spawn(executor_, write_loop(generation_), asio::detached);
    }
}

asio::awaitable<void> Connection::write_loop(std::uint64_t generation) {
    std::string sending;
    while (generation == generation_ && !out_.empty()) {
        sending.clear();
        sending.swap(out_);
        boost::system::error_code ec;
        co_await asio::async_write(socket_, asio::buffer(sending), asio::redirect_error(asio::use_awaitable, ec));
        if (generation != generation_) co_return;
        if (ec) {
            reset("Redis connection lost: " + ec.message());
            co_return;
        }
    }
    if (generation == generation_) writing_ = false;
}

asio::awaitable<void> Connection::read_loop(std::uint64_t generation) {
    char buffer[16384];
    while (generation == generation_) {
        boost::system::error_code ec;
        std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (generation != generation_) co_return;
        if (ec) {
            reset("Redis connection lost: " + ec.message());
            co_return;
        }
        redisReaderFeed(reader_, buffer, n);
        for (;;) {
            void* raw = nullptr;
            if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
                reset("Redis sent a reply that cannot be parsed");
                co_return;
            }
            if (!raw) break;
            std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(static_cast<redisReply*>(raw), &freeReplyObject);
            if (pending_.empty()) {
                reset("Redis sent a reply nobody asked for");
                co_return;
            }
            auto [waiter, slot] = pending_.front();
            pending_.pop_front();
            if (!waiter) continue;
            waiter->replies[slot] = convert(reply.get());
            if (++waiter->received == waiter->replies.size()) waiter->timer.cancel();
        }
    }
}

asio::awaitable<void> Connection::await_replies(Waiter& waiter) {
    if (!waiter.done()) {
        boost::system::error_code ec;
        co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    // Still nothing after the deadline: the connection is stuck; drop it and everyone waiting on it.
    if (!waiter.done()) reset("Redis did not answer in time");
    if (waiter.failure) throw marquee::BackendUnavailable(*waiter.failure);
}

asio::awaitable<std::vector<Value>> Connection::pipeline(std::vector<std::vector<std::string>> commands) {
    co_await connect();
    std::vector<const std::vector<std::string>*> all;
    all.reserve(commands.size());
    for (const auto& c : commands) all.push_back(&c);
    Batch batch = send(all);
    co_return co_await receive(batch);
}

Connection::Batch Connection::send(const std::vector<const std::vector<std::string>*>& commands) {
    // One waiter and one deadline for the whole batch, however many commands it has.
    auto waiter = std::make_unique<Waiter>(executor_, commands.size());
    waiter->timer.expires_after(kCommandDeadline);
    // The connection may have dropped since connect(): nothing is queued on a closed socket.
    if (state_ != State::Connected) waiter->failure = "Redis connection lost";
    else
        for (std::size_t i = 0; i < commands.size(); ++i) enqueue(*commands[i], waiter.get(), i);
    return Batch(*this, std::move(waiter));
}

asio::awaitable<std::vector<Value>> Connection::receive(Batch& batch) {
    co_await await_replies(*batch.waiter_);
    co_return std::move(batch.waiter_->replies);
}

void throw_error_reply(const Value& reply) {
    throw marquee::BackendUnavailable("Redis answered " + reply.str);
}

}  // namespace redis
