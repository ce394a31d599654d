#pragma once
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

// A statement known by name: prepared once per connection, then executed by name.
struct Statement {
    const char* name;
    const char* sql;
};

// The SQLSTATE classes callers act on (PostgreSQL's "Appendix A. Error Codes").
enum class ErrorKind {
    UniqueViolation,      // 23505
    ExclusionViolation,   // 23P01
    ForeignKeyViolation,  // 23503
    InvalidText,          // 22xxx: a parameter PostgreSQL could not read (a forged cursor, say)
    Other,
};

// An error PostgreSQL reported for a statement (the connection itself is fine).
struct Error : std::runtime_error {
    ErrorKind kind;
    std::string sqlstate;
    std::string constraint;  // the constraint violated, if any
    Error(const std::string& message, std::string sqlstate, std::string constraint);

    bool violates(std::string_view name) const { return constraint == name; }
};

class Result;

// One row of a result, read by column name: the statement's SQL names each column it returns (an
// alias where the expression has no name of its own), and the reader asks for that name. A name the
// statement does not return is a bug, reported as std::logic_error naming it.
class Row {
public:
    Row(const Result& result, int row) : result_(result), row_(row) {}

    bool is_null(std::string_view column) const;
    std::string_view text(std::string_view column) const;
    std::string str(std::string_view column) const { return std::string(text(column)); }
    // NULL → nullopt.
    std::optional<std::string> optional_str(std::string_view column) const;
    std::int64_t integer(std::string_view column) const;
    bool boolean(std::string_view column) const;
    // A one-dimensional array of text ({A1,A2} or {"a b",c}) as its elements.
    std::vector<std::string> text_array(std::string_view column) const;

private:
    int index(std::string_view column) const;
    const char* value(int col) const;

    const Result& result_;
    int row_;
};

// The rows of one statement, as text.
class Result {
public:
    Result() = default;
    explicit Result(PGresult* r);

    int size() const { return res_ ? PQntuples(res_.get()) : 0; }
    bool empty() const { return size() == 0; }
    Row front() const { return Row(*this, 0); }
    // Rows touched by an INSERT/UPDATE/DELETE.
    std::int64_t affected() const;

    class Iterator {
    public:
        Iterator(const Result& r, int i) : r_(&r), i_(i) {}
        Row operator*() const { return Row(*r_, i_); }
        Iterator& operator++() { ++i_; return *this; }
        bool operator==(const Iterator& o) const { return i_ == o.i_; }

    private:
        const Result* r_;
        int i_;
    };
    Iterator begin() const { return Iterator(*this, 0); }
    Iterator end() const { return Iterator(*this, size()); }

private:
    friend class Row;
    PGresult* raw() const { return res_.get(); }
    std::shared_ptr<PGresult> res_;
    // The column names, read once per result: a row looks a column up by comparing lengths first,
    // which rejects almost every other column without looking at a character.
    std::vector<std::string_view> names_;
};

}  // namespace pg
