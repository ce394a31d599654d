#include "redis/server_clock.hpp"

namespace redis {

std::int64_t ServerClock::local_ms() const {
    auto now = std::chrono::system_clock::now() + skew_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

void ServerClock::observe(std::int64_t server_ms, std::int64_t sent_ms, std::int64_t received_ms) {
    // Redis read its clock somewhere between sending and receiving: assume the middle.
    offset_ms_.store(server_ms - (sent_ms + received_ms) / 2, std::memory_order_relaxed);
}

}  // namespace redis
