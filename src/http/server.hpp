#pragma once
#include "http/access_log.hpp"
#include "http/router.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace marquee::http {

// Shared by all workers: graceful shutdown waits for in_flight to reach zero.
struct ServerState {
    std::atomic<int> in_flight{0};
    // Client connections open now, busy or idle (a gateway keeps idle ones for its next requests).
    std::atomic<int> open_connections{0};
    // Set on SIGTERM: every response from then on says Connection: close.
    std::atomic<bool> stopping{false};
};

// The HTTP server: one acceptor, and connections dealt round-robin to the workers, each served
// entirely on its worker's thread with that worker's routes (no socket or service crosses workers).
// One acceptor rather than one per worker with SO_REUSEPORT, so that a second process on the same port
// fails at start instead of silently sharing the port.
class Server {
public:
    // The part of a worker the server uses: its loop, its routes and its access log.
    struct Worker {
        boost::asio::io_context& ioc;
        const Router& router;
        AccessLog& access_log;
    };

    // Binds at once: a port in use fails here, at start, with a clear message.
    Server(boost::asio::io_context& accept_ioc, const std::string& host, std::uint16_t port,
           std::vector<Worker> workers, ServerState& state);
    ~Server();
    void start();
    // Stops accepting; call on the accepting io_context's thread (post it there).
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace marquee::http
