#include "jobs/delivery_policy.hpp"

#include <algorithm>

namespace marquee::jobs {

namespace {
constexpr long kCapSeconds = 300;
}

std::chrono::seconds retry_delay(int attempts_made, double jitter) {
    // 2^9 = 512 is past the cap already: larger exponents are never computed.
    int exponent = std::clamp(attempts_made - 1, 0, 9);
    long full = std::min(kCapSeconds, 1L << exponent);
    double spread = std::clamp(jitter, 0.0, 1.0);
    long delay = full / 2 + static_cast<long>(static_cast<double>(full - full / 2) * spread);
    return std::chrono::seconds(std::max(1L, delay));
}

}  // namespace marquee::jobs
