#pragma once
#include "auth/jwt.hpp"
#include "common/metrics.hpp"
#include "http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pg { class Pool; }
namespace redis { class Client; }
namespace marquee::auth {
class TokenCache;
class UserRegistry;
}  // namespace marquee::auth

namespace marquee::http {

// Everything a handler gets from HTTP: the request, its path parameters and the verified caller (for
// protected routes). What a handler works with beyond that (its services) it captured when its
// route was added.
struct RequestContext {
    const Request& request;
    std::vector<std::pair<std::string, std::string>> path_params;
    std::optional<auth::Principal> principal;

    std::string_view param(std::string_view name) const;
    const auth::Principal& caller() const { return *principal; }
};

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

// A handler written as f(services, ctx), bound to the services it serves with (a worker's).
template <class Services>
Handler with(Services& services, boost::asio::awaitable<Response> (*handler)(Services&, RequestContext&)) {
    return [&services, handler](RequestContext& ctx) { return handler(services, ctx); };
}

enum class Access {
    Public,  // no token
    User,    // a valid token; rate limited per user
    Admin,   // a valid token with the admin role; rate limited per user
    // A valid token with the admin role, and nothing else: no rate limit, no record of the user.
    // For monitoring (/metrics), which must answer while Redis or PostgreSQL is failing (it is what
    // shows the failure) and is asked every few seconds by every scraper.
    Monitoring,
};

// What stands before every protected route, for one worker: the token check, the per-user rate
// limit (RATE_LIMIT_PER_MINUTE in Redis; 0 disables) and the first-sight record of the user.
struct Gate {
    auth::TokenCache& tokens;
    auth::UserRegistry& users;
    pg::Pool& db;
    redis::Client& redis;
    int rate_limit_per_minute;
};

// Matches method + path (with {name} segments) to a handler, and is the one place where errors
// become HTTP: ApiError → its status and code, BackendUnavailable → 503, anything else → 500.
// One router per worker: its handlers hold that worker's services.
class Router {
public:
    explicit Router(Gate gate) : gate_(gate) {}

    void add(Method method, std::string pattern, Access access, Handler handler);
    // What answers a GET or HEAD that no route matches (the web app's files), before the 404.
    using Fallback = std::function<std::optional<Response>(const Request&)>;
    void set_fallback(Fallback fallback) { fallback_ = std::move(fallback); }
    // Every route, as "METHOD /pattern", in the order added.
    std::vector<std::string> route_names() const;
    boost::asio::awaitable<Response> dispatch(const Request& request) const;

private:
    struct Route {
        Method method;
        std::string pattern;  // also the rate-limit bucket name
        std::vector<std::string> segments;
        Access access;
        Handler handler;
        // marquee_http_requests_total and _duration_seconds of this route (shared by every worker's).
        metrics::StatusCounters* requests = nullptr;
        metrics::Histogram* latency = nullptr;
    };
    boost::asio::awaitable<Response> run(const Route& route, RequestContext& ctx) const;
    boost::asio::awaitable<void> admit(const Route& route, RequestContext& ctx) const;
    static metrics::StatusCounters& requests_metric(const std::string& labels);
    static metrics::Histogram& latency_metric(const std::string& labels);

    Gate gate_;
    std::vector<Route> routes_;
    Fallback fallback_;
};

}  // namespace marquee::http
