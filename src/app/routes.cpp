#include "app/routes.hpp"

#include "booking/routes.hpp"
#include "catalog/routes.hpp"
#include "common/json_writer.hpp"

namespace marquee {

namespace {

boost::asio::awaitable<http::Response> health(http::RequestContext& ctx) {
    bool pg_up = ctx.services.health.postgres_up.load(std::memory_order_relaxed);
    bool redis_up = ctx.services.health.redis_up.load(std::memory_order_relaxed);
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("status", pg_up && redis_up ? "ok" : "degraded");
    w.field("postgres", pg_up ? "ok" : "down");
    w.field("redis", redis_up ? "ok" : "down");
    w.end_object();
    co_return http::json_response(pg_up && redis_up ? 200 : 503, std::move(body));
}

}  // namespace

http::Router build_router() {
    http::Router router;
    router.add(http::Method::Get, "/api/health", http::Access::Public, health);
    catalog::add_routes(router);
    booking::add_routes(router);
    return router;
}

}  // namespace marquee
