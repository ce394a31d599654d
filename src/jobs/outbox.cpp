#include "jobs/outbox.hpp"

#include "pg/pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

namespace marquee::jobs {

namespace {

// The next undelivered events, each with the catalogue context a person wants to read about their
// show (movie, theatre, local start time) added to the facts the event itself recorded. Ordered as
// idx_outbox_undelivered is, so a backlog of any size costs an index range read of one batch, not a
// sort of the whole backlog. A batch is 200 events: a booking rush makes two events per booking,
// and each batch costs a transaction and four round trips however small it is.
constexpr pg::Statement kClaimEvents{
    "outbox_claim",
    "SELECT e.event_id, e.event_type, (e.payload || COALESCE(show_context.fields, '{}'))::text AS payload "
    "FROM outbox e "
    "LEFT JOIN LATERAL (SELECT jsonb_build_object('movie', m.title, 'theatre', t.name, 'theatreAddress', t.address, "
    "    'startTime', to_char(s.start_time AT TIME ZONE t.timezone, 'YYYY-MM-DD HH24:MI'), 'timezone', t.timezone) "
    "  FROM shows s JOIN movies m ON m.movie_id = s.movie_id JOIN theatres t ON t.theatre_id = s.theatre_id "
    "  WHERE s.show_id = (e.payload->>'showId')::uuid) show_context(fields) ON true "
    "WHERE e.delivered_at IS NULL AND e.next_attempt_at <= now() "
    "ORDER BY e.next_attempt_at, e.event_id LIMIT $1 FOR UPDATE OF e SKIP LOCKED"};
constexpr std::size_t kBatchSize = 200;  // $1 of kClaimEvents
constexpr pg::Statement kMarkDelivered{
    "outbox_delivered",
    "UPDATE outbox SET delivered_at = now(), attempts = attempts + 1 WHERE event_id = ANY($1::bigint[])"};
constexpr pg::Statement kMarkFailed{
    "outbox_failed",
    "UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
    "next_attempt_at = now() + make_interval(secs => least(300, power(2, attempts)::integer)) WHERE event_id = $1"};

// Delivered events are kept for a week (to answer "was I notified?"), then removed a batch at a time,
// oldest first along the primary key: the front of the table is where the old rows are.
constexpr pg::Statement kRemoveDelivered{
    "outbox_remove_delivered",
    "DELETE FROM outbox WHERE event_id IN (SELECT event_id FROM outbox "
    "  WHERE delivered_at IS NOT NULL AND created_at < now() - interval '7 days' ORDER BY event_id LIMIT 1000)"};
constexpr std::chrono::minutes kRemoveEvery{1};

struct Event {
    std::string id, type, payload;
    std::optional<std::string> error;  // set when the sink refused it
};

constexpr std::chrono::milliseconds kPollInterval{250};

}  // namespace

boost::asio::awaitable<void> deliver_outbox(pg::Pool& db, NotificationSink& sink,
                                            boost::asio::thread_pool& blocking) {
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
        std::size_t delivered = 0, claimed = 0;
        try {
            auto tx = co_await db.begin();
            auto rows = co_await tx.query(kClaimEvents, kBatchSize);
            std::vector<Event> events;
            for (pg::Row row : rows) events.push_back({row.str("event_id"), row.str("event_type"), row.str("payload"), {}});
            claimed = events.size();
            if (!events.empty()) {
                // The sink may block: hand the batch to the blocking pool and wait for it there.
                co_await boost::asio::co_spawn(
                    blocking,
                    [&]() -> boost::asio::awaitable<void> {
                        for (auto& e : events) {
                            try {
                                auto payload = boost::json::parse(e.payload);
                                sink.deliver(e.type, payload.as_object(), e.payload);
                            } catch (const std::exception& ex) {
                                e.error = ex.what();
                            }
                        }
                        co_return;
                    },
                    boost::asio::use_awaitable);
                std::string ids = "{";
                for (const auto& e : events) {
                    if (e.error) {
                        spdlog::warn("event {} ({}) not delivered: {}", e.id, e.type, *e.error);
                        co_await tx.query(kMarkFailed, e.id, *e.error);
                    } else {
                        ids += (ids.size() > 1 ? "," : "") + e.id;
                        ++delivered;
                    }
                }
                co_await tx.query(kMarkDelivered, ids + "}");
            }
            co_await tx.commit();
        } catch (const std::exception& e) {
            spdlog::warn("outbox delivery: {}", e.what());
        }
        if (delivered > 0) spdlog::info("delivered {} event(s)", delivered);
        // A full batch means more are waiting: go again at once.
        if (claimed == kBatchSize) continue;
        timer.expires_after(kPollInterval);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
}

}  // namespace marquee::jobs
