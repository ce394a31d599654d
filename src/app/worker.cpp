#include "app/worker.hpp"

#include "common/json_writer.hpp"
#include "jobs/dead_letters.hpp"
#include "jobs/metrics_endpoint.hpp"
#include "web/dev_sign_in.hpp"

namespace marquee {

namespace {

// GET /api/health: from the last probe, without a round trip of its own.
void add_health_route(http::Router& router, const jobs::HealthState& health) {
    router.add(http::Method::Get, "/api/health", http::Access::Public,
               [&health](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
                   bool pg_up = health.postgres_up();
                   bool redis_up = health.redis_up();
                   std::string body;
                   JsonWriter w(body);
                   w.begin_object();
                   w.field("status", pg_up && redis_up ? "ok" : "degraded");
                   w.field("postgres", pg_up ? "ok" : "down");
                   w.field("redis", redis_up ? "ok" : "down");
                   w.end_object();
                   co_return http::json_response(pg_up && redis_up ? 200 : 503, std::move(body));
               });
}

// REDIS_URL's server, or its cluster's seed nodes.
std::vector<redis::Endpoint> redis_nodes(const Config& c) {
    std::vector<std::pair<std::string, std::uint16_t>> addresses = c.redis_cluster_seeds;
    if (addresses.empty()) addresses.emplace_back(c.redis_host, c.redis_port);
    std::vector<redis::Endpoint> nodes;
    for (const auto& [host, port] : addresses) {
        redis::Endpoint e;
        e.host = host;
        e.port = port;
        e.db = c.redis_db;
        e.user = c.redis_user;
        e.password = c.redis_password;
        nodes.push_back(std::move(e));
    }
    return nodes;
}

booking::BookingSettings booking_settings(const Config& c) {
    booking::BookingSettings s;
    s.hold_ttl_seconds = c.hold_ttl_seconds;
    s.order_ttl_seconds = c.order_ttl_seconds;
    s.max_seats_per_hold = c.max_seats_per_hold;
    s.pass_secret = c.jwt_secret;
    return s;
}

}  // namespace

Worker::Worker(const Config& config, const jobs::HealthState& health, const redis::ServerClock& clock,
               std::shared_ptr<const web::StaticSite> site, Routes routes)
    : db(loop.get_executor(), config.database_url, config.pg_pool_size),
      replica_db(config.database_read_url
                     ? std::make_unique<pg::Pool>(loop.get_executor(), *config.database_read_url, config.pg_pool_size)
                     : nullptr),
      reads(db, replica_db.get(), std::chrono::seconds(config.database_read_max_lag_seconds)),
      redis(loop.get_executor(), redis_nodes(config),
            config.redis_cluster_seeds.empty() ? redis::Client::Topology::SingleServer : redis::Client::Topology::Cluster),
      tokens(config.jwt_secret),
      booking(loop.get_executor(), db, reads, redis, clock, booking_settings(config)),
      catalog(db, reads, redis, booking.seats),
      router(http::Gate{tokens, users, db, redis, config.rate_limit_per_minute}),
      access_log(loop) {
    add_health_route(router, health);
    jobs::add_metrics_route(router, db);
    if (routes == Routes::Operations) return;
    catalog::add_routes(router, catalog);
    booking::add_routes(router, booking);
    jobs::add_dead_letter_routes(router, db);
    if (config.development) web::add_dev_sign_in_route(router, config.jwt_secret);
    if (site) web::add_site_routes(router, std::move(site));
}

std::vector<std::string> route_table(const Config& config) {
    jobs::HealthState health(1);
    redis::ServerClock clock;
    Worker worker(config, health, clock, std::make_shared<const web::StaticSite>());
    return worker.router.route_names();
}

Worker::~Worker() {
    // Coroutines still parked on the loop hold references to the services below: destroy them first.
    loop.discard_pending();
    access_log.flush();
}

}  // namespace marquee
