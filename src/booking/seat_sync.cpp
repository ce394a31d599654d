#include "booking/seat_sync.hpp"

#include "common/metrics.hpp"

#include <cctype>

#include "booking/lifecycle.hpp"
#include "booking/seat_store.hpp"

#include <spdlog/spdlog.h>

namespace marquee::booking {

namespace {

template <class F> boost::asio::awaitable<void> tell_redis(std::string_view what, const std::string& subject, F&& f) {
    try {
        co_await f();
    } catch (const std::exception& e) {
        spdlog::warn("{} {}: Redis not updated ({}); the seat reconciler will bring it in line", what, subject,
                     e.what());
    }
}

}  // namespace

SeatStep seat_step(OrderStatus before, OrderStatus after) {
    if (before == OrderStatus::PaymentPending && after == OrderStatus::Confirmed) return SeatStep::Sell;
    if (lifecycle::is_live(before) && !lifecycle::is_live(after))
        return before == OrderStatus::Confirmed ? SeatStep::FreeSold : SeatStep::Free;
    return SeatStep::None;
}

bool needs_resync(const SeatStore::RedisSeatState& redis, std::int64_t pg_version_now,
                  std::optional<std::int64_t> pg_version_a_pass_ago) {
    if (!redis.initialized || !redis.intact) return true;
    if (redis.applied > pg_version_now) return true;
    return pg_version_a_pass_ago && redis.applied < *pg_version_a_pass_ago;
}

namespace {
// Every order's creation and change of status passes through here (after PostgreSQL committed it),
// so here they are counted (docs/operations.md): marquee_orders_total by outcome.
// marquee_orders_total{outcome=…}: "created", then each status's name in lower case, in enum order.
const std::vector<marquee::metrics::Counter*>& order_counters() {
    static const auto counters = [] {
        std::vector<std::string> outcomes{"created"};
        for (auto name : kOrderStatusNames.names) {
            std::string lower(name);
            for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            outcomes.push_back(std::move(lower));
        }
        return marquee::metrics::registry().counters("marquee_orders_total",
                                                     "Orders created, and orders that reached a status", "outcome",
                                                     outcomes);
    }();
    return counters;
}

void count_created() { order_counters()[0]->add(); }
void count_status(OrderStatus status) { order_counters()[1 + static_cast<std::size_t>(status)]->add(); }
}  // namespace

SeatSync::SeatSync(SeatStore& seats) : seats_(seats) {
    order_counters();  // every outcome scraped from the start, at 0 (a counter that appears later hides its first rise)
}

boost::asio::awaitable<void> SeatSync::order_created(const Hold& hold, const Order& order) {
    count_created();
    co_await tell_redis("order created", order.id.str(), [&]() -> boost::asio::awaitable<void> {
        co_await seats_.convert_hold(order.show, order.user, hold.id, order.id, order.expires_ms, order.seats,
                                     order.seat_version);
    });
}

boost::asio::awaitable<void> SeatSync::order_changed(const ShowId& show, const OrderId& order, OrderStatus before,
                                                     OrderStatus after, const std::vector<SeatId>& seats,
                                                     std::int64_t seat_version) {
    if (before != after) count_status(after);
    SeatStep step = seat_step(before, after);
    if (step == SeatStep::None) co_return;
    co_await tell_redis(to_string(after), order.str(), [&]() -> boost::asio::awaitable<void> {
        if (step == SeatStep::Sell) co_await seats_.sell_order_seats(show, order, seats, seat_version);
        else co_await seats_.free_order_seats(show, order, step == SeatStep::FreeSold, seats, seat_version);
    });
}

boost::asio::awaitable<void> SeatSync::order_ended_elsewhere(const ShowId& show, const OrderId& order,
                                                             const std::vector<SeatId>& seats) {
    co_await tell_redis("order ended elsewhere", order.str(), [&]() -> boost::asio::awaitable<void> {
        co_await seats_.free_ended_order_seats(show, order, seats);
    });
}

boost::asio::awaitable<void> SeatSync::show_cancelled(const ShowId& show) {
    co_await tell_redis("show cancelled", show.str(), [&]() -> boost::asio::awaitable<void> {
        co_await seats_.resync(show);
    });
}

}  // namespace marquee::booking
