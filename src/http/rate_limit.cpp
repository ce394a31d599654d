#include "http/rate_limit.hpp"

#include "common/errors.hpp"
#include "redis/client.hpp"

namespace marquee::http {

boost::asio::awaitable<std::optional<int>> check_rate_limit(Services& services, const std::string& user_id,
                                                            const std::string& endpoint) {
    int limit = services.config.rate_limit_per_minute;
    if (limit <= 0) co_return std::nullopt;
    std::vector<redis::Value> replies;
    try {
        // The user id is the hash tag: one user's counters live on one cluster node. Plain commands
        // in one round trip: the window starts with the first request (EXPIRE NX), TTL tells the rest.
        std::string key = "ratelimit:{" + user_id + "}:" + endpoint;
        std::vector<std::vector<std::string>> commands{{"INCR", key}, {"EXPIRE", key, "60", "NX"}, {"TTL", key}};
        replies = co_await services.redis.pipeline(std::move(commands));
    } catch (const BackendUnavailable&) {
        co_return std::nullopt;
    }
    if (replies.size() != 3 || replies[0].type != redis::Value::Type::Integer) co_return std::nullopt;
    if (replies[0].integer <= limit) co_return std::nullopt;
    co_return static_cast<int>(std::max<long long>(1, replies[2].integer));
}

}  // namespace marquee::http
