#include "jobs/order_expiry.hpp"

#include "booking/order_sql.hpp"
#include "booking/seat_store.hpp"
#include "pg/pool.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

namespace marquee::jobs {

boost::asio::awaitable<void> expire_orders(Services& services) {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor);
    booking::SeatStore seats(services.redis, services.db);
    for (;;) {
        try {
            // Batches of up to 200 until none is due.
            for (;;) {
                auto expired = co_await services.db.query(booking::sql::kExpireDueOrders);
                for (int i = 0; i < expired.rows(); ++i) {
                    std::vector<std::string> order_seats;
                    auto list = boost::json::parse(expired.text(i, 2));
                    for (const auto& s : list.as_array()) order_seats.emplace_back(s.as_string());
                    try {
                        co_await seats.free_order_seats(std::string(expired.text(i, 1)), std::string(expired.text(i, 0)),
                                                        false, order_seats);
                    } catch (const std::exception& e) {
                        // Redis frees them on its own shortly after (the order seats' grace period).
                        spdlog::warn("expired order {}: Redis not updated: {}", expired.text(i, 0), e.what());
                    }
                }
                if (expired.rows() > 0) spdlog::info("expired {} unpaid order(s)", expired.rows());
                if (expired.rows() < 200) break;
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
