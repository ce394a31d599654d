#pragma once
#include "booking/model.hpp"
#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace redis { class ServerClock; }

namespace marquee::booking {

// The hold a seat script answered with, or the error its refusal means.
Hold granted_or_throw(SeatStore::Outcome out);

// Holds: the rules around the seat scripts (a show must be bookable; a refusal becomes its
// error code).
class Holds {
public:
    Holds(SeatStore& seats, const redis::ServerClock& clock, int hold_ttl_seconds);

    // All of `seats` (known to be in the layout, in layout order) for `user`, or none.
    // `admission`: the number of the user's waiting-room admission ("" for none), which a show whose
    // room is on requires (and uses up).
    boost::asio::awaitable<Hold> create(const ShowInfo& show, const UserId& user, const std::vector<SeatId>& seats,
                                        const std::string& admission);
    // `quantity` adjacent seats of one row, the best free ones (of `seat_type` when given), or 409.
    boost::asio::awaitable<Hold> create_best(const ShowInfo& show, const UserId& user, int quantity,
                                             const std::optional<std::string>& seat_type, const std::string& admission);
    boost::asio::awaitable<Hold> change(const ShowInfo& show, const UserId& user, const HoldId& hold,
                                        const std::vector<SeatId>& seats);
    boost::asio::awaitable<Hold> release(const UserId& user, const HoldId& hold);
    // The caller's hold; 404 for anyone else's.
    boost::asio::awaitable<Hold> get(const UserId& user, const HoldId& hold);
    // The show a hold is for; 404 when the hold is unknown.
    boost::asio::awaitable<ShowId> show_of(const HoldId& hold);

private:
    // A show is bookable until it starts, judged by Redis's clock like the holds themselves.
    void require_bookable(const ShowInfo& show) const;

    SeatStore& seats_;
    const redis::ServerClock& clock_;
    int hold_ttl_seconds_;
};

}  // namespace marquee::booking
