#include "app/logging.hpp"

#include "common/log_output.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <mutex>

namespace marquee {

namespace {

// Formats each line and hands it to the log output (common/log_output.hpp), which never makes the
// caller wait: the same path as the access log.
class LogOutputSink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        write_log_output(std::string(line.data(), line.size()));
    }
    void flush_() override {}
};

}  // namespace

void setup_logging() {
    auto logger = std::make_shared<spdlog::logger>("marquee", std::make_shared<LogOutputSink>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    spdlog::set_default_logger(logger);
    const char* level = std::getenv("LOG_LEVEL");
    spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::info);
}

void flush_logging() { drain_log_output(std::chrono::seconds(2)); }

}  // namespace marquee
