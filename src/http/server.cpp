#include "http/server.hpp"

#include "http/access_log.hpp"
#include "http/request_reading.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

namespace marquee::http {

namespace {

// Covers waiting on an idle keep-alive connection as well as a client that sends its header slowly.
constexpr std::chrono::seconds kHeaderTimeout{15};
constexpr std::chrono::seconds kBodyTimeout{15};
constexpr std::chrono::seconds kWriteTimeout{15};

}  // namespace

struct Server::Impl {
    asio::io_context& ioc;
    tcp::acceptor acceptor;
    std::vector<Worker> workers;
    std::size_t next_worker = 0;
    ServerState& state;

    Impl(asio::io_context& ioc, const std::string& host, std::uint16_t port, std::vector<Worker> workers_,
         ServerState& state)
        : ioc(ioc), acceptor(ioc), workers(std::move(workers_)), state(state) {        tcp::endpoint endpoint(asio::ip::make_address(host), port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(asio::socket_base::max_listen_connections);
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            boost::system::error_code ec;
            // The new socket belongs to the next worker's io_context from the start.
            Worker& worker = workers[next_worker];
            next_worker = (next_worker + 1) % workers.size();
            tcp::socket socket = co_await acceptor.async_accept(worker.ioc, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            if (ec) {
                // Out of file descriptors and the like: back off briefly instead of spinning.
                spdlog::warn("accept failed: {}", ec.message());
                asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
                co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            asio::co_spawn(worker.ioc, session(worker, beast::tcp_stream(std::move(socket))), asio::detached);
        }
    }

    asio::awaitable<void> write(beast::tcp_stream& stream, Response response, const std::string& request_id,
                                unsigned version, bool keep_alive, bool head = false) {
        bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), version};
        out.set(bhttp::field::content_type, "application/json");
        out.set("X-Request-Id", request_id);
        for (auto& [name, value] : response.headers) out.set(name, value);
        out.body() = std::move(response.body);
        out.keep_alive(keep_alive);
        out.prepare_payload();
        if (head) out.body().clear();  // Content-Length still tells the size of what GET would send
        stream.expires_after(kWriteTimeout);
        boost::system::error_code ec;
        co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) throw boost::system::system_error(ec);
    }

    // The socket as an EventStream: each write whole, within the write timeout.
    struct SocketEventStream : EventStream {
        explicit SocketEventStream(beast::tcp_stream& s) : stream(s) {}
        asio::awaitable<bool> write(std::string_view text) override {
            stream.expires_after(kWriteTimeout);
            boost::system::error_code ec;
            co_await asio::async_write(stream, asio::buffer(text.data(), text.size()),
                                       asio::redirect_error(asio::use_awaitable, ec));
            co_return !ec;
        }
        beast::tcp_stream& stream;
    };

    // A response of Server-Sent Events: no length, so the body ends when the connection closes. No
    // buffering along the way (nginx reads X-Accel-Buffering) and no caching.
    asio::awaitable<void> serve_stream(beast::tcp_stream& stream, Response& response, const std::string& request_id) {
        std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                           "X-Accel-Buffering: no\r\nConnection: close\r\nX-Request-Id: " + request_id + "\r\n";
        for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
        head += "\r\n";
        SocketEventStream out(stream);
        bool sent = co_await out.write(head);
        if (!sent) co_return;
        co_await response.stream(out);
    }

    // Reads and answers one request. Returns whether the connection stays open for another; false
    // when it should simply close (peer gone, idle timeout, or an error answered here: a malformed
    // or too large request).
    asio::awaitable<bool> serve_one(Worker& worker, beast::tcp_stream& stream, beast::flat_buffer& buffer) {
        RequestParser parser;
        apply_limits(parser);
        boost::system::error_code ec;

        stream.expires_after(kHeaderTimeout);
        co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec && !parser.is_done()) {
            // curl and others wait for this before sending a body larger than 1 KiB.
            auto expect = parser.get()[bhttp::field::expect];
            if (beast::iequals(expect, "100-continue") && parser.content_length() &&
                *parser.content_length() <= kBodyLimit) {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.get().version()};
                co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
            }
            if (!ec) {
                stream.expires_after(kBodyTimeout);
                co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            }
        }
        if (ec) {
            // Whatever was read of the header may carry the client's id: the refusal echoes it.
            std::string refused_id = request_id_from(parser.get()["X-Request-Id"]);
            if (auto refusal = refusal_for(ec)) co_await write(stream, std::move(*refusal), refused_id, 11, false);
            co_return false;
        }

        auto started = std::chrono::steady_clock::now();
        const auto& raw = parser.get();
        std::string request_id = request_id_from(raw["X-Request-Id"]);
        bool keep_alive = raw.keep_alive();
        state.in_flight.fetch_add(1);
        Response response;
        if (auto request = to_request(raw, request_id)) {
            response = co_await worker.router.dispatch(*request);
        } else {
            response = malformed_target();
        }
        keep_alive = keep_alive && !state.stopping.load();
        if (response.stream && raw.method() == bhttp::verb::get) {
            // Open-ended: not a request in flight (a drain would wait for it forever); its client
            // reconnects elsewhere when this instance stops, and resumes where it was.
            state.in_flight.fetch_sub(1);
            worker.access_log.record(raw.method_string(), raw.target(), 200, 0, 0, request_id);
            co_await serve_stream(stream, response, request_id);
            co_return false;
        }
        int status = response.status;
        std::size_t bytes = response.body.size();
        try {
            co_await write(stream, std::move(response), request_id, raw.version(), keep_alive,
                           raw.method() == bhttp::verb::head);
        } catch (...) {
            state.in_flight.fetch_sub(1);
            throw;
        }
        state.in_flight.fetch_sub(1);
        auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        worker.access_log.record(raw.method_string(), raw.target(), status, bytes, micros.count() / 1000.0, request_id);
        co_return keep_alive;
    }

    asio::awaitable<void> session(Worker& worker, beast::tcp_stream stream) {
        state.open_connections.fetch_add(1);
        struct Closed {
            std::atomic<int>& open;
            ~Closed() { open.fetch_sub(1); }
        } closed{state.open_connections};
        beast::flat_buffer buffer;
        try {
            while (co_await serve_one(worker, stream, buffer)) {
            }
        } catch (const boost::system::system_error&) {
            // The peer went away or stalled while we wrote: nothing left to tell it.
        } catch (const std::exception& e) {
            spdlog::error("connection dropped after an unexpected error: {}", e.what());
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
};

Server::Server(asio::io_context& accept_ioc, const std::string& host, std::uint16_t port, std::vector<Worker> workers,
               ServerState& state)
    : impl_(std::make_unique<Impl>(accept_ioc, host, port, std::move(workers), state)) {}

Server::~Server() = default;

void Server::start() { asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached); }

void Server::stop() {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
}

}  // namespace marquee::http
