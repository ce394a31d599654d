#include "http/rate_limit.hpp"

#include "common/errors.hpp"
#include "redis/client.hpp"

namespace marquee::http {

boost::asio::awaitable<std::optional<int>> check_rate_limit(Services& services, const std::string& user_id,
                                                            const std::string& endpoint) {
    int limit = services.config.rate_limit_per_minute;
    if (limit <= 0) co_return std::nullopt;
    // The user id is the hash tag: one user's counters live on one cluster node. Plain commands in
    // one round trip: the window starts with the first request (EXPIRE NX); only a caller over the
    // limit pays a second round trip, to learn when the window ends.
    std::string key = "ratelimit:{" + user_id + "}:" + endpoint;
    try {
        std::vector<std::vector<std::string>> commands{{"INCR", key}, {"EXPIRE", key, "60", "NX"}};
        auto replies = co_await services.redis.pipeline(std::move(commands));
        if (replies[0].type != redis::Value::Type::Integer || replies[0].integer <= limit) co_return std::nullopt;
        std::vector<std::string> ttl{"TTL", key};
        auto left = co_await services.redis.command(std::move(ttl));
        co_return static_cast<int>(std::max<long long>(1, left.integer));
    } catch (const BackendUnavailable&) {
        co_return std::nullopt;
    }
}

}  // namespace marquee::http
