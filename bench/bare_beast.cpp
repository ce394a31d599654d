// The yardstick of ARCHITECTURE.md's speed bar: a Beast server that does nothing but answer
// {"status":"ok"}, with the same threading (one io_context per thread, SO_REUSEPORT) as marquee.
// Usage: bare_beast PORT THREADS
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

static asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        boost::system::error_code ec;
        co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"status":"ok","postgres":"ok","redis":"ok"})";
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !req.keep_alive()) break;
    }
}

static asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        socket.set_option(tcp::no_delay(true));
        asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
    }
}

int main(int argc, char** argv) {
    unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 8091;
    int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    std::vector<std::unique_ptr<asio::io_context>> loops;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    for (int i = 0; i < threads; ++i) {
        loops.push_back(std::make_unique<asio::io_context>(1));
        tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
        auto acceptor = std::make_unique<tcp::acceptor>(*loops.back());
        acceptor->open(endpoint.protocol());
        acceptor->set_option(asio::socket_base::reuse_address(true));
        acceptor->set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
        acceptor->bind(endpoint);
        acceptor->listen();
        asio::co_spawn(*loops.back(), accept_loop(*acceptor), asio::detached);
        acceptors.push_back(std::move(acceptor));
    }
    std::vector<std::thread> workers;
    for (int i = 1; i < threads; ++i) workers.emplace_back([&, i] { loops[i]->run(); });
    loops[0]->run();
}
