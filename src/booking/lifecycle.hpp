#pragma once
#include "booking/model.hpp"
#include "common/errors.hpp"

#include <cstddef>
#include <cstdint>

// The rules of a booking's life: hold → order → payment, and the ways out of it (expiry,
// cancellation, refund, a cancelled show). Pure functions of the facts, unit-tested without servers
// (tests/unit/lifecycle_test.cpp). The statements that must decide atomically inside PostgreSQL (a
// payment racing its deadline, the expiry sweep, a show cancellation) apply the same rules in SQL
// (booking/order_store.cpp); these functions judge what those statements report.
namespace marquee::booking::lifecycle {

// What a stored hold is at `now_ms`: a HELD hold whose time is up is EXPIRED.
HoldStatus hold_status_at(HoldStatus stored, std::int64_t expires_ms, std::int64_t now_ms);

// A hold may be changed or become an order only while it is HELD (judged on Redis's clock, inside
// the scripts). Throws HOLD_EXPIRED or INVALID_STATE otherwise. (A CONVERTED hold posted again as
// an order is answered with its order before this is asked.)
void require_held(const Hold& hold);

// Price × seats, exactly.
Money order_amount(Money seat_price, std::size_t seats);

// The 409 for seats someone else holds or bought, listing every one of them.
ApiError seats_unavailable(const std::vector<SeatId>& taken);

// What a payment attempt found, as the payment statement reports it.
struct PaymentFacts {
    OrderStatus before;  // when the statement found the order (its snapshot)
    bool expired_now = false;  // this statement expired it (its payment window had passed)
    bool paid_now = false;  // this statement confirmed it
};

enum class PaymentVerdict {
    PaidNow,     // confirmed by this request: sell the seats, answer the paid order
    AlreadyPaid,  // confirmed before: answer the order as it is (idempotent)
    ExpiredNow,  // this request found the window passed and expired it: free the seats, then 409
    // Pending when the statement began but changed by someone else before its update reached it
    // (paid by another request, expired by the sweeper, cancelled): pay again, and the next
    // statement's snapshot has the change.
    ChangedMeanwhile,
};
// Throws ORDER_EXPIRED for an order that already expired and INVALID_STATE for one cancelled or
// refunded; `second_look` is true when judging the statement run again after ChangedMeanwhile
// (changed meanwhile again means another payment of it is under way: INVALID_STATE, try again).
PaymentVerdict judge_payment(const PaymentFacts& facts, bool second_look = false);
[[noreturn]] void throw_order_expired();

// What a cancellation by the customer finds, with the order locked.
struct CancellationFacts {
    OrderStatus status;
    bool lapsed = false;  // the payment window has passed (for a pending order)
    bool show_started = false;
    bool theatre_allows = false;  // the theatre's cancellationAvailable
};
// The status a customer's cancellation leads to: a pending order is CANCELLED, a confirmed one
// REFUNDED if its theatre allows cancellation and the show has not started. A pending order whose
// window has passed is EXPIRED, as a payment of it would be (the caller then answers
// ORDER_EXPIRED, its seats already free). Throws CANCELLATION_NOT_ALLOWED, ORDER_EXPIRED (expired
// before) or INVALID_STATE when the order cannot be cancelled.
OrderStatus decide_cancellation(const CancellationFacts& facts);

// Whether an order in this status owns its seats (they are in order_seats and held or sold in
// Redis): only pending and confirmed orders do.
constexpr bool is_live(OrderStatus s) { return s == OrderStatus::PaymentPending || s == OrderStatus::Confirmed; }

}  // namespace marquee::booking::lifecycle
