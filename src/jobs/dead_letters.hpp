#pragma once
#include "http/router.hpp"

namespace pg { class Pool; }

namespace marquee::jobs {

// Admin endpoints for notifications that could not be delivered (parked after OUTBOX_MAX_ATTEMPTS):
//   GET  /api/v1/admin/notifications/dead?limit=&cursor=   the parked events, newest first
//   POST /api/v1/admin/notifications/{eventId}/redrive     back into the queue, due now, attempts reset
void add_dead_letter_routes(http::Router& router, pg::Pool& db);

}  // namespace marquee::jobs
