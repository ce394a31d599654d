#pragma once

namespace marquee {

// Logs go to stdout through a background thread, so an I/O thread never waits on the terminal.
void setup_logging();
void flush_logging();

}  // namespace marquee
