#include "pg/migrations.hpp"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace pg {

namespace {

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ConnPtr connect_blocking(const std::string& url) {
    const char* keywords[] = {"dbname", "options", "application_name", nullptr};
    const char* values[] = {url.c_str(), "-c TimeZone=UTC -c client_min_messages=warning", "marquee-cli", nullptr};
    ConnPtr conn(PQconnectdbParams(keywords, values, 1), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(conn.get()));
    return conn;
}

ResultPtr exec(PGconn* conn, const std::string& sql, const std::string& context) {
    ResultPtr res(PQexec(conn, sql.c_str()), &PQclear);
    auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error(context + ": " + PQerrorMessage(conn));
    return res;
}

ResultPtr exec_params(PGconn* conn, const char* sql, const char* param) {
    ResultPtr res(PQexecParams(conn, sql, 1, nullptr, &param, nullptr, nullptr, 0), &PQclear);
    auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error(std::string("migration bookkeeping failed: ") + PQerrorMessage(conn));
    return res;
}

}  // namespace

int apply_migrations(const std::string& url) {
    ConnPtr conn = connect_blocking(url);
    // An arbitrary constant shared by every marquee process: one migrator at a time.
    exec(conn.get(), "SELECT pg_advisory_lock(727274001)", "taking the migration lock");
    exec(conn.get(),
         "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, "
         "applied_at timestamptz NOT NULL DEFAULT now())",
         "creating schema_migrations");
    int applied = 0;
    for (const Migration& m : embedded_migrations()) {
        ResultPtr seen = exec_params(conn.get(), "SELECT 1 FROM schema_migrations WHERE version = $1", m.name);
        if (PQntuples(seen.get()) > 0) continue;
        exec(conn.get(), "BEGIN", "starting a migration");
        try {
            exec(conn.get(), m.sql, std::string("migration ") + m.name);
            exec_params(conn.get(), "INSERT INTO schema_migrations (version) VALUES ($1)", m.name);
            exec(conn.get(), "COMMIT", "committing a migration");
        } catch (...) {
            PQclear(PQexec(conn.get(), "ROLLBACK"));
            throw;
        }
        ++applied;
    }
    exec(conn.get(), "SELECT pg_advisory_unlock(727274001)", "releasing the migration lock");
    return applied;
}

void run_script(const std::string& url, const std::string& sql) {
    ConnPtr conn = connect_blocking(url);
    exec(conn.get(), "BEGIN;\n" + sql + "\nCOMMIT;", "running a script");
}

}  // namespace pg
