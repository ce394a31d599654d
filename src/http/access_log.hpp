#pragma once
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace marquee::http {

// One line per request, buffered per worker and handed in batches (when 32 KiB have gathered, or
// every 200 ms) to the process's log output (common/log_output.hpp): a slow reader of the log never
// holds up a worker. (Batches, not
// lines: waking a thread once per request cost more than the request on the hot paths.)
class AccessLog {
public:
    explicit AccessLog(boost::asio::io_context& ioc);
    ~AccessLog();
    void record(std::string_view method, std::string_view target, int status, std::size_t bytes, double millis,
                std::string_view request_id);
    void flush();

private:
    void schedule_flush();

    boost::asio::io_context& ioc_;
    std::string buffer_;
    bool enabled_;
    bool flush_scheduled_ = false;
    std::chrono::sys_seconds stamped_second_{};
    std::string stamp_;  // stamped_second_ as YYYY-MM-DDTHH:MM:SS
};

}  // namespace marquee::http
