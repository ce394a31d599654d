#pragma once
// What a client asks of booking in a request body, validated without touching a store: the handlers
// call these, and so do the fuzz targets (fuzz/), which is why they are pure functions.
#include "booking/model.hpp"
#include "booking/show_info.hpp"
#include "common/input.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace marquee::booking {

// {seatIds, quantity} of a hold (new or changed): the distinct seats, each one of the show's, in
// layout order. ApiError(400) naming the field at fault.
std::vector<SeatId> parse_seat_selection(const input::Fields& body, const ShowInfo& show, int max_seats);

// {quantity, best: true[, seatType]}: a best-available hold (lua/best_hold.lua), or nullopt when the
// body does not ask for one (no `best`, or false). ApiError(400) naming the field at fault.
struct BestSeatsRequest {
    int quantity = 0;
    std::optional<std::string> seat_type;  // one the show has
};
std::optional<BestSeatsRequest> parse_best_seats(const input::Fields& body, const ShowInfo& show, int max_seats);

// The body of POST /api/v1/orders.
struct OrderRequest {
    HoldId hold_id;
    Customer customer;
};
OrderRequest parse_order_request(const boost::json::object& body);

}  // namespace marquee::booking
