#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace marquee {

// Seconds since the Unix epoch, UTC.
using EpochSeconds = std::int64_t;
// Days since 1970-01-01; a calendar date with no time zone (a theatre's local date).
using DayNumber = std::int32_t;

// "2025-12-17T08:30:00Z"
std::string format_utc(EpochSeconds t);
// "2025-12-17T14:00:00+05:30": the instant t as seen at a UTC offset (a theatre's local time).
std::string format_with_offset(EpochSeconds t, int offset_seconds);
// RFC 3339 date-time with a mandatory "Z" or "+hh:mm"/"-hh:mm"; fractional seconds are dropped.
std::optional<EpochSeconds> parse_rfc3339(std::string_view text);

// "YYYY-MM-DD", a real calendar date.
std::optional<DayNumber> parse_date(std::string_view text);
std::string format_date(DayNumber day);

EpochSeconds now_epoch();

}  // namespace marquee
