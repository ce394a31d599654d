#include "jobs/order_expiry.hpp"

#include "booking/order_store.hpp"
#include "booking/seat_sync.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace marquee::jobs {

namespace {
constexpr int kBatch = 200;
}

boost::asio::awaitable<void> expire_orders(booking::OrderStore& orders, booking::SeatSync& sync) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    for (;;) {
        try {
            // Batches until none is due.
            for (;;) {
                auto expired = co_await orders.expire_due(kBatch);
                for (const auto& order : expired)
                    co_await sync.order_changed(order.show, order.id, booking::OrderStatus::PaymentPending,
                                                booking::OrderStatus::Expired, order.seats, order.seat_version);
                if (!expired.empty()) spdlog::info("expired {} unpaid order(s)", expired.size());
                if (expired.size() < static_cast<std::size_t>(kBatch)) break;
            }
        } catch (const std::exception& e) {
            spdlog::warn("order expiry: {}", e.what());
        }
        timer.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
}

}  // namespace marquee::jobs
