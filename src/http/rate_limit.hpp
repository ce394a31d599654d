#pragma once
#include "common/ids.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace redis { class Client; }

namespace marquee::http {

// Fixed one-minute window per user and endpoint in Redis (`limit` requests; 0 disables). Returns the
// seconds to wait when the caller is over the limit. When Redis is down the request is let through:
// a missing limiter must not turn into errors for everyone.
boost::asio::awaitable<std::optional<int>> check_rate_limit(redis::Client& redis, int limit, const UserId& user,
                                                            const std::string& endpoint);

}  // namespace marquee::http
