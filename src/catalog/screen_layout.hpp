#pragma once
#include "common/input.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace marquee::catalog {

// A screen's seats as an admin sends them, validated and re-rendered canonically (seat numbers
// ascending) for the insert and the response.
struct ScreenLayout {
    std::string json;  // [{rowLabel, seatNumbers, seatType}, …] front to back
    std::int64_t total_seats = 0;
};

// The body's "rows"; ApiError(400) naming the first row and field at fault.
ScreenLayout parse_layout(const input::Fields& body);

// 1 to 5 capital letters. No digits: a seat id is the label followed by the number, so a digit in
// the label would make "A11" ambiguous.
bool is_row_label(std::string_view s);

}  // namespace marquee::catalog
