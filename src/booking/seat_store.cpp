#include "booking/seat_store.hpp"

#include "booking/lua_scripts.hpp"
#include "common/errors.hpp"
#include "common/text.hpp"
#include "pg/pool.hpp"
#include "redis/client.hpp"

#include <boost/json/parse.hpp>

#include <chrono>

namespace marquee::booking {

namespace {

// The seat_expiry score of a sold seat (SOLD_SCORE in lua/prelude.lua).
constexpr const char* kSoldScore = "9000000000000000";

// How long a hold stays readable (as EXPIRED, RELEASED …) after it expires.
constexpr std::int64_t kHoldRetentionMs = 3'600'000;

// A script as Redis runs it: the shared prelude, then the script's own file (src/booking/lua/).
std::string script(std::string_view name) {
    std::string text(lua_source("prelude"));
    return text.append(lua_source(name));
}

const redis::Script kCreateHold(script("create_hold"));

const redis::Script kChangeHold(script("change_hold"));

const redis::Script kReleaseHold(script("release_hold"));

const redis::Script kRebuild(script("rebuild"));
const redis::Script kConvertHold(script("convert_hold"));
const redis::Script kSellOrderSeats(script("sell_order_seats"));
const redis::Script kFreeOrderSeats(script("free_order_seats"));
const redis::Script kCancelShow(script("cancel_show"));

// How long past its payment deadline an unpaid order keeps its seats in Redis if the expiry sweeper
// is not running; with the sweeper they are freed within a second or two of the deadline.
constexpr std::int64_t kOrderSeatGraceMs = 15'000;

// The show's status and the live (pending or confirmed) order seats: the truth Redis is rebuilt from.
constexpr pg::Statement kShowSeatState{
    "booking_show_seat_state",
    "SELECT s.status, (SELECT COALESCE(json_agg(json_build_array(os.seat_id, o.status, o.order_id, "
    "  (extract(epoch FROM o.expires_at) * 1000)::bigint)), '[]') "
    "  FROM order_seats os JOIN orders o ON o.order_id = os.order_id WHERE os.show_id = s.show_id)::text "
    "FROM shows s WHERE s.show_id = $1"};

std::string tag(const std::string& show_id) { return "{" + show_id + "}"; }

std::vector<std::string> show_keys(const std::string& show_id) {
    std::string t = tag(show_id);
    return {"show:" + t,  "sold:" + t,       "seats:" + t,      "seat_expiry:" + t,
            "holds:" + t, "user_holds:" + t, "hold_expiry:" + t};
}

std::string hold_index_key(const std::string& hold_id) { return "hold_show:" + hold_id; }

// Hold id → show id for the holds this thread created or looked up. The pair never changes, so a
// remembered one is never stale (a hold that is gone is then simply not found in its show's keys);
// a client's hold and its order usually arrive on one connection, hence one thread, and the order
// skips the index round trip. Bounded: forgetting costs one GET per hold.
thread_local std::unordered_map<std::string, std::string> known_hold_shows;

void remember_hold_show(const std::string& hold_id, const std::string& show_id) {
    if (known_hold_shows.size() >= 100'000) known_hold_shows.clear();
    known_hold_shows.emplace(hold_id, show_id);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Hold parse_hold(const std::string& json, const std::string& hold_id, const std::string& show_id) {
    auto value = boost::json::parse(json);
    const auto& o = value.as_object();
    Hold h;
    h.hold_id = hold_id;
    h.show_id = show_id;
    h.user_id = std::string(o.at("u").as_string());
    for (const auto& s : o.at("s").as_array()) h.seats.emplace_back(s.as_string());
    h.expires_ms = o.at("e").to_number<std::int64_t>();
    h.status = std::string(o.at("st").as_string());
    if (h.status == "HELD" && h.expires_ms <= now_ms()) h.status = "EXPIRED";
    if (auto* order = o.if_contains("o"); order && order->is_string()) h.order_id = std::string(order->as_string());
    return h;
}

const std::string& word(const redis::Value& reply, std::size_t i) {
    static const std::string empty;
    return reply.type == redis::Value::Type::Array && i < reply.elements.size() ? reply.elements[i].str : empty;
}

void expect_array(const redis::Value& reply) {
    if (reply.is_error()) throw std::runtime_error("seat script failed: " + reply.str);
    if (reply.type != redis::Value::Type::Array || reply.elements.empty())
        throw std::runtime_error("seat script returned an unexpected reply");
}

SeatStore::Outcome taken_outcome(const redis::Value& reply, const ShowInfo& show) {
    SeatStore::Outcome out;
    out.kind = SeatStore::Outcome::Kind::Taken;
    for (std::size_t i = 1; i < reply.elements.size(); ++i) out.taken.push_back(reply.elements[i].str);
    show.sort_seats(out.taken);
    return out;
}

}  // namespace

boost::asio::awaitable<void> SeatStore::rebuild(const std::string& show_id) {
    auto r = co_await db_.query(kShowSeatState, show_id);
    if (r.empty()) co_return;
    std::vector<std::string> args{random_uuid(), r.text(0, 0) == "CANCELLED" ? "1" : "0"};
    std::vector<std::string> sold, pending;
    auto order_seats = boost::json::parse(r.text(0, 1));
    for (const auto& row : order_seats.as_array()) {
        const auto& a = row.as_array();
        std::string seat(a[0].as_string());
        if (a[1].as_string() == "CONFIRMED") {
            sold.push_back(seat);
        } else {
            pending.push_back(seat);
            pending.push_back("order:" + std::string(a[2].as_string()));
            pending.push_back(std::to_string(a[3].to_number<std::int64_t>()));
        }
    }
    args.push_back(std::to_string(sold.size()));
    args.insert(args.end(), sold.begin(), sold.end());
    args.insert(args.end(), pending.begin(), pending.end());
    auto keys = show_keys(show_id);
    auto reply = co_await redis_.eval(kRebuild, keys, args);
    if (reply.is_error()) throw std::runtime_error("seat state rebuild failed: " + reply.str);
}

boost::asio::awaitable<SeatStore::Outcome> SeatStore::create_hold(const ShowInfo& show, const std::string& user,
                                                                  const std::vector<std::string>& seats,
                                                                  int ttl_seconds) {
    std::string hold_id = random_uuid();
    std::int64_t ttl_ms = static_cast<std::int64_t>(ttl_seconds) * 1000;
    auto keys = show_keys(show.show_id);
    std::vector<std::string> args{user, hold_id, std::to_string(ttl_ms), std::to_string(kHoldRetentionMs)};
    args.insert(args.end(), seats.begin(), seats.end());
    std::vector<std::string> script{"EVALSHA", kCreateHold.sha, std::to_string(keys.size())};
    script.insert(script.end(), keys.begin(), keys.end());
    script.insert(script.end(), args.begin(), args.end());
    // The lookup index travels in the same write as the script: one round trip for a new hold.
    std::vector<std::vector<std::string>> commands{
        script, {"SET", hold_index_key(hold_id), show.show_id, "PX", std::to_string(ttl_ms + kHoldRetentionMs + 60'000)}};

    redis::Value reply;
    for (int attempt = 0;; ++attempt) {
        auto replies = co_await redis_.pipeline(commands);
        reply = std::move(replies[0]);
        // After a Redis restart the script is unknown: Client::eval sends its body.
        if (reply.is_error() && reply.str.rfind("NOSCRIPT", 0) == 0) reply = co_await redis_.eval(kCreateHold, keys, args);
        expect_array(reply);
        if (word(reply, 0) == "REBUILD" && attempt == 0) {
            co_await rebuild(show.show_id);
            continue;
        }
        break;
    }
    const std::string& verdict = word(reply, 0);
    if (verdict == "TAKEN") co_return taken_outcome(reply, show);
    Outcome out;
    if (verdict == "NOT_BOOKABLE" || verdict == "REBUILD") {
        // REBUILD twice: the show vanished from PostgreSQL in between; nothing can be booked.
        out.kind = Outcome::Kind::NotBookable;
        co_return out;
    }
    out.hold = Hold{hold_id, show.show_id, user, seats, reply.elements.at(1).integer, "HELD", std::nullopt};
    remember_hold_show(hold_id, show.show_id);
    co_return out;
}

boost::asio::awaitable<SeatStore::Outcome> SeatStore::change_hold(const ShowInfo& show, const std::string& user,
                                                                  const std::string& hold_id,
                                                                  const std::vector<std::string>& seats) {
    auto keys = show_keys(show.show_id);
    std::vector<std::string> args{user, hold_id};
    args.insert(args.end(), seats.begin(), seats.end());
    redis::Value reply;
    for (int attempt = 0;; ++attempt) {
        reply = co_await redis_.eval(kChangeHold, keys, args);
        expect_array(reply);
        if (word(reply, 0) != "REBUILD" || attempt > 0) break;
        co_await rebuild(show.show_id);
    }
    const std::string& verdict = word(reply, 0);
    Outcome out;
    if (verdict == "TAKEN") co_return taken_outcome(reply, show);
    if (verdict == "NOT_FOUND" || verdict == "REBUILD") out.kind = Outcome::Kind::NotFound;
    else if (verdict == "NOT_BOOKABLE") out.kind = Outcome::Kind::NotBookable;
    else {
        out.kind = verdict == "OK" ? Outcome::Kind::Ok : Outcome::Kind::WrongState;
        out.hold = parse_hold(word(reply, 1), hold_id, show.show_id);
    }
    co_return out;
}

boost::asio::awaitable<SeatStore::Outcome> SeatStore::release_hold(const std::string& show_id, const std::string& user,
                                                                   const std::string& hold_id) {
    auto keys = show_keys(show_id);
    std::vector<std::string> args{user, hold_id};
    auto reply = co_await redis_.eval(kReleaseHold, keys, args);
    expect_array(reply);
    const std::string& verdict = word(reply, 0);
    Outcome out;
    if (verdict == "NOT_FOUND") {
        out.kind = Outcome::Kind::NotFound;
    } else {
        out.kind = verdict == "OK" ? Outcome::Kind::Ok : Outcome::Kind::WrongState;
        out.hold = parse_hold(word(reply, 1), hold_id, show_id);
    }
    co_return out;
}

boost::asio::awaitable<std::optional<std::string>> SeatStore::show_of_hold(const std::string& hold_id) {
    if (auto known = known_hold_shows.find(hold_id); known != known_hold_shows.end()) co_return known->second;
    std::vector<std::string> get{"GET", hold_index_key(hold_id)};
    auto reply = co_await redis_.command(std::move(get));
    if (reply.type != redis::Value::Type::String) co_return std::nullopt;
    remember_hold_show(hold_id, reply.str);
    co_return reply.str;
}

boost::asio::awaitable<std::optional<Hold>> SeatStore::find_hold(const std::string& user, const std::string& hold_id) {
    auto show_id = co_await show_of_hold(hold_id);
    if (!show_id) co_return std::nullopt;
    std::vector<std::string> get{"HGET", "holds:" + tag(*show_id), hold_id};
    auto reply = co_await redis_.command(std::move(get));
    if (reply.type != redis::Value::Type::String) co_return std::nullopt;
    Hold h = parse_hold(reply.str, hold_id, *show_id);
    if (h.user_id != user) co_return std::nullopt;
    co_return h;
}

SeatMapCache::Entry* SeatMapCache::find(const std::string& show_id) {
    auto it = entries_.find(show_id);
    return it == entries_.end() ? nullptr : &it->second;
}

void SeatMapCache::store(const std::string& show_id, Entry entry) {
    // Bounded memory: dropping everything only costs one full read per show.
    if (entries_.size() >= 20'000 && !entries_.contains(show_id)) entries_.clear();
    entries_[show_id] = std::move(entry);
}

boost::asio::awaitable<std::shared_ptr<const LiveSeats>> SeatStore::seat_map(const ShowInfo& show,
                                                                             SeatMapCache& cache) {
    std::string t = tag(show.show_id);
    if (auto* cached = cache.find(show.show_id); cached && now_ms() < cached->valid_until_ms) {
        std::vector<std::string> version{"HMGET", "show:" + t, "init", "v"};
        auto reply = co_await redis_.command(std::move(version));
        if (word(reply, 0) == cached->epoch && word(reply, 1) == cached->version && !cached->epoch.empty())
            co_return cached->seats;
    }
    for (int attempt = 0;; ++attempt) {
        std::int64_t now = now_ms();
        // The version is read first: a change landing between these commands makes the stored
        // version older than the data, which only causes one extra full read later.
        std::vector<std::vector<std::string>> commands{
            {"HMGET", "show:" + t, "init", "v"},
            {"ZRANGEBYSCORE", "seat_expiry:" + t, "(" + std::to_string(now), std::string("(") + kSoldScore},
            {"ZRANGEBYSCORE", "seat_expiry:" + t, "(" + std::to_string(now), std::string("(") + kSoldScore,
             "WITHSCORES", "LIMIT", "0", "1"},
            {"SMEMBERS", "sold:" + t}};
        auto replies = co_await redis_.pipeline(std::move(commands));
        if (word(replies[0], 0).empty() && attempt == 0) {
            co_await rebuild(show.show_id);
            continue;
        }
        auto seats = std::make_shared<LiveSeats>();
        for (auto& v : replies[1].elements) seats->held.push_back(std::move(v.str));
        for (auto& v : replies[3].elements) seats->sold.push_back(std::move(v.str));
        show.sort_seats(seats->held);
        show.sort_seats(seats->sold);
        std::int64_t valid_until = replies[2].elements.size() == 2 ? std::stoll(replies[2].elements[1].str) : INT64_MAX;
        cache.store(show.show_id, {word(replies[0], 0), word(replies[0], 1), valid_until, seats});
        co_return seats;
    }
}

boost::asio::awaitable<void> SeatStore::run_order_script(const redis::Script& script, const std::string& show_id,
                                                        std::vector<std::string> args) {
    auto keys = show_keys(show_id);
    auto reply = co_await redis_.eval(script, keys, args);
    if (reply.is_error()) throw std::runtime_error("seat script failed: " + reply.str);
}

boost::asio::awaitable<void> SeatStore::convert_hold(const std::string& show_id, const std::string& user,
                                                     const std::string& hold_id, const std::string& order_id,
                                                     std::int64_t order_expires_ms,
                                                     const std::vector<std::string>& seats) {
    std::vector<std::string> args{user, hold_id, order_id, std::to_string(order_expires_ms + kOrderSeatGraceMs)};
    args.insert(args.end(), seats.begin(), seats.end());
    co_await run_order_script(kConvertHold, show_id, std::move(args));
}

boost::asio::awaitable<void> SeatStore::sell_order_seats(const std::string& show_id, const std::string& order_id,
                                                         const std::vector<std::string>& seats) {
    std::vector<std::string> args{order_id};
    args.insert(args.end(), seats.begin(), seats.end());
    co_await run_order_script(kSellOrderSeats, show_id, std::move(args));
}

boost::asio::awaitable<void> SeatStore::free_order_seats(const std::string& show_id, const std::string& order_id,
                                                         bool were_sold, const std::vector<std::string>& seats) {
    std::vector<std::string> args{order_id, were_sold ? "1" : "0"};
    args.insert(args.end(), seats.begin(), seats.end());
    co_await run_order_script(kFreeOrderSeats, show_id, std::move(args));
}

boost::asio::awaitable<void> SeatStore::cancel_show(const std::string& show_id) {
    std::vector<std::string> args{random_uuid()};
    co_await run_order_script(kCancelShow, show_id, std::move(args));
}

std::vector<std::vector<std::string>> SeatStore::occupancy_commands(const std::vector<std::string>& show_ids) {
    // Held and sold seats both have a score above now: one ZCOUNT per show.
    std::string now = "(" + std::to_string(now_ms());
    std::vector<std::vector<std::string>> commands;
    commands.reserve(show_ids.size());
    for (const auto& id : show_ids) commands.push_back({"ZCOUNT", "seat_expiry:" + tag(id), now, "+inf"});
    return commands;
}

boost::asio::awaitable<std::vector<long long>> SeatStore::occupancy(const std::vector<std::string>& show_ids) {
    std::vector<long long> out;
    if (show_ids.empty()) co_return out;
    auto replies = co_await redis_.pipeline(occupancy_commands(show_ids));
    for (const auto& r : replies) out.push_back(r.integer);
    co_return out;
}

}  // namespace marquee::booking
