#include "catalog/cache.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"
#include "redis/client.hpp"

#include <spdlog/spdlog.h>

namespace marquee::catalog {

namespace {

constexpr const char* kEpochField = "#epoch";

// KEYS[1] hash; ARGV: field, body, epoch seen at lookup ('' for none), ttl. The hash never lives
// longer than the shortest TTL of its entries.
const redis::Script kFillScript(R"lua(
local current = redis.call('HGET', KEYS[1], '#epoch') or ''
if current ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 or ttl > tonumber(ARGV[4]) then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return 1
)lua");

// KEYS[1] hash; ARGV: new epoch, ttl. The epoch outlives the entries it replaced by a full TTL, so a
// fill that started before the invalidation always sees a different epoch.
const redis::Script kInvalidateScript(R"lua(
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '#epoch', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
)lua");

}  // namespace

boost::asio::awaitable<ResponseCache::Lookup> ResponseCache::lookup(redis::Client& redis, const std::string& key,
                                                                   const std::string& field,
                                                                   std::vector<std::vector<std::string>> extra) {
    Lookup result;
    try {
        std::vector<std::vector<std::string>> commands{{"HMGET", key, field, kEpochField}};
        std::move(extra.begin(), extra.end(), std::back_inserter(commands));
        auto replies = co_await redis.pipeline(std::move(commands));
        auto& reply = replies.front();
        if (reply.type == redis::Value::Type::Array && reply.elements.size() == 2) {
            if (reply.elements[0].type == redis::Value::Type::String) result.body = std::move(reply.elements[0].str);
            if (reply.elements[1].type == redis::Value::Type::String) result.epoch = std::move(reply.elements[1].str);
        }
        result.extra_replies.assign(std::make_move_iterator(replies.begin() + 1), std::make_move_iterator(replies.end()));
    } catch (const BackendUnavailable&) {
    }
    co_return result;
}

boost::asio::awaitable<void> ResponseCache::fill(redis::Client& redis, const std::string& key, const std::string& field,
                                                 const std::string& body, const std::string& epoch, int ttl_seconds) {
    try {
        std::vector<std::string> keys{key}, args{field, body, epoch, std::to_string(ttl_seconds)};
        co_await redis.eval(kFillScript, keys, args);
    } catch (const BackendUnavailable&) {
    }
}

boost::asio::awaitable<bool> ResponseCache::invalidate(redis::Client& redis, const std::string& key) {
    try {
        std::vector<std::string> keys{key}, args{random_uuid(), std::to_string(kMoviesCacheTtl)};
        co_await redis.eval(kInvalidateScript, keys, args);
        co_return true;
    } catch (const BackendUnavailable& e) {
        spdlog::warn("cache invalidation of {} failed: {}", key, e.what());
    }
    co_return false;
}

boost::asio::awaitable<void> invalidate_movie(redis::Client& redis, const MovieId& movie) {
    co_await ResponseCache::invalidate(redis, movies_list_cache_key());
    co_await ResponseCache::invalidate(redis, movie_cache_key(movie));
    co_await ResponseCache::invalidate(redis, shows_cache_key(movie));
}

}  // namespace marquee::catalog
