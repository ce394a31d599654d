// The booking rules (booking/lifecycle.hpp) and the Redis-follows-PostgreSQL policy
// (booking/seat_sync.hpp), without servers.
#include "booking/lifecycle.hpp"
#include "booking/seat_sync.hpp"

#include <gtest/gtest.h>

using namespace marquee;
using namespace marquee::booking;

namespace {

std::string code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ApiError& e) {
        return std::to_string(e.status) + " " + e.code;
    }
    return "no error";
}

Hold hold_in(HoldStatus status) {
    Hold h;
    h.status = status;
    return h;
}

}  // namespace

TEST(Lifecycle, AHeldHoldExpiresAtItsDeadlineOnTheGivenClock) {
    EXPECT_EQ(lifecycle::hold_status_at(HoldStatus::Held, 1000, 999), HoldStatus::Held);
    EXPECT_EQ(lifecycle::hold_status_at(HoldStatus::Held, 1000, 1000), HoldStatus::Expired);
    EXPECT_EQ(lifecycle::hold_status_at(HoldStatus::Released, 1000, 5000), HoldStatus::Released);
    EXPECT_EQ(lifecycle::hold_status_at(HoldStatus::Converted, 1000, 5000), HoldStatus::Converted);
}

TEST(Lifecycle, OnlyAHeldHoldChangesOrBecomesAnOrder) {
    EXPECT_EQ(code_of([] { lifecycle::require_held(hold_in(HoldStatus::Held)); }), "no error");
    EXPECT_EQ(code_of([] { lifecycle::require_held(hold_in(HoldStatus::Expired)); }), "409 HOLD_EXPIRED");
    EXPECT_EQ(code_of([] { lifecycle::require_held(hold_in(HoldStatus::Released)); }), "409 INVALID_STATE");
    EXPECT_EQ(code_of([] { lifecycle::require_held(hold_in(HoldStatus::Converted)); }), "409 INVALID_STATE");
}

TEST(Lifecycle, AnOrderCostsThePriceTimesItsSeatsExactly) {
    EXPECT_EQ(lifecycle::order_amount(*Money::parse_decimal("280.50"), 3).to_decimal(), "841.50");
    EXPECT_EQ(lifecycle::order_amount(*Money::parse_decimal("0.10"), 3).to_json(), "0.3");
}

TEST(Lifecycle, SeatsUnavailableListsEverySeat) {
    auto e = lifecycle::seats_unavailable({SeatId("A1"), SeatId("A2"), SeatId("B10")});
    EXPECT_EQ(e.status, 409);
    EXPECT_EQ(e.code, "SEATS_UNAVAILABLE");
    EXPECT_STREQ(e.what(), "Seats already taken: A1, A2, B10");
}

TEST(Lifecycle, PaymentOfAPendingOrder) {
    using lifecycle::PaymentVerdict;
    EXPECT_EQ(lifecycle::judge_payment({OrderStatus::PaymentPending, false, true}), PaymentVerdict::PaidNow);
    EXPECT_EQ(lifecycle::judge_payment({OrderStatus::PaymentPending, true, false}), PaymentVerdict::ExpiredNow);
    EXPECT_EQ(lifecycle::judge_payment({OrderStatus::PaymentPending, false, false}), PaymentVerdict::ChangedMeanwhile);
    // Paid again and changed meanwhile again: another payment of it is under way.
    EXPECT_EQ(code_of([] { lifecycle::judge_payment({OrderStatus::PaymentPending, false, false}, true); }),
              "409 INVALID_STATE");
}

TEST(Lifecycle, PaymentIsIdempotentAndRefusedOnceTheOrderEnded) {
    using lifecycle::PaymentVerdict;
    EXPECT_EQ(lifecycle::judge_payment({OrderStatus::Confirmed, false, false}), PaymentVerdict::AlreadyPaid);
    EXPECT_EQ(lifecycle::judge_payment({OrderStatus::Confirmed, false, false}, true), PaymentVerdict::AlreadyPaid);
    EXPECT_EQ(code_of([] { lifecycle::judge_payment({OrderStatus::Expired, true, false}); }), "409 ORDER_EXPIRED");
    EXPECT_EQ(code_of([] { lifecycle::judge_payment({OrderStatus::Cancelled, false, false}); }), "409 INVALID_STATE");
    EXPECT_EQ(code_of([] { lifecycle::judge_payment({OrderStatus::Refunded, false, false}); }), "409 INVALID_STATE");
}

TEST(Lifecycle, CancellationPolicyByTheatreAndShowTime) {
    auto decide = [](OrderStatus s, bool lapsed, bool started, bool allows) {
        return lifecycle::decide_cancellation({s, lapsed, started, allows});
    };
    // A pending order is cancelled whatever the theatre says, until its window passes; then it is
    // expired (and the caller answers ORDER_EXPIRED).
    EXPECT_EQ(decide(OrderStatus::PaymentPending, false, false, false), OrderStatus::Cancelled);
    EXPECT_EQ(decide(OrderStatus::PaymentPending, false, false, true), OrderStatus::Cancelled);
    EXPECT_EQ(decide(OrderStatus::PaymentPending, true, false, true), OrderStatus::Expired);
    // A paid order is refunded only where the theatre allows it and before the show starts.
    EXPECT_EQ(decide(OrderStatus::Confirmed, false, false, true), OrderStatus::Refunded);
    EXPECT_EQ(code_of([&] { decide(OrderStatus::Confirmed, false, false, false); }), "409 CANCELLATION_NOT_ALLOWED");
    EXPECT_EQ(code_of([&] { decide(OrderStatus::Confirmed, false, true, true); }), "409 CANCELLATION_NOT_ALLOWED");
    // Ended orders stay ended.
    EXPECT_EQ(code_of([&] { decide(OrderStatus::Expired, true, false, true); }), "409 ORDER_EXPIRED");
    EXPECT_EQ(code_of([&] { decide(OrderStatus::Cancelled, false, false, true); }), "409 INVALID_STATE");
    EXPECT_EQ(code_of([&] { decide(OrderStatus::Refunded, false, false, true); }), "409 INVALID_STATE");
}

TEST(Lifecycle, OnlyPendingAndConfirmedOrdersOwnSeats) {
    EXPECT_TRUE(lifecycle::is_live(OrderStatus::PaymentPending));
    EXPECT_TRUE(lifecycle::is_live(OrderStatus::Confirmed));
    EXPECT_FALSE(lifecycle::is_live(OrderStatus::Expired));
    EXPECT_FALSE(lifecycle::is_live(OrderStatus::Cancelled));
    EXPECT_FALSE(lifecycle::is_live(OrderStatus::Refunded));
}

TEST(SeatSync, RedisFollowsEachOrderTransition) {
    EXPECT_EQ(seat_step(OrderStatus::PaymentPending, OrderStatus::Confirmed), SeatStep::Sell);
    EXPECT_EQ(seat_step(OrderStatus::PaymentPending, OrderStatus::Expired), SeatStep::Free);
    EXPECT_EQ(seat_step(OrderStatus::PaymentPending, OrderStatus::Cancelled), SeatStep::Free);
    EXPECT_EQ(seat_step(OrderStatus::Confirmed, OrderStatus::Refunded), SeatStep::FreeSold);
    EXPECT_EQ(seat_step(OrderStatus::Confirmed, OrderStatus::Confirmed), SeatStep::None);
    EXPECT_EQ(seat_step(OrderStatus::Expired, OrderStatus::Expired), SeatStep::None);
}

TEST(Statuses, ParseWhatTheyRender) {
    for (auto s : {OrderStatus::PaymentPending, OrderStatus::Confirmed, OrderStatus::Expired, OrderStatus::Cancelled,
                   OrderStatus::Refunded})
        EXPECT_EQ(kOrderStatusNames.parse(to_string(s)), s);
    for (auto s : {HoldStatus::Held, HoldStatus::Expired, HoldStatus::Released, HoldStatus::Converted})
        EXPECT_EQ(kHoldStatusNames.parse(to_string(s)), s);
    EXPECT_EQ(to_string(OrderStatus::PaymentPending), "PAYMENT_PENDING");
    EXPECT_FALSE(kOrderStatusNames.parse("PAID"));
}

TEST(SeatSync, TheReconcilerRebuildsWhatIsMissingDamagedOrBehind) {
    auto state = [](bool initialized, bool intact, std::int64_t applied) {
        SeatStore::RedisSeatState s;
        s.initialized = initialized;
        s.intact = intact;
        s.applied = applied;
        return s;
    };
    // In step, or behind only by changes committed since the last pass (their steps are in flight).
    EXPECT_FALSE(needs_resync(state(true, true, 7), 7, 7));
    EXPECT_FALSE(needs_resync(state(true, true, 7), 9, 7));
    EXPECT_FALSE(needs_resync(state(true, true, 7), 9, std::nullopt));
    // Still missing a change PostgreSQL had a pass ago: lost (a failed step, an older copy of Redis).
    EXPECT_TRUE(needs_resync(state(true, true, 6), 9, 7));
    // More changes than PostgreSQL made: Redis's copy is not the one its count belongs to.
    EXPECT_TRUE(needs_resync(state(true, true, 10), 9, 9));
    // The state or one of its keys is gone.
    EXPECT_TRUE(needs_resync(state(false, false, 0), 3, std::nullopt));
    EXPECT_TRUE(needs_resync(state(true, false, 3), 3, 3));
}
