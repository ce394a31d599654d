#pragma once
#include <boost/asio/awaitable.hpp>

namespace pg { class Pool; }

namespace marquee::jobs {

// Keeps the planner's picture of the tables a booking rush grows (orders, their seats, the outbox,
// users) no more than one doubling behind. Each connection keeps the plan PostgreSQL chose for a
// named statement until the table's statistics change, and autovacuum looks at a database only once
// a minute: on a new database the first plans are made for empty tables (a sequential scan of
// `orders` for each payment batch, say) and kept while the rush makes thousands of rows. Every 5 s
// this job asks the statistics counters and runs ANALYZE on any of those tables that has changed by
// more rows than the planner believes it has (and by at least 500): a handful of ANALYZEs while a
// table is young, none once it is large. See docs/reliability.md, "Fast from the first minute".
boost::asio::awaitable<void> keep_table_statistics(pg::Pool& db);

}  // namespace marquee::jobs
