#pragma once
#include <boost/asio/awaitable.hpp>

namespace pg { class Pool; }

namespace marquee::jobs {

// Keeps a year of monthly partitions of `shows` ready ahead of time (at start, then hourly), so an
// admin adding a show never waits on a partition being made; a show further ahead than that gets
// its month made by the insert itself (catalog::ShowStore::create). Any number of jobs processes
// may run it: the SQL function serialises them. See sql/migrations/009_partitioned_shows.sql.
boost::asio::awaitable<void> keep_show_partitions(pg::Pool& db);

}  // namespace marquee::jobs
