#pragma once
#include "http/router.hpp"

namespace marquee::booking {

boost::asio::awaitable<http::Response> create_order(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> get_order(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> list_orders(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> confirm_payment(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> cancel_order(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_cancel_show(http::RequestContext& ctx);

}  // namespace marquee::booking
