#include "booking/booking.hpp"

namespace marquee::booking {

Booking::Booking(boost::asio::any_io_executor executor, pg::Pool& db, pg::ReadPool& reads, redis::Client& redis,
                 const redis::ServerClock& clock, BookingSettings settings_)
    : settings(settings_), shows(reads), seats(redis, db, clock),
      order_store(executor, db, settings.order_ttl_seconds), sync(seats),
      holds(seats, clock, settings.hold_ttl_seconds), orders(shows, seats, order_store, sync, redis),
      room(db, seats, clock, settings.pass_secret), feeds(std::move(executor), seats),
      overview(db, redis, seats) {}

}  // namespace marquee::booking
