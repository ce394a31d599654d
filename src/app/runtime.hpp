#pragma once
#include "app/config.hpp"

namespace marquee {

enum class RunMode {
    ApiAndJobs,  // marquee serve
    ApiOnly,     // marquee serve --no-jobs
    JobsOnly,    // marquee jobs
};

// Runs until SIGINT/SIGTERM: THREADS event loops, each with its own listener, PostgreSQL pool and
// Redis connection; background jobs on the first loop. Returns the process exit code.
int run(const Config& config, RunMode mode);

}  // namespace marquee
