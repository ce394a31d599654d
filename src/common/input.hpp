#pragma once
#include "common/money.hpp"
#include "common/time.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace marquee::input {

// Parses a request body that must be a JSON object: 415 when the content type is not JSON, 400 when
// the body is empty or not an object.
boost::json::object parse_object(std::string_view content_type, std::string_view body);

// Typed reads of one field. Each throws ApiError(400) whose message starts with the field's path
// ("customer.email: …"). A JSON null counts as absent.
class Fields {
public:
    Fields(const boost::json::object& object, std::string path = "") : object_(object), path_(std::move(path)) {}

    bool has(std::string_view name) const;
    std::string name_of(std::string_view field) const;

    // One-line text: no control characters at all (NUL included: PostgreSQL could not store it).
    std::string string(std::string_view name, std::size_t min_len, std::size_t max_len) const;
    std::optional<std::string> optional_string(std::string_view name, std::size_t max_len) const;
    // Text that may run over several lines (a synopsis): tabs and line breaks allowed, other control
    // characters not.
    std::optional<std::string> optional_text(std::string_view name, std::size_t max_len) const;
    std::int64_t integer(std::string_view name, std::int64_t min, std::int64_t max) const;
    std::optional<std::int64_t> optional_integer(std::string_view name, std::int64_t min, std::int64_t max) const;
    double number(std::string_view name, double min, double max) const;
    std::optional<double> optional_number(std::string_view name, double min, double max) const;
    std::optional<bool> optional_bool(std::string_view name) const;
    std::string uuid(std::string_view name) const;
    DayNumber date(std::string_view name) const;
    EpochSeconds instant(std::string_view name) const;
    Money money(std::string_view name) const;
    const boost::json::array& array(std::string_view name, std::size_t min_size, std::size_t max_size) const;
    const boost::json::object& object(std::string_view name) const;

    [[noreturn]] void fail(std::string_view name, std::string_view problem) const;

private:
    enum class Lines { One, Many };
    std::optional<std::string> checked_string(std::string_view name, std::size_t max_len, Lines lines) const;
    const boost::json::value* find(std::string_view name) const;
    const boost::json::value& require(std::string_view name) const;

    const boost::json::object& object_;
    std::string path_;
};

// Whether text holds a control character (C0, DEL or C1); tabs and line breaks pass when allowed.
bool has_control_characters(std::string_view text, bool allow_line_breaks);

// Whether text looks like an e-mail address (one @, a dotted domain, no spaces or list separators):
// a plausibility check, not a delivery promise.
bool plausible_email(std::string_view e);

// Reads a path parameter that must be a UUID (400 otherwise), lowercased.
std::string path_uuid(std::string_view value, std::string_view name);

// A query-string integer: `fallback` when absent, 400 naming the parameter when not an integer in range.
std::int64_t query_integer(std::optional<std::string_view> text, std::string_view name, std::int64_t min,
                           std::int64_t max, std::int64_t fallback);

// A query-string date YYYY-MM-DD: `fallback` when absent (none: the parameter is required), 400
// naming the parameter when it is not a real date.
DayNumber query_date(std::optional<std::string_view> text, std::string_view name,
                     std::optional<DayNumber> fallback = std::nullopt);
// A from..to range of dates: 400 when `from` is after `to` or the range spans more than `max_days`.
void check_date_range(DayNumber from, DayNumber to, std::int64_t max_days);

}  // namespace marquee::input
