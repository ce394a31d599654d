#pragma once
#include "app/services.hpp"
#include "auth/jwt.hpp"
#include "http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

namespace marquee::http {

// Everything a handler gets: the request, its path parameters, the verified caller (for protected
// routes) and the thread's services.
struct RequestContext {
    const Request& request;
    Services& services;
    std::vector<std::pair<std::string, std::string>> path_params;
    std::optional<auth::Principal> principal;

    std::string_view param(std::string_view name) const;
    const auth::Principal& caller() const { return *principal; }
};

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

enum class Access {
    Public,  // no token
    User,    // a valid token; rate limited per user
    Admin,   // a valid token with the admin role; rate limited per user
};

// Matches method + path (with {name} segments) to a handler, and is the one place where errors
// become HTTP: ApiError → its status and code, BackendUnavailable → 503, anything else → 500.
class Router {
public:
    void add(Method method, std::string pattern, Access access, Handler handler);
    boost::asio::awaitable<Response> dispatch(const Request& request, Services& services) const;

private:
    struct Route {
        Method method;
        std::string pattern;  // also the rate-limit bucket name
        std::vector<std::string> segments;
        Access access;
        Handler handler;
    };
    boost::asio::awaitable<Response> run(const Route& route, RequestContext& ctx) const;

    std::vector<Route> routes_;
};

}  // namespace marquee::http
