#pragma once
#include "booking/show_info.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

namespace pg { class Pool; }
namespace redis {
class Client;
struct Script;
}  // namespace redis

namespace marquee::booking {

// The live seats of shows as last read by this thread, with what makes them current: the show's
// state epoch and version (bumped by every change) and the first instant a held seat expires.
struct LiveSeats {
    std::vector<std::string> held;  // held, or in an order awaiting payment; layout order
    std::vector<std::string> sold;  // layout order
};

class SeatMapCache {
public:
    struct Entry {
        std::string epoch;
        std::string version;
        std::int64_t valid_until_ms = 0;
        std::shared_ptr<const LiveSeats> seats;
    };
    Entry* find(const std::string& show_id);
    void store(const std::string& show_id, Entry entry);

private:
    std::unordered_map<std::string, Entry> entries_;
};

// A hold as Redis keeps it.
struct Hold {
    std::string hold_id;
    std::string show_id;
    std::string user_id;
    std::vector<std::string> seats;
    std::int64_t expires_ms = 0;
    std::string status;  // HELD, EXPIRED, RELEASED or CONVERTED
    std::optional<std::string> order_id;
};

// The live state of every seat of a show, in Redis: who holds what until when, and what is sold.
// All keys of one show share the hash tag {<showId>}, and every script gets all of them in KEYS, so
// this runs unchanged on Redis Cluster. Each operation is one Lua script: atomic, all or nothing.
//
// Per show:  show:{S}         hash   init (state loaded from PostgreSQL), cancelled, v (bumped by
//                                   every change), pruned (when expired entries were last dropped)
//            sold:{S}         set    seats of confirmed orders
//            seats:{S}        hash   seat → owner (a hold id, or order:<id> for an unpaid order)
//            seat_expiry:{S}  zset   seat → expiry (ms); an owner is only live before its expiry;
//                                   sold seats too, with a score beyond any expiry
//            holds:{S}        hash   hold id → hold record (JSON)
//            user_holds:{S}   hash   user → their current hold for the show
//            hold_expiry:{S}  zset   hold id → when its record may be forgotten (expiry + 1 h)
// Global:    hold_show:<id>   string the show of a hold, to find it by id alone
//
// If the show's state is missing (a new show, or Redis lost its data) it is rebuilt from
// PostgreSQL (orders and order_seats) before the operation runs.
class SeatStore {
public:
    SeatStore(redis::Client& redis, pg::Pool& db) : redis_(redis), db_(db) {}

    struct Outcome {
        enum class Kind { Ok, Taken, NotBookable, NotFound, WrongState };
        Kind kind = Kind::Ok;
        std::vector<std::string> taken;  // for Taken, in layout order
        Hold hold;                       // for Ok and WrongState
    };

    // Locks all of `seats` for a new hold of `user`, or none; replaces the user's previous hold on the
    // show only when it succeeds.
    boost::asio::awaitable<Outcome> create_hold(const ShowInfo& show, const std::string& user,
                                                const std::vector<std::string>& seats, int ttl_seconds);
    // Swaps the seats of a HELD hold atomically, keeping its expiry.
    boost::asio::awaitable<Outcome> change_hold(const ShowInfo& show, const std::string& user,
                                                const std::string& hold_id, const std::vector<std::string>& seats);
    // Frees the seats of a hold. Releasing twice is fine; a CONVERTED hold is WrongState.
    boost::asio::awaitable<Outcome> release_hold(const std::string& show_id, const std::string& user,
                                                 const std::string& hold_id);
    // The hold if it exists and belongs to `user` (others' holds are reported as not found).
    boost::asio::awaitable<std::optional<Hold>> find_hold(const std::string& user, const std::string& hold_id);
    // The show a hold belongs to, if the hold is known.
    boost::asio::awaitable<std::optional<std::string>> show_of_hold(const std::string& hold_id);

    // Orders (PostgreSQL has already committed the change; these bring Redis in line with it).
    // An order's seats stay locked in Redis until the order's expiry plus a grace period: the
    // expiry sweeper frees them as soon as it has expired the order in PostgreSQL.
    boost::asio::awaitable<void> convert_hold(const std::string& show_id, const std::string& user,
                                              const std::string& hold_id, const std::string& order_id,
                                              std::int64_t order_expires_ms, const std::vector<std::string>& seats);
    boost::asio::awaitable<void> sell_order_seats(const std::string& show_id, const std::string& order_id,
                                                  const std::vector<std::string>& seats);
    boost::asio::awaitable<void> free_order_seats(const std::string& show_id, const std::string& order_id,
                                                  bool were_sold, const std::vector<std::string>& seats);
    boost::asio::awaitable<void> cancel_show(const std::string& show_id);

    // Live, never stale: a cached answer is used only after Redis confirms (one HMGET) that nothing
    // changed since and no held seat has expired.
    boost::asio::awaitable<std::shared_ptr<const LiveSeats>> seat_map(const ShowInfo& show, SeatMapCache& cache);

    // Held + sold seats of each show, for the occupancy status of a page of shows (one round trip).
    boost::asio::awaitable<std::vector<long long>> occupancy(const std::vector<std::string>& show_ids);
    // The same as commands, to travel in someone else's pipeline; each reply is the show's count.
    static std::vector<std::vector<std::string>> occupancy_commands(const std::vector<std::string>& show_ids);

private:
    boost::asio::awaitable<void> rebuild(const std::string& show_id);
    boost::asio::awaitable<void> run_order_script(const redis::Script& script, const std::string& show_id,
                                                  std::vector<std::string> args);

    redis::Client& redis_;
    pg::Pool& db_;
};

}  // namespace marquee::booking
