#include "jobs/dead_letters.hpp"

#include "common/cursor.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"
#include "pg/pool.hpp"

#include <charconv>

namespace marquee::jobs {

namespace {

// $1 limit, $2 the cursor's event id or NULL: newest first.
constexpr pg::Statement kDeadEvents{
    "outbox_dead",
    "SELECT event_id, event_type, attempts, last_error, payload::text AS payload, "
    "  to_jsonb(delivered_to)::text AS delivered_to, "
    "  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, "
    "  to_char(dead_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS dead_at "
    "FROM outbox WHERE dead_at IS NOT NULL AND ($2::bigint IS NULL OR event_id < $2::bigint) "
    "ORDER BY event_id DESC LIMIT $1"};

constexpr pg::Statement kRedrive{
    "outbox_redrive",
    "UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = now() "
    "WHERE event_id = $1 AND dead_at IS NOT NULL RETURNING event_id"};

struct DeadEvent {
    std::string id, type, last_error, payload, created_at, dead_at;
    std::string delivered_to;  // a JSON array: the sinks that had it (a re-drive goes to the others)
    std::int64_t attempts = 0;
};

DeadEvent read_dead_event(const pg::Row& r) {
    DeadEvent e;
    e.id = r.str("event_id");
    e.type = r.str("event_type");
    e.attempts = r.integer("attempts");
    e.last_error = r.optional_str("last_error").value_or("");
    e.payload = r.str("payload");
    e.delivered_to = r.str("delivered_to");
    e.created_at = r.str("created_at");
    e.dead_at = r.str("dead_at");
    return e;
}

// An event id is a positive integer (not a UUID: the outbox numbers its events).
std::int64_t parse_event_id(std::string_view text) {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0)
        throw ApiError::validation("eventId: must be a positive integer");
    return id;
}

boost::asio::awaitable<http::Response> list_dead(pg::Pool& db, http::RequestContext& ctx) {
    auto limit = input::query_integer(ctx.request.query_param("limit"), "limit", 1, 100, 20);
    std::optional<std::int64_t> before;
    if (auto text = ctx.request.query_param("cursor")) {
        auto cursor = decode_cursor(*text);
        if (!cursor) throw ApiError::validation("cursor: not a cursor of this list");
        before = parse_event_id(cursor->sort_key);
    }
    auto rows = co_await db.query(kDeadEvents, limit + 1, before);
    std::vector<DeadEvent> events;
    for (pg::Row row : rows) events.push_back(read_dead_event(row));
    std::string body = render_page<DeadEvent>(
        events, limit,
        [](const DeadEvent& e) {
            // A UUID-shaped id keeps the shared cursor format; the event id is the sort key.
            return Cursor{e.id, "00000000-0000-4000-8000-000000000000"};
        },
        [](JsonWriter& w, const DeadEvent& e) {
            w.begin_object();
            w.key("eventId").raw(e.id);
            w.field("event", e.type);
            w.field("attempts", e.attempts);
            w.field("lastError", e.last_error);
            w.field("createdAt", e.created_at);
            w.field("deadAt", e.dead_at);
            w.key("deliveredTo").raw(e.delivered_to);
            w.key("payload").raw(e.payload);
            w.end_object();
        });
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> redrive(pg::Pool& db, http::RequestContext& ctx) {
    std::int64_t id = parse_event_id(ctx.param("eventId"));
    auto rows = co_await db.query(kRedrive, id);
    if (rows.empty()) throw ApiError::not_found("no parked notification with that id");
    std::string body;
    JsonWriter w(body);
    w.begin_object().key("eventId").raw(std::to_string(id)).field("status", "PENDING").end_object();
    co_return http::json_response(200, std::move(body));
}

}  // namespace

void add_dead_letter_routes(http::Router& router, pg::Pool& db) {
    using http::Access;
    using http::Method;
    router.add(Method::Get, "/api/v1/admin/notifications/dead", Access::Admin, http::with(db, list_dead));
    router.add(Method::Post, "/api/v1/admin/notifications/{eventId}/redrive", Access::Admin, http::with(db, redrive));
}

}  // namespace marquee::jobs
