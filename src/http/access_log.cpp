#include "http/access_log.hpp"

#include "common/log_output.hpp"

#include <boost/asio/steady_timer.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

namespace marquee::http {

namespace {

constexpr std::size_t kFlushBytes = 32 * 1024;
constexpr std::chrono::milliseconds kFlushInterval{200};
}  // namespace

AccessLog::AccessLog(boost::asio::io_context& ioc) : ioc_(ioc), enabled_(spdlog::should_log(spdlog::level::info)) {}

AccessLog::~AccessLog() { flush(); }

void AccessLog::record(std::string_view method, std::string_view target, int status, std::size_t bytes, double millis,
                       std::string_view request_id) {
    if (!enabled_) return;
    auto now = std::chrono::system_clock::now();
    auto second = std::chrono::floor<std::chrono::seconds>(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - second).count();
    // The date and time change once a second, not once a request: formatted only then.
    if (second != stamped_second_) {
        stamped_second_ = second;
        stamp_.clear();
        fmt::format_to(std::back_inserter(stamp_), "{:%Y-%m-%dT%H:%M:%S}", second);
    }
    // The same shape as the other log lines (app/logging.cpp).
    fmt::format_to(std::back_inserter(buffer_), "{}.{:03}Z info {} {} {} {}B {:.2f}ms rid={}\n", stamp_, ms, method,
                   target, status, bytes, millis, request_id);
    if (buffer_.size() >= kFlushBytes) flush();
    else schedule_flush();
}

void AccessLog::flush() {
    if (buffer_.empty()) return;
    write_log_output(std::move(buffer_));
    buffer_.clear();
}

void AccessLog::schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    auto timer = std::make_shared<boost::asio::steady_timer>(ioc_, kFlushInterval);
    timer->async_wait([this, timer](const boost::system::error_code&) {
        flush_scheduled_ = false;
        flush();
    });
}

}  // namespace marquee::http
