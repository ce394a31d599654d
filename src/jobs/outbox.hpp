#pragma once
#include "jobs/notification_sink.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

namespace pg { class Pool; }

namespace marquee::jobs {

// Delivers outbox events to every sink, at least once each, oldest first. A batch is leased (its events
// are not due again for ten minutes, FOR UPDATE SKIP LOCKED while leasing) and the lease committed
// before anything is delivered: two job processes never deliver one event at the same time, no
// transaction stays open while the sink works, and an event whose job process dies is delivered
// again when its lease runs out. Each event's outcome is recorded on its own. A failed event is
// retried after retry_delay (exponential with jitter, at most 5 minutes); after `max_attempts`
// failures it is parked as dead with its last error (jobs/dead_letters.hpp lists and re-drives
// them). With several sinks, an event one of them failed is retried only for the sinks that have
// not had it yet (outbox.delivered_to): a webhook that was down costs nobody a second e-mail. A lease lasts `lease_seconds` (OUTBOX_LEASE_SECONDS): long enough for a batch through a
// slow sink, and how long the events of a jobs process that died wait for another. The sinks run on
// `blocking` (files and SMTP block). Delivered events are removed a week after they were written.
boost::asio::awaitable<void> deliver_outbox(pg::Pool& db, const std::vector<NamedSink>& sinks,
                                            boost::asio::thread_pool& blocking, int max_attempts, int lease_seconds);

}  // namespace marquee::jobs
