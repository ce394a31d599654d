#include "common/money.hpp"

#include <cmath>

namespace marquee {

std::optional<Money> Money::parse_decimal(std::string_view s) {
    bool negative = false;
    if (!s.empty() && s.front() == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    std::int64_t whole = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] != '.'; ++i) {
        if (s[i] < '0' || s[i] > '9' || whole > kMaxMinor) return std::nullopt;
        whole = whole * 10 + (s[i] - '0');
    }
    if (i == 0) return std::nullopt;
    std::int64_t cents = 0;
    if (i < s.size()) {
        std::string_view frac = s.substr(i + 1);
        if (frac.empty() || frac.size() > 2) return std::nullopt;
        for (char c : frac)
            if (c < '0' || c > '9') return std::nullopt;
        cents = (frac[0] - '0') * 10 + (frac.size() == 2 ? frac[1] - '0' : 0);
    }
    std::int64_t minor = whole * 100 + cents;
    if (minor > kMaxMinor) return std::nullopt;
    return Money(negative ? -minor : minor);
}

std::optional<Money> Money::from_json_number(double major) {
    if (!std::isfinite(major)) return std::nullopt;
    double scaled = major * 100.0;
    double rounded = std::round(scaled);
    // A value written with two decimals lands within a tiny relative error of an integer once scaled.
    if (std::fabs(scaled - rounded) > 1e-6 * std::fmax(1.0, std::fabs(rounded))) return std::nullopt;
    if (std::fabs(rounded) > static_cast<double>(kMaxMinor)) return std::nullopt;
    return Money(static_cast<std::int64_t>(rounded));
}

std::string Money::to_json() const {
    std::int64_t abs = minor_ < 0 ? -minor_ : minor_;
    std::string out = (minor_ < 0 ? "-" : "") + std::to_string(abs / 100);
    std::int64_t cents = abs % 100;
    if (cents != 0) {
        out += '.';
        out += static_cast<char>('0' + cents / 10);
        if (cents % 10 != 0) out += static_cast<char>('0' + cents % 10);
    }
    return out;
}

std::string Money::to_decimal() const {
    std::int64_t abs = minor_ < 0 ? -minor_ : minor_;
    std::int64_t cents = abs % 100;
    return (minor_ < 0 ? "-" : "") + std::to_string(abs / 100) + '.' + static_cast<char>('0' + cents / 10) +
           static_cast<char>('0' + cents % 10);
}

}  // namespace marquee
