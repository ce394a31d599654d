#pragma once
#include "http/router.hpp"

namespace marquee::catalog {

boost::asio::awaitable<http::Response> list_movies(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> get_movie(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_create_movie(http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_patch_movie(http::RequestContext& ctx);

}  // namespace marquee::catalog
