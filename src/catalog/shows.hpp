#pragma once
#include "http/router.hpp"

namespace marquee::catalog {

boost::asio::awaitable<http::Response> movie_availability(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> movie_shows(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_create_show(http::RequestContext& ctx);

}  // namespace marquee::catalog
