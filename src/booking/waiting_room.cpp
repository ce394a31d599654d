#include "booking/waiting_room.hpp"

#include "auth/passes.hpp"
#include "booking/room_spec.hpp"
#include "common/errors.hpp"
#include "common/json_writer.hpp"
#include "pg/pool.hpp"
#include "redis/server_clock.hpp"

#include <algorithm>

namespace marquee::booking {

namespace {

constexpr const char* kTicketPass = "queue-ticket";
constexpr const char* kAdmissionPass = "admission";

// Every change bumps the version, so Redis can tell a newer setting from a stale one.
constexpr pg::Statement kSaveRoom{
    "room_save",
    "INSERT INTO waiting_rooms AS r (show_id, enabled, admit_per_second, opens_at, auto_above_per_second, "
    "  admission_ttl_seconds, version) "
    "VALUES ($1, $2, $3, to_timestamp($4::bigint), $5, $6, 1) "
    "ON CONFLICT (show_id) DO UPDATE SET enabled = $2, admit_per_second = $3, opens_at = to_timestamp($4::bigint), "
    "  auto_above_per_second = $5, admission_ttl_seconds = $6, version = r.version + 1, updated_at = now() "
    "RETURNING " MARQUEE_ROOM_SPEC("r") " AS spec"};

constexpr pg::Statement kLoadRoom{
    "room_load",
    "SELECT enabled, admit_per_second, extract(epoch FROM opens_at)::bigint AS opens_at, auto_above_per_second, "
    "  admission_ttl_seconds FROM waiting_rooms WHERE show_id = $1"};

std::string pass_payload(const ShowId& show, const UserId& user, std::int64_t number, std::int64_t expires_ms = 0) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().field("s", show).field("u", user.str()).field("n", number);
    if (expires_ms) w.field("e", expires_ms);
    w.end_object();
    return out;
}

struct Pass {
    ShowId show;
    UserId user;
    std::int64_t number = 0;
    std::int64_t expires_ms = 0;
};

// A pass of `kind` as the API signed it, or nullopt.
std::optional<Pass> read_pass(const char* kind, std::string_view text, std::string_view secret) {
    auto payload = auth::open_pass(kind, text, secret);
    if (!payload) return std::nullopt;
    const auto* s = payload->if_contains("s");
    const auto* u = payload->if_contains("u");
    const auto* n = payload->if_contains("n");
    if (!s || !s->is_string() || !u || !u->is_string() || !n || !n->is_int64()) return std::nullopt;
    Pass pass;
    pass.show = ShowId(std::string(s->as_string()));
    pass.user = UserId(std::string(u->as_string()));
    pass.number = n->as_int64();
    if (const auto* e = payload->if_contains("e"); e && e->is_int64()) pass.expires_ms = e->as_int64();
    return pass;
}

}  // namespace

RoomSettings parse_room_settings(const input::Fields& f) {
    RoomSettings s;
    auto enabled = f.optional_bool("enabled");
    if (!enabled) f.fail("enabled", "is required (true or false)");
    s.enabled = *enabled;
    s.admit_per_second = static_cast<int>(f.integer("admitPerSecond", 1, 100000));
    if (f.has("opensAt")) s.opens_at = f.instant("opensAt");  // null or absent: admission starts at once
    if (auto v = f.optional_integer("autoAbovePerSecond", 1, 1000000)) s.auto_above_per_second = static_cast<int>(*v);
    s.admission_ttl_seconds = static_cast<int>(f.optional_integer("admissionTtlSeconds", 10, 3600).value_or(60));
    return s;
}

boost::asio::awaitable<WaitingRoom::Room> WaitingRoom::configure(const ShowId& show, const RoomSettings& s) {
    std::optional<std::int64_t> opens;
    if (s.opens_at) opens = *s.opens_at;
    std::optional<std::int64_t> automatic;
    if (s.auto_above_per_second) automatic = *s.auto_above_per_second;
    std::string spec;
    try {
        auto rows = co_await db_.query(kSaveRoom, show, s.enabled, static_cast<std::int64_t>(s.admit_per_second), opens,
                                       automatic, static_cast<std::int64_t>(s.admission_ttl_seconds));
        spec = rows.front().str("spec");
    } catch (const pg::Error& e) {
        if (e.kind == pg::ErrorKind::ForeignKeyViolation) throw ApiError::not_found("show not found");
        throw;
    }
    co_await seats_.apply_room_settings(show, spec);
    co_return co_await describe(show);
}

boost::asio::awaitable<WaitingRoom::Room> WaitingRoom::describe(const ShowId& show) {
    Room room;
    auto rows = co_await db_.query(kLoadRoom, show);
    if (!rows.empty()) {
        pg::Row r = rows.front();
        room.settings.enabled = r.boolean("enabled");
        room.settings.admit_per_second = static_cast<int>(r.integer("admit_per_second"));
        if (!r.is_null("opens_at")) room.settings.opens_at = r.integer("opens_at");
        if (!r.is_null("auto_above_per_second"))
            room.settings.auto_above_per_second = static_cast<int>(r.integer("auto_above_per_second"));
        room.settings.admission_ttl_seconds = static_cast<int>(r.integer("admission_ttl_seconds"));
        auto counts = co_await seats_.room_counts(show);
        room.on = counts.on;
        room.waiting = counts.waiting;
        room.admitted = counts.admitted;
    }
    co_return room;
}

WaitingRoom::Place WaitingRoom::place_of(const ShowId& show, const UserId& user, SeatStore::QueueState state) const {
    using Kind = SeatStore::QueueState::Kind;
    if (state.kind == Kind::NotBookable) throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show is cancelled");
    if (state.kind == Kind::Gone)
        throw ApiError(410, "QUEUE_PLACE_EXPIRED",
                       "this place in the queue is no longer yours (given up after 30 s without a poll, left, "
                       "replaced by a newer place, or its admission was used): join again");
    Place place;
    if (state.kind != Kind::Open) place.ticket = auth::sign_pass(kTicketPass, pass_payload(show, user, state.number), secret_);
    if (state.kind == Kind::Admitted)
        place.admission = auth::sign_pass(kAdmissionPass,
                                          pass_payload(show, user, state.number, state.admission_expires_ms), secret_);
    if (state.kind == Kind::Waiting) {
        std::int64_t until_open_ms = state.opens_ms ? std::max<std::int64_t>(0, *state.opens_ms - clock_.now_ms()) : 0;
        std::int64_t rate = std::max<std::int64_t>(1, state.admit_per_second);
        place.estimated_wait_seconds = (until_open_ms + (state.ahead + 1) * 1000 / rate + 999) / 1000;
        // Often enough to be admitted promptly and to keep the place; rarely enough to spare the server.
        place.poll_after_seconds = static_cast<int>(std::clamp<std::int64_t>(place.estimated_wait_seconds / 4, 1, 10));
    }
    place.state = std::move(state);
    return place;
}

boost::asio::awaitable<WaitingRoom::Place> WaitingRoom::join(const ShowInfo& show, const UserId& user) {
    auto state = co_await seats_.room_queue(show, user, SeatStore::QueueAction::Join, kPlaceTtl);
    co_return place_of(show.show_id, user, std::move(state));
}

WaitingRoom::Ticket WaitingRoom::open_ticket(const std::string& ticket, const UserId& user) const {
    auto pass = read_pass(kTicketPass, ticket, secret_);
    if (!pass || pass->user != user) throw ApiError::not_found("queue ticket not found");
    return Ticket{pass->show, pass->number};
}

boost::asio::awaitable<WaitingRoom::Place> WaitingRoom::poll(const ShowInfo& show, const Ticket& ticket,
                                                             const UserId& user) {
    auto state = co_await seats_.room_queue(show, user, SeatStore::QueueAction::Poll, kPlaceTtl);
    // The ticket speaks for one place: a newer place of the same user (joined again) is not it.
    if (state.kind != SeatStore::QueueState::Kind::Open && state.number != ticket.place)
        state.kind = SeatStore::QueueState::Kind::Gone;
    co_return place_of(show.show_id, user, std::move(state));
}

boost::asio::awaitable<void> WaitingRoom::leave(const ShowInfo& show, const Ticket& ticket, const UserId& user) {
    co_await seats_.room_queue(show, user, SeatStore::QueueAction::Leave, kPlaceTtl, ticket.place);
}

std::string WaitingRoom::admission_number(const std::optional<std::string>& admission, const ShowId& show,
                                          const UserId& user) const {
    if (!admission) return "";
    auto pass = read_pass(kAdmissionPass, *admission, secret_);
    if (!pass || pass->show != show || pass->user != user) return "!INVALID";
    if (pass->expires_ms <= clock_.now_ms()) return "!EXPIRED";
    return std::to_string(pass->number);
}

}  // namespace marquee::booking
