#pragma once
#include "app/services.hpp"
#include "http/router.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <string>

namespace marquee::http {

// Shared by the listeners of all threads: graceful shutdown waits for in_flight to reach zero.
struct ServerState {
    std::atomic<int> in_flight{0};
    std::atomic<bool> stopping{false};
};

// Accepts connections on one io_context. Every thread has its own listener bound to the same
// address with SO_REUSEPORT, so the kernel spreads connections and no socket crosses threads.
class Listener {
public:
    // Binds at once: a port in use fails here, at start, with a clear message.
    Listener(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port, const Router& router,
             Services& services, ServerState& state);
    ~Listener();
    void start();
    // Stops accepting; call on the listener's own thread (post it there).
    void stop();
    // Writes out buffered access-log lines (at shutdown, once the loops have stopped).
    void flush_log();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace marquee::http
