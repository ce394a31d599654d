#include "jobs/metrics_endpoint.hpp"

#include "common/metrics.hpp"
#include "pg/pool.hpp"

namespace marquee::jobs {

namespace {

// Counts the backlog (small while delivery keeps up; delivered events are removed) and the parked
// events (the partial index of migration 008).
constexpr pg::Statement kOutboxState{
    "metrics_outbox_state",
    "SELECT (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL) AS backlog, "
    "  COALESCE((SELECT extract(epoch FROM now() - min(created_at)) FROM outbox "
    "            WHERE delivered_at IS NULL AND dead_at IS NULL), 0)::float8 AS oldest_seconds, "
    "  (SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL) AS dead"};

// The outbox's families, or "" when PostgreSQL cannot say (the rest of the metrics are still served:
// they are what shows the outage).
boost::asio::awaitable<std::string> outbox_state(pg::Pool& db) {
    std::string outbox;
    try {
        auto rows = co_await db.query(kOutboxState);
        pg::Row r = rows.front();
    outbox += metrics::family_head("marquee_outbox_backlog", "Notifications not delivered yet (not parked)", "gauge");
    outbox += "marquee_outbox_backlog " + r.str("backlog") + "\n";
    outbox += metrics::family_head("marquee_outbox_oldest_undelivered_seconds",
                                   "Age of the oldest notification not delivered yet (0 when none)", "gauge");
    outbox += "marquee_outbox_oldest_undelivered_seconds " + r.str("oldest_seconds") + "\n";
    outbox += metrics::family_head("marquee_outbox_dead", "Notifications parked after OUTBOX_MAX_ATTEMPTS", "gauge");
    outbox += "marquee_outbox_dead " + r.str("dead") + "\n";
    } catch (const std::exception&) {
        outbox.clear();
    }
    co_return outbox;
}

boost::asio::awaitable<http::Response> metrics(pg::Pool& db, http::RequestContext&) {
    std::string outbox = co_await outbox_state(db);
    http::Response response;
    response.body = metrics::registry().render(outbox);
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    co_return response;
}

}  // namespace

void add_metrics_route(http::Router& router, pg::Pool& db) {
    router.add(http::Method::Get, "/metrics", http::Access::Monitoring, http::with(db, metrics));
}

}  // namespace marquee::jobs
