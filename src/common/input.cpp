#include "common/input.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <cmath>

namespace marquee::input {

namespace {

bool is_json_content_type(std::string_view ct) {
    auto semi = ct.find(';');
    std::string_view media = ct.substr(0, semi);
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    if (media.size() != 16) return false;
    for (std::size_t i = 0; i < media.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(media[i])) != "application/json"[i]) return false;
    return true;
}

// Characters, not bytes: names in any script count the way a person counts them.
std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace

boost::json::object parse_object(std::string_view content_type, std::string_view body) {
    if (!is_json_content_type(content_type))
        throw ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "the body must be application/json");
    if (body.empty()) throw ApiError::validation("the request body is empty; a JSON object is required");
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = 16;
    auto value = boost::json::parse(body, ec, {}, options);
    if (ec) throw ApiError::validation("malformed JSON: " + ec.message());
    if (!value.is_object()) throw ApiError::validation("the body must be a JSON object");
    return std::move(value.as_object());
}

std::string Fields::name_of(std::string_view field) const {
    return path_.empty() ? std::string(field) : path_ + "." + std::string(field);
}

bool has_control_characters(std::string_view s, bool allow_line_breaks) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            if (allow_line_breaks && (c == '\t' || c == '\n' || c == '\r')) continue;
            return true;
        }
        // U+0080–U+009F (the C1 controls) are C2 80 – C2 9F in UTF-8.
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F &&
            static_cast<unsigned char>(s[i + 1]) >= 0x80)
            return true;
    }
    return false;
}

void Fields::fail(std::string_view name, std::string_view problem) const {
    throw ApiError::validation(name_of(name) + ": " + std::string(problem));
}

const boost::json::value* Fields::find(std::string_view name) const {
    auto* v = object_.if_contains(name);
    return v && !v->is_null() ? v : nullptr;
}

bool Fields::has(std::string_view name) const { return find(name) != nullptr; }

const boost::json::value& Fields::require(std::string_view name) const {
    auto* v = find(name);
    if (!v) fail(name, "is required");
    return *v;
}

std::optional<std::string> Fields::optional_string(std::string_view name, std::size_t max_len) const {
    return checked_string(name, max_len, Lines::One);
}

std::optional<std::string> Fields::optional_text(std::string_view name, std::size_t max_len) const {
    return checked_string(name, max_len, Lines::Many);
}

std::optional<std::string> Fields::checked_string(std::string_view name, std::size_t max_len, Lines lines) const {
    auto* v = find(name);
    if (!v) return std::nullopt;
    if (!v->is_string()) fail(name, "must be a string");
    std::string s(v->as_string());
    if (utf8_length(s) > max_len) fail(name, "must be at most " + std::to_string(max_len) + " characters");
    if (has_control_characters(s, lines == Lines::Many))
        fail(name, lines == Lines::Many ? "must not contain control characters other than tabs and line breaks"
                                        : "must not contain control characters");
    return s;
}

std::string Fields::string(std::string_view name, std::size_t min_len, std::size_t max_len) const {
    require(name);
    std::string s = *optional_string(name, max_len);
    std::size_t trimmed = s.find_first_not_of(" \t\r\n") == std::string::npos ? 0 : utf8_length(s);
    if (trimmed < min_len) fail(name, min_len == 1 ? "must not be empty" : "must be at least " + std::to_string(min_len) + " characters");
    return s;
}

std::optional<std::int64_t> Fields::optional_integer(std::string_view name, std::int64_t min, std::int64_t max) const {
    auto* v = find(name);
    if (!v) return std::nullopt;
    std::int64_t n = 0;
    if (v->is_int64()) n = v->as_int64();
    else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(v->as_uint64());
    else if (v->is_double() && std::trunc(v->as_double()) == v->as_double() && std::fabs(v->as_double()) < 9e15)
        n = static_cast<std::int64_t>(v->as_double());
    else fail(name, "must be an integer");
    if (n < min || n > max) fail(name, "must be from " + std::to_string(min) + " to " + std::to_string(max));
    return n;
}

std::int64_t Fields::integer(std::string_view name, std::int64_t min, std::int64_t max) const {
    require(name);
    return *optional_integer(name, min, max);
}

std::optional<double> Fields::optional_number(std::string_view name, double min, double max) const {
    auto* v = find(name);
    if (!v) return std::nullopt;
    if (!v->is_number()) fail(name, "must be a number");
    double d = v->to_number<double>();
    if (!(d >= min && d <= max)) {
        auto fmt = [](double x) {
            std::string s = std::to_string(x);
            s.erase(s.find_last_not_of('0') + 1);
            if (s.back() == '.') s.pop_back();
            return s;
        };
        fail(name, "must be from " + fmt(min) + " to " + fmt(max));
    }
    return d;
}

double Fields::number(std::string_view name, double min, double max) const {
    require(name);
    return *optional_number(name, min, max);
}

std::optional<bool> Fields::optional_bool(std::string_view name) const {
    auto* v = find(name);
    if (!v) return std::nullopt;
    if (!v->is_bool()) fail(name, "must be true or false");
    return v->as_bool();
}

std::string Fields::uuid(std::string_view name) const {
    const auto& v = require(name);
    if (!v.is_string()) fail(name, "must be a UUID string");
    auto id = normalize_uuid(v.as_string());
    if (!id) fail(name, "must be a UUID");
    return *id;
}

DayNumber Fields::date(std::string_view name) const {
    const auto& v = require(name);
    auto day = v.is_string() ? parse_date(v.as_string()) : std::nullopt;
    if (!day) fail(name, "must be a date YYYY-MM-DD");
    return *day;
}

EpochSeconds Fields::instant(std::string_view name) const {
    const auto& v = require(name);
    auto t = v.is_string() ? parse_rfc3339(v.as_string()) : std::nullopt;
    if (!t) fail(name, "must be an RFC 3339 date-time with a UTC offset, e.g. 2025-12-17T14:00:00+05:30");
    return *t;
}

Money Fields::money(std::string_view name) const {
    const auto& v = require(name);
    if (!v.is_number()) fail(name, "must be a number");
    auto m = Money::from_json_number(v.to_number<double>());
    if (!m) fail(name, "must be an amount with at most two decimals");
    return *m;
}

const boost::json::array& Fields::array(std::string_view name, std::size_t min_size, std::size_t max_size) const {
    const auto& v = require(name);
    if (!v.is_array()) fail(name, "must be an array");
    const auto& a = v.as_array();
    if (a.size() < min_size || a.size() > max_size)
        fail(name, "must have " + std::to_string(min_size) + " to " + std::to_string(max_size) + " elements");
    return a;
}

const boost::json::object& Fields::object(std::string_view name) const {
    const auto& v = require(name);
    if (!v.is_object()) fail(name, "must be an object");
    return v.as_object();
}

std::string path_uuid(std::string_view value, std::string_view name) {
    auto id = normalize_uuid(value);
    if (!id) throw ApiError::validation(std::string(name) + ": must be a UUID");
    return *id;
}

std::int64_t query_integer(std::optional<std::string_view> text, std::string_view name, std::int64_t min,
                           std::int64_t max, std::int64_t fallback) {
    if (!text) return fallback;
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || value < min || value > max)
        throw ApiError::validation(std::string(name) + ": must be an integer from " + std::to_string(min) + " to " +
                                   std::to_string(max));
    return value;
}

bool plausible_email(std::string_view e) {
    auto at = e.find('@');
    if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos) return false;
    std::string_view domain = e.substr(at + 1);
    auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size() || domain.find("..") != std::string_view::npos)
        return false;
    for (char c : e)
        if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';') return false;
    return true;
}


DayNumber query_date(std::optional<std::string_view> text, std::string_view name, std::optional<DayNumber> fallback) {
    if (!text) {
        if (fallback) return *fallback;
        throw ApiError::validation(std::string(name) + ": is required (YYYY-MM-DD)");
    }
    auto day = parse_date(*text);
    if (!day) throw ApiError::validation(std::string(name) + ": must be a date YYYY-MM-DD");
    return *day;
}

void check_date_range(DayNumber from, DayNumber to, std::int64_t max_days) {
    if (from > to) throw ApiError::validation("from: must not be after to");
    if (to - from > max_days)
        throw ApiError::validation("to: the range may span at most " + std::to_string(max_days) + " days");
}

}  // namespace marquee::input
