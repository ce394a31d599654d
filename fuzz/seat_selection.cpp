// The seats of a hold request ({"seatIds": […], "quantity": n}, or {"quantity": n, "best": true,
// "seatType": …}) against a show's layout: either
// the distinct seats, all of the show's, in layout order, as many as asked and no more than allowed,
// or a 400 naming the field — never another error, never a crash.
#include "booking/requests.hpp"
#include "check.hpp"
#include "common/errors.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <set>

namespace {

using namespace marquee;

// Rows A–C of 12 seats and a row "AA" of 3: ids like "A1" and "AA1" must never be confused.
booking::ShowInfo make_show() {
    booking::ShowInfo show;
    for (std::string row : {"A", "B", "C", "AA"}) {
        int seats = row == "AA" ? 3 : 12;
        booking::ShowInfo::Row layout_row{row, row == "C" ? "PREMIUM" : "REGULAR", {}};
        for (int n = 1; n <= seats; ++n) layout_row.numbers.push_back(n);
        show.rows.push_back(std::move(layout_row));
        for (int n = 1; n <= seats; ++n) {
            SeatId id(row + std::to_string(n));
            show.seat_order.emplace(id, static_cast<int>(show.seat_names.size()));
            show.seat_names.push_back(id);
        }
    }
    return show;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const booking::ShowInfo show = make_show();
    constexpr int kMaxSeats = 10;
    boost::system::error_code ec;
    auto body = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
    if (ec || !body.is_object()) return 0;
    try {
        input::Fields fields(body.as_object());
        // As the handler reads it: a best-available request, else a list of seats.
        if (auto best = booking::parse_best_seats(fields, show, kMaxSeats)) {
            FUZZ_CHECK(best->quantity >= 1 && best->quantity <= kMaxSeats, "1 to the maximum seats");
            FUZZ_CHECK(!best->seat_type || *best->seat_type == "REGULAR" || *best->seat_type == "PREMIUM",
                       "only a seat type the show has");
            return 0;
        }
        auto seats = booking::parse_seat_selection(fields, show, kMaxSeats);
        FUZZ_CHECK(!seats.empty() && seats.size() <= kMaxSeats, "1 to the maximum seats");
        std::set<std::string> distinct;
        int previous = -1;
        for (const auto& seat : seats) {
            FUZZ_CHECK(show.has_seat(seat), "every seat is the show's");
            FUZZ_CHECK(distinct.insert(seat.str()).second, "no seat twice");
            int position = show.seat_order.at(seat);
            FUZZ_CHECK(position > previous, "seats in layout order");
            previous = position;
        }
    } catch (const ApiError& e) {
        FUZZ_CHECK(e.status == 400, "a bad selection is a 400");
    }
    return 0;
}
