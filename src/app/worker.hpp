#pragma once
#include "app/config.hpp"
#include "auth/token_cache.hpp"
#include "auth/users.hpp"
#include "booking/booking.hpp"
#include "catalog/catalog.hpp"
#include "http/access_log.hpp"
#include "http/router.hpp"
#include "jobs/health_probe.hpp"
#include "pg/read_pool.hpp"
#include "redis/client.hpp"
#include "redis/server_clock.hpp"
#include "web/static_site.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace marquee {

// An event loop that can drop the work still parked on it (coroutines waiting on a timer, a socket
// or a reply) while everything that work refers to is still alive: a worker stops by stopping its
// loop, discarding what is parked there, and only then destroying its services.
class EventLoop : public boost::asio::io_context {
public:
    EventLoop() : boost::asio::io_context(1) {}
    void discard_pending() { shutdown(); }
};

// Which routes a worker answers: the whole API (`serve`), or what a jobs process answers operators
// on METRICS_PORT (`jobs`: /api/health and /metrics).
enum class Routes { Api, Operations };

// Everything one I/O thread owns: its event loop, its PostgreSQL pool and Redis connection, and
// every module's services over them. Only that thread touches any of it, so nothing here needs a
// lock. Members are built in dependency order and destroyed in reverse.
class Worker {
public:
    // `site` (the web app's files, shared by all workers) may be null: no web app (the jobs process).
    Worker(const Config& config, const jobs::HealthState& health, const redis::ServerClock& clock,
           std::shared_ptr<const web::StaticSite> site, Routes routes = Routes::Api);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    EventLoop loop;
    // Connections arrive from the accepting thread: keep the loop running while it has none.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running{loop.get_executor()};
    pg::Pool db;
    // DATABASE_READ_URL's replica (null without one), and where catalogue reads go.
    std::unique_ptr<pg::Pool> replica_db;
    pg::ReadPool reads;
    redis::Client redis;
    auth::TokenCache tokens;
    auth::UserRegistry users;
    booking::Booking booking;
    catalog::Catalog catalog;
    http::Router router;
    http::AccessLog access_log;
};

// Every route a `serve` process with this configuration answers, as "METHOD /pattern" (`marquee
// routes`: what docs/openapi.yaml is checked against).
std::vector<std::string> route_table(const Config& config);

}  // namespace marquee
