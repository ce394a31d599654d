#pragma once
#include <boost/asio/awaitable.hpp>

namespace marquee::booking { class SeatStore; }

namespace marquee::jobs {

// Every second: compares, for half of the shows that have had orders and have not ended (each show
// every two seconds), PostgreSQL's seat version with what Redis holds of the show, and rebuilds from PostgreSQL each show whose Redis
// state is missing, damaged or behind (booking::needs_resync). This is what makes Redis converge to
// PostgreSQL after any loss — a failover to a replica that missed writes, a crash, a deleted key, a
// Redis step that failed after its commit — within three passes. Several job processes may run it.
boost::asio::awaitable<void> reconcile_seats(booking::SeatStore& seats);

}  // namespace marquee::jobs
