#pragma once
#include "common/money.hpp"
#include "pg/batcher.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pg { class Pool; }

namespace marquee::booking {

// One row of a batch's result: the part of the answer that belongs to one request.
struct ResultRow {
    pg::Result result;
    int row = 0;
};

struct NewOrder {
    std::string hold_id, user_id, show_id;
    std::vector<std::string> seats;
    std::string name, email, phone;
    Money amount;
};

struct Payment {
    std::string order_id, user_id;
};

// The two writes every booking makes, batched per I/O thread (pg/batcher.hpp): under a rush of
// bookings PostgreSQL sees a few statements and commits carrying many orders each, instead of one
// per order. Each call answers exactly as if it had run alone.
class OrderWriter {
public:
    OrderWriter(boost::asio::any_io_executor executor, pg::Pool& db, int order_ttl_seconds);

    // The new order as sql::kCreateOrders returns it; nullopt when the show is cancelled or has
    // started. A pg::Error (unique violation) when a seat or the hold is taken by another order.
    boost::asio::awaitable<std::optional<ResultRow>> create(NewOrder order);
    // The row of sql::kConfirmPayments (a fresh ticket code is drawn for it); nullopt when the
    // order is not the caller's or does not exist.
    boost::asio::awaitable<std::optional<ResultRow>> confirm(Payment payment);

private:
    using Outcome = std::optional<ResultRow>;
    pg::Pool& db_;
    int order_ttl_seconds_;
    pg::Batcher<NewOrder, Outcome> creates_;
    pg::Batcher<Payment, Outcome> payments_;
};

}  // namespace marquee::booking
