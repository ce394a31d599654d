#pragma once
#include "http/router.hpp"

namespace pg { class Pool; }

namespace marquee::jobs {

// GET /metrics (admin token): the process's metrics in Prometheus's text format, plus the outbox's
// state read from PostgreSQL at scrape time (backlog, age of the oldest undelivered event, parked
// events). docs/operations.md lists every metric.
void add_metrics_route(http::Router& router, pg::Pool& db);

}  // namespace marquee::jobs
