#include "http/router.hpp"

#include "auth/token_cache.hpp"
#include "auth/users.hpp"
#include "common/errors.hpp"
#include "http/rate_limit.hpp"
#include "common/time.hpp"

#include <spdlog/spdlog.h>

namespace marquee::http {

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        out.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// The caller is over their rate limit: answered 429 with Retry-After.
struct RateLimited {
    int retry_after;
};

bool is_param(const std::string& segment) { return segment.size() > 2 && segment.front() == '{' && segment.back() == '}'; }

const char* method_name(Method m) {
    switch (m) {
        case Method::Get: return "GET";
        case Method::Post: return "POST";
        case Method::Patch: return "PATCH";
        case Method::Put: return "PUT";
        case Method::Delete: return "DELETE";
        case Method::Head: return "HEAD";
        case Method::Options: return "OPTIONS";
        default: return "OTHER";
    }
}

}  // namespace

std::string_view RequestContext::param(std::string_view name) const {
    for (const auto& [k, v] : path_params)
        if (k == name) return v;
    return {};
}

void Router::add(Method method, std::string pattern, Access access, Handler handler) {
    auto segments = split_path(pattern);
    std::string labels = "method=\"" + std::string(method_name(method)) + "\",route=\"" + pattern + "\"";
    routes_.push_back(Route{method, std::string(method_name(method)) + ' ' + pattern, std::move(segments), access,
                            std::move(handler), &requests_metric(labels), &latency_metric(labels)});
}

std::vector<std::string> Router::route_names() const {
    std::vector<std::string> names;
    for (const Route& route : routes_) names.push_back(route.pattern);
    return names;
}

metrics::StatusCounters& Router::requests_metric(const std::string& labels) {
    return metrics::registry().statuses("marquee_http_requests_total", "HTTP requests answered, by route and status",
                                        labels);
}

metrics::Histogram& Router::latency_metric(const std::string& labels) {
    return metrics::registry().histogram("marquee_http_request_duration_seconds",
                                         "Time from a request read to its answer ready, by route", labels);
}

boost::asio::awaitable<Response> Router::dispatch(const Request& request) const {
    if (request.path.empty() || request.path.front() != '/') co_return error_response(404, "NOT_FOUND", "no such route");
    auto segments = split_path(request.path);
    std::string allowed;
    for (const Route& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        std::vector<std::pair<std::string, std::string>> params;
        bool match = true;
        for (std::size_t i = 0; i < segments.size() && match; ++i) {
            if (is_param(route.segments[i]))
                params.emplace_back(route.segments[i].substr(1, route.segments[i].size() - 2), segments[i]);
            else
                match = route.segments[i] == segments[i];
        }
        if (!match) continue;
        // HEAD is GET without the body (the server drops it when writing).
        bool head_of_get = request.method == Method::Head && route.method == Method::Get;
        if (route.method != request.method && !head_of_get) {
            if (!allowed.empty()) allowed += ", ";
            allowed += method_name(route.method);
            continue;
        }
        RequestContext ctx{request, std::move(params), std::nullopt};
        auto started = std::chrono::steady_clock::now();
        Response response = co_await run(route, ctx);
        route.requests->add(response.status);
        route.latency->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        co_return response;
    }
    static metrics::StatusCounters& unmatched = requests_metric("method=\"\",route=\"unmatched\"");
    if (allowed.empty() && fallback_ && (request.method == Method::Get || request.method == Method::Head)) {
        static metrics::StatusCounters& web = requests_metric("method=\"GET\",route=\"web app\"");
        if (auto response = fallback_(request)) {
            web.add(response->status);
            co_return std::move(*response);
        }
    }
    if (allowed.empty()) {
        unmatched.add(404);
        co_return error_response(404, "NOT_FOUND", "no such route: " + request.path);
    }
    unmatched.add(405);
    Response r = error_response(405, "METHOD_NOT_ALLOWED", "method not allowed here; allowed: " + allowed);
    r.headers.emplace_back("Allow", allowed);
    co_return r;
}

boost::asio::awaitable<void> Router::admit(const Route& route, RequestContext& ctx) const {
    std::string_view auth = ctx.request.authorization;
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() || auth.substr(0, kBearer.size()) != kBearer)
        throw ApiError::unauthorized("missing bearer token");
    ctx.principal = gate_.tokens.verify(auth.substr(kBearer.size()), now_epoch());
    if ((route.access == Access::Admin || route.access == Access::Monitoring) && !ctx.principal->admin)
        throw ApiError::forbidden("this endpoint needs the admin role");
    if (route.access == Access::Monitoring) co_return;
    if (auto retry_after =
            co_await check_rate_limit(gate_.redis, gate_.rate_limit_per_minute, ctx.principal->user_id, route.pattern))
        throw RateLimited{*retry_after};
    try {
        co_await gate_.users.remember(*ctx.principal, gate_.db);
    } catch (const BackendUnavailable&) {
        // Recording the user is not worth failing the request; it is retried on the next one.
    }
}

boost::asio::awaitable<Response> Router::run(const Route& route, RequestContext& ctx) const {
    try {
        if (route.access != Access::Public) co_await admit(route, ctx);
        co_return co_await route.handler(ctx);
    } catch (const RateLimited& e) {
        Response r = error_response(429, "RATE_LIMITED",
                                    "too many requests; retry in " + std::to_string(e.retry_after) + " s");
        r.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
        co_return r;
    } catch (const ApiError& e) {
        co_return error_response(e.status, e.code, e.what());
    } catch (const BackendUnavailable& e) {
        spdlog::warn("{}: {}", route.pattern, e.what());
        Response r = error_response(503, "SERVICE_UNAVAILABLE", "a backing service is unavailable, try again shortly");
        r.headers.emplace_back("Retry-After", "1");
        co_return r;
    } catch (const std::exception& e) {
        spdlog::error("{}: unexpected error: {}", route.pattern, e.what());
        co_return error_response(500, "INTERNAL", "internal error");
    }
}

}  // namespace marquee::http
