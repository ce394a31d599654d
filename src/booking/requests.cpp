#include "booking/requests.hpp"


#include <algorithm>
#include <set>

namespace marquee::booking {

namespace {

Customer parse_customer(const input::Fields& f) {
    input::Fields c(f.object("customer"), "customer");
    Customer out{c.string("name", 1, 255), c.string("email", 3, 255), c.string("phone", 7, 16)};
    if (!input::plausible_email(out.email)) c.fail("email", "must be an e-mail address like name@example.com");
    std::string_view digits = out.phone;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    bool all_digits = std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!all_digits || digits.size() < 7 || digits.size() > 15)
        c.fail("phone", "must be 7 to 15 digits, optionally starting with +");
    return out;
}

}  // namespace

std::vector<SeatId> parse_seat_selection(const input::Fields& f, const ShowInfo& show, int max_seats) {
    const auto& list = f.array("seatIds", 1, 1000);
    std::vector<SeatId> seats;
    std::set<std::string> seen;
    for (const auto& v : list) {
        if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 10 ||
            input::has_control_characters(v.as_string(), false))
            f.fail("seatIds", "must be seat ids like \"A1\"");
        std::string seat(v.as_string());
        if (seen.insert(seat).second) seats.emplace_back(std::move(seat));
    }
    auto quantity = f.integer("quantity", 1, max_seats);
    if (static_cast<std::size_t>(quantity) != seats.size())
        f.fail("quantity", "must equal the number of distinct seatIds (" + std::to_string(seats.size()) + ")");
    if (seats.size() > static_cast<std::size_t>(max_seats))
        f.fail("seatIds", "at most " + std::to_string(max_seats) + " seats per hold");
    std::vector<SeatId> unknown;
    for (const auto& s : seats)
        if (!show.has_seat(s)) unknown.push_back(s);
    if (!unknown.empty()) f.fail("seatIds", "unknown seats: " + join_seats(unknown));
    show.sort_seats(seats);
    return seats;
}

std::optional<BestSeatsRequest> parse_best_seats(const input::Fields& f, const ShowInfo& show, int max_seats) {
    if (!f.optional_bool("best").value_or(false)) return std::nullopt;
    if (f.has("seatIds")) f.fail("seatIds", "must not be sent with best: true (the server picks the seats)");
    BestSeatsRequest request;
    request.quantity = static_cast<int>(f.integer("quantity", 1, max_seats));
    request.seat_type = f.optional_string("seatType", 20);
    if (request.seat_type) {
        std::set<std::string> types;
        for (const auto& row : show.rows) types.insert(row.seat_type);
        if (!types.contains(*request.seat_type)) {
            std::string list;
            for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
            f.fail("seatType", "this show has no " + *request.seat_type + " seats (it has " + list + ")");
        }
    }
    return request;
}

OrderRequest parse_order_request(const boost::json::object& body) {
    input::Fields f(body);
    OrderRequest request;
    request.hold_id = HoldId(f.uuid("holdId"));
    request.customer = parse_customer(f);
    return request;
}

}  // namespace marquee::booking
