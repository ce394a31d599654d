#pragma once
#include "http/router.hpp"

namespace marquee::catalog {

boost::asio::awaitable<http::Response> admin_create_theatre(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_create_screen(http::RequestContext& ctx);

}  // namespace marquee::catalog
