#pragma once
#include "http/router.hpp"

namespace marquee::booking {

// The seat map (SPEC §3.6) and the hold endpoints (SPEC §4.7–4.10).
void add_routes(http::Router& router);

}  // namespace marquee::booking
