#pragma once
#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"
#include "common/ids.hpp"
#include "common/input.hpp"
#include "common/time.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace pg { class Pool; }
namespace redis { class ServerClock; }

namespace marquee::booking {

// A show's virtual waiting room (docs/api-notes.md, "Waiting room"). Its settings are PostgreSQL's
// (waiting_rooms) and copied into the show's state in Redis, where the queue lives: any instance
// serves any user, a restart loses nobody's place, and Redis losing the settings rebuilds them.
struct RoomSettings {
    bool enabled = false;
    int admit_per_second = 0;
    std::optional<EpochSeconds> opens_at;
    std::optional<int> auto_above_per_second;
    int admission_ttl_seconds = 60;
};

// The body of PUT /api/v1/admin/shows/{id}/waiting-room. ApiError(400) naming the field at fault.
RoomSettings parse_room_settings(const input::Fields& body);

class WaitingRoom {
public:
    // A place is given up after this long without a poll.
    static constexpr std::chrono::seconds kPlaceTtl{30};

    WaitingRoom(pg::Pool& db, SeatStore& seats, const redis::ServerClock& clock, std::string secret)
        : db_(db), seats_(seats), clock_(clock), secret_(std::move(secret)) {}

    struct Room {
        RoomSettings settings;
        bool on = false;  // as Redis has it: a room set to turn itself on may have
        std::int64_t waiting = 0;
        std::int64_t admitted = 0;
    };
    // Admin: replaces the show's settings (PostgreSQL first, then Redis), and reads them back.
    boost::asio::awaitable<Room> configure(const ShowId& show, const RoomSettings& settings);
    boost::asio::awaitable<Room> describe(const ShowId& show);

    // A user's place, as the queue endpoints answer it.
    struct Place {
        SeatStore::QueueState state;
        std::string ticket;     // Waiting, Admitted
        std::string admission;  // Admitted
        // Waiting: until admission at the room's rate (and its opening), and when to ask again
        // (well within kPlaceTtl).
        std::int64_t estimated_wait_seconds = 0;
        int poll_after_seconds = 0;
    };
    boost::asio::awaitable<Place> join(const ShowInfo& show, const UserId& user);

    // A queue ticket, its signature checked: the show and the place it stands for.
    struct Ticket {
        ShowId show;
        std::int64_t place = 0;
    };
    // 404 for a ticket that is not the caller's (or not the server's at all).
    Ticket open_ticket(const std::string& ticket, const UserId& user) const;
    // The place a ticket stands for (`show` is the ticket's): 410 QUEUE_PLACE_EXPIRED for a place
    // given up or replaced by a newer one.
    boost::asio::awaitable<Place> poll(const ShowInfo& show, const Ticket& ticket, const UserId& user);
    // Gives the ticket's place up (and an admission not used yet); a newer place of the user stays.
    boost::asio::awaitable<void> leave(const ShowInfo& show, const Ticket& ticket, const UserId& user);

    // The admission a hold passes to its script: its number; "" for none; "!INVALID" for one that
    // is not the API's, or is another user's or show's; "!EXPIRED". The script refuses those only
    // while the room is on (403 ADMISSION_INVALID, ADMISSION_EXPIRED): with the room off, a stale
    // admission a client still sends does no harm.
    std::string admission_number(const std::optional<std::string>& admission, const ShowId& show,
                                 const UserId& user) const;

private:
    Place place_of(const ShowId& show, const UserId& user, SeatStore::QueueState state) const;

    pg::Pool& db_;
    SeatStore& seats_;
    const redis::ServerClock& clock_;
    std::string secret_;
};

}  // namespace marquee::booking
