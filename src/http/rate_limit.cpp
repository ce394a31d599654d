#include "http/rate_limit.hpp"

#include "common/errors.hpp"
#include "redis/client.hpp"

namespace marquee::http {

boost::asio::awaitable<std::optional<int>> check_rate_limit(redis::Client& redis, int limit, const UserId& user,
                                                            const std::string& endpoint) {
    if (limit <= 0) co_return std::nullopt;
    // The user id is the hash tag: one user's counters live on one cluster node. One plain command
    // per request: the window starts with its first request, which alone also sets the expiry.
    // A counter left without one (the process died between the two) is given one by the first
    // caller over the limit, so nobody is locked out for good.
    std::string key = "ratelimit:{" + user.str() + "}:" + endpoint;
    auto start_window = [&key] { return std::vector<std::string>{"EXPIRE", key, "60"}; };
    try {
        std::vector<std::string> incr{"INCR", key};
        auto count = co_await redis.command(std::move(incr));
        if (count.type != redis::Value::Type::Integer) co_return std::nullopt;
        if (count.integer == 1) co_await redis.command(start_window());
        if (count.integer <= limit) co_return std::nullopt;
        std::vector<std::string> ttl{"TTL", key};
        auto left = co_await redis.command(std::move(ttl));
        if (left.integer == -2) co_return std::nullopt;  // the window ended just now
        if (left.integer == -1) {
            co_await redis.command(start_window());
            co_return 60;
        }
        co_return static_cast<int>(std::max<long long>(1, left.integer));
    } catch (const BackendUnavailable&) {
        co_return std::nullopt;
    }
}

}  // namespace marquee::http
