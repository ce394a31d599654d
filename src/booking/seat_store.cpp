#include "booking/seat_store.hpp"

#include "booking/lifecycle.hpp"
#include "booking/lua_scripts.hpp"
#include "booking/room_spec.hpp"
#include "common/errors.hpp"
#include "common/text.hpp"
#include "pg/pool.hpp"
#include "redis/client.hpp"
#include "redis/server_clock.hpp"

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

namespace marquee::booking {

namespace {

// The seat_expiry score of a sold seat (SOLD_SCORE in lua/prelude.lua).
constexpr const char* kSoldScore = "9000000000000000";

// How long a hold stays readable (as EXPIRED, RELEASED …) after it expires.
constexpr std::int64_t kHoldRetentionMs = 3'600'000;

// How long past its payment deadline an unpaid order keeps its seats in Redis if the expiry sweeper
// is not running; with the sweeper they are freed within a second or two of the deadline.
constexpr std::int64_t kOrderSeatGraceMs = 15'000;

// Bounded memory: forgetting everything costs one lookup per hold or show again.
constexpr std::size_t kMaxRememberedHolds = 100'000;
constexpr std::size_t kMaxRememberedMaps = 20'000;

// A script as Redis runs it: the shared prelude, then the script's own file (src/booking/lua/).
std::string script(std::string_view name) {
    std::string text(lua_source("prelude"));
    return text.append(lua_source(name));
}

const redis::Script kCreateHold(script("create_hold"));
const redis::Script kBestHold(script("best_hold"));
const redis::Script kRoomQueue(script("room_queue"));
const redis::Script kRoomSettings(script("room_settings"));
const redis::Script kExpireSeats(script("expire_seats"));
const redis::Script kChangeHold(script("change_hold"));
const redis::Script kReleaseHold(script("release_hold"));
const redis::Script kResync(script("resync"));
const redis::Script kClaimHold(script("claim_hold"));
const redis::Script kConvertHold(script("convert_hold"));
const redis::Script kSellOrderSeats(script("sell_order_seats"));
const redis::Script kFreeOrderSeats(script("free_order_seats"));

// The show's status, its seat version and the live (pending or confirmed) order seats, in one
// snapshot: the truth Redis is rebuilt from. Its Redis state expires a day after the show ends (an
// hour from now for a show that ended longer ago).
constexpr pg::Statement kShowSeatState{
    "booking_show_seat_state",
    "SELECT NOT s.live AS cancelled, COALESCE(v.version, 0) AS version, "
    "  (extract(epoch FROM GREATEST(upper(s.during) + interval '1 day', now() + interval '1 hour')) * 1000)::bigint "
    "    AS expire_at_ms, "
    "  (SELECT COALESCE(json_agg(json_build_object('seat', os.seat_id, 'confirmed', o.status = 'CONFIRMED', "
    "    'order', o.order_id, 'expires_ms', (extract(epoch FROM o.expires_at) * 1000)::bigint)), '[]') "
    "    FROM order_seats os JOIN orders o ON o.order_id = os.order_id WHERE os.show_id = s.show_id)::text AS seats, "
    "  COALESCE((SELECT " MARQUEE_ROOM_SPEC("r") " FROM waiting_rooms r WHERE r.show_id = s.show_id), '') AS room "
    "FROM show_slots s LEFT JOIN seat_versions v ON v.show_id = s.show_id WHERE s.show_id = $1"};

// Every show that has had orders and has not ended, with its seat version (migration 007), the most
// recently changed first. The versions of shows that ended a day ago are forgotten.
constexpr pg::Statement kSeatVersions{
    "booking_seat_versions",
    "SELECT v.show_id, v.version FROM seat_versions v JOIN show_slots s ON s.show_id = v.show_id "
    "WHERE upper(s.during) > now() ORDER BY v.changed_at DESC"};
constexpr pg::Statement kForgetEndedVersions{
    "booking_seat_versions_forget",
    "DELETE FROM seat_versions v USING show_slots s WHERE s.show_id = v.show_id AND upper(s.during) < now() - interval '1 day'"};

// The sentinel entry every seat key of an initialised show carries (MARK in lua/prelude.lua): the
// seat map leaves it out of the sold seats.
constexpr const char* kMark = "#";

std::string tag(const ShowId& show) { return "{" + show.str() + "}"; }

std::vector<std::string> show_keys(const ShowId& show) {
    std::string t = tag(show);
    return {"show:" + t,     "sold:" + t,  "seats:" + t,      "seat_expiry:" + t, "holds:" + t, "user_holds:" + t,
            "hold_expiry:" + t, "admitted:" + t, "queue:" + t, "queue_seen:" + t, "room:" + t,
            "seat_events:" + t};
}

std::string hold_index_key(const HoldId& hold) { return "hold_show:" + hold.str(); }

void append(std::vector<std::string>& args, const std::vector<SeatId>& seats) {
    for (const auto& s : seats) args.push_back(s.str());
}

// A hold record as the scripts store it: {u: user, s: seats, e: expiry ms, st: status, o: order,
// c: end of a claim}, judged at `now_ms` (Redis's clock).
Hold read_hold(const std::string& json, const HoldId& id, const ShowId& show, std::int64_t now_ms) {
    auto value = boost::json::parse(json);
    const auto& o = value.as_object();
    Hold h;
    h.id = id;
    h.show = show;
    h.user = UserId(std::string(o.at("u").as_string()));
    for (const auto& s : o.at("s").as_array()) h.seats.emplace_back(std::string(s.as_string()));
    h.expires_ms = o.at("e").to_number<std::int64_t>();
    auto stored = kHoldStatusNames.parse(o.at("st").as_string());
    if (!stored) throw BackendUnavailable("Redis holds a hold record with an unknown status");
    h.status = lifecycle::hold_status_at(*stored, h.expires_ms, now_ms);
    if (auto* order = o.if_contains("o"); order && order->is_string()) h.order = OrderId(std::string(order->as_string()));
    return h;
}

const std::string& word(const redis::Value& reply, std::size_t i) {
    static const std::string empty;
    return reply.type == redis::Value::Type::Array && i < reply.elements.size() ? reply.elements[i].str : empty;
}

void expect_array(const redis::Value& reply) {
    if (reply.is_error()) redis::throw_error_reply(reply);
    if (reply.type != redis::Value::Type::Array || reply.elements.empty())
        throw BackendUnavailable("a seat script returned an unexpected reply");
}

// A script's ADMISSION_… answer (the waiting room's, lua/prelude.lua room_refusal).
SeatStore::Outcome admission_refused(const std::string& verdict, const ShowId& show) {
    SeatStore::Outcome out;
    out.kind = SeatStore::Outcome::Kind::AdmissionRefused;
    out.admission_refusal = verdict;
    out.hold.show = show;  // (named in the refusal's message)
    return out;
}

SeatStore::Outcome taken_outcome(const redis::Value& reply, const ShowInfo& show) {
    SeatStore::Outcome out;
    out.kind = SeatStore::Outcome::Kind::Taken;
    for (std::size_t i = 1; i < reply.elements.size(); ++i) out.taken.emplace_back(reply.elements[i].str);
    show.sort_seats(out.taken);
    return out;
}

}  // namespace

void SeatStore::remember_hold_show(const HoldId& hold, const ShowId& show) {
    if (hold_shows_.size() >= kMaxRememberedHolds) hold_shows_.clear();
    hold_shows_.emplace(hold, show);
}

void SeatStore::remember_map(const ShowId& show, RememberedMap map) {
    if (seat_maps_.size() >= kMaxRememberedMaps && !seat_maps_.contains(show)) seat_maps_.clear();
    seat_maps_[show] = std::move(map);
}

boost::asio::awaitable<redis::Value> SeatStore::run_script(const redis::Script& script, const ShowId& show,
                                                           std::vector<std::string> args) {
    auto keys = show_keys(show);
    auto reply = co_await redis_.eval(script, keys, args);
    expect_array(reply);
    co_return reply;
}

boost::asio::awaitable<redis::Value> SeatStore::run_script_on_show(const redis::Script& script, const ShowId& show,
                                                                   const std::vector<std::string>& args) {
    auto reply = co_await run_script(script, show, args);
    if (word(reply, 0) != "REBUILD") co_return reply;
    // The show's state is missing (a new show, or Redis lost it): build it, then try once more.
    co_await resync(show, ResyncMode::Repair);
    co_return co_await run_script(script, show, args);
}

boost::asio::awaitable<void> SeatStore::resync(const ShowId& show) { co_await resync(show, ResyncMode::Always); }

boost::asio::awaitable<void> SeatStore::resync(const ShowId& show, ResyncMode mode) {
    auto keys = show_keys(show);
    // The script refuses when an order change newer than the snapshot has already reached Redis (the
    // rebuild would undo it); PostgreSQL is then read again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto r = co_await db_.query(kShowSeatState, show);
        if (r.empty()) co_return;
        pg::Row state = r.front();
        std::vector<std::string> args{mode == ResyncMode::Always ? "always" : "repair", random_uuid(),
                                      state.boolean("cancelled") ? "1" : "0", state.str("version"),
                                      state.str("expire_at_ms"), state.str("room")};
        std::vector<std::string> sold, pending;
        auto order_seats = boost::json::parse(state.text("seats"));
        for (const auto& row : order_seats.as_array()) {
            const auto& seat_of_order = row.as_object();
            std::string seat(seat_of_order.at("seat").as_string());
            if (seat_of_order.at("confirmed").as_bool()) {
                sold.push_back(seat);
            } else {
                // The same grace past the deadline as convert_hold gives: the sweeper frees them.
                pending.push_back(seat);
                pending.push_back("order:" + std::string(seat_of_order.at("order").as_string()));
                pending.push_back(
                    std::to_string(seat_of_order.at("expires_ms").to_number<std::int64_t>() + kOrderSeatGraceMs));
            }
        }
        args.push_back(std::to_string(sold.size()));
        args.insert(args.end(), sold.begin(), sold.end());
        args.insert(args.end(), pending.begin(), pending.end());
        auto reply = co_await redis_.eval(kResync, keys, args);
        if (reply.integer != -1) co_return;
    }
    spdlog::warn("seat state of show {} kept changing during its rebuild; the reconciler tries again", show.str());
}

std::optional<SeatStore::Outcome> SeatStore::refusal_of(const redis::Value& reply, const ShowInfo& show) {
    const std::string& verdict = word(reply, 0);
    if (verdict == "OK") return std::nullopt;
    if (verdict == "TAKEN") return taken_outcome(reply, show);
    if (verdict.starts_with("ADMISSION_")) return admission_refused(verdict, show.show_id);
    Outcome out;
    if (verdict == "NONE") {
        out.kind = Outcome::Kind::NoneFree;
    } else {
        // REBUILD twice: the show vanished from PostgreSQL in between; nothing can be booked.
        out.kind = Outcome::Kind::NotBookable;
    }
    return out;
}

boost::asio::awaitable<SeatStore::Outcome> SeatStore::create_hold(const ShowInfo& show, const UserId& user,
                                                                  const std::vector<SeatId>& seats, int ttl_seconds,
                                                                  const std::string& admission) {
    HoldId hold_id(random_uuid());
    std::int64_t ttl_ms = static_cast<std::int64_t>(ttl_seconds) * 1000;
    std::vector<std::string> args{user.str(), hold_id.str(), std::to_string(ttl_ms), std::to_string(kHoldRetentionMs),
                                  admission};
    append(args, seats);
    auto reply = co_await run_script_on_show(kCreateHold, show.show_id, args);
    if (auto refused = refusal_of(reply, show)) co_return std::move(*refused);
    Outcome out;
    out.hold = co_await granted(show, user, hold_id, seats, reply.elements.at(1).integer, ttl_ms);
    co_return out;
}

boost::asio::awaitable<SeatStore::Outcome> SeatStore::create_best_hold(const ShowInfo& show, const UserId& user,
                                                                       int quantity,
                                                                       const std::vector<const ShowInfo::Row*>& rows,
                                                                       int ttl_seconds, const std::string& admission) {
    HoldId hold_id(random_uuid());
    std::int64_t ttl_ms = static_cast<std::int64_t>(ttl_seconds) * 1000;
    int lowest = INT32_MAX, highest = 0;
    for (const auto& row : show.rows) {
        if (row.numbers.empty()) continue;
        lowest = std::min(lowest, row.numbers.front());
        highest = std::max(highest, row.numbers.back());
    }
    std::vector<std::string> args{user.str(),
                                  hold_id.str(),
                                  std::to_string(ttl_ms),
                                  std::to_string(kHoldRetentionMs),
                                  admission,
                                  std::to_string(quantity),
                                  std::to_string(show.rows.size()),
                                  std::to_string(lowest),
                                  std::to_string(highest)};
    for (const auto* row : rows) {
        std::string spec = std::to_string(row - show.rows.data()) + " " + row->label;
        for (int n : row->numbers) spec.append(" ").append(std::to_string(n));
        args.push_back(std::move(spec));
    }
    auto reply = co_await run_script_on_show(kBestHold, show.show_id, args);
    if (auto refused = refusal_of(reply, show)) co_return std::move(*refused);
    Outcome out;
    std::vector<SeatId> seats;
    for (std::size_t i = 2; i < reply.elements.size(); ++i) seats.emplace_back(reply.elements[i].str);
    out.hold = co_await granted(show, user, hold_id, std::move(seats), reply.elements.at(1).integer, ttl_ms);
    co_return out;
}

boost::asio::awaitable<Hold> SeatStore::granted(const ShowInfo& show, const UserId& user, const HoldId& hold_id,
                                                std::vector<SeatId> seats, std::int64_t expires_ms,
                                                std::int64_t ttl_ms) {
    // Field by field: g++ 12 destroys the temporaries of a braced initialiser in a coroutine twice.
    Hold hold;
    hold.id = hold_id;
    hold.show = show.show_id;
    hold.user = user;
    hold.seats = std::move(seats);
    hold.expires_ms = expires_ms;
    // Only a hold that was granted is indexed: a refused request writes nothing.
    std::vector<std::string> index{"SET", hold_index_key(hold_id), show.show_id.str(), "PX",
                                   std::to_string(ttl_ms + kHoldRetentionMs + 60'000)};
    co_await redis_.command(std::move(index));
    remember_hold_show(hold_id, show.show_id);
    co_return hold;
}

boost::asio::awaitable<SeatStore::QueueState> SeatStore::room_queue(const ShowInfo& show, const UserId& user,
                                                                    QueueAction action,
                                                                    std::chrono::milliseconds place_ttl,
                                                                    std::int64_t place) {
    std::string mode = action == QueueAction::Join ? "join" : action == QueueAction::Poll ? "poll" : "leave";
    std::vector<std::string> args{mode, user.str(), std::to_string(place_ttl.count()),
                                  std::to_string(show.seat_names.size()), std::to_string(place)};
    auto reply = co_await run_script_on_show(kRoomQueue, show.show_id, args);
    const std::string& verdict = word(reply, 0);
    QueueState out;
    auto number = [&](std::size_t i) {
        const auto& e = reply.elements.at(i);
        return e.type == redis::Value::Type::Integer ? e.integer : std::stoll(e.str);
    };
    if (verdict == "OPEN") {
        out.kind = QueueState::Kind::Open;
    } else if (verdict == "ADMITTED") {
        out.kind = QueueState::Kind::Admitted;
        out.number = number(1);
        out.admission_expires_ms = number(2);
        out.seats_free = number(3);
    } else if (verdict == "WAITING") {
        out.kind = QueueState::Kind::Waiting;
        out.number = number(1);
        out.ahead = number(2);
        out.waiting = number(3);
        out.admit_per_second = number(4);
        if (word(reply, 5) != "-") out.opens_ms = number(5);
        out.seats_free = number(6);
    } else if (verdict == "GONE") {
        out.kind = QueueState::Kind::Gone;
    } else {
        out.kind = QueueState::Kind::NotBookable;
    }
    co_return out;
}

boost::asio::awaitable<void> SeatStore::apply_room_settings(const ShowId& show, const std::string& spec) {
    std::vector<std::string> args{spec};
    co_await run_script_on_show(kRoomSettings, show, args);
}

boost::asio::awaitable<SeatStore::RoomCounts> SeatStore::room_counts(const ShowId& show) {
    auto keys = show_keys(show);
    std::vector<std::vector<std::string>> commands{{"ZCARD", keys[8]},
                                                   {"HGET", keys[10], "admitted_total"},
                                                   {"HGET", keys[0], "room"}};
    auto replies = co_await redis_.pipeline(std::move(commands));
    for (const auto& r : replies)
        if (r.is_error()) redis::throw_error_reply(r);
    RoomCounts counts;
    counts.waiting = replies[0].integer;
    counts.admitted = replies[1].str.empty() ? 0 : std::stoll(replies[1].str);
    counts.on = replies[2].str == "1";
    co_return counts;
}

SeatStore::Outcome SeatStore::outcome_of(const redis::Value& reply, const HoldId& hold, const ShowId& show,
                                         const ShowInfo* layout, Outcome::Kind if_rebuilt_twice) const {
    const std::string& verdict = word(reply, 0);
    if (verdict == "TAKEN" && layout) return taken_outcome(reply, *layout);
    Outcome out;
    if (verdict == "REBUILD") out.kind = if_rebuilt_twice;  // the state could not be rebuilt: the show is gone
    else if (verdict == "NOT_FOUND") out.kind = Outcome::Kind::NotFound;
    else if (verdict == "NOT_BOOKABLE") out.kind = Outcome::Kind::NotBookable;
    else if (verdict == "CLAIMED") out.kind = Outcome::Kind::Claimed;
    else if (verdict.starts_with("ADMISSION_")) out = admission_refused(verdict, show);
    else {
        out.kind = verdict == "OK" ? Outcome::Kind::Ok : Outcome::Kind::WrongState;
        out.hold = read_hold(word(reply, 1), hold, show, clock_.now_ms());
    }
    return out;
}

boost::asio::awaitable<SeatStore::Outcome> SeatStore::change_hold(const ShowInfo& show, const UserId& user,
                                                                  const HoldId& hold, const std::vector<SeatId>& seats) {
    std::vector<std::string> args{user.str(), hold.str()};
    append(args, seats);
    auto reply = co_await run_script_on_show(kChangeHold, show.show_id, args);
    co_return outcome_of(reply, hold, show.show_id, &show, Outcome::Kind::NotFound);
}

boost::asio::awaitable<SeatStore::Outcome> SeatStore::release_hold(const ShowId& show, const UserId& user,
                                                                   const HoldId& hold) {
    std::vector<std::string> args{user.str(), hold.str()};
    auto reply = co_await run_script_on_show(kReleaseHold, show, args);
    co_return outcome_of(reply, hold, show, nullptr, Outcome::Kind::NotFound);
}

boost::asio::awaitable<std::optional<ShowId>> SeatStore::show_of_hold(const HoldId& hold) {
    if (auto known = hold_shows_.find(hold); known != hold_shows_.end()) co_return known->second;
    std::vector<std::string> get{"GET", hold_index_key(hold)};
    auto reply = co_await redis_.command(std::move(get));
    if (reply.is_error()) redis::throw_error_reply(reply);
    if (reply.type != redis::Value::Type::String) co_return std::nullopt;
    ShowId show(reply.str);
    remember_hold_show(hold, show);
    co_return show;
}

boost::asio::awaitable<std::optional<Hold>> SeatStore::find_hold(const UserId& user, const HoldId& hold) {
    auto show = co_await show_of_hold(hold);
    if (!show) co_return std::nullopt;
    std::vector<std::string> get{"HGET", "holds:" + tag(*show), hold.str()};
    auto reply = co_await redis_.command(std::move(get));
    if (reply.is_error()) redis::throw_error_reply(reply);
    if (reply.type != redis::Value::Type::String) co_return std::nullopt;
    Hold h = read_hold(reply.str, hold, *show, clock_.now_ms());
    if (h.user != user) co_return std::nullopt;
    co_return h;
}

boost::asio::awaitable<std::shared_ptr<const LiveSeats>> SeatStore::seat_map(const ShowInfo& show) {
    std::string t = tag(show.show_id);
    if (auto cached = seat_maps_.find(show.show_id); cached != seat_maps_.end() && clock_.now_ms() < cached->second.valid_until_ms) {
        std::vector<std::string> version{"HMGET", "show:" + t, "init", "v"};
        auto reply = co_await redis_.command(std::move(version));
        // (The map may have been dropped while this waited: look it up again.)
        cached = seat_maps_.find(show.show_id);
        if (cached != seat_maps_.end() && word(reply, 0) == cached->second.epoch &&
            word(reply, 1) == cached->second.version && !cached->second.epoch.empty())
            co_return cached->second.seats;
    }
    for (int attempt = 0;; ++attempt) {
        std::int64_t now = clock_.now_ms();
        // The version is read first: a change landing between these commands makes the stored
        // version older than the data, which only causes one extra full read later.
        std::vector<std::vector<std::string>> commands{
            {"HMGET", "show:" + t, "init", "v"},
            {"ZRANGEBYSCORE", "seat_expiry:" + t, "(" + std::to_string(now), std::string("(") + kSoldScore},
            {"ZRANGEBYSCORE", "seat_expiry:" + t, "(" + std::to_string(now), std::string("(") + kSoldScore,
             "WITHSCORES", "LIMIT", "0", "1"},
            {"SMEMBERS", "sold:" + t}};
        auto replies = co_await redis_.pipeline(std::move(commands));
        for (const auto& r : replies)
            if (r.is_error()) redis::throw_error_reply(r);
        if (word(replies[0], 0).empty() && attempt == 0) {
            co_await resync(show.show_id, ResyncMode::Repair);
            continue;
        }
        auto seats = std::make_shared<LiveSeats>();
        for (auto& v : replies[1].elements) seats->held.emplace_back(std::move(v.str));
        for (auto& v : replies[3].elements)
            if (v.str != kMark) seats->sold.emplace_back(std::move(v.str));
        show.sort_seats(seats->held);
        show.sort_seats(seats->sold);
        std::int64_t valid_until = replies[2].elements.size() == 2 ? std::stoll(replies[2].elements[1].str) : INT64_MAX;
        // Field by field: g++ 12 destroys the temporaries of a braced initialiser in a coroutine twice.
        RememberedMap map;
        map.epoch = word(replies[0], 0);
        map.version = word(replies[0], 1);
        map.valid_until_ms = valid_until;
        map.seats = seats;
        remember_map(show.show_id, std::move(map));
        co_return seats;
    }
}

boost::asio::awaitable<void> SeatStore::convert_hold(const ShowId& show, const UserId& user, const HoldId& hold,
                                                     const OrderId& order, std::int64_t order_expires_ms,
                                                     const std::vector<SeatId>& seats, std::int64_t seat_version) {
    std::vector<std::string> args{user.str(), hold.str(), order.str(), std::to_string(order_expires_ms + kOrderSeatGraceMs),
                                  std::to_string(seat_version)};
    append(args, seats);
    co_await run_script(kConvertHold, show, std::move(args));
}

boost::asio::awaitable<void> SeatStore::sell_order_seats(const ShowId& show, const OrderId& order,
                                                         const std::vector<SeatId>& seats, std::int64_t seat_version) {
    std::vector<std::string> args{order.str(), std::to_string(seat_version)};
    append(args, seats);
    co_await run_script(kSellOrderSeats, show, std::move(args));
}

boost::asio::awaitable<void> SeatStore::free_order_seats(const ShowId& show, const OrderId& order, bool were_sold,
                                                         const std::vector<SeatId>& seats, std::int64_t seat_version) {
    std::vector<std::string> args{order.str(), were_sold ? "1" : "0", std::to_string(seat_version)};
    append(args, seats);
    co_await run_script(kFreeOrderSeats, show, std::move(args));
}

boost::asio::awaitable<void> SeatStore::free_ended_order_seats(const ShowId& show, const OrderId& order,
                                                               const std::vector<SeatId>& seats) {
    co_await free_order_seats(show, order, false, seats, -1);
}

boost::asio::awaitable<SeatStore::Outcome> SeatStore::claim_hold(const ShowInfo& show, const UserId& user,
                                                                 const HoldId& hold, std::chrono::milliseconds claim) {
    std::vector<std::string> args{user.str(), hold.str(), std::to_string(claim.count())};
    auto reply = co_await run_script_on_show(kClaimHold, show.show_id, args);
    co_return outcome_of(reply, hold, show.show_id, &show, Outcome::Kind::NotBookable);
}

boost::asio::awaitable<std::vector<SeatStore::SeatVersion>> SeatStore::seat_versions() {
    auto rows = co_await db_.query(kSeatVersions);
    std::vector<SeatVersion> out;
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (pg::Row row : rows) {
        SeatVersion v;
        v.show = ShowId(row.text("show_id"));
        v.version = row.integer("version");
        out.push_back(std::move(v));
    }
    co_return out;
}

boost::asio::awaitable<void> SeatStore::forget_ended_versions() { co_await db_.query(kForgetEndedVersions); }

boost::asio::awaitable<std::vector<SeatStore::RedisSeatState>> SeatStore::inspect(const std::vector<ShowId>& shows) {
    // Two commands a show: its record, and how many of its other six seat keys and its event stream
    // exist. Every one of those keys holds its sentinel (the stream: its first event) from the moment
    // the state is built (lua/prelude.lua), so it exists exactly while it has not been lost: the same
    // test the scripts make (keys_there).
    constexpr std::size_t kPerShow = 2;
    std::vector<std::vector<std::string>> commands;
    commands.reserve(shows.size() * kPerShow);
    for (const auto& show : shows) {
        auto keys = show_keys(show);
        commands.push_back({"HMGET", keys[0], "init", "applied"});
        commands.push_back({"EXISTS", keys[1], keys[2], keys[3], keys[4], keys[5], keys[6], keys[11]});
    }
    auto replies = co_await redis_.pipeline(std::move(commands));
    for (const auto& r : replies)
        if (r.is_error()) redis::throw_error_reply(r);
    std::vector<RedisSeatState> out(shows.size());
    for (std::size_t i = 0; i < shows.size(); ++i) {
        const redis::Value* r = &replies[kPerShow * i];
        out[i].initialized = !word(r[0], 0).empty();
        const std::string& applied = word(r[0], 1);
        out[i].applied = applied.empty() ? 0 : std::stoll(applied);
        out[i].intact = r[1].integer == 7;
    }
    co_return out;
}

boost::asio::awaitable<std::vector<SeatStore::FeedRead>> SeatStore::read_feeds(const std::vector<FeedAsk>& asks) {
    std::string now = std::to_string(clock_.now_ms());
    std::vector<std::vector<std::string>> commands;
    std::vector<std::size_t> first;  // each show's first command
    for (const auto& ask : asks) {
        std::string t = tag(ask.show);
        first.push_back(commands.size());
        commands.push_back({"XRANGE", "seat_events:" + t, "(" + ask.after, "+", "COUNT", "2000"});
        commands.push_back({"ZCOUNT", "seat_expiry:" + t, "(0", now});
        // After the read: the stream is trimmed from its oldest end, so an id still there after the
        // read means nothing after it was gone when it was read. One that is gone (trimmed, or the
        // stream lost or put back to an older copy) means what followed may not all be there.
        for (const auto& id : ask.must_exist) commands.push_back({"XRANGE", "seat_events:" + t, id, id});
    }
    auto replies = co_await redis_.pipeline(std::move(commands));
    for (const auto& r : replies)
        if (r.is_error()) redis::throw_error_reply(r);
    std::vector<FeedRead> out(asks.size());
    for (std::size_t i = 0; i < asks.size(); ++i) {
        const redis::Value* r = &replies[first[i]];
        for (std::size_t k = 0; k < asks[i].must_exist.size(); ++k)
            if (r[2 + k].elements.empty()) out[i].start_missing = true;
        // Each entry: [id, [field, value]] with the one field `e`.
        for (auto& entry : replies[first[i]].elements) {
            if (entry.elements.size() < 2 || entry.elements[1].elements.size() < 2) continue;
            SeatEvent event;
            event.id = std::move(entry.elements[0].str);
            event.json = std::move(entry.elements[1].elements[1].str);
            out[i].events.push_back(std::move(event));
        }
        out[i].expiry_due = r[1].integer > 0;
    }
    co_return out;
}

boost::asio::awaitable<bool> SeatStore::has_event(const ShowId& show, const std::string& id) {
    std::vector<std::string> range{"XRANGE", "seat_events:" + tag(show), id, id};
    auto reply = co_await redis_.command(std::move(range));
    // An id that is not one (a client's invention) is an error reply: no such event either.
    co_return !reply.is_error() && !reply.elements.empty();
}

boost::asio::awaitable<std::string> SeatStore::newest_event(const ShowId& show) {
    std::vector<std::string> newest{"XREVRANGE", "seat_events:" + tag(show), "+", "-", "COUNT", "1"};
    auto reply = co_await redis_.command(std::move(newest));
    if (reply.is_error()) redis::throw_error_reply(reply);
    if (reply.elements.empty() || reply.elements[0].elements.empty()) co_return std::string("0-0");
    co_return reply.elements[0].elements[0].str;
}

boost::asio::awaitable<void> SeatStore::expire_seats(const ShowId& show) {
    auto keys = show_keys(show);
    std::vector<std::string> no_args;
    auto reply = co_await redis_.eval(kExpireSeats, keys, no_args);
    if (reply.is_error()) redis::throw_error_reply(reply);
}

std::vector<std::vector<std::string>> SeatStore::count_commands(const std::vector<ShowId>& shows) const {
    // Held and sold seats both have a score above now: one ZCOUNT per show.
    std::string now = "(" + std::to_string(clock_.now_ms());
    std::vector<std::vector<std::string>> commands;
    commands.reserve(shows.size());
    for (const auto& id : shows) commands.push_back({"ZCOUNT", "seat_expiry:" + tag(id), now, "+inf"});
    return commands;
}

}  // namespace marquee::booking
