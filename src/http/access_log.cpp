#include "http/access_log.hpp"

#include <boost/asio/steady_timer.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace marquee::http {

namespace {

constexpr std::size_t kFlushBytes = 32 * 1024;
constexpr std::chrono::milliseconds kFlushInterval{200};
// What may wait for a slow reader of stdout before lines are dropped.
constexpr std::size_t kMaxPendingBytes = 8 * 1024 * 1024;

// Writes the workers' access-log chunks to stdout on a thread of its own, so a slow or stuck reader
// of the log (a full pipe) never holds up an event loop. Bounded: past kMaxPendingBytes, chunks are
// dropped and counted, and the count is reported once the output moves again.
class StdoutWriter {
public:
    StdoutWriter() : thread_([this] { run(); }) {}
    ~StdoutWriter() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }

    void submit(std::string chunk) {
        {
            std::lock_guard lock(mutex_);
            if (pending_bytes_ + chunk.size() > kMaxPendingBytes) {
                dropped_lines_ += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
                return;
            }
            pending_bytes_ += chunk.size();
            chunks_.push_back(std::move(chunk));
        }
        wake_.notify_one();
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_.wait(lock, [this] { return stopping_ || !chunks_.empty(); });
            if (chunks_.empty()) return;  // stopping, and everything written
            std::string chunk = std::move(chunks_.front());
            chunks_.pop_front();
            std::size_t dropped = std::exchange(dropped_lines_, 0);
            lock.unlock();
            write_all(chunk);
            // Told in the log itself (not through spdlog, which may be shut down by now).
            if (dropped > 0) write_all(fmt::format("access log: {} line(s) dropped: its output was too slow\n", dropped));
            lock.lock();
            pending_bytes_ -= chunk.size();
        }
    }

    static void write_all(const std::string& chunk) {
        std::size_t written = 0;
        while (written < chunk.size()) {
            ssize_t n = ::write(STDOUT_FILENO, chunk.data() + written, chunk.size() - written);
            if (n <= 0) return;  // stdout gone: the lines are lost, nothing waits for them
            written += static_cast<std::size_t>(n);
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> chunks_;
    std::size_t pending_bytes_ = 0;
    std::size_t dropped_lines_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

StdoutWriter& stdout_writer() {
    static StdoutWriter writer;
    return writer;
}

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
    stdout_writer().submit(std::move(buffer_));
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
