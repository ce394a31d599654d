// The full-booking load generator of bench/run.sh: N users, each on its own keep-alive connection,
// walking hold → order → confirm-payment over and over for DURATION seconds, then one line:
//   BOOKINGS <bookings per second> <p50 ms> <p99 ms> <non-2xx responses> <next BOOK_START>
// (latencies are per request). Not a wrk script: wrk keeps script state per thread, not per
// connection, so a booking walk under wrk needs one OS thread and one Lua VM per user; with 64
// users on a 2-core machine that load generator alone took a sixth of the CPU the measured system
// shares with it (5% for this one). This one runs every user on one thread, as pgbench, the
// yardstick of the booking bar, runs its clients on two.
//
// Usage: booker HOST PORT USERS DURATION_SECONDS
// Environment: BOOK_SHOWS (comma-separated show ids of 8 × 15 screens), HOLD_TOKENS (a file with
// one bearer token per line; user u takes line u mod count), BOOK_START (optional, where the walk
// over (show, seat) pairs starts, so that runs right after each other never want the same seats).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Shared {
    std::vector<std::string> shows;
    std::vector<std::string> tokens;
    Clock::time_point stop;
    std::vector<double> latencies_ms;
    long bookings = 0;
    long non_2xx = 0;
    long failures = 0;  // connections that broke
    long next_start = 0;  // a BOOK_START past every walk of this run: the next run wants other seats
};

struct Response {
    int status = 0;
    std::string body;
};

std::string field(const std::string& body, const std::string& name) {
    std::string key = "\"" + name + "\":\"";
    auto at = body.find(key);
    if (at == std::string::npos) return {};
    at += key.size();
    return body.substr(at, body.find('"', at) - at);
}

class User {
public:
    User(Shared& shared, tcp::socket socket, int index, int users, long start)
        : shared_(shared), socket_(std::move(socket)), index_(index), users_(users), counter_(start),
          token_(shared.tokens[static_cast<std::size_t>(index) % shared.tokens.size()]) {}

    asio::awaitable<void> run() {
        while (Clock::now() < shared_.stop) {
            // User i books the (show, seat) pairs g = i, i + N, i + 2N, …: no two users want the same seat.
            long g = index_ + static_cast<long>(users_) * counter_++;
            const std::string& show = shared_.shows[static_cast<std::size_t>(g) % shared_.shows.size()];
            long k = (g / static_cast<long>(shared_.shows.size())) % 120;
            std::string seat = std::string(1, static_cast<char>('A' + k / 15)) + std::to_string(k % 15 + 1);
            Response hold = co_await post("/api/v1/holds",
                                          R"({"showId":")" + show + R"(","seatIds":[")" + seat + R"("],"quantity":1})");
            if (hold.status != 201) continue;
            Response order = co_await post("/api/v1/orders", R"({"holdId":")" + field(hold.body, "holdId") +
                                                                 R"(","customer":{"name":"Bench User","email":"bench@example.com","phone":"9876543210"}})");
            if (order.status != 201) continue;
            Response paid = co_await post("/api/v1/orders/" + field(order.body, "orderId") + "/confirm-payment", "");
            if (paid.status == 200 && Clock::now() < shared_.stop) ++shared_.bookings;
        }
        shared_.next_start = std::max(shared_.next_start, counter_);
    }

private:
    asio::awaitable<Response> post(const std::string& path, const std::string& body) {
        std::string request = "POST " + path + " HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token_ +
                              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body;
        auto started = Clock::now();
        co_await asio::async_write(socket_, asio::buffer(request), asio::use_awaitable);
        std::size_t header_end = co_await asio::async_read_until(socket_, asio::dynamic_buffer(in_), "\r\n\r\n",
                                                                  asio::use_awaitable);
        Response r;
        r.status = std::atoi(in_.c_str() + 9);  // "HTTP/1.1 201 …"
        std::size_t length = 0;
        std::string headers = in_.substr(0, header_end);
        std::transform(headers.begin(), headers.end(), headers.begin(), [](unsigned char c) { return std::tolower(c); });
        if (auto at = headers.find("content-length:"); at != std::string::npos)
            length = std::strtoul(headers.c_str() + at + 15, nullptr, 10);
        if (in_.size() < header_end + length)
            co_await asio::async_read(socket_, asio::dynamic_buffer(in_), asio::transfer_exactly(header_end + length - in_.size()),
                                      asio::use_awaitable);
        r.body = in_.substr(header_end, length);
        in_.erase(0, header_end + length);
        if (Clock::now() < shared_.stop) {
            shared_.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
            if (r.status < 200 || r.status >= 300) ++shared_.non_2xx;
        }
        co_return r;
    }

    Shared& shared_;
    tcp::socket socket_;
    int index_, users_;
    long counter_;
    std::string token_;
    std::string in_;
};

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, sep);)
        if (!item.empty()) out.push_back(item);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5 || !std::getenv("BOOK_SHOWS") || !std::getenv("HOLD_TOKENS")) {
        std::cerr << "usage: BOOK_SHOWS=… HOLD_TOKENS=file booker HOST PORT USERS DURATION_SECONDS\n";
        return 2;
    }
    Shared shared;
    shared.shows = split(std::getenv("BOOK_SHOWS"), ',');
    std::ifstream token_file(std::getenv("HOLD_TOKENS"));
    for (std::string line; std::getline(token_file, line);)
        if (!line.empty()) shared.tokens.push_back(line);
    int users = std::atoi(argv[3]);
    double seconds = std::atof(argv[4]);
    long start = std::getenv("BOOK_START") ? std::atol(std::getenv("BOOK_START")) : 0;
    if (shared.shows.empty() || shared.tokens.empty() || users <= 0 || seconds <= 0) {
        std::cerr << "booker: no shows, no tokens, or a bad USERS/DURATION\n";
        return 2;
    }

    asio::io_context ioc(1);
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(argv[1], argv[2]);
    std::vector<std::unique_ptr<User>> all;
    for (int i = 0; i < users; ++i) {
        tcp::socket socket(ioc);
        asio::connect(socket, endpoints);
        socket.set_option(tcp::no_delay(true));
        all.push_back(std::make_unique<User>(shared, std::move(socket), i, users, start));
    }
    auto began = Clock::now();
    shared.stop = began + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (auto& user : all)
        asio::co_spawn(ioc, user->run(), [&shared](std::exception_ptr e) {
            if (e) ++shared.failures;
        });
    ioc.run();

    auto& lat = shared.latencies_ms;
    std::sort(lat.begin(), lat.end());
    auto percentile = [&lat](double p) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<std::size_t>(p * lat.size()))]; };
    std::printf("BOOKINGS %.0f %.2f %.2f %ld %ld\n", shared.bookings / seconds, percentile(0.50), percentile(0.99),
                shared.non_2xx + shared.failures, shared.next_start);
    return shared.failures == 0 ? 0 : 1;
}
