#pragma once

namespace marquee {

// Logs go to stdout through the log output's own thread (common/log_output.hpp), so no thread that
// logs ever waits on whoever reads them.
void setup_logging();
// At exit: gives the log output a moment (at most 2 s) to write what it holds.
void flush_logging();

}  // namespace marquee
