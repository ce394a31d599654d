#pragma once
#include "booking/model.hpp"
#include "booking/order_store.hpp"

#include <boost/asio/awaitable.hpp>

namespace redis { class Client; }

namespace marquee::booking {

class SeatStore;
class SeatSync;
class ShowDirectory;

// Orders: the booking's life from a hold to a paid ticket and the ways out of it, each step applied
// to PostgreSQL (OrderStore) by the rules (lifecycle) and then followed by Redis (SeatSync).
class Orders {
public:
    Orders(ShowDirectory& shows, SeatStore& seats, OrderStore& store, SeatSync& sync, redis::Client& redis)
        : shows_(shows), seats_(seats), store_(store), sync_(sync), redis_(redis) {}

    struct Placed {
        Order order;
        bool created = false;  // false: the hold had become this order before (the same answer again)
    };
    boost::asio::awaitable<Placed> place(const UserId& user, const HoldId& hold, Customer customer);
    // The caller's order; 404 for anyone else's.
    boost::asio::awaitable<Order> get(const UserId& user, const OrderId& order);
    // The caller's orders, newest first: `limit` + 1 of them (the extra one says a next page exists).
    boost::asio::awaitable<std::vector<Order>> list(const UserId& user, std::int64_t limit,
                                                    const std::optional<Cursor>& after);
    boost::asio::awaitable<Order> pay(const UserId& user, const OrderId& order);
    boost::asio::awaitable<Order> cancel(const UserId& user, const OrderId& order);
    // Admin: the show and every live order of it.
    boost::asio::awaitable<ShowCancellation> cancel_show(const ShowId& show);

private:
    ShowDirectory& shows_;
    SeatStore& seats_;
    OrderStore& store_;
    SeatSync& sync_;
    redis::Client& redis_;
};

}  // namespace marquee::booking
