#pragma once
#include "booking/holds.hpp"
#include "booking/order_store.hpp"
#include "booking/orders.hpp"
#include "booking/seat_feed.hpp"
#include "booking/seat_store.hpp"
#include "booking/seat_sync.hpp"
#include "booking/show_info.hpp"
#include "booking/show_overview.hpp"
#include "booking/waiting_room.hpp"
#include "http/router.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace pg {
class Pool;
class ReadPool;
}  // namespace pg
namespace redis {
class Client;
class ServerClock;
}  // namespace redis

namespace marquee::booking {

struct BookingSettings {
    int hold_ttl_seconds = 300;
    int order_ttl_seconds = 600;
    int max_seats_per_hold = 10;
    // Signs the waiting room's queue tickets and admissions (the JWT secret).
    std::string pass_secret;
};

// Booking's part of one worker: its stores (I/O) and services (rules) over that worker's PostgreSQL
// pool and Redis connection, used by that worker's thread only.
class Booking {
public:
    // `db` is the primary; `reads` may send the shows' layouts to a replica.
    Booking(boost::asio::any_io_executor executor, pg::Pool& db, pg::ReadPool& reads, redis::Client& redis,
            const redis::ServerClock& clock, BookingSettings settings);
    Booking(const Booking&) = delete;
    Booking& operator=(const Booking&) = delete;

    const BookingSettings settings;
    // Stores.
    ShowDirectory shows;
    SeatStore seats;
    OrderStore order_store;
    // Services.
    SeatSync sync;
    Holds holds;
    Orders orders;
    WaitingRoom room;
    SeatFeeds feeds;
    ShowOverview overview;
};

// The seat map (docs/api.md §4), holds, orders, the waiting room and the admin show cancellation.
void add_routes(http::Router& router, Booking& booking);

}  // namespace marquee::booking
