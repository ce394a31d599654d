#pragma once
#include "booking/model.hpp"
#include "common/cursor.hpp"
#include "pg/batcher.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <optional>
#include <variant>
#include <vector>

namespace pg { class Pool; }

namespace marquee::booking {

// What an order is made of when it is created from a hold.
struct NewOrder {
    HoldId hold;
    UserId user;
    ShowId show;
    std::vector<SeatId> seats;
    Customer customer;
    Money amount;
    // The hold's claim keeps its seats until a little after this: a write not sent by then is not
    // sent at all (it could commit after the claim ended and someone else took the seats).
    std::chrono::steady_clock::time_point send_by = std::chrono::steady_clock::time_point::max();
};

// What the payment statement found and did (lifecycle::PaymentFacts, plus what the seats need).
struct PaymentRecord {
    OrderStatus before = OrderStatus::PaymentPending;  // as the statement's snapshot had it
    bool lapsed = false;
    bool changed_here = false;  // this statement paid or expired it (else: not pending, or changed meanwhile)
    ShowId show;
    std::vector<SeatId> seats;
    std::optional<Order> paid;  // the order as paid, when this statement confirmed it
    std::int64_t seat_version = 0;  // of the change this statement made (paid or expired), if any
};

// An order whose status the store changed (cancelled, refunded, expired), with what Redis needs.
struct EndedOrder {
    OrderId id;
    ShowId show;
    std::vector<SeatId> seats;
    std::int64_t seat_version = 0;  // of this change (migration 007)
};

// A customer's order with its lock held, for the cancellation rules (lifecycle::decide_cancellation).
struct CancellationCandidate {
    OrderStatus status;
    bool lapsed;
    bool show_started;
    bool theatre_allows;
    ShowId show;
    std::vector<SeatId> seats;
};

struct ShowCancellation {
    bool cancelled_now = false;  // false: it was cancelled before (the sweep still ran)
    MovieId movie;
    std::int64_t orders_cancelled = 0;
    std::int64_t orders_refunded = 0;
};

// Orders in PostgreSQL: every statement of the order lifecycle, its rows read into Order and the
// records above. Every change to an order is one statement (cancellation: one transaction): the
// order, its per-seat ownership rows (order_seats, whose primary key forbids a second live owner of
// a seat) and the outbox event describing the change are written atomically.
//
// Creations and payments are batched per worker (pg/batcher.hpp): under a rush of bookings
// PostgreSQL sees a few statements and commits carrying many orders each, instead of one per order.
// Each call answers exactly as if it had run alone.
class OrderStore {
public:
    OrderStore(boost::asio::any_io_executor executor, pg::Pool& db, int order_ttl_seconds);

    struct Created {
        Order order;
    };
    struct NotBookable {};  // the show is cancelled or has started
    struct SeatsTaken {};   // a seat belongs to another live order (Redis did not know)
    struct HoldOrdered {};  // the same hold was ordered by a concurrent request
    struct TooLate {};      // waited past NewOrder::send_by; nothing was written
    using CreateOutcome = std::variant<Created, NotBookable, SeatsTaken, HoldOrdered, TooLate>;
    boost::asio::awaitable<CreateOutcome> create(NewOrder order);

    // Pays the order, or expires it if its window has passed (PostgreSQL's clock decides). nullopt
    // when the order does not exist or is not the caller's.
    boost::asio::awaitable<std::optional<PaymentRecord>> pay(const OrderId& order, const UserId& user);

    boost::asio::awaitable<std::optional<Order>> find(const OrderId& order);
    // The order a hold became, if any.
    boost::asio::awaitable<std::optional<Order>> of_hold(const HoldId& hold);
    // A user's orders, newest first: `limit` + 1 of them (the extra one says a next page exists).
    // A cursor whose time PostgreSQL cannot read gives std::nullopt.
    boost::asio::awaitable<std::optional<std::vector<Order>>> of_user(const UserId& user, std::int64_t limit,
                                                                      const std::optional<Cursor>& after);
    // Of `seats`, those a live order owns.
    boost::asio::awaitable<std::vector<SeatId>> owned_seats(const ShowId& show, const std::vector<SeatId>& seats);

    // A customer's cancellation: `decide` (the rules) is asked with the order locked, and the order
    // moves to the status it returns. nullopt when the order does not exist or is not the caller's;
    // a refusal is whatever `decide` throws, and changes nothing.
    boost::asio::awaitable<std::optional<EndedOrder>> cancel(
        const OrderId& order, const UserId& user, const std::function<OrderStatus(const CancellationCandidate&)>& decide);

    // Cancels a show with every live order, including any being written at that moment: the show's
    // row is updated first, which waits for order writes that share-lock it, and the live orders
    // are then found with a fresh snapshot. nullopt when there is no such show.
    boost::asio::awaitable<std::optional<ShowCancellation>> cancel_show(const ShowId& show);

    // The expiry sweep: up to `batch` unpaid orders past their window become EXPIRED.
    boost::asio::awaitable<std::vector<EndedOrder>> expire_due(int batch);

private:
    struct Payment {
        OrderId order;
        UserId user;
    };
    struct CreateResult {
        std::optional<Order> order;  // none: the show is not bookable
        bool too_late = false;
    };
    using PaymentResult = std::optional<PaymentRecord>;

    pg::Pool& db_;
    int order_ttl_seconds_;
    pg::Batcher<NewOrder, CreateResult> creates_;
    pg::Batcher<Payment, PaymentResult> payments_;
};

}  // namespace marquee::booking
