#pragma once
// What every fuzz target may assert: a finding is reported by aborting with a message, which
// libFuzzer turns into a saved reproducer (an exception that escapes does the same).
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                 \
    do {                                                                            \
        if (!(condition)) {                                                         \
            std::fprintf(stderr, "fuzz check failed: %s (%s)\n", what, #condition); \
            std::abort();                                                           \
        }                                                                           \
    } while (0)
