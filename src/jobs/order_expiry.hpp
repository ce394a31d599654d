#pragma once
#include <boost/asio/awaitable.hpp>

namespace marquee::booking {
class OrderStore;
class SeatSync;
}  // namespace marquee::booking

namespace marquee::jobs {

// Every second: unpaid orders past their payment window become EXPIRED (with their order.expired
// event, in one statement) and their seats are freed in PostgreSQL and then in Redis.
boost::asio::awaitable<void> expire_orders(booking::OrderStore& orders, booking::SeatSync& sync);

}  // namespace marquee::jobs
