#include "catalog/screen_layout.hpp"

#include "common/errors.hpp"
#include "common/json_writer.hpp"

#include <set>

namespace marquee::catalog {

namespace {
constexpr std::size_t kMaxRows = 100;
constexpr std::int64_t kMaxSeatNumber = 999;
}  // namespace

bool is_row_label(std::string_view s) {
    if (s.empty() || s.size() > 5) return false;
    for (char c : s)
        if (c < 'A' || c > 'Z') return false;
    return true;
}

ScreenLayout parse_layout(const input::Fields& body) {
    const auto& rows = body.array("rows", 1, kMaxRows);
    ScreenLayout layout;
    JsonWriter w(layout.json);
    w.begin_array();
    std::set<std::string> labels;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string path = "rows[" + std::to_string(i) + "]";
        if (!rows[i].is_object()) throw ApiError::validation(path + ": must be an object");
        input::Fields row(rows[i].as_object(), path);
        std::string label = row.string("rowLabel", 1, 5);
        if (!is_row_label(label)) row.fail("rowLabel", "must be 1 to 5 capital letters");
        if (!labels.insert(label).second) row.fail("rowLabel", "is used by another row");
        std::string seat_type = row.optional_string("seatType", 20).value_or("REGULAR");
        const auto& numbers = row.array("seatNumbers", 1, kMaxSeatNumber);
        std::set<std::int64_t> seats;
        for (const auto& n : numbers) {
            if (!n.is_int64() || n.as_int64() < 1 || n.as_int64() > kMaxSeatNumber)
                row.fail("seatNumbers", "must be integers from 1 to " + std::to_string(kMaxSeatNumber));
            if (!seats.insert(n.as_int64()).second) row.fail("seatNumbers", "must not repeat a number");
        }
        layout.total_seats += static_cast<std::int64_t>(seats.size());
        w.begin_object();
        w.field("rowLabel", label);
        w.key("seatNumbers").begin_array();
        for (auto n : seats) w.integer(n);
        w.end_array();
        w.field("seatType", seat_type);
        w.end_object();
    }
    w.end_array();
    return layout;
}

}  // namespace marquee::catalog
