#include "booking/routes.hpp"

#include "booking/holds.hpp"
#include "booking/seat_map.hpp"

namespace marquee::booking {

void add_routes(http::Router& router) {
    using http::Access;
    using http::Method;
    router.add(Method::Get, "/api/v1/shows/{showId}/seatmap", Access::Public, seat_map);
    router.add(Method::Post, "/api/v1/holds", Access::User, create_hold);
    router.add(Method::Get, "/api/v1/holds/{holdId}", Access::User, get_hold);
    router.add(Method::Patch, "/api/v1/holds/{holdId}", Access::User, change_hold);
    router.add(Method::Post, "/api/v1/holds/{holdId}/release", Access::User, release_hold);
}

}  // namespace marquee::booking
