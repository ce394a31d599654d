#include "booking/holds.hpp"

#include "booking/lifecycle.hpp"
#include "booking/seat_store.hpp"
#include "common/errors.hpp"

namespace marquee::booking {

namespace {

void require_bookable(const ShowInfo& show) {
    if (show.start <= now_epoch()) throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show has already started");
}

Hold hold_or_throw(SeatStore::Outcome out) {
    using Kind = SeatStore::Outcome::Kind;
    switch (out.kind) {
        case Kind::Ok: return std::move(out.hold);
        case Kind::Taken: throw lifecycle::seats_unavailable(out.taken);
        case Kind::NotBookable: throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show is cancelled");
        case Kind::NotFound: throw ApiError::not_found("hold not found");
        case Kind::WrongState:
            if (out.hold.status == HoldStatus::Expired) throw ApiError::conflict("HOLD_EXPIRED", "the hold has expired");
            throw ApiError::conflict("INVALID_STATE", "the hold is " + std::string(to_string(out.hold.status)));
    }
    throw std::logic_error("unknown hold outcome");
}

}  // namespace

boost::asio::awaitable<Hold> Holds::create(const ShowInfo& show, const UserId& user, const std::vector<SeatId>& seats) {
    require_bookable(show);
    co_return hold_or_throw(co_await seats_.create_hold(show, user, seats, hold_ttl_seconds_));
}

boost::asio::awaitable<Hold> Holds::change(const ShowInfo& show, const UserId& user, const HoldId& hold,
                                           const std::vector<SeatId>& seats) {
    require_bookable(show);
    co_return hold_or_throw(co_await seats_.change_hold(show, user, hold, seats));
}

boost::asio::awaitable<Hold> Holds::release(const UserId& user, const HoldId& hold) {
    ShowId show = co_await show_of(hold);
    co_return hold_or_throw(co_await seats_.release_hold(show, user, hold));
}

boost::asio::awaitable<Hold> Holds::get(const UserId& user, const HoldId& hold) {
    auto found = co_await seats_.find_hold(user, hold);
    if (!found) throw ApiError::not_found("hold not found");
    co_return std::move(*found);
}

boost::asio::awaitable<ShowId> Holds::show_of(const HoldId& hold) {
    auto show = co_await seats_.show_of_hold(hold);
    if (!show) throw ApiError::not_found("hold not found");
    co_return std::move(*show);
}

}  // namespace marquee::booking
