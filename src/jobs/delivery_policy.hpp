#pragma once
#include <chrono>

namespace marquee::jobs {

// How long a failed notification waits before its next attempt: exponential in the attempts made
// (1, 2, 4 … seconds), capped at 5 minutes, and spread by `jitter` (0..1) over the upper half of
// that, so that events failing together (a sink that was down) do not all come back at the same
// instant. Defined for any number of attempts: no overflow however long an event keeps failing.
std::chrono::seconds retry_delay(int attempts_made, double jitter);

// Whether an event that has now failed `attempts_made` times is parked as dead (OUTBOX_MAX_ATTEMPTS).
constexpr bool is_dead(int attempts_made, int max_attempts) { return attempts_made >= max_attempts; }

}  // namespace marquee::jobs
