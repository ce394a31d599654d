#pragma once
#include "http/router.hpp"

namespace marquee::catalog {

// The catalogue's public endpoints (SPEC §3.2–3.5) and its admin endpoints (SPEC §5).
void add_routes(http::Router& router);

}  // namespace marquee::catalog
