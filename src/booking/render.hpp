#pragma once
#include "booking/model.hpp"
#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"
#include "booking/show_overview.hpp"
#include "booking/waiting_room.hpp"
#include "common/json_writer.hpp"

#include <string>

// The JSON bodies of the booking endpoints (docs/api.md §4), in the seed's shapes.
namespace marquee::booking {

std::string render_hold(const Hold& hold);
void write_order(JsonWriter& w, const Order& order);
std::string render_order(const Order& order);
// One show of the operator's overview (GET /api/v1/admin/shows).
void write_show_overview(JsonWriter& w, const ShowOverviewRow& show);
std::string render_seat_map(const ShowInfo& show, const LiveSeats& live);
// The waiting room: a user's place (docs/api-notes.md, "Waiting room"), and the admin's view.
std::string render_queue_place(const ShowId& show, const WaitingRoom::Place& place);
std::string render_room(const ShowId& show, const WaitingRoom::Room& room);

}  // namespace marquee::booking
