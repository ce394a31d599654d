// Raw bytes as a client would send them on a connection → the server's request reading (Beast's
// parser with our limits, the refusals, the translation into http::Request) → the real router with
// every route and handler of `serve`, on a worker whose PostgreSQL and Redis are a closed port.
// Whatever arrives is answered by a refusal, a 4xx naming the problem, or 503 from the first store
// call: never a 500, a crash, a hang or a body that is not the error envelope. A request without a
// token is given an admin one, so that the body validation behind the gate is reached too.
#include "app/worker.hpp"
#include "auth/jwt.hpp"
#include "check.hpp"
#include "common/time.hpp"
#include "http/request_reading.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <exception>
#include <memory>

namespace {

using namespace marquee;

struct Api {
    Config config;
    jobs::HealthState health{1};
    redis::ServerClock clock{std::chrono::milliseconds(0)};
    std::unique_ptr<Worker> worker;
    std::string admin_authorization;

    Api() {
        spdlog::set_level(spdlog::level::off);
        config.database_url = "postgresql://marquee@127.0.0.1:1/nowhere";
        config.redis_host = "127.0.0.1";
        config.redis_port = 1;
        config.jwt_secret = std::string(40, 'f');
        config.rate_limit_per_minute = 0;
        // The web app's folder too: every GET no route takes is looked up among its files.
        worker = std::make_unique<Worker>(config, health, clock, web::StaticSite::load(MARQUEE_WEB_DIR, false));
        auth::TokenRequest admin;
        admin.subject = "fuzz-admin";
        admin.admin = true;
        admin.ttl_seconds = 10 * 365 * 86400;
        admin_authorization = "Bearer " + auth::sign_token(admin, config.jwt_secret, now_epoch());
    }
};

// `health`: /api/health answers 503 with its own body ({"status":"degraded",…}), not the envelope.
void check_answer(const http::Response& response, bool health = false) {
    FUZZ_CHECK(response.status >= 200 && response.status <= 599, "an HTTP status");
    FUZZ_CHECK(response.status != 500, "no request is a 500");
    // A file of the web app (a page, a script, the OpenAPI document, or 304 for one the client has)
    // says its own type; everything else is JSON.
    for (const auto& [name, value] : response.headers)
        if (name == "Content-Type" && !value.starts_with("application/json")) {
            FUZZ_CHECK(response.status == 200 || response.status == 304, "only a successful answer is other than JSON");
            return;
        }
    if (response.status == 304) return;
    boost::system::error_code ec;
    auto body = boost::json::parse(response.body, ec);
    FUZZ_CHECK(!ec, "the body is JSON");
    if (response.status >= 400 && !health) {
        auto* error = body.is_object() ? body.as_object().if_contains("error") : nullptr;
        FUZZ_CHECK(error && error->is_object(), "an error answer has the envelope");
        auto* code = error->as_object().if_contains("code");
        auto* message = error->as_object().if_contains("message");
        FUZZ_CHECK(code && code->is_string() && message && message->is_string(), "the envelope has code and message");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Api api;
    http::RequestParser parser;
    http::apply_limits(parser);
    boost::system::error_code ec;
    boost::asio::const_buffer input(data, size);
    // All the bytes at once, as if they had arrived in one read; then the end of the stream.
    while (input.size() > 0 && !parser.is_done()) {
        std::size_t used = parser.put(input, ec);
        input += used;
        if (ec == boost::beast::http::error::need_more) {
            ec = {};
            break;
        }
        if (ec || used == 0) break;
    }
    if (!ec && !parser.is_done()) parser.put_eof(ec);
    std::string request_id = http::request_id_from(parser.get()["X-Request-Id"]);
    FUZZ_CHECK(!request_id.empty() && request_id.size() <= 128, "a request id");
    if (ec) {
        if (auto refusal = http::refusal_for(ec)) check_answer(*refusal);
        return 0;
    }
    auto request = http::to_request(parser.get(), request_id);
    if (!request) {
        check_answer(http::malformed_target());
        return 0;
    }
    if (request->authorization.empty()) request->authorization = api.admin_authorization;

    std::optional<http::Response> response;
    boost::asio::co_spawn(api.worker->loop, api.worker->router.dispatch(*request),
                          [&](std::exception_ptr error, http::Response r) {
                              FUZZ_CHECK(!error, "dispatch never throws: the router answers every error");
                              response = std::move(r);
                          });
    while (!response) api.worker->loop.run_one();
    check_answer(*response, request->path == "/api/health");
    return 0;
}
