#pragma once
#include "http/router.hpp"

namespace marquee::booking {

// GET /api/v1/shows/{showId}/seatmap: the immutable layout plus the live held and sold seats.
boost::asio::awaitable<http::Response> seat_map(http::RequestContext& ctx);

}  // namespace marquee::booking
