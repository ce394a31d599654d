#pragma once
#include "common/enum_names.hpp"

#include <string_view>

namespace marquee::catalog {

// A show as listings describe it (docs/api.md, shows by date): how full it is, or that it was cancelled.
enum class ShowStatus { Available, FillingFast, AlmostFull, SoldOut, Cancelled };

inline constexpr EnumNames<ShowStatus, 5> kShowStatusNames{
    {"AVAILABLE", "FILLING_FAST", "ALMOST_FULL", "SOLD_OUT", "CANCELLED"}};
constexpr std::string_view to_string(ShowStatus s) { return kShowStatusNames(s); }

// AVAILABLE < 50% ≤ FILLING_FAST < 80% ≤ ALMOST_FULL < 100% = SOLD_OUT, from sold + held seats.
constexpr ShowStatus show_status(long long occupied, long long total, bool cancelled) {
    if (cancelled) return ShowStatus::Cancelled;
    if (total <= 0 || occupied >= total) return ShowStatus::SoldOut;
    // Integer comparisons: occupied/total ≥ 0.8  ⇔  5·occupied ≥ 4·total.
    if (occupied * 5 >= total * 4) return ShowStatus::AlmostFull;
    if (occupied * 2 >= total) return ShowStatus::FillingFast;
    return ShowStatus::Available;
}

}  // namespace marquee::catalog
