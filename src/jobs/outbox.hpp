#pragma once
#include "jobs/notification_sink.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

namespace pg { class Pool; }

namespace marquee::jobs {

// Delivers outbox events to the sink, at least once, oldest first. A batch is claimed with
// FOR UPDATE SKIP LOCKED and marked delivered in the same transaction after the sink took it: two
// job processes never deliver one event at the same time, and a crash before the commit only means
// the batch is delivered again. The sink runs on `blocking` (files and SMTP block).
// A failed event is retried with exponential backoff (2^attempts seconds, at most 5 minutes).
// Delivered events are removed a week after they were written.
boost::asio::awaitable<void> deliver_outbox(pg::Pool& db, NotificationSink& sink,
                                            boost::asio::thread_pool& blocking);

}  // namespace marquee::jobs
