#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace redis {

// Redis's clock as this process reads it: the one clock that time-based answers (is a hold still
// held, which seats are held right now) are judged by, so that every API instance gives the same
// answer however far its own clock is off. Scripts ask Redis's TIME themselves; code outside them
// uses this estimate, kept by comparing TIME replies with the local clock (the health probe asks
// twice a second). Shared by all workers.
class ServerClock {
public:
    // `local_skew` shifts this process's own clock: a knob for tests that run instances whose clocks
    // differ (MARQUEE_CLOCK_SKEW_MS), never needed in production.
    explicit ServerClock(std::chrono::milliseconds local_skew = std::chrono::milliseconds(0)) : skew_(local_skew) {}

    // Redis's time now, in ms since the epoch (the local clock until the first TIME reply).
    std::int64_t now_ms() const { return local_ms() + offset_ms_.load(std::memory_order_relaxed); }
    // This process's own clock (with the skew), in ms since the epoch.
    std::int64_t local_ms() const;
    // A TIME reply (`server_ms`) to a request sent at local `sent_ms` and answered at `received_ms`.
    void observe(std::int64_t server_ms, std::int64_t sent_ms, std::int64_t received_ms);

private:
    std::chrono::milliseconds skew_;
    std::atomic<std::int64_t> offset_ms_{0};
};

}  // namespace redis
