#pragma once
#include "http/router.hpp"

namespace marquee::booking {

boost::asio::awaitable<http::Response> create_hold(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> get_hold(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> change_hold(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> release_hold(http::RequestContext& ctx);

}  // namespace marquee::booking
