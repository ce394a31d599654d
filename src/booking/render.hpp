#pragma once
#include "booking/model.hpp"
#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"
#include "common/json_writer.hpp"

#include <string>

// The JSON bodies of the booking endpoints (docs/api.md §4), in the seed's shapes.
namespace marquee::booking {

std::string render_hold(const Hold& hold);
void write_order(JsonWriter& w, const Order& order);
std::string render_order(const Order& order);
std::string render_seat_map(const ShowInfo& show, const LiveSeats& live);

}  // namespace marquee::booking
