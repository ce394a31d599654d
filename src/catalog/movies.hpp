#pragma once
#include "http/router.hpp"

namespace marquee::catalog {

class Catalog;

// The movie endpoints: the public list and page (cached), and the admin create and patch.
boost::asio::awaitable<http::Response> list_movies(Catalog& catalog, http::RequestContext& ctx);
boost::asio::awaitable<http::Response> get_movie(Catalog& catalog, http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_list_movies(Catalog& catalog, http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_create_movie(Catalog& catalog, http::RequestContext& ctx);
boost::asio::awaitable<http::Response> admin_patch_movie(Catalog& catalog, http::RequestContext& ctx);

}  // namespace marquee::catalog
