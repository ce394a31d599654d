#include "pg/result.hpp"

#include <charconv>

namespace pg {

namespace {

ErrorKind kind_of(std::string_view sqlstate) {
    if (sqlstate == "23505") return ErrorKind::UniqueViolation;
    if (sqlstate == "23P01") return ErrorKind::ExclusionViolation;
    if (sqlstate == "23503") return ErrorKind::ForeignKeyViolation;
    if (sqlstate.starts_with("22")) return ErrorKind::InvalidText;
    return ErrorKind::Other;
}

}  // namespace

Error::Error(const std::string& message, std::string sqlstate_, std::string constraint_)
    : std::runtime_error(message), kind(kind_of(sqlstate_)), sqlstate(std::move(sqlstate_)),
      constraint(std::move(constraint_)) {}

Result::Result(PGresult* r) : res_(r, &PQclear) {
    int n = PQnfields(r);
    names_.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) names_.emplace_back(PQfname(r, i));
}

int Row::index(std::string_view column) const {
    const auto& names = result_.names_;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == column) return static_cast<int>(i);
    throw std::logic_error("the statement returns no column named " + std::string(column));
}

const char* Row::value(int col) const { return PQgetvalue(result_.raw(), row_, col); }

bool Row::is_null(std::string_view column) const { return PQgetisnull(result_.raw(), row_, index(column)) != 0; }

std::string_view Row::text(std::string_view column) const {
    int col = index(column);
    return {value(col), static_cast<std::size_t>(PQgetlength(result_.raw(), row_, col))};
}

std::optional<std::string> Row::optional_str(std::string_view column) const {
    int col = index(column);
    if (PQgetisnull(result_.raw(), row_, col)) return std::nullopt;
    return std::string(value(col), static_cast<std::size_t>(PQgetlength(result_.raw(), row_, col)));
}

std::int64_t Row::integer(std::string_view column) const {
    std::string_view t = text(column);
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size())
        throw std::logic_error("column " + std::string(column) + " is not an integer");
    return v;
}

bool Row::boolean(std::string_view column) const { return text(column) == "t"; }

std::vector<std::string> Row::text_array(std::string_view column) const {
    // PostgreSQL's array output: elements separated by commas, double-quoted (with backslash
    // escapes) when they contain a delimiter, a quote, a backslash or white space.
    std::string_view t = text(column);
    std::vector<std::string> out;
    if (t.size() < 2 || t.front() != '{' || t.back() != '}')
        throw std::logic_error("column " + std::string(column) + " is not an array");
    t = t.substr(1, t.size() - 2);
    std::size_t i = 0;
    while (i < t.size()) {
        std::string element;
        if (t[i] == '"') {
            for (++i; i < t.size() && t[i] != '"'; ++i) {
                if (t[i] == '\\' && i + 1 < t.size()) ++i;
                element += t[i];
            }
            ++i;  // the closing quote
        } else {
            while (i < t.size() && t[i] != ',') element += t[i++];
        }
        out.push_back(std::move(element));
        ++i;  // the comma
    }
    return out;
}

std::int64_t Result::affected() const {
    const char* n = res_ ? PQcmdTuples(res_.get()) : "";
    return *n ? std::stoll(n) : 0;
}

}  // namespace pg
