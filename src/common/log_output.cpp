#include "common/log_output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace marquee {

namespace {

// What may wait for a slow reader of stdout before lines are dropped.
constexpr std::size_t kMaxPendingBytes = 8 * 1024 * 1024;

// Writes log text to stdout on a thread of its own, so a slow or stuck reader of the log (a full
// pipe) never holds up anyone who logs. Bounded: past kMaxPendingBytes, chunks are
// dropped and counted, and the count is reported once the output moves again.
class StdoutWriter {
public:
    // Never destroyed (the process's stdout lives as long as the process): a writer stuck on a log
    // nobody reads must not keep the process from exiting, so nothing ever joins its thread.
    StdoutWriter() { std::thread([this] { run(); }).detach(); }

    // Waits (at most `limit`) until everything handed over so far is written.
    void drain(std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        drained_.wait_for(lock, limit, [this] { return pending_bytes_ == 0; });
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
            wake_.wait(lock, [this] { return !chunks_.empty(); });
            std::string chunk = std::move(chunks_.front());
            chunks_.pop_front();
            std::size_t dropped = std::exchange(dropped_lines_, 0);
            lock.unlock();
            write_all(chunk);
            // Told in the log itself (this thread cannot log through anything that might wait).
            if (dropped > 0) write_all(fmt::format("log: {} line(s) dropped: the output was too slow\n", dropped));
            lock.lock();
            pending_bytes_ -= chunk.size();
            if (pending_bytes_ == 0) drained_.notify_all();
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
    std::condition_variable drained_;
    std::deque<std::string> chunks_;
    std::size_t pending_bytes_ = 0;
    std::size_t dropped_lines_ = 0;
};

StdoutWriter& stdout_writer() {
    static StdoutWriter& writer = *new StdoutWriter;
    return writer;
}

}  // namespace

void write_log_output(std::string text) { stdout_writer().submit(std::move(text)); }

void drain_log_output(std::chrono::milliseconds limit) { stdout_writer().drain(limit); }

}  // namespace marquee
