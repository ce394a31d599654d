#pragma once
#include "http/router.hpp"

namespace marquee::booking {

// The seat map (SPEC §3.6), holds and orders (SPEC §4) and the admin show cancellation (SPEC §5).
void add_routes(http::Router& router);

}  // namespace marquee::booking
