#pragma once
#include <string_view>

namespace marquee::catalog {

// SPEC §3.5: AVAILABLE < 50% ≤ FILLING_FAST < 80% ≤ ALMOST_FULL < 100% = SOLD_OUT, from sold + held seats.
constexpr std::string_view show_status(long long occupied, long long total, bool cancelled) {
    if (cancelled) return "CANCELLED";
    if (total <= 0 || occupied >= total) return "SOLD_OUT";
    // Integer comparisons: occupied/total ≥ 0.8  ⇔  5·occupied ≥ 4·total.
    if (occupied * 5 >= total * 4) return "ALMOST_FULL";
    if (occupied * 2 >= total) return "FILLING_FAST";
    return "AVAILABLE";
}

}  // namespace marquee::catalog
