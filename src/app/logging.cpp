#include "app/logging.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string_view>

namespace marquee {

void setup_logging() {
    spdlog::init_thread_pool(65536, 1);
    // When the queue is full, drop the oldest line rather than block a request.
    auto logger = spdlog::create_async_nb<spdlog::sinks::stdout_sink_mt>("marquee");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    spdlog::set_default_logger(logger);
    const char* level = std::getenv("LOG_LEVEL");
    spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::info);
    spdlog::flush_every(std::chrono::seconds(1));
}

void flush_logging() {
    spdlog::default_logger()->flush();
    spdlog::shutdown();
}

}  // namespace marquee
