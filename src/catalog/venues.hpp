#pragma once
#include "http/router.hpp"

namespace marquee::catalog {

class Catalog;

// The admin endpoints that list and add theatres and screens.
boost::asio::awaitable<http::Response> admin_list_theatres(Catalog& catalog, http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_create_theatre(Catalog& catalog, http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_create_screen(Catalog& catalog, http::RequestContext& ctx);

}  // namespace marquee::catalog
