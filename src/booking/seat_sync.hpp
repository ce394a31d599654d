#pragma once
#include "booking/model.hpp"

#include <boost/asio/awaitable.hpp>

namespace marquee::booking {

class SeatStore;

// What Redis must do to follow an order from one status to another, PostgreSQL having committed it.
enum class SeatStep {
    None,      // the seats stay as they are
    Sell,      // pending → confirmed: the order's seats are sold for good
    Free,      // pending → expired or cancelled: the order's seats are free again
    FreeSold,  // confirmed → refunded: the sold seats are free again
};
SeatStep seat_step(OrderStatus before, OrderStatus after);

// The one place that keeps Redis's copy of the seats in line with PostgreSQL, the truth: every
// committed order change goes through here after its commit. If Redis cannot be told now, the
// change stands (the client gets the committed answer): the seats' Redis state heals when it
// expires or is rebuilt, and PostgreSQL's per-seat key still guards every sale.
class SeatSync {
public:
    explicit SeatSync(SeatStore& seats) : seats_(seats) {}

    // A hold became `order`: its seats now belong to the order.
    boost::asio::awaitable<void> order_created(const Hold& hold, const Order& order);
    boost::asio::awaitable<void> order_changed(const ShowId& show, const OrderId& order, OrderStatus before,
                                               OrderStatus after, const std::vector<SeatId>& seats);
    boost::asio::awaitable<void> show_cancelled(const ShowId& show);

private:
    SeatStore& seats_;
};

}  // namespace marquee::booking
