#pragma once
#include "http/router.hpp"

namespace marquee::catalog {

class Catalog;

// The show endpoints: a movie's dates with shows, its shows on one date, and the admin create.
boost::asio::awaitable<http::Response> movie_availability(Catalog& catalog, http::RequestContext& ctx);
boost::asio::awaitable<http::Response> movie_shows(Catalog& catalog, http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_create_show(Catalog& catalog, http::RequestContext& ctx);

}  // namespace marquee::catalog
