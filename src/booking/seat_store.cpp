#include "booking/seat_store.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"
#include "pg/pool.hpp"
#include "redis/client.hpp"

#include <boost/json/parse.hpp>

#include <chrono>

namespace marquee::booking {

namespace {

// How long a hold stays readable (as EXPIRED, RELEASED …) after it expires.
constexpr std::int64_t kHoldRetentionMs = 3'600'000;

// Shared by every script: key names, Redis's clock, and the helpers that keep seats and holds
// consistent. KEYS are always the seven keys of SeatStore's comment, in that order.
constexpr const char* kPrelude = R"lua(
local SHOW, SOLD, SEATS, SEAT_EXP, HOLDS, USER_HOLDS, HOLD_EXP = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- Forget seats whose owner expired and hold records past their retention (bounded work per call).
local function prune()
  local seats = redis.call('ZRANGEBYSCORE', SEAT_EXP, '-inf', now, 'LIMIT', 0, 500)
  if #seats > 0 then
    redis.call('HDEL', SEATS, unpack(seats))
    redis.call('ZREM', SEAT_EXP, unpack(seats))
  end
  local ids = redis.call('ZRANGEBYSCORE', HOLD_EXP, '-inf', now, 'LIMIT', 0, 100)
  for _, id in ipairs(ids) do
    local raw = redis.call('HGET', HOLDS, id)
    if raw then
      local user = cjson.decode(raw).u
      if redis.call('HGET', USER_HOLDS, user) == id then redis.call('HDEL', USER_HOLDS, user) end
    end
  end
  if #ids > 0 then
    redis.call('HDEL', HOLDS, unpack(ids))
    redis.call('ZREM', HOLD_EXP, unpack(ids))
  end
end

local function check_show()
  local state = redis.call('HMGET', SHOW, 'init', 'cancelled')
  if not state[1] then return 'REBUILD' end
  if state[2] == '1' then return 'NOT_BOOKABLE' end
  return nil
end

local function load_hold(id)
  local raw = redis.call('HGET', HOLDS, id)
  if not raw then return nil end
  local h = cjson.decode(raw)
  if h.st == 'HELD' and h.e <= now then h.st = 'EXPIRED' end
  return h
end

local function save_hold(id, h)
  redis.call('HSET', HOLDS, id, cjson.encode(h))
end

local function live_owner(seat)
  local expires = redis.call('ZSCORE', SEAT_EXP, seat)
  if expires and tonumber(expires) > now then return redis.call('HGET', SEATS, seat) end
  return false
end

-- The seats of `wanted` that are sold, or owned by anyone but `mine` (a hold id, or false).
local function taken_seats(wanted, mine)
  local taken = {}
  for _, seat in ipairs(wanted) do
    if redis.call('SISMEMBER', SOLD, seat) == 1 then
      taken[#taken + 1] = seat
    else
      local owner = live_owner(seat)
      if owner and owner ~= mine then taken[#taken + 1] = seat end
    end
  end
  return taken
end

-- Frees only the seats that still belong to `owner`: never someone else's.
local function free_seats(owner, seats)
  for _, seat in ipairs(seats) do
    if redis.call('HGET', SEATS, seat) == owner then
      redis.call('HDEL', SEATS, seat)
      redis.call('ZREM', SEAT_EXP, seat)
    end
  end
end

local function lock_seats(owner, seats, expires)
  for _, seat in ipairs(seats) do
    redis.call('HSET', SEATS, seat, owner)
    redis.call('ZADD', SEAT_EXP, expires, seat)
  end
end

local function args_from(first)
  local list = {}
  for i = first, #ARGV do list[#list + 1] = ARGV[i] end
  return list
end
)lua";

std::string script_text(const char* body) { return std::string(kPrelude) + body; }

// ARGV: user, hold id, ttl ms, retention ms, seats… → {'OK', expires} | {'TAKEN', seats…} | {'REBUILD'} | {'NOT_BOOKABLE'}
const redis::Script kCreateHold(script_text(R"lua(
local problem = check_show()
if problem then return {problem} end
prune()
local user, id, ttl, retention = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local wanted = args_from(5)
local previous = redis.call('HGET', USER_HOLDS, user)
local old = previous and load_hold(previous)
local mine = (old and old.st == 'HELD') and previous or false
local taken = taken_seats(wanted, mine)
if #taken > 0 then
  table.insert(taken, 1, 'TAKEN')
  return taken
end
if mine then
  free_seats(previous, old.s)
  old.st = 'RELEASED'
  save_hold(previous, old)
end
local expires = now + ttl
lock_seats(id, wanted, expires)
save_hold(id, {u = user, s = wanted, e = expires, st = 'HELD'})
redis.call('ZADD', HOLD_EXP, expires + retention, id)
redis.call('HSET', USER_HOLDS, user, id)
return {'OK', expires}
)lua"));

// ARGV: user, hold id, seats… → {'OK', hold} | {'TAKEN', seats…} | {'NOT_FOUND'} | {'STATE', hold} | …
const redis::Script kChangeHold(script_text(R"lua(
local problem = check_show()
if problem then return {problem} end
prune()
local user, id = ARGV[1], ARGV[2]
local h = load_hold(id)
if not h or h.u ~= user then return {'NOT_FOUND'} end
if h.st ~= 'HELD' then return {'STATE', cjson.encode(h)} end
local wanted = args_from(3)
local taken = taken_seats(wanted, id)
if #taken > 0 then
  table.insert(taken, 1, 'TAKEN')
  return taken
end
free_seats(id, h.s)
lock_seats(id, wanted, h.e)
h.s = wanted
save_hold(id, h)
return {'OK', cjson.encode(h)}
)lua"));

// ARGV: user, hold id → {'OK', hold} | {'NOT_FOUND'} | {'STATE', hold}
const redis::Script kReleaseHold(script_text(R"lua(
prune()
local user, id = ARGV[1], ARGV[2]
local h = load_hold(id)
if not h or h.u ~= user then return {'NOT_FOUND'} end
if h.st == 'CONVERTED' then return {'STATE', cjson.encode(h)} end
if h.st == 'HELD' then
  free_seats(id, h.s)
  h.st = 'RELEASED'
  save_hold(id, h)
  if redis.call('HGET', USER_HOLDS, user) == id then redis.call('HDEL', USER_HOLDS, user) end
end
return {'OK', cjson.encode(h)}
)lua"));

// Loads a show's state from PostgreSQL unless another caller already did.
// ARGV: cancelled (0/1), number of sold seats, sold seats…, then (seat, owner, expires ms) triples.
const redis::Script kRebuild(script_text(R"lua(
if redis.call('HGET', SHOW, 'init') then return 0 end
redis.call('HSET', SHOW, 'init', '1', 'cancelled', ARGV[1])
local sold = tonumber(ARGV[2])
for i = 3, 2 + sold do redis.call('SADD', SOLD, ARGV[i]) end
local i = 3 + sold
while i + 2 <= #ARGV do
  redis.call('HSET', SEATS, ARGV[i], ARGV[i + 1])
  redis.call('ZADD', SEAT_EXP, ARGV[i + 2], ARGV[i])
  i = i + 3
end
return 1
)lua"));

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
    std::vector<std::string> args{r.text(0, 0) == "CANCELLED" ? "1" : "0"};
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
    std::vector<std::string> get{"GET", hold_index_key(hold_id)};
    auto reply = co_await redis_.command(std::move(get));
    if (reply.type != redis::Value::Type::String) co_return std::nullopt;
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

boost::asio::awaitable<SeatStore::SeatMap> SeatStore::seat_map(const ShowInfo& show) {
    std::string t = tag(show.show_id);
    for (int attempt = 0;; ++attempt) {
        std::vector<std::vector<std::string>> commands{
            {"HGET", "show:" + t, "init"},
            {"ZRANGEBYSCORE", "seat_expiry:" + t, "(" + std::to_string(now_ms()), "+inf"},
            {"SMEMBERS", "sold:" + t}};
        auto replies = co_await redis_.pipeline(std::move(commands));
        if (replies[0].is_nil() && attempt == 0) {
            co_await rebuild(show.show_id);
            continue;
        }
        SeatMap map;
        for (auto& v : replies[1].elements) map.held.push_back(std::move(v.str));
        for (auto& v : replies[2].elements) map.sold.push_back(std::move(v.str));
        show.sort_seats(map.held);
        show.sort_seats(map.sold);
        co_return map;
    }
}

boost::asio::awaitable<std::vector<long long>> SeatStore::occupancy(const std::vector<std::string>& show_ids) {
    std::vector<std::vector<std::string>> commands;
    std::string now = "(" + std::to_string(now_ms());
    for (const auto& id : show_ids) {
        commands.push_back({"ZCOUNT", "seat_expiry:" + tag(id), now, "+inf"});
        commands.push_back({"SCARD", "sold:" + tag(id)});
    }
    std::vector<long long> out;
    if (commands.empty()) co_return out;
    auto replies = co_await redis_.pipeline(std::move(commands));
    for (std::size_t i = 0; i + 1 < replies.size(); i += 2) out.push_back(replies[i].integer + replies[i + 1].integer);
    co_return out;
}

}  // namespace marquee::booking
