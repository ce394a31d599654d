#include "booking/model.hpp"

namespace marquee::booking {

std::string join_seats(const std::vector<SeatId>& seats) {
    std::string out;
    for (const auto& s : seats) {
        if (!out.empty()) out += ", ";
        out += s.str();
    }
    return out;
}

}  // namespace marquee::booking
