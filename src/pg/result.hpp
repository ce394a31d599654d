#pragma once
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pg {

// A statement known by name: prepared once per connection, then executed by name.
struct Statement {
    const char* name;
    const char* sql;
};

// An error PostgreSQL reported for a statement (the connection itself is fine).
struct Error : std::runtime_error {
    std::string sqlstate;
    std::string constraint;
    Error(const std::string& message, std::string sqlstate, std::string constraint)
        : std::runtime_error(message), sqlstate(std::move(sqlstate)), constraint(std::move(constraint)) {}
    bool unique_violation() const { return sqlstate == "23505"; }
    bool exclusion_violation() const { return sqlstate == "23P01"; }
};

// The rows of one statement, read as text.
class Result {
public:
    Result() = default;
    explicit Result(PGresult* r) : res_(r, &PQclear) {}

    int rows() const { return res_ ? PQntuples(res_.get()) : 0; }
    bool empty() const { return rows() == 0; }
    int columns() const { return res_ ? PQnfields(res_.get()) : 0; }
    bool is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
    std::string_view text(int row, int col) const {
        return {PQgetvalue(res_.get(), row, col), static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
    }
    const char* c_str_or_null(int row, int col) const {
        return is_null(row, col) ? nullptr : PQgetvalue(res_.get(), row, col);
    }
    std::int64_t integer(int row, int col) const { return std::stoll(PQgetvalue(res_.get(), row, col)); }
    bool boolean(int row, int col) const { return PQgetvalue(res_.get(), row, col)[0] == 't'; }
    // Rows touched by an INSERT/UPDATE/DELETE.
    std::int64_t affected() const {
        const char* n = res_ ? PQcmdTuples(res_.get()) : "";
        return *n ? std::stoll(n) : 0;
    }

private:
    std::shared_ptr<PGresult> res_;
};

}  // namespace pg
