#include "booking/lifecycle.hpp"

namespace marquee::booking::lifecycle {

HoldStatus hold_status_at(HoldStatus stored, std::int64_t expires_ms, std::int64_t now_ms) {
    if (stored == HoldStatus::Held && expires_ms <= now_ms) return HoldStatus::Expired;
    return stored;
}

void require_held(const Hold& hold) {
    if (hold.status == HoldStatus::Expired) throw ApiError::conflict("HOLD_EXPIRED", "the hold has expired");
    if (hold.status != HoldStatus::Held)
        throw ApiError::conflict("INVALID_STATE", "the hold is " + std::string(to_string(hold.status)));
}

Money order_amount(Money seat_price, std::size_t seats) { return seat_price.times(static_cast<std::int64_t>(seats)); }

ApiError seats_unavailable(const std::vector<SeatId>& taken) {
    return ApiError::conflict("SEATS_UNAVAILABLE", "Seats already taken: " + join_seats(taken));
}

void throw_order_expired() {
    throw ApiError::conflict("ORDER_EXPIRED", "the payment window of this order has passed");
}

namespace {
[[noreturn]] void throw_not_applicable(OrderStatus s) {
    throw ApiError::conflict("INVALID_STATE", "the order is " + std::string(to_string(s)));
}
}  // namespace

PaymentVerdict judge_payment(const PaymentFacts& facts, bool second_look) {
    switch (facts.before) {
        case OrderStatus::PaymentPending:
            if (facts.expired_now) return PaymentVerdict::ExpiredNow;
            if (facts.paid_now) return PaymentVerdict::PaidNow;
            if (second_look)
                throw ApiError::conflict("INVALID_STATE", "the order changed while it was being paid; try again");
            return PaymentVerdict::ChangedMeanwhile;
        case OrderStatus::Confirmed: return PaymentVerdict::AlreadyPaid;
        case OrderStatus::Expired: throw_order_expired();
        case OrderStatus::Cancelled:
        case OrderStatus::Refunded: throw_not_applicable(facts.before);
    }
    throw std::logic_error("unknown order status");
}

OrderStatus decide_cancellation(const CancellationFacts& facts) {
    switch (facts.status) {
        case OrderStatus::PaymentPending:
            // Not left pending for the sweeper: its seats would look held until it came by.
            if (facts.lapsed) return OrderStatus::Expired;
            return OrderStatus::Cancelled;
        case OrderStatus::Confirmed:
            if (facts.show_started)
                throw ApiError::conflict("CANCELLATION_NOT_ALLOWED", "the show has already started");
            if (!facts.theatre_allows)
                throw ApiError::conflict("CANCELLATION_NOT_ALLOWED", "this theatre does not allow cancellation");
            return OrderStatus::Refunded;
        case OrderStatus::Expired: throw_order_expired();
        case OrderStatus::Cancelled:
        case OrderStatus::Refunded: throw_not_applicable(facts.status);
    }
    throw std::logic_error("unknown order status");
}

}  // namespace marquee::booking::lifecycle
