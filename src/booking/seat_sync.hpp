#pragma once
#include "booking/model.hpp"
#include "booking/seat_store.hpp"

#include <boost/asio/awaitable.hpp>

namespace marquee::booking {

// What Redis must do to follow an order from one status to another, PostgreSQL having committed it.
enum class SeatStep {
    None,      // the seats stay as they are
    Sell,      // pending → confirmed: the order's seats are sold for good
    Free,      // pending → expired or cancelled: the order's seats are free again
    FreeSold,  // confirmed → refunded: the sold seats are free again
};
SeatStep seat_step(OrderStatus before, OrderStatus after);

// Whether the seat reconciler must rebuild a show's state in Redis from PostgreSQL: it is missing or
// damaged (a key lost), it counts more order changes than PostgreSQL made, or it still lacks one
// that PostgreSQL had committed a pass ago (`pg_version_a_pass_ago`, if the show was seen then) —
// a Redis step in flight lands within milliseconds, so only a lost one is still missing a pass
// later.
bool needs_resync(const SeatStore::RedisSeatState& redis, std::int64_t pg_version_now,
                  std::optional<std::int64_t> pg_version_a_pass_ago);

// The one place that keeps Redis's copy of the seats in line with PostgreSQL, the truth: every
// committed order change goes through here after its commit, and each step counts itself in the
// show's `applied` (lua/prelude.lua). If Redis cannot be told now, the change stands (the client
// gets the committed answer) and nothing is lost: PostgreSQL's seat version for the show moved on
// and Redis's count did not, so the seat reconciler (jobs/seat_reconciler.cpp) rebuilds the show
// from PostgreSQL within seconds. PostgreSQL's per-seat key guards every sale meanwhile.
class SeatSync {
public:
    explicit SeatSync(SeatStore& seats);

    // A hold became `order`: its seats now belong to the order.
    boost::asio::awaitable<void> order_created(const Hold& hold, const Order& order);
    // `seat_version`: the one PostgreSQL gave this change (migration 007).
    boost::asio::awaitable<void> order_changed(const ShowId& show, const OrderId& order, OrderStatus before,
                                               OrderStatus after, const std::vector<SeatId>& seats,
                                               std::int64_t seat_version);
    // A request found `order` (unpaid) already ended by another process, perhaps a moment ago: the
    // seats Redis still has as the order's are freed now, so the answer the client gets (the order
    // expired) and the seat map it reads next agree. The other process's own step still follows.
    boost::asio::awaitable<void> order_ended_elsewhere(const ShowId& show, const OrderId& order,
                                                       const std::vector<SeatId>& seats);
    // The show is cancelled in PostgreSQL: its Redis state is rebuilt from there (no seat held or sold).
    boost::asio::awaitable<void> show_cancelled(const ShowId& show);

private:
    SeatStore& seats_;
};

}  // namespace marquee::booking
