#include "booking/routes.hpp"

#include "booking/holds.hpp"
#include "booking/orders.hpp"
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
    router.add(Method::Post, "/api/v1/orders", Access::User, create_order);
    router.add(Method::Get, "/api/v1/orders", Access::User, list_orders);
    router.add(Method::Get, "/api/v1/orders/{orderId}", Access::User, get_order);
    router.add(Method::Post, "/api/v1/orders/{orderId}/confirm-payment", Access::User, confirm_payment);
    router.add(Method::Post, "/api/v1/orders/{orderId}/cancel", Access::User, cancel_order);
    router.add(Method::Post, "/api/v1/admin/shows/{showId}/cancel", Access::Admin, admin_cancel_show);
}

}  // namespace marquee::booking
