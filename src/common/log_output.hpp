#pragma once
#include <chrono>
#include <string>

namespace marquee {

// The process's log output (stdout), shared by the access log and the application log. Text handed
// over is written by a thread of its own: nobody who logs ever waits on the reader. Past 8 MiB
// waiting, text is dropped and the number of lines dropped is logged once the output moves again.
void write_log_output(std::string text);

// At shutdown: waits at most `limit` for what was handed over to be written. A reader that has
// stopped reading does not keep the process from exiting.
void drain_log_output(std::chrono::milliseconds limit);

}  // namespace marquee
