#pragma once
#include "common/money.hpp"
#include "common/time.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace pg { class Pool; }

namespace marquee::booking {

// What booking needs to know about a show that never changes once the show exists: its layout,
// price, start and where it plays. (Whether it was cancelled does change; that is read live.)
struct ShowInfo {
    struct Row {
        std::string label;
        std::string seat_type;
        std::vector<int> numbers;
    };

    std::string show_id;
    std::string movie_id;
    std::string theatre_id;
    std::string screen_name;
    Money price;
    EpochSeconds start = 0;
    std::vector<Row> rows;
    // Seat id → position in layout order (row by row, seat number ascending), and back.
    std::unordered_map<std::string, int> seat_order;
    std::vector<std::string> seat_names;
    // {"rows":[{"rowLabel":"A","seatType":"REGULAR","seats":["A1",…]},…]}, rendered once.
    std::string layout_json;

    int total_seats() const { return static_cast<int>(seat_order.size()); }
    bool has_seat(const std::string& seat) const { return seat_order.contains(seat); }
    // Sorts seat ids into layout order (ids not in the layout go last).
    void sort_seats(std::vector<std::string>& seats) const;
};

// Per-thread cache of ShowInfo, filled from PostgreSQL on first use. Safe to share across processes
// and never stale: everything in ShowInfo is immutable.
class ShowDirectory {
public:
    // nullptr when no such show exists.
    boost::asio::awaitable<std::shared_ptr<const ShowInfo>> find(pg::Pool& db, const std::string& show_id);
    // The same, or ApiError 404 when there is no such show.
    boost::asio::awaitable<std::shared_ptr<const ShowInfo>> require(pg::Pool& db, const std::string& show_id);

private:
    std::unordered_map<std::string, std::shared_ptr<const ShowInfo>> shows_;
};

}  // namespace marquee::booking
