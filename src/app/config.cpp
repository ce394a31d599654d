#include "app/config.hpp"

#include "jobs/notification_sink.hpp"

#include <boost/url/parse.hpp>

#include <charconv>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace marquee {

namespace {

// build/marquee → web/ of the same checkout; an installed /usr/bin/marquee → /usr/web (set WEB_DIR).
std::string default_web_dir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return "web";
    return (exe.parent_path().parent_path() / "web").string();
}

constexpr const char* kDevJwtSecret = "marquee-dev-secret-change-me";

long parse_int(const char* name, const char* text, long min, long max) {
    std::string_view s(text);
    long value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || value < min || value > max)
        throw std::invalid_argument(std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                                    std::to_string(max) + ", got '" + std::string(s) + "'");
    return value;
}

// The URL as it may be printed: whatever stands between "//" and "@" is a secret.
std::string without_credentials(const std::string& url) {
    auto scheme_end = url.find("//");
    auto at = url.find('@', scheme_end == std::string::npos ? 0 : scheme_end);
    if (scheme_end == std::string::npos || at == std::string::npos) return url;
    return url.substr(0, scheme_end + 2) + "***" + url.substr(at);
}

void parse_redis_url(Config& c, const std::string& text) {
    auto url = boost::urls::parse_uri(text);
    if (!url || url->scheme() != "redis" || url->host().empty())
        throw std::invalid_argument("REDIS_URL must look like redis://[user:password@]host:port/db, got '" +
                                    without_credentials(text) + "'");
    c.redis_host = std::string(url->host());
    if (url->has_password()) c.redis_password = std::string(url->password());
    if (!url->user().empty()) {
        if (!c.redis_password) {
            // redis://secret@host: a password alone, as Redis's own tools read it.
            c.redis_password = std::string(url->user());
        } else {
            c.redis_user = std::string(url->user());
        }
    }
    c.redis_port = url->has_port()
                       ? static_cast<std::uint16_t>(parse_int("REDIS_URL port", std::string(url->port()).c_str(), 1, 65535))
                       : 6379;
    std::string path(url->path());
    if (!path.empty() && path != "/")
        c.redis_db = static_cast<int>(parse_int("REDIS_URL database", path.substr(1).c_str(), 0, 15));
}

// redis-cluster://[user:password@]host:port,host:port…[/0]: each seed read as a redis:// URL with
// the same credentials, so both forms follow one set of rules.
void parse_redis_cluster_url(Config& c, const std::string& text) {
    constexpr std::string_view kScheme = "redis-cluster://";
    std::string rest = text.substr(kScheme.size());
    std::string path;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        path = rest.substr(slash);
        rest.resize(slash);
    }
    std::string credentials;
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        credentials = rest.substr(0, at + 1);
        rest.erase(0, at + 1);
    }
    if (path != "" && path != "/" && path != "/0")
        throw std::invalid_argument("REDIS_URL: a Redis Cluster has only database 0, got '" + without_credentials(text) + "'");
    std::size_t start = 0;
    while (start <= rest.size()) {
        auto comma = rest.find(',', start);
        std::string seed = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        Config one;
        try {
            parse_redis_url(one, "redis://" + credentials + seed);
        } catch (const std::invalid_argument&) {
            throw std::invalid_argument("REDIS_URL must look like redis-cluster://[user:password@]host:port,host:port…, got '" +
                                        without_credentials(text) + "'");
        }
        c.redis_cluster_seeds.emplace_back(one.redis_host, one.redis_port);
        c.redis_user = one.redis_user;
        c.redis_password = one.redis_password;
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    c.redis_host = c.redis_cluster_seeds.front().first;
    c.redis_port = c.redis_cluster_seeds.front().second;
    c.redis_db = 0;
}

// One sink of NOTIFY_SINK. A webhook must be https, except to this machine (a local receiver).
void check_one_sink(const std::string& sink) {
    if (sink == "log") return;
    if (sink.rfind("file:/", 0) == 0) return;
    if (sink.rfind("smtp://", 0) == 0) {
        auto url = boost::urls::parse_uri(sink);
        if (url && !url->host().empty()) return;
    }
    if (sink.rfind("webhook:", 0) == 0) {
        std::string target = sink.substr(8);  // (named: the parsed view points into it)
        auto url = boost::urls::parse_uri(target);
        if (!url || url->host().empty()) throw std::invalid_argument("NOTIFY_SINK: a webhook needs a URL, webhook:https://host/path");
        std::string host(url->host());
        bool local = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
        if (url->scheme() == "https" || (url->scheme() == "http" && local)) return;
        throw std::invalid_argument("NOTIFY_SINK: a webhook must use https (plain http only to 127.0.0.1 or localhost)");
    }
    // (Not the value itself: a URL may carry credentials, and this goes to the log.)
    throw std::invalid_argument("NOTIFY_SINK must be log, file:/absolute/path, smtp://host:port or "
                                "webhook:https://host/path, or several of them comma-separated");
}

void check_notify_sink(const std::string& spec, const std::string& webhook_secret) {
    auto sinks = jobs::sink_specs(spec);
    if (sinks.empty()) throw std::invalid_argument("NOTIFY_SINK is empty");
    for (const auto& sink : sinks) {
        check_one_sink(sink);
        if (sink.rfind("webhook:", 0) == 0 && webhook_secret.size() < 32)
            throw std::invalid_argument("WEBHOOK_SECRET must be set, at least 32 bytes, to sign webhook deliveries");
    }
}

}  // namespace

std::optional<std::string> jwt_secret_problem(const Config& c) {
    if (c.development) return std::nullopt;
    if (c.jwt_secret_is_default)
        return "JWT_SECRET is not set: set one of at least " + std::to_string(kMinJwtSecretBytes) +
               " bytes (or MARQUEE_ENV=development to use the built-in development secret)";
    if (c.jwt_secret.size() < kMinJwtSecretBytes)
        return "JWT_SECRET is " + std::to_string(c.jwt_secret.size()) + " bytes; it must be at least " +
               std::to_string(kMinJwtSecretBytes) + " (or MARQUEE_ENV=development)";
    return std::nullopt;
}

Config load_config(const std::function<const char*(const char*)>& getenv) {
    Config c;
    unsigned cores = std::thread::hardware_concurrency();
    c.threads = cores == 0 ? 1 : static_cast<int>(cores);

    if (const char* v = getenv("HOST")) {
        if (!*v) throw std::invalid_argument("HOST must not be empty");
        c.host = v;
    }
    if (const char* v = getenv("PORT")) c.port = static_cast<std::uint16_t>(parse_int("PORT", v, 1, 65535));
    if (const char* v = getenv("METRICS_PORT"); v && *v)
        c.metrics_port = static_cast<std::uint16_t>(parse_int("METRICS_PORT", v, 1, 65535));
    if (const char* v = getenv("DATABASE_URL")) {
        std::string_view s(v);
        if (s.rfind("postgres://", 0) != 0 && s.rfind("postgresql://", 0) != 0)
            throw std::invalid_argument("DATABASE_URL must be a postgresql:// URI");
        c.database_url = v;
    }
    if (const char* v = getenv("DATABASE_READ_URL"); v && *v) {
        std::string_view s(v);
        if (s.rfind("postgres://", 0) != 0 && s.rfind("postgresql://", 0) != 0)
            throw std::invalid_argument("DATABASE_READ_URL must be a postgresql:// URI");
        c.database_read_url = v;
    }
    if (const char* v = getenv("DATABASE_READ_MAX_LAG_SECONDS"))
        c.database_read_max_lag_seconds = static_cast<int>(parse_int("DATABASE_READ_MAX_LAG_SECONDS", v, 1, 3600));
    if (const char* v = getenv("REDIS_URL")) {
        if (std::string_view(v).rfind("redis-cluster://", 0) == 0) parse_redis_cluster_url(c, v);
        else parse_redis_url(c, v);
    }
    if (const char* v = getenv("MARQUEE_ENV")) {
        std::string_view env(v);
        if (env != "development" && env != "production")
            throw std::invalid_argument("MARQUEE_ENV must be production or development, got '" + std::string(env) + "'");
        c.development = env == "development";
    }
    if (const char* v = getenv("JWT_SECRET"); v && *v) {
        c.jwt_secret = v;
    } else {
        c.jwt_secret = kDevJwtSecret;
        c.jwt_secret_is_default = true;
    }
    if (const char* v = getenv("HOLD_TTL_SECONDS")) c.hold_ttl_seconds = parse_int("HOLD_TTL_SECONDS", v, 1, 86400);
    if (const char* v = getenv("ORDER_TTL_SECONDS")) c.order_ttl_seconds = parse_int("ORDER_TTL_SECONDS", v, 1, 86400);
    if (const char* v = getenv("MAX_SEATS_PER_HOLD"))
        c.max_seats_per_hold = parse_int("MAX_SEATS_PER_HOLD", v, 1, 100);
    if (const char* v = getenv("RATE_LIMIT_PER_MINUTE"))
        c.rate_limit_per_minute = parse_int("RATE_LIMIT_PER_MINUTE", v, 0, 1'000'000);
    if (const char* v = getenv("WEBHOOK_SECRET")) c.webhook_secret = v;
    if (const char* v = getenv("NOTIFY_SINK")) {
        check_notify_sink(v, c.webhook_secret);
        c.notify_sink = v;
    }
    if (const char* v = getenv("OUTBOX_MAX_ATTEMPTS"))
        c.outbox_max_attempts = static_cast<int>(parse_int("OUTBOX_MAX_ATTEMPTS", v, 1, 1000));
    if (const char* v = getenv("OUTBOX_LEASE_SECONDS"))
        c.outbox_lease_seconds = static_cast<int>(parse_int("OUTBOX_LEASE_SECONDS", v, 10, 86400));
    if (const char* v = getenv("WEB_DIR"); v && *v) c.web_dir = v;
    else c.web_dir = default_web_dir();
    if (const char* v = getenv("THREADS")) c.threads = parse_int("THREADS", v, 1, 256);
    if (const char* v = getenv("PG_POOL_SIZE")) c.pg_pool_size = parse_int("PG_POOL_SIZE", v, 1, 64);
    if (const char* v = getenv("MARQUEE_CLOCK_SKEW_MS"))
        c.clock_skew_ms = static_cast<int>(parse_int("MARQUEE_CLOCK_SKEW_MS", v, -86400000, 86400000));
    return c;
}

}  // namespace marquee
