#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace marquee {

// An amount in minor units (paise, cents): all arithmetic is on integers, never on binary floating point.
class Money {
public:
    static constexpr std::int64_t kMaxMinor = 9'999'999'999;  // NUMERIC(12,2) in the schema

    constexpr Money() = default;
    static constexpr Money from_minor(std::int64_t minor) { return Money(minor); }
    // PostgreSQL's text form of a NUMERIC(…,2): "280", "280.5", "280.50", "-3.25".
    static std::optional<Money> parse_decimal(std::string_view text);
    // A JSON number as parsed into a double: accepted only when it has at most two decimals, so 280.5
    // and 280.25 are exact and 280.125 is rejected rather than rounded.
    static std::optional<Money> from_json_number(double major);

    std::int64_t minor() const { return minor_; }
    Money times(std::int64_t n) const { return Money(minor_ * n); }
    // "280", "280.5", "280.05": the shortest exact JSON number.
    std::string to_json() const;
    // "280.50": the form given to PostgreSQL.
    std::string to_decimal() const;

    friend bool operator==(Money a, Money b) { return a.minor_ == b.minor_; }

private:
    constexpr explicit Money(std::int64_t minor) : minor_(minor) {}
    std::int64_t minor_ = 0;
};

}  // namespace marquee
