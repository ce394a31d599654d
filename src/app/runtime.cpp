#include "app/runtime.hpp"

#include "common/metrics.hpp"

#include "app/logging.hpp"
#include "app/worker.hpp"
#include "http/server.hpp"
#include "jobs/health_probe.hpp"
#include "jobs/show_partitions.hpp"
#include "jobs/notification_sink.hpp"
#include "jobs/order_expiry.hpp"
#include "jobs/outbox.hpp"
#include "jobs/seat_reconciler.hpp"
#include "jobs/table_statistics.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include <thread>

namespace asio = boost::asio;

namespace marquee {

namespace {

// How long a stopping server waits for requests in flight before it stops anyway.
constexpr std::chrono::seconds kShutdownGrace{10};
// How long it keeps idle client connections open after it stopped accepting. A gateway holds idle
// keep-alive connections to each instance and may send its next request on one at any moment: a
// request that arrives in this window is served (with Connection: close, so the gateway drops the
// connection), and under traffic every pooled connection is drained this way; closing them at once
// would lose a request sent just as the close happened — one a gateway cannot retry if it is a POST.
constexpr std::chrono::milliseconds kIdleDrain{2000};

// marquee_http_requests_in_flight and _open_connections, read from `state` (0 without one).
void publish_connection_gauges(const http::ServerState* state) {
    metrics::registry().gauge("marquee_http_requests_in_flight", "Requests being served now",
                              [state] { return state ? static_cast<double>(state->in_flight.load()) : 0.0; });
    metrics::registry().gauge("marquee_http_open_connections", "Client connections open now (live seat maps included)",
                              [state] { return state ? static_cast<double>(state->open_connections.load()) : 0.0; });
}

}  // namespace

int run(const Config& config, RunMode mode) {
    if (config.jwt_secret_is_default && mode != RunMode::JobsOnly)
        spdlog::warn("MARQUEE_ENV=development and no JWT_SECRET: using the built-in development secret, which anyone "
                     "can read; never do this in production");

    redis::ServerClock clock{std::chrono::milliseconds(config.clock_skew_ms)};
    http::ServerState server_state;
    publish_connection_gauges(&server_state);
    // (The gauges read server_state: they must not outlive it.)
    struct ForgetGauges {
        ~ForgetGauges() { publish_connection_gauges(nullptr); }
    } forget_gauges;
    const bool serve_api = mode != RunMode::JobsOnly;
    const int thread_count = serve_api ? config.threads : 1;
    jobs::HealthState health(static_cast<std::size_t>(thread_count));

    std::shared_ptr<const web::StaticSite> site;
    if (serve_api) site = web::StaticSite::load(config.web_dir, config.development);
    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<http::Server::Worker> server_workers;
    for (int i = 0; i < thread_count; ++i) {
        workers.push_back(std::make_unique<Worker>(config, health, clock, site, serve_api ? Routes::Api : Routes::Operations));
        Worker& w = *workers.back();
        server_workers.push_back({w.loop, w.router, w.access_log});
    }
    Worker& first = *workers.front();
    // Deliveries that block (files, SMTP) get a thread of their own.
    auto sinks = jobs::make_sinks(config.notify_sink, config.webhook_secret);
    std::optional<asio::thread_pool> blocking;
    blocking.emplace(1);

    // `serve` listens on PORT; `jobs` on METRICS_PORT if it is set (for /metrics and /api/health).
    std::optional<std::uint16_t> listen_port;
    if (serve_api) listen_port = config.port;
    else listen_port = config.metrics_port;
    std::optional<http::Server> server;
    if (listen_port) {
        try {
            server.emplace(first.loop, config.host, *listen_port, server_workers, server_state);
        } catch (const std::exception& e) {
            spdlog::critical("cannot listen on {}:{}: {}", config.host, *listen_port, e.what());
            flush_logging();
            return 1;
        }
        server->start();
    }

    // Every worker's connections are probed on its own loop, its read replica's lag too; the
    // background jobs share the first.
    for (std::size_t i = 0; i < workers.size(); ++i) asio::co_spawn(workers[i]->loop, workers[i]->reads.watch(), asio::detached);
    for (std::size_t i = 0; i < workers.size(); ++i)
        asio::co_spawn(workers[i]->loop, jobs::probe_health(workers[i]->db, workers[i]->redis, health.parts[i], clock),
                       asio::detached);
    if (mode != RunMode::ApiOnly) {
        asio::co_spawn(first.loop, jobs::reconcile_seats(first.booking.seats), asio::detached);
        asio::co_spawn(first.loop, jobs::expire_orders(first.booking.order_store, first.booking.sync), asio::detached);
        asio::co_spawn(first.loop, jobs::keep_table_statistics(first.db), asio::detached);
        asio::co_spawn(first.loop, jobs::keep_show_partitions(first.db), asio::detached);
        asio::co_spawn(first.loop, jobs::deliver_outbox(first.db, sinks, *blocking, config.outbox_max_attempts,
                                                         config.outbox_lease_seconds),
                       asio::detached);
    }

    // Graceful shutdown: stop accepting, let in-flight requests finish (bounded), then stop the loops.
    std::optional<asio::signal_set> signals;
    signals.emplace(first.loop, SIGINT, SIGTERM);
    signals->async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("signal {} received: finishing in-flight requests", signal);
        server_state.stopping = true;
        if (server) server->stop();  // this handler runs on the accepting loop
        asio::co_spawn(
            first.loop,
            [&]() -> asio::awaitable<void> {
                auto started = std::chrono::steady_clock::now();
                auto draining = [&] {
                    auto waited = std::chrono::steady_clock::now() - started;
                    if (waited >= kShutdownGrace) return false;
                    return server_state.in_flight.load() > 0 ||
                           (server_state.open_connections.load() > 0 && waited < kIdleDrain);
                };
                asio::steady_timer tick(first.loop);
                while (draining()) {
                    tick.expires_after(std::chrono::milliseconds(20));
                    co_await tick.async_wait(asio::use_awaitable);
                }
                for (auto& w : workers) w->loop.stop();
            },
            asio::detached);
    });

    if (serve_api)
        spdlog::info("marquee {} listening on http://{}:{} with {} thread(s){}", MARQUEE_VERSION, config.host,
                     config.port, thread_count, mode == RunMode::ApiAndJobs ? " and background jobs" : "");
    else if (listen_port)
        spdlog::info("marquee {} running background jobs; /metrics and /api/health on http://{}:{}", MARQUEE_VERSION,
                     config.host, *listen_port);
    else
        spdlog::info("marquee {} running background jobs", MARQUEE_VERSION);

    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < workers.size(); ++i) threads.emplace_back([&w = *workers[i]] { w.loop.run(); });
    first.loop.run();
    for (auto& t : threads) t.join();

    // In order: what listens on the first loop, then a delivery still running on the blocking thread,
    // then each worker (its parked coroutines first, then its services, then its connections).
    signals.reset();
    server.reset();
    // A delivery still queued for the blocking thread holds the outbox job's coroutine: destroyed
    // with the pool, while the first worker's services it refers to are still there.
    blocking->stop();
    blocking->join();
    blocking.reset();
    workers.clear();
    spdlog::info("stopped");
    flush_logging();
    return 0;
}

}  // namespace marquee
