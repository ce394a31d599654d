#include "http/rate_limit.hpp"

#include "common/errors.hpp"
#include "redis/client.hpp"

namespace marquee::http {

namespace {
// KEYS[1] counter; ARGV[1] window in seconds. Returns {count, seconds left in the window}.
const redis::Script kRateLimitScript(R"lua(
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
)lua");
}  // namespace

boost::asio::awaitable<std::optional<int>> check_rate_limit(Services& services, const std::string& user_id,
                                                            const std::string& endpoint) {
    int limit = services.config.rate_limit_per_minute;
    if (limit <= 0) co_return std::nullopt;
    redis::Value reply;
    try {
        // The user id is the hash tag: one user's counters live on one cluster node.
        std::vector<std::string> keys{"ratelimit:{" + user_id + "}:" + endpoint}, args{"60"};
        reply = co_await services.redis.eval(kRateLimitScript, keys, args);
    } catch (const BackendUnavailable&) {
        co_return std::nullopt;
    }
    if (reply.type != redis::Value::Type::Array || reply.elements.size() != 2) co_return std::nullopt;
    if (reply.elements[0].integer <= limit) co_return std::nullopt;
    co_return static_cast<int>(std::max<long long>(1, reply.elements[1].integer));
}

}  // namespace marquee::http
