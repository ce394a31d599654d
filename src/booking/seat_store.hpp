#pragma once
#include "booking/model.hpp"
#include "booking/show_info.hpp"
#include "catalog/seat_counts.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pg { class Pool; }
namespace redis {
class Client;
class ServerClock;
struct Script;
struct Value;
}  // namespace redis

namespace marquee::booking {

// The live seats of a show: what the seat map shows besides the layout.
struct LiveSeats {
    std::vector<SeatId> held;  // held, or in an order awaiting payment; layout order
    std::vector<SeatId> sold;  // layout order
};

// The live state of every seat of a show, in Redis: who holds what until when, and what is sold.
// All keys of one show share the hash tag {<showId>}, and every script gets all of them in KEYS, so
// this runs unchanged on Redis Cluster. Each operation is one Lua script (src/booking/lua/):
// atomic, all or nothing.
//
// Per show:  show:{S}         hash   init (state loaded from PostgreSQL), cancelled, v (bumped by
//                                   every change), pruned (when expired entries were last dropped),
//                                   applied (order changes applied, against PostgreSQL's seat version)
//            sold:{S}         set    seats of confirmed orders
//            seats:{S}        hash   seat → owner (a hold id, or order:<id> for an unpaid order)
//            seat_expiry:{S}  zset   seat → expiry (ms); an owner is only live before its expiry;
//                                   sold seats too, with a score beyond any expiry
//            holds:{S}        hash   hold id → hold record (JSON)
//            user_holds:{S}   hash   user → their current hold for the show
//            hold_expiry:{S}  zset   hold id → when its record may be forgotten (expiry + 1 h)
// The waiting room's (waiting_room.hpp; its settings are fields of show:{S}):
//            admitted:{S}     hash   user → "<place number>:<expiry ms>" of an unused admission
//            queue:{S}        zset   user → place number (arrival order)
//            queue_seen:{S}   zset   user → when the place was last asked after (ms)
//            room:{S}         hash   the room's counters (seq, start, admitted, …)
// The live seat map's (seat_feed.hpp):
//            seat_events:{S}  stream every visible change of the seat map, the last ~1,000
// Global:    hold_show:<id>   string the show of a hold, to find it by id alone
//
// Every seat key but show:{S} carries a sentinel entry ('#'), so a key that is missing was lost, and all
// of them expire a day after the show ends. If the show's state is missing (a new show, or Redis
// lost its data) it is rebuilt from PostgreSQL (orders and order_seats) before the operation runs;
// the seat reconciler (jobs/seat_reconciler.cpp) rebuilds it when Redis has fallen behind.
//
// One per worker: it remembers, for that worker's thread alone, which show each hold it has seen
// belongs to and the seat maps it last read.
class SeatStore : public catalog::SeatCounts {
public:
    SeatStore(redis::Client& redis, pg::Pool& db, const redis::ServerClock& clock)
        : redis_(redis), db_(db), clock_(clock) {}

    struct Outcome {
        enum class Kind { Ok, Taken, NotBookable, NotFound, WrongState, Claimed, NoneFree, AdmissionRefused };
        Kind kind = Kind::Ok;
        std::string admission_refusal;  // for AdmissionRefused: ADMISSION_REQUIRED, _INVALID or _EXPIRED
        std::vector<SeatId> taken;  // for Taken, in layout order
        Hold hold;                  // for Ok and WrongState
    };

    // Locks all of `seats` for a new hold of `user`, or none; replaces the user's previous hold on the
    // show only when it succeeds. While the show's waiting room is on, the hold needs `admission` (the
    // number of the user's admission, "" for none) and uses it up; AdmissionRefused otherwise.
    boost::asio::awaitable<Outcome> create_hold(const ShowInfo& show, const UserId& user,
                                                const std::vector<SeatId>& seats, int ttl_seconds,
                                                const std::string& admission);
    // Best available (lua/best_hold.lua): `quantity` adjacent seats of one of `rows` (the wanted seat
    // type's), the best free ones, for a new hold of `user`; NoneFree when no row has them.
    boost::asio::awaitable<Outcome> create_best_hold(const ShowInfo& show, const UserId& user, int quantity,
                                                     const std::vector<const ShowInfo::Row*>& rows, int ttl_seconds,
                                                     const std::string& admission);

    // The waiting room's queue (lua/room_queue.lua): a place taken (join) or asked after (poll).
    struct QueueState {
        enum class Kind { Open, Waiting, Admitted, Gone, NotBookable };
        Kind kind = Kind::Open;
        std::int64_t number = 0;              // the place's number (arrival order); an admission's too
        std::int64_t ahead = 0;               // Waiting: places before it
        std::int64_t waiting = 0;             // Waiting: places in the queue
        std::int64_t admit_per_second = 0;    // Waiting
        std::optional<std::int64_t> opens_ms;  // Waiting: no admissions before
        std::int64_t admission_expires_ms = 0;  // Admitted
        std::int64_t seats_free = 0;            // Waiting, Admitted: neither held nor sold
    };
    enum class QueueAction { Join, Poll, Leave };
    // `place`: for Leave, the number of the place given up (a newer place of the user's stays).
    boost::asio::awaitable<QueueState> room_queue(const ShowInfo& show, const UserId& user, QueueAction action,
                                                  std::chrono::milliseconds place_ttl, std::int64_t place = 0);
    // An admin's new settings (committed to PostgreSQL first), in lua/prelude.lua's apply_room form.
    boost::asio::awaitable<void> apply_room_settings(const ShowId& show, const std::string& spec);
    // Places waiting and admissions made so far in the show's room.
    struct RoomCounts {
        std::int64_t waiting = 0;
        std::int64_t admitted = 0;
        bool on = false;  // as Redis has it (a room may have turned itself on)
    };
    boost::asio::awaitable<RoomCounts> room_counts(const ShowId& show);
    // Swaps the seats of a HELD hold atomically, keeping its expiry.
    boost::asio::awaitable<Outcome> change_hold(const ShowInfo& show, const UserId& user, const HoldId& hold,
                                                const std::vector<SeatId>& seats);
    // Frees the seats of a hold. Releasing twice is fine; a CONVERTED hold is WrongState.
    boost::asio::awaitable<Outcome> release_hold(const ShowId& show, const UserId& user, const HoldId& hold);
    // The hold if it exists and belongs to `user` (others' holds are reported as not found).
    boost::asio::awaitable<std::optional<Hold>> find_hold(const UserId& user, const HoldId& hold);
    // The show a hold belongs to, if the hold is known.
    boost::asio::awaitable<std::optional<ShowId>> show_of_hold(const HoldId& hold);
    // Keeps a HELD hold's seats its own for `claim` while its order is written (claim_hold.lua).
    // Ok with the hold, or NotFound (also another user's), WrongState with the hold (not HELD on
    // Redis's clock, CONVERTED included), Taken, NotBookable.
    boost::asio::awaitable<Outcome> claim_hold(const ShowInfo& show, const UserId& user, const HoldId& hold,
                                               std::chrono::milliseconds claim);

    // Orders (PostgreSQL has already committed the change; these bring Redis in line with it).
    // An order's seats stay locked in Redis until the order's expiry plus a grace period: the
    // expiry sweeper frees them as soon as it has expired the order in PostgreSQL.
    // Each carries the seat version PostgreSQL gave the change (migration 007): a change the show's
    // last rebuild already had is not applied again.
    boost::asio::awaitable<void> convert_hold(const ShowId& show, const UserId& user, const HoldId& hold,
                                              const OrderId& order, std::int64_t order_expires_ms,
                                              const std::vector<SeatId>& seats, std::int64_t seat_version);
    boost::asio::awaitable<void> sell_order_seats(const ShowId& show, const OrderId& order,
                                                  const std::vector<SeatId>& seats, std::int64_t seat_version);
    boost::asio::awaitable<void> free_order_seats(const ShowId& show, const OrderId& order, bool were_sold,
                                                  const std::vector<SeatId>& seats, std::int64_t seat_version);
    // Frees what Redis still has as an unpaid order's seats, for a request that found the order
    // ended by another process whose own step (free_order_seats) may not have landed yet. Counted
    // nowhere: that step still is, when it lands (lua/free_order_seats.lua, seat version -1).
    boost::asio::awaitable<void> free_ended_order_seats(const ShowId& show, const OrderId& order,
                                                        const std::vector<SeatId>& seats);
    // Rebuilds the show's seats from PostgreSQL, keeping the live holds on seats it leaves free.
    boost::asio::awaitable<void> resync(const ShowId& show);

    // For the seat reconciler: PostgreSQL's seat version of every show that has not ended and has
    // had orders, and what Redis holds of each show.
    struct SeatVersion {
        ShowId show;
        std::int64_t version = 0;
    };
    boost::asio::awaitable<std::vector<SeatVersion>> seat_versions();
    boost::asio::awaitable<void> forget_ended_versions();
    struct RedisSeatState {
        bool initialized = false;  // the show's state is there
        bool intact = false;       // every key that must be there is
        std::int64_t applied = 0;  // order changes applied
    };
    boost::asio::awaitable<std::vector<RedisSeatState>> inspect(const std::vector<ShowId>& shows);

    // Live, never stale: a remembered map is used only after Redis confirms (one HMGET) that nothing
    // changed since and no held seat has expired.
    boost::asio::awaitable<std::shared_ptr<const LiveSeats>> seat_map(const ShowInfo& show);

    // The seat events (lua/prelude.lua, emit) of live seat maps (seat_feed.hpp).
    struct SeatEvent {
        std::string id;    // the stream entry's, "<ms>-<n>"
        std::string json;  // {cause, held, available, sold}
    };
    struct FeedAsk {
        ShowId show;
        std::string after;                    // read the events after this id ("0-0": from the start)
        std::vector<std::string> must_exist;  // ids that must still be in the stream
    };
    struct FeedRead {
        std::vector<SeatEvent> events;  // after the id asked, oldest first
        // An id of must_exist is no longer in the stream (trimmed, or the stream was lost or put
        // back to an older copy): the events read may not be all that happened.
        bool start_missing = false;
        bool expiry_due = false;        // a held seat's expiry has passed, and it is not yet available
    };
    // For each show asked: its events after an id, in one round trip.
    boost::asio::awaitable<std::vector<FeedRead>> read_feeds(const std::vector<FeedAsk>& asks);
    // Whether the show's stream still has the event `id` (and so everything after it).
    boost::asio::awaitable<bool> has_event(const ShowId& show, const std::string& id);
    // The id of the show's newest event ("0-0" when it has none).
    boost::asio::awaitable<std::string> newest_event(const ShowId& show);
    // Makes the seats whose expiry passed available now, with their event (lua/expire_seats.lua).
    boost::asio::awaitable<void> expire_seats(const ShowId& show);

    // Held + sold seats of each show: one ZCOUNT each (catalog::SeatCounts).
    std::vector<std::vector<std::string>> count_commands(const std::vector<ShowId>& shows) const override;

private:
    struct RememberedMap {
        std::string epoch;
        std::string version;
        std::int64_t valid_until_ms = 0;
        std::shared_ptr<const LiveSeats> seats;
    };

    // Repair: only a state that is missing or damaged (scripts answer REBUILD); Always: whatever is
    // there (the reconciler found Redis behind PostgreSQL).
    enum class ResyncMode { Repair, Always };
    boost::asio::awaitable<void> resync(const ShowId& show, ResyncMode mode);
    // The Outcome a hold script's reply stands for (change, release and claim answer alike). `layout`
    // sorts the seats of a TAKEN answer; `if_rebuilt_twice` is what a second REBUILD means.
    Outcome outcome_of(const redis::Value& reply, const HoldId& hold, const ShowId& show, const ShowInfo* layout,
                       Outcome::Kind if_rebuilt_twice) const;
    boost::asio::awaitable<redis::Value> run_script(const redis::Script& script, const ShowId& show,
                                                    std::vector<std::string> args);
    // A hold-granting script's answer when it is not OK: the Outcome it stands for, or nullopt.
    static std::optional<Outcome> refusal_of(const redis::Value& reply, const ShowInfo& show);
    // run_script for the scripts that need the show's state (they answer REBUILD without it).
    boost::asio::awaitable<redis::Value> run_script_on_show(const redis::Script& script, const ShowId& show,
                                                            const std::vector<std::string>& args);
    // The hold a granting script's {'OK', expires} stands for, indexed by its id.
    boost::asio::awaitable<Hold> granted(const ShowInfo& show, const UserId& user, const HoldId& hold,
                                         std::vector<SeatId> seats, std::int64_t expires_ms, std::int64_t ttl_ms);
    void remember_hold_show(const HoldId& hold, const ShowId& show);
    void remember_map(const ShowId& show, RememberedMap map);

    redis::Client& redis_;
    pg::Pool& db_;
    const redis::ServerClock& clock_;
    // Hold → show for the holds this worker created or looked up. The pair never changes, so a
    // remembered one is never stale (a hold that is gone is then simply not found in its show's
    // keys); a client's hold and its order usually arrive on one connection, hence one worker, and
    // the order skips the index round trip. Bounded: forgetting costs one GET per hold.
    std::unordered_map<HoldId, ShowId> hold_shows_;
    std::unordered_map<ShowId, RememberedMap> seat_maps_;
};

}  // namespace marquee::booking
