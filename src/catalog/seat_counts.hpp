#pragma once
#include "common/ids.hpp"

#include <string>
#include <vector>

namespace marquee::catalog {

// How many seats of each show are taken (held or sold), as Redis commands whose integer replies are
// the counts. The catalogue lists shows with an occupancy status, but the live seat state is
// booking's (which depends on the catalogue, not the other way round): booking implements this and
// the app hands it in. Commands rather than a call, so that a listing can send them in the round
// trip it makes anyway.
class SeatCounts {
public:
    virtual ~SeatCounts() = default;
    virtual std::vector<std::vector<std::string>> count_commands(const std::vector<ShowId>& shows) const = 0;
};

}  // namespace marquee::catalog
