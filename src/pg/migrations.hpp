#pragma once
#include <string>
#include <vector>

namespace pg {

struct Migration {
    const char* name;  // file name without extension: "001_schema"
    const char* sql;
};

// The files of sql/migrations, embedded at build time, in order.
const std::vector<Migration>& embedded_migrations();

// Applies every migration not yet recorded in schema_migrations, each in its own transaction, under
// an advisory lock so two processes starting at once do not race. Returns how many were applied.
// Blocking: for the `migrate` command, never for an I/O thread.
int apply_migrations(const std::string& url);

// Runs a multi-statement SQL script in one transaction (blocking, for commands like `seed-demo`).
void run_script(const std::string& url, const std::string& sql);

}  // namespace pg
