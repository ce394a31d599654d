#pragma once
#include <cstdint>
#include <functional>
#include <string>

namespace marquee {

// Every setting of docs/api.md §1, read once from the environment at start.
struct Config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string database_url = "postgresql://marquee@127.0.0.1:5433/marquee";
    std::string redis_host = "127.0.0.1";
    std::uint16_t redis_port = 6380;
    int redis_db = 0;
    std::string jwt_secret;
    bool jwt_secret_is_default = false;
    int hold_ttl_seconds = 300;
    int order_ttl_seconds = 600;
    int max_seats_per_hold = 10;
    int rate_limit_per_minute = 120;
    std::string notify_sink = "log";
    int threads = 1;
    // Connections each I/O thread may open to PostgreSQL (PG_POOL_SIZE).
    int pg_pool_size = 8;
    // Shifts this process's own clock (MARQUEE_CLOCK_SKEW_MS): for tests of instances whose clocks
    // disagree; time-based answers follow Redis's clock whatever it is.
    int clock_skew_ms = 0;
};

// Reads the configuration through `getenv` (a parameter so tests can feed their own environment).
// Throws std::invalid_argument with a one-line message naming the variable when a value is bad.
Config load_config(const std::function<const char*(const char*)>& getenv);

}  // namespace marquee
