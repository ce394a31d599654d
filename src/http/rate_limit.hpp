#pragma once
#include "app/services.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace marquee::http {

// Fixed one-minute window per user and endpoint in Redis (RATE_LIMIT_PER_MINUTE; 0 disables).
// Returns the seconds to wait when the caller is over the limit. When Redis is down the request is
// let through: a missing limiter must not turn into errors for everyone.
boost::asio::awaitable<std::optional<int>> check_rate_limit(Services& services, const std::string& user_id,
                                                            const std::string& endpoint);

}  // namespace marquee::http
