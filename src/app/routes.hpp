#pragma once
#include "http/router.hpp"

namespace marquee {

// Every endpoint of SPEC §3–§5.
http::Router build_router();

}  // namespace marquee
