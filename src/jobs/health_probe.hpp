#pragma once
#include "app/services.hpp"

#include <boost/asio/awaitable.hpp>

namespace marquee::jobs {

// Pings PostgreSQL and Redis twice a second and records the outcome in services.health, so
// GET /api/health answers from memory and reflects an outage (or recovery) within half a second.
boost::asio::awaitable<void> probe_health(Services& services);

}  // namespace marquee::jobs
