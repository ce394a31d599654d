#pragma once
#include "common/errors.hpp"

#include <string>
#include <vector>

namespace marquee::booking {

// "A1, A2, B7": seat ids as a person reads them in a message.
inline std::string join_seats(const std::vector<std::string>& seats) {
    std::string out;
    for (const auto& s : seats) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// The SPEC's 409 for seats someone else holds or bought, listing every one of them.
inline ApiError seats_unavailable(const std::vector<std::string>& taken) {
    return ApiError::conflict("SEATS_UNAVAILABLE", "Seats already taken: " + join_seats(taken));
}

}  // namespace marquee::booking
