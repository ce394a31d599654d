#pragma once
#include "catalog/show_status.hpp"
#include "catalog/show_store.hpp"
#include "common/ids.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace marquee::catalog {

// Shows-by-date is cached without its live part, the occupancy status of each show. A cached page is
// "<showId>:<totalSeats>,…\n" followed by the JSON with a mark where each status goes: the mark is a
// raw control character, which JSON text never contains unescaped. Pages already in Redis have this
// form, so it must not change without a new cache key.

// The page of `rows`, which come grouped by theatre.
std::string render_listing_page(const MovieId& movie, const std::string& date, const std::vector<ShowListingRow>& rows);

// The shows of a page, in page order, and how many seats each has.
struct ListingIndex {
    std::vector<ShowId> shows;
    std::vector<std::int64_t> total_seats;
};
ListingIndex read_listing_index(std::string_view page);

// The page's JSON with statuses[i] where the i-th show's mark is (one status per show of the index).
std::string with_statuses(std::string_view page, const std::vector<ShowStatus>& statuses);

}  // namespace marquee::catalog
