#pragma once
#include "common/ids.hpp"
#include "common/money.hpp"
#include "common/time.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace pg {
class Pool;
class ReadPool;
}  // namespace pg

namespace marquee::booking {

// What booking needs to know about a show that never changes once the show exists: its layout,
// price, start and where it plays. (Whether it was cancelled does change; that is read live.)
struct ShowInfo {
    ShowId show_id;
    MovieId movie_id;
    TheatreId theatre_id;
    std::string screen_name;
    Money price;
    EpochSeconds start = 0;
    std::string start_time;  // theatre-local RFC 3339
    // Seat id → position in layout order (row by row, seat number ascending), and back.
    std::unordered_map<SeatId, int> seat_order;
    std::vector<SeatId> seat_names;
    // {"rows":[{"rowLabel":"A","seatType":"REGULAR","seats":["A1",…]},…]}, rendered once.
    std::string layout_json;
    // The rows front (nearest the screen) to back, as best-available seating reads them.
    struct Row {
        std::string label;
        std::string seat_type;
        std::vector<int> numbers;  // ascending; a missing number is a gap (an aisle)
    };
    std::vector<Row> rows;

    bool has_seat(const SeatId& seat) const { return seat_order.contains(seat); }
    // Sorts seat ids into layout order (ids not in the layout go last).
    void sort_seats(std::vector<SeatId>& seats) const;
};

// This worker's cache of ShowInfo, filled from PostgreSQL on first use. Never stale: everything in
// ShowInfo is immutable.
class ShowDirectory {
public:
    // Read through `reads` (a replica may answer; a show it does not have yet is asked of the primary).
    explicit ShowDirectory(pg::ReadPool& reads) : reads_(reads) {}
    // nullptr when no such show exists.
    boost::asio::awaitable<std::shared_ptr<const ShowInfo>> find(const ShowId& show_id);
    // The same, or ApiError 404 when there is no such show.
    boost::asio::awaitable<std::shared_ptr<const ShowInfo>> require(const ShowId& show_id);

private:
    pg::ReadPool& reads_;
    std::unordered_map<ShowId, std::shared_ptr<const ShowInfo>> shows_;
};

}  // namespace marquee::booking
