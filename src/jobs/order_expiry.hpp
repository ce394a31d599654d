#pragma once
#include "app/services.hpp"

#include <boost/asio/awaitable.hpp>

namespace marquee::jobs {

// Every second: unpaid orders past their payment window become EXPIRED (with their order.expired
// event, in one statement) and their seats are freed in PostgreSQL and Redis.
boost::asio::awaitable<void> expire_orders(Services& services);

}  // namespace marquee::jobs
