#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace marquee {

// Every setting of docs/api.md §1, read once from the environment at start.
struct Config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    // METRICS_PORT: where `marquee jobs` answers /metrics and /api/health (on HOST); none by default
    // (`serve` answers them on PORT with the API).
    std::optional<std::uint16_t> metrics_port;
    std::string database_url = "postgresql://marquee@127.0.0.1:5433/marquee";
    // DATABASE_READ_URL: a streaming replica for the public catalogue reads (none: the primary), and
    // how far behind the primary it may be and still serve them (DATABASE_READ_MAX_LAG_SECONDS).
    std::optional<std::string> database_read_url;
    int database_read_max_lag_seconds = 5;
    std::string redis_host = "127.0.0.1";
    std::uint16_t redis_port = 6380;
    int redis_db = 0;
    // REDIS_URL's user and password, sent with AUTH on every connection.
    std::optional<std::string> redis_user;
    std::optional<std::string> redis_password;
    // REDIS_URL redis-cluster://host:port,host:port…: the seed nodes of a Redis Cluster (redis_host
    // and redis_port are then the first of them). Empty for a single server.
    std::vector<std::pair<std::string, std::uint16_t>> redis_cluster_seeds;
    // MARQUEE_ENV=development allows the built-in development secret (and says so); production, the
    // default, requires a JWT_SECRET of at least kMinJwtSecretBytes.
    bool development = false;
    std::string jwt_secret;
    bool jwt_secret_is_default = false;
    int hold_ttl_seconds = 300;
    int order_ttl_seconds = 600;
    int max_seats_per_hold = 10;
    int rate_limit_per_minute = 120;
    std::string notify_sink = "log";
    std::string webhook_secret;  // WEBHOOK_SECRET: signs webhook deliveries (required with a webhook sink)
    // Failed deliveries of one notification before it is parked as dead (OUTBOX_MAX_ATTEMPTS).
    int outbox_max_attempts = 10;
    // How long a jobs process holds the notifications it claimed (OUTBOX_LEASE_SECONDS): those of a
    // process that died are delivered by another once it runs out (at least once, never lost).
    int outbox_lease_seconds = 600;
    // WEB_DIR: the browser app's files, served at / (default: web/ beside the folder of the executable,
    // the repository's own when run from a build).
    std::string web_dir;
    int threads = 1;
    // Connections each I/O thread may open to PostgreSQL (PG_POOL_SIZE).
    int pg_pool_size = 8;
    // Shifts this process's own clock (MARQUEE_CLOCK_SKEW_MS): for tests of instances whose clocks
    // disagree; time-based answers follow Redis's clock whatever it is.
    int clock_skew_ms = 0;
};

// The shortest JWT_SECRET accepted in production: HS256 keys shorter than the hash are guessable.
inline constexpr std::size_t kMinJwtSecretBytes = 32;

// Whether the configured secret may sign and verify tokens: in production a JWT_SECRET of at least
// kMinJwtSecretBytes; in development anything, the built-in secret included. Otherwise the one-line
// reason, for `serve` and `token` to refuse with.
std::optional<std::string> jwt_secret_problem(const Config& config);

// Reads the configuration through `getenv` (a parameter so tests can feed their own environment).
// Throws std::invalid_argument with a one-line message naming the variable when a value is bad.
Config load_config(const std::function<const char*(const char*)>& getenv);

}  // namespace marquee
