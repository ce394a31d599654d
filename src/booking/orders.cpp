#include "booking/orders.hpp"

#include "booking/holds.hpp"
#include "booking/lifecycle.hpp"
#include "booking/seat_store.hpp"
#include "booking/seat_sync.hpp"
#include "booking/show_info.hpp"
#include "catalog/cache.hpp"
#include "common/errors.hpp"

#include <exception>

namespace marquee::booking {

namespace {

// How long a hold's seats stay claimed for its order (claim_hold.lua), and the longest an order write
// may take once sent (the pool's wait for a connection and the statement's deadline, with room to
// spare): a write not sent by the difference is not sent, so none can commit after its claim ended.
constexpr std::chrono::milliseconds kClaim{60'000};
constexpr std::chrono::milliseconds kLongestOrderWrite{20'000};

// (A function rather than a braced initialiser: g++ 12 destroys the temporaries of those twice in a
// coroutine.)
Orders::Placed placed(Order order, bool created) {
    Orders::Placed p;
    p.order = std::move(order);
    p.created = created;
    return p;
}

}  // namespace

boost::asio::awaitable<Orders::Placed> Orders::place(const UserId& user, const HoldId& hold_id, Customer customer) {
    auto show_id = co_await seats_.show_of_hold(hold_id);
    if (!show_id) throw ApiError::not_found("hold not found");
    auto show = co_await shows_.require(*show_id);

    // The hold's seats are claimed for it while the order is written: judged on Redis's clock, the
    // hold must still be HELD now, and nobody can take its seats until the claim ends.
    auto claim = co_await seats_.claim_hold(*show, user, hold_id, kClaim);
    if (claim.kind == SeatStore::Outcome::Kind::WrongState && claim.hold.status == HoldStatus::Converted) {
        // Posting the same hold again returns the order it already became.
        auto existing = co_await store_.of_hold(hold_id);
        if (existing && existing->user == user) co_return placed(std::move(*existing), false);
    }
    Hold hold = granted_or_throw(std::move(claim));

    // Field by field: g++ 12 destroys the temporaries of a braced initialiser in a coroutine twice.
    NewOrder order;
    order.hold = hold_id;
    order.user = user;
    order.show = show->show_id;
    order.seats = hold.seats;
    order.customer = std::move(customer);
    order.amount = lifecycle::order_amount(show->price, hold.seats.size());
    order.send_by = std::chrono::steady_clock::now() + kClaim - kLongestOrderWrite;
    auto outcome = co_await store_.create(std::move(order));

    if (auto* created = std::get_if<OrderStore::Created>(&outcome)) {
        co_await sync_.order_created(hold, created->order);
        co_return placed(std::move(created->order), true);
    }
    if (std::holds_alternative<OrderStore::NotBookable>(outcome))
        throw ApiError::conflict("SHOW_NOT_BOOKABLE", "the show is cancelled or has started");
    if (std::holds_alternative<OrderStore::TooLate>(outcome))
        throw ApiError::conflict("HOLD_EXPIRED", "the hold expired before its order could be written");
    if (std::holds_alternative<OrderStore::SeatsTaken>(outcome)) {
        // Redis let the hold through (e.g. it lost its data), PostgreSQL did not: the seats are sold
        // or in someone's unpaid order.
        auto taken = co_await store_.owned_seats(show->show_id, hold.seats);
        show->sort_seats(taken);
        throw lifecycle::seats_unavailable(taken);
    }
    // The same hold posted twice at once: the other request created the order.
    auto again = co_await store_.of_hold(hold_id);
    if (!again || again->user != user) throw std::logic_error("a hold was ordered by someone else");
    co_return placed(std::move(*again), false);
}

boost::asio::awaitable<Order> Orders::get(const UserId& user, const OrderId& order_id) {
    auto order = co_await store_.find(order_id);
    if (!order || order->user != user) throw ApiError::not_found("order not found");
    co_return std::move(*order);
}

boost::asio::awaitable<std::vector<Order>> Orders::list(const UserId& user, std::int64_t limit,
                                                        const std::optional<Cursor>& after) {
    auto orders = co_await store_.of_user(user, limit, after);
    if (!orders) throw ApiError::validation("cursor: not a cursor of this list");
    co_return std::move(*orders);
}

boost::asio::awaitable<Order> Orders::pay(const UserId& user, const OrderId& order_id) {
    // A second statement only when the first found the order changed by someone else meanwhile:
    // the second one's snapshot has that change.
    for (bool second_look = false;; second_look = true) {
        auto record = co_await store_.pay(order_id, user);
        if (!record) throw ApiError::not_found("order not found");
        if (record->before == OrderStatus::Expired)
            // The sweeper (or a cancellation) expired it, its own step in Redis perhaps still on the
            // way: ORDER_EXPIRED must not be followed by a seat map that still shows the seats held.
            co_await sync_.order_ended_elsewhere(record->show, order_id, record->seats);
        lifecycle::PaymentFacts facts{record->before, record->changed_here && record->lapsed,
                                      record->changed_here && record->paid.has_value()};
        switch (lifecycle::judge_payment(facts, second_look)) {
            case lifecycle::PaymentVerdict::PaidNow:
                co_await sync_.order_changed(record->show, order_id, OrderStatus::PaymentPending,
                                             OrderStatus::Confirmed, record->seats, record->seat_version);
                co_return std::move(*record->paid);
            case lifecycle::PaymentVerdict::ExpiredNow:
                co_await sync_.order_changed(record->show, order_id, OrderStatus::PaymentPending, OrderStatus::Expired,
                                             record->seats, record->seat_version);
                lifecycle::throw_order_expired();
            case lifecycle::PaymentVerdict::AlreadyPaid:
                co_return co_await get(user, order_id);  // paid before: the same body again
            case lifecycle::PaymentVerdict::ChangedMeanwhile:
                break;
        }
    }
}

boost::asio::awaitable<Order> Orders::cancel(const UserId& user, const OrderId& order_id) {
    OrderStatus after = OrderStatus::PaymentPending;
    std::optional<CancellationCandidate> found;  // the order as the store locked it, if it did
    std::function<OrderStatus(const CancellationCandidate&)> decide = [&](const CancellationCandidate& c) {
        found = c;
        after = lifecycle::decide_cancellation({c.status, c.lapsed, c.show_started, c.theatre_allows});
        return after;
    };
    std::optional<EndedOrder> ended;
    std::exception_ptr refused;
    try {
        ended = co_await store_.cancel(order_id, user, decide);
    } catch (const ApiError&) {
        refused = std::current_exception();  // (no co_await in a handler)
    }
    if (refused) {
        if (found && found->status == OrderStatus::Expired)
            // As for a payment (pay): the sweeper's own step in Redis may still be on the way.
            co_await sync_.order_ended_elsewhere(found->show, order_id, found->seats);
        std::rethrow_exception(refused);
    }
    if (!ended) throw ApiError::not_found("order not found");
    co_await sync_.order_changed(ended->show, order_id, found->status, after, ended->seats, ended->seat_version);
    if (after == OrderStatus::Expired) lifecycle::throw_order_expired();  // its window passed: expired, not cancelled
    co_return co_await get(user, order_id);
}

boost::asio::awaitable<ShowCancellation> Orders::cancel_show(const ShowId& show) {
    auto cancelled = co_await store_.cancel_show(show);
    if (!cancelled) throw ApiError::not_found("show not found");
    // Every time, not only the first: a repeat finishes whatever the first attempt left undone in
    // Redis (the seat state, the cached listings).
    co_await sync_.show_cancelled(show);
    co_await catalog::ResponseCache::invalidate(redis_, catalog::shows_cache_key(cancelled->movie));
    co_return std::move(*cancelled);
}

}  // namespace marquee::booking
