#pragma once
#include "common/ids.hpp"
#include "redis/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace marquee::catalog {

// Rendered responses kept in Redis hashes (one hash per thing an admin write can change, one field
// per query variant). Every hash carries an epoch: an invalidation replaces it, and a fill only lands
// if the epoch is still the one seen at lookup. So a reader that queried PostgreSQL before an admin
// write cannot put its stale answer back after the write's invalidation.
// Redis being down only means no caching: lookups miss and fills are skipped.
class ResponseCache {
public:
    struct Lookup {
        std::optional<std::string> body;
        std::string epoch;  // pass to fill()
        std::vector<redis::Value> extra_replies;
    };

    // `extra` commands ride along in the same round trip; their replies come back in extra_replies.
    static boost::asio::awaitable<Lookup> lookup(redis::Client& redis, const std::string& key, const std::string& field,
                                                 std::vector<std::vector<std::string>> extra = {});
    static boost::asio::awaitable<void> fill(redis::Client& redis, const std::string& key, const std::string& field,
                                             const std::string& body, const std::string& epoch, int ttl_seconds);
    // Drops every variant under key. Returns false when Redis could not be told.
    static boost::asio::awaitable<bool> invalidate(redis::Client& redis, const std::string& key);
};

// The keys: cache:movies:*, cache:shows:*.
inline std::string movies_list_cache_key() { return "cache:movies:list"; }
inline std::string movie_cache_key(const MovieId& movie) { return "cache:movies:" + movie.str(); }
inline std::string shows_cache_key(const MovieId& movie) { return "cache:shows:" + movie.str(); }
inline constexpr int kMoviesCacheTtl = 300;
inline constexpr int kShowsCacheTtl = 60;

// An admin write to a movie changes what the public reads: drops every cached rendering that
// includes it (the list, its page, its shows).
boost::asio::awaitable<void> invalidate_movie(redis::Client& redis, const MovieId& movie);

}  // namespace marquee::catalog
