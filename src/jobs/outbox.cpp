#include "jobs/outbox.hpp"

#include "jobs/delivery_policy.hpp"
#include "pg/pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <span>

namespace marquee::jobs {

namespace {

// Leases the next due events (at most $1, for $2 seconds: no other job process takes them meanwhile)
// and commits at once, so no transaction stays open while the sink works. Each comes with the
// catalogue context a person wants to read about their show (movie, theatre, local start time) added
// to the facts the event itself recorded. Found in idx_outbox_due order, so a backlog of any size
// costs an index range read of one batch, not a sort of the whole backlog.
constexpr pg::Statement kLeaseEvents{
    "outbox_lease",
    "WITH due AS (SELECT event_id FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL "
    "  AND next_attempt_at <= now() ORDER BY next_attempt_at, event_id LIMIT $1 FOR UPDATE SKIP LOCKED), "
    "leased AS (UPDATE outbox o SET next_attempt_at = now() + make_interval(secs => $2) FROM due "
    "  WHERE o.event_id = due.event_id RETURNING o.event_id, o.event_type, o.attempts, o.payload, o.delivered_to) "
    "SELECT l.event_id, l.event_type, l.attempts, (l.payload || COALESCE(show_context.fields, '{}'))::text AS payload, "
    "  to_jsonb(l.delivered_to)::text AS delivered_to "
    "FROM leased l "
    "LEFT JOIN LATERAL (SELECT jsonb_build_object('movie', m.title, 'theatre', t.name, 'theatreAddress', t.address, "
    "    'startTime', to_char(lower(s.during) AT TIME ZONE t.timezone, 'YYYY-MM-DD HH24:MI'), 'timezone', t.timezone) "
    "  FROM show_slots s JOIN movies m ON m.movie_id = s.movie_id JOIN theatres t ON t.theatre_id = s.theatre_id "
    "  WHERE s.show_id = (l.payload->>'showId')::uuid) show_context(fields) ON true "
    "ORDER BY l.event_id"};
// A booking rush makes two events per booking, and each batch costs a few statements however small
// it is: lease many at once, deliver them a chunk at a time, record each chunk's outcomes.
constexpr int kBatchSize = 200;
constexpr std::size_t kChunk = 20;
constexpr pg::Statement kMarkDelivered{
    "outbox_delivered",
    "UPDATE outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL "
    "WHERE event_id = ANY($1::bigint[]) AND delivered_at IS NULL"};
// $1 event, $2 the error, $3 seconds to the next attempt, $4 whether it is parked as dead now, $5 the
// sinks that had it on this attempt (a JSON array of their names). Neither outcome is recorded on an
// event another job process delivered meanwhile (this one's lease ran out under a slow sink).
constexpr pg::Statement kMarkFailed{
    "outbox_failed",
    "UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
    "next_attempt_at = now() + make_interval(secs => $3), dead_at = CASE WHEN $4 THEN now() END, "
    "delivered_to = delivered_to || ARRAY(SELECT jsonb_array_elements_text($5::jsonb)) "
    "WHERE event_id = $1 AND delivered_at IS NULL"};

// Delivered events are kept for a week (to answer "was I notified?"), then removed a batch at a time.
// Only the front of the table (along the primary key, parked events left out: they wait for an
// operator) is looked at: that is where the old rows are, and the work stays bounded when there is
// nothing to remove.
constexpr pg::Statement kRemoveDelivered{
    "outbox_remove_delivered",
    "DELETE FROM outbox WHERE event_id IN (SELECT event_id FROM "
    "  (SELECT event_id, delivered_at, created_at FROM outbox WHERE dead_at IS NULL ORDER BY event_id LIMIT 5000) front "
    "  WHERE delivered_at IS NOT NULL AND created_at < now() - interval '7 days' LIMIT 1000)"};
constexpr std::chrono::minutes kRemoveEvery{1};

struct Event {
    std::string id, type, payload;
    int attempts = 0;  // made before this one
    std::vector<std::string> delivered_to;  // sinks that had it on an earlier attempt (by name)
    boost::json::array delivered_now;  // sinks that had it on this attempt
    std::optional<std::string> error;  // set when a sink refused it (each one's error, joined)
};

// Hands the event to every sink that has not had it yet; each failure is noted and the others still
// get it. Runs on the blocking thread.
void deliver_to_sinks(Event& e, const std::vector<NamedSink>& sinks) {
    std::optional<boost::json::value> payload;
    for (const auto& named : sinks) {
        if (std::find(e.delivered_to.begin(), e.delivered_to.end(), named.name) != e.delivered_to.end()) continue;
        try {
            if (!payload) payload = boost::json::parse(e.payload);
            named.sink->deliver(e.id, e.type, payload->as_object(), e.payload);
            e.delivered_now.emplace_back(named.name);
        } catch (const std::exception& ex) {
            e.error = (e.error ? *e.error + "; " : std::string()) + ex.what();
        }
    }
}

double jitter() {
    thread_local std::mt19937 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

constexpr std::chrono::milliseconds kPollInterval{250};

}  // namespace

boost::asio::awaitable<void> deliver_outbox(pg::Pool& db, const std::vector<NamedSink>& sinks,
                                            boost::asio::thread_pool& blocking, int max_attempts, int lease_seconds) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    auto next_removal = std::chrono::steady_clock::now();
    for (;;) {
        if (std::chrono::steady_clock::now() >= next_removal) {
            next_removal = std::chrono::steady_clock::now() + kRemoveEvery;
            try {
                // Batches until none is left to remove.
                while ((co_await db.query(kRemoveDelivered)).affected() == 1000) {
                }
            } catch (const std::exception& e) {
                spdlog::warn("outbox retention: {}", e.what());
            }
        }
        std::size_t delivered = 0, leased = 0;
        try {
            auto rows = co_await db.query(kLeaseEvents, kBatchSize, lease_seconds);
            std::vector<Event> events;
            for (pg::Row row : rows) {
                Event e;
                e.id = row.str("event_id");
                e.type = row.str("event_type");
                e.payload = row.str("payload");
                e.attempts = static_cast<int>(row.integer("attempts"));
                // (Named: a range-for over a member of a temporary would outlive the temporary.)
                boost::json::value delivered_to = boost::json::parse(row.str("delivered_to"));
                for (const auto& name : delivered_to.as_array()) e.delivered_to.emplace_back(name.as_string());
                events.push_back(std::move(e));
            }
            leased = events.size();
            for (std::size_t from = 0; from < events.size(); from += kChunk) {
                std::span<Event> chunk(events.data() + from, std::min(kChunk, events.size() - from));
                // The sink may block: hand the chunk to the blocking thread and wait for it there.
                co_await boost::asio::co_spawn(
                    blocking,
                    [&sinks, chunk]() -> boost::asio::awaitable<void> {
                        for (auto& e : chunk) deliver_to_sinks(e, sinks);
                        co_return;
                    },
                    boost::asio::use_awaitable);
                // Each outcome on its own: a failure never undoes another event's delivery.
                std::string ids = "{";
                for (const auto& e : chunk) {
                    if (!e.error) {
                        ids += (ids.size() > 1 ? "," : "") + e.id;
                        ++delivered;
                        continue;
                    }
                    int attempts = e.attempts + 1;
                    bool dead = is_dead(attempts, max_attempts);
                    auto delay = retry_delay(attempts, jitter());
                    if (dead)
                        spdlog::error("event {} ({}) parked after {} failed attempts: {}", e.id, e.type, attempts, *e.error);
                    else
                        spdlog::warn("event {} ({}) not delivered (attempt {}, next in {} s): {}", e.id, e.type, attempts,
                                     delay.count(), *e.error);
                    co_await db.query(kMarkFailed, e.id, *e.error, static_cast<long>(delay.count()), dead,
                                      boost::json::serialize(e.delivered_now));
                }
                if (ids.size() > 1) co_await db.query(kMarkDelivered, ids + "}");
            }
        } catch (const std::exception& e) {
            spdlog::warn("outbox delivery: {}", e.what());
        }
        if (delivered > 0) spdlog::info("delivered {} event(s)", delivered);
        // A full batch means more are waiting: go again at once.
        if (leased == static_cast<std::size_t>(kBatchSize)) continue;
        timer.expires_after(kPollInterval);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
}

}  // namespace marquee::jobs
