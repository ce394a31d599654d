#include "booking/render.hpp"

namespace marquee::booking {

namespace {

void write_seats(JsonWriter& w, const std::vector<SeatId>& seats) {
    w.begin_array();
    for (const auto& s : seats) w.string(s.str());
    w.end_array();
}

}  // namespace

std::string render_hold(const Hold& h) {
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("holdId", h.id);
    w.field("showId", h.show);
    w.key("seatIds");
    write_seats(w, h.seats);
    w.field("status", to_string(h.status));
    w.field("expiresAt", format_utc(h.expires_ms / 1000));
    if (h.order) w.field("orderId", *h.order);
    w.end_object();
    return body;
}

void write_order(JsonWriter& w, const Order& o) {
    w.begin_object();
    w.field("orderId", o.id);
    w.field("status", to_string(o.status));
    w.key("movie").begin_object().field("movieId", o.movie).field("title", o.movie_title).end_object();
    w.key("theatre").begin_object().field("theatreId", o.theatre).field("name", o.theatre_name);
    w.field("cancellationAvailable", o.theatre_allows_cancellation).end_object();
    w.key("show").begin_object().field("showId", o.show);
    w.field("startTime", format_with_offset(o.show_start, o.show_utc_offset));
    w.end_object();
    w.key("seats");
    write_seats(w, o.seats);
    w.key("amount").raw(o.amount.to_json());
    w.field("expiresAt", format_utc(o.expires));
    w.field("createdAt", format_utc(o.created));
    if (o.ticket_code) w.field("ticketCode", *o.ticket_code);
    w.field("holdId", o.hold);
    w.key("customer").begin_object();
    w.field("name", o.customer.name).field("email", o.customer.email).field("phone", o.customer.phone);
    w.end_object();
    w.end_object();
}

std::string render_order(const Order& order) {
    std::string body;
    JsonWriter w(body);
    write_order(w, order);
    return body;
}

void write_show_overview(JsonWriter& w, const ShowOverviewRow& s) {
    w.begin_object();
    w.field("showId", s.show_id);
    w.field("date", s.date);
    w.field("startTime", s.start_time);
    w.field("endTime", s.end_time);
    w.key("price").raw(s.price.to_json());
    w.field("status", s.cancelled ? "CANCELLED" : "SCHEDULED");
    w.field("started", s.started);
    w.key("movie").begin_object().field("movieId", s.movie_id).field("title", s.movie_title).end_object();
    w.key("theatre").begin_object().field("theatreId", s.theatre_id).field("name", s.theatre_name);
    w.field("city", s.city).end_object();
    w.key("screen").begin_object().field("screenId", s.screen_id).field("screenName", s.screen_name).end_object();
    std::int64_t held = s.held();
    w.key("seats").begin_object().field("total", s.total_seats).field("sold", s.sold).field("held", held);
    // A cancelled show sells nothing more.
    std::int64_t available = s.cancelled ? 0 : std::max<std::int64_t>(0, s.total_seats - s.sold - held);
    w.field("available", available).end_object();
    w.key("revenue").raw(s.revenue.to_json());
    w.field("ordersConfirmed", s.orders_confirmed);
    w.end_object();
}

std::string render_seat_map(const ShowInfo& show, const LiveSeats& live) {
    std::string body;
    body.reserve(show.layout_json.size() + 256 + 6 * (live.held.size() + live.sold.size()));
    JsonWriter w(body);
    w.begin_object();
    w.field("showId", show.show_id);
    w.field("movieId", show.movie_id);
    w.field("theatreId", show.theatre_id);
    w.field("screenName", show.screen_name);
    w.field("startTime", show.start_time);
    w.key("price").raw(show.price.to_json());
    w.key("layout").raw(show.layout_json);
    w.key("unavailableSeatIds");
    write_seats(w, live.sold);
    w.key("heldSeatIds");
    write_seats(w, live.held);
    w.end_object();
    return body;
}

std::string render_queue_place(const ShowId& show, const WaitingRoom::Place& place) {
    using Kind = SeatStore::QueueState::Kind;
    const auto& state = place.state;
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("showId", show);
    w.field("status", state.kind == Kind::Open ? "OPEN" : state.kind == Kind::Admitted ? "ADMITTED" : "WAITING");
    if (state.kind == Kind::Waiting) {
        w.field("ticket", place.ticket);
        w.field("position", state.ahead + 1);
        w.field("ahead", state.ahead);
        w.field("waiting", state.waiting);
        w.field("estimatedWaitSeconds", place.estimated_wait_seconds);
        w.field("pollAfterSeconds", place.poll_after_seconds);
        w.field("seatsAvailable", state.seats_free);
        if (state.opens_ms) w.field("opensAt", format_utc(*state.opens_ms / 1000));
    } else if (state.kind == Kind::Admitted) {
        w.field("ticket", place.ticket);
        w.field("admission", place.admission);
        w.field("admissionExpiresAt", format_utc(state.admission_expires_ms / 1000));
        w.field("seatsAvailable", state.seats_free);
    }
    w.end_object();
    return body;
}

std::string render_room(const ShowId& show, const WaitingRoom::Room& room) {
    const auto& s = room.settings;
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("showId", show);
    w.field("enabled", s.enabled);
    w.field("on", room.on);
    if (s.admit_per_second) w.field("admitPerSecond", s.admit_per_second);
    else w.key("admitPerSecond").null();
    std::optional<std::string> opens_at;
    if (s.opens_at) opens_at = format_utc(*s.opens_at);
    w.optional_string("opensAt", opens_at);
    if (s.auto_above_per_second) w.field("autoAbovePerSecond", *s.auto_above_per_second);
    else w.key("autoAbovePerSecond").null();
    w.field("admissionTtlSeconds", s.admission_ttl_seconds);
    w.field("waiting", room.waiting);
    w.field("admitted", room.admitted);
    w.end_object();
    return body;
}

}  // namespace marquee::booking
