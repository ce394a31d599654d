#include "booking/holds.hpp"

#include "booking/lifecycle.hpp"
#include "booking/seat_store.hpp"
#include "common/errors.hpp"
#include "common/metrics.hpp"
#include "redis/server_clock.hpp"

namespace marquee::booking {

namespace {
// New holds (chosen seats or best available) as the seat scripts answered them (docs/operations.md).
// marquee_holds_total by outcome, in the order of SeatStore::Outcome::Kind.
const std::vector<metrics::Counter*>& hold_counters() {
    static const auto counters = metrics::registry().counters(
        "marquee_holds_total", "New holds asked for, by what the seat scripts answered", "outcome",
        {"granted", "taken", "not_bookable", "not_found", "wrong_state", "claimed", "none_free", "admission_refused"});
    static_assert(static_cast<std::size_t>(SeatStore::Outcome::Kind::AdmissionRefused) == 7);
    return counters;
}

void count_hold(SeatStore::Outcome::Kind kind) { hold_counters()[static_cast<std::size_t>(kind)]->add(); }
}  // namespace

Holds::Holds(SeatStore& seats, const redis::ServerClock& clock, int hold_ttl_seconds)
    : seats_(seats), clock_(clock), hold_ttl_seconds_(hold_ttl_seconds) {
    hold_counters();  // every outcome scraped from the start, at 0 (a counter that appears later hides its first rise)
}

Hold granted_or_throw(SeatStore::Outcome out) {
    using Kind = SeatStore::Outcome::Kind;
    switch (out.kind) {
        case Kind::Ok: return std::move(out.hold);
        case Kind::Taken: throw lifecycle::seats_unavailable(out.taken);
        case Kind::NotBookable: throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show is cancelled");
        case Kind::NotFound: throw ApiError::not_found("hold not found");
        case Kind::Claimed: throw ApiError::conflict("INVALID_STATE", "the hold is being ordered");
        case Kind::NoneFree: throw ApiError::conflict("SEATS_UNAVAILABLE", "no adjacent free seats in one row");
        case Kind::AdmissionRefused:
            if (out.admission_refusal == "ADMISSION_REQUIRED")
                throw ApiError(403, out.admission_refusal,
                               "sales for this show go through its waiting room: POST /api/v1/shows/" + out.hold.show.str() +
                                   "/queue, then hold with the admission it gives you");
            if (out.admission_refusal == "ADMISSION_REQUIRED_TO_CHANGE")
                throw ApiError(403, "ADMISSION_REQUIRED",
                               "this hold was made before the show's waiting room was on: it keeps its seats and may "
                               "be released, but not changed while the room is on");
            if (out.admission_refusal == "ADMISSION_EXPIRED")
                throw ApiError(403, out.admission_refusal, "this admission has expired: join the queue again");
            throw ApiError(403, "ADMISSION_INVALID", "this admission has been used already, or is not yours");
        case Kind::WrongState:
            lifecycle::require_held(out.hold);
            break;
    }
    throw std::logic_error("unknown hold outcome");
}

void Holds::require_bookable(const ShowInfo& show) const {
    if (show.start * 1000 <= clock_.now_ms())
        throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show has already started");
}

boost::asio::awaitable<Hold> Holds::create(const ShowInfo& show, const UserId& user, const std::vector<SeatId>& seats,
                                           const std::string& admission) {
    require_bookable(show);
    auto out = co_await seats_.create_hold(show, user, seats, hold_ttl_seconds_, admission);
    count_hold(out.kind);
    co_return granted_or_throw(std::move(out));
}

boost::asio::awaitable<Hold> Holds::create_best(const ShowInfo& show, const UserId& user, int quantity,
                                                const std::optional<std::string>& seat_type,
                                                const std::string& admission) {
    require_bookable(show);
    std::vector<const ShowInfo::Row*> rows;
    for (const auto& row : show.rows)
        if (!seat_type || row.seat_type == *seat_type) rows.push_back(&row);
    auto out = co_await seats_.create_best_hold(show, user, quantity, rows, hold_ttl_seconds_, admission);
    count_hold(out.kind);
    if (out.kind == SeatStore::Outcome::Kind::NoneFree)
        throw ApiError::conflict("SEATS_UNAVAILABLE", "no " + std::to_string(quantity) + " adjacent free " +
                                                          (seat_type ? *seat_type + " " : std::string()) +
                                                          "seats in one row");
    co_return granted_or_throw(std::move(out));
}

boost::asio::awaitable<Hold> Holds::change(const ShowInfo& show, const UserId& user, const HoldId& hold,
                                           const std::vector<SeatId>& seats) {
    require_bookable(show);
    co_return granted_or_throw(co_await seats_.change_hold(show, user, hold, seats));
}

boost::asio::awaitable<Hold> Holds::release(const UserId& user, const HoldId& hold) {
    ShowId show = co_await show_of(hold);
    co_return granted_or_throw(co_await seats_.release_hold(show, user, hold));
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
