#pragma once
// What a client asks of booking in a request body, validated without touching a store: the handlers
// call these, and so do the fuzz targets (fuzz/), which is why they are pure functions.
#include "booking/model.hpp"
#include "booking/show_info.hpp"
#include "common/input.hpp"

#include <boost/json/object.hpp>

#include <vector>

namespace marquee::booking {

// {seatIds, quantity} of a hold (new or changed): the distinct seats, each one of the show's, in
// layout order. ApiError(400) naming the field at fault.
std::vector<SeatId> parse_seat_selection(const input::Fields& body, const ShowInfo& show, int max_seats);

// The body of POST /api/v1/orders.
struct OrderRequest {
    HoldId hold_id;
    Customer customer;
};
OrderRequest parse_order_request(const boost::json::object& body);

}  // namespace marquee::booking
