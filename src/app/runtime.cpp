#include "app/runtime.hpp"

#include "app/logging.hpp"
#include "app/routes.hpp"
#include "app/services.hpp"
#include "auth/token_cache.hpp"
#include "auth/users.hpp"
#include "booking/order_writer.hpp"
#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"
#include "http/server.hpp"
#include "jobs/health_probe.hpp"
#include "jobs/order_expiry.hpp"
#include "jobs/outbox.hpp"
#include "pg/pool.hpp"
#include "redis/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include <thread>

namespace asio = boost::asio;

namespace marquee {

namespace {

// Everything one I/O thread owns.
struct Worker {
    Worker(const Config& config, HealthState& health)
        : ioc(1),
          db(ioc.get_executor(), config.database_url, config.pg_pool_size),
          redis(ioc.get_executor(), config.redis_host, config.redis_port, config.redis_db),
          tokens(config.jwt_secret),
          orders(ioc.get_executor(), db, config.order_ttl_seconds),
          services{config, db, redis, tokens, users, shows, seat_maps, orders, health} {}

    asio::io_context ioc;
    // Connections arrive from the accepting thread: keep the loop running while it has none.
    asio::executor_work_guard<asio::io_context::executor_type> keep_running{ioc.get_executor()};
    pg::Pool db;
    redis::Client redis;
    auth::TokenCache tokens;
    auth::UserRegistry users;
    booking::ShowDirectory shows;
    booking::SeatMapCache seat_maps;
    booking::OrderWriter orders;
    Services services;
};

constexpr std::chrono::seconds kShutdownGrace{10};

}  // namespace

int run(const Config& config, RunMode mode) {
    if (config.jwt_secret_is_default)
        spdlog::warn("JWT_SECRET is not set: using the development secret; never do this in production");

    HealthState health;
    http::ServerState server_state;
    const http::Router router = build_router();
    const bool serve_api = mode != RunMode::JobsOnly;
    const int thread_count = serve_api ? config.threads : 1;

    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<http::Server::Worker> lanes;
    for (int i = 0; i < thread_count; ++i) {
        workers.push_back(std::make_unique<Worker>(config, health));
        lanes.push_back({workers.back()->ioc, workers.back()->services});
    }
    Worker& first = *workers.front();
    std::optional<http::Server> server;
    if (serve_api) {
        try {
            server.emplace(first.ioc, config.host, config.port, router, lanes, server_state);
        } catch (const std::exception& e) {
            spdlog::critical("cannot listen on {}:{}: {}", config.host, config.port, e.what());
            flush_logging();
            return 1;
        }
        server->start();
    }

    asio::co_spawn(first.ioc, jobs::probe_health(first.services), asio::detached);
    // Background jobs share the first loop; deliveries that block (files, SMTP) get a thread of their own.
    auto sink = jobs::make_sink(config.notify_sink);
    asio::thread_pool blocking(1);
    if (mode != RunMode::ApiOnly) {
        asio::co_spawn(first.ioc, jobs::expire_orders(first.services), asio::detached);
        asio::co_spawn(first.ioc, jobs::deliver_outbox(first.services, *sink, blocking), asio::detached);
    }

    auto stop_all = [&] {
        for (auto& w : workers) w->ioc.stop();
    };
    // Graceful shutdown: stop accepting, let in-flight requests finish (bounded), then stop the loops.
    asio::signal_set signals(first.ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("signal {} received: finishing in-flight requests", signal);
        server_state.stopping = true;
        if (server) server->stop();  // this handler runs on the accepting loop
        asio::co_spawn(
            first.ioc,
            [&]() -> asio::awaitable<void> {
                auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
                asio::steady_timer tick(first.ioc);
                while (server_state.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
                    tick.expires_after(std::chrono::milliseconds(20));
                    co_await tick.async_wait(asio::use_awaitable);
                }
                stop_all();
            },
            asio::detached);
    });

    if (serve_api)
        spdlog::info("marquee {} listening on http://{}:{} with {} thread(s){}", MARQUEE_VERSION, config.host,
                     config.port, thread_count, mode == RunMode::ApiAndJobs ? " and background jobs" : "");
    else
        spdlog::info("marquee {} running background jobs", MARQUEE_VERSION);

    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < workers.size(); ++i) threads.emplace_back([&w = *workers[i]] { w.ioc.run(); });
    first.ioc.run();
    for (auto& t : threads) t.join();
    if (server) server->flush_logs();
    spdlog::info("stopped");
    flush_logging();
    // Skip destructors: coroutine frames still parked on the stopped loops refer to pools and
    // clients, and nothing is left that needs cleaning up (the kernel closes the sockets).
    std::_Exit(0);
}

}  // namespace marquee
