#include "booking/show_info.hpp"

#include "common/errors.hpp"
#include "catalog/sql_fragments.hpp"
#include "common/json_writer.hpp"
#include "pg/read_pool.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace marquee::booking {

namespace {

constexpr pg::Statement kLoadShow{
    "booking_show_info",
    "SELECT s.show_id, s.movie_id, s.theatre_id, sc.screen_name, s.price::text AS price, "
    "extract(epoch FROM s.start_time)::bigint AS start_epoch, " MARQUEE_SQL_UTC_OFFSET("s.start_time") " AS start_offset, "
    "(SELECT json_agg(json_build_object('label', l.row_label, 'type', l.seat_type, 'numbers', l.seat_numbers) "
    "   ORDER BY l.row_index) FROM seat_layouts l WHERE l.screen_id = s.screen_id)::text AS layout "
    "FROM shows s JOIN screens sc ON sc.screen_id = s.screen_id JOIN theatres t ON t.theatre_id = s.theatre_id "
    "WHERE " MARQUEE_SHOW_BY_ID("s.", "$1")};

// Bounded memory; a show dropped from the cache costs one query to load again.
constexpr std::size_t kMaxCachedShows = 20'000;

std::shared_ptr<const ShowInfo> read_show_info(const pg::Row& r) {
    auto info = std::make_shared<ShowInfo>();
    info->show_id = ShowId(r.text("show_id"));
    info->movie_id = MovieId(r.text("movie_id"));
    info->theatre_id = TheatreId(r.text("theatre_id"));
    info->screen_name = r.str("screen_name");
    info->price = Money::parse_decimal(r.text("price")).value_or(Money{});
    info->start = r.integer("start_epoch");
    info->start_time = format_with_offset(info->start, static_cast<int>(r.integer("start_offset")));

    JsonWriter w(info->layout_json);
    w.begin_object().key("rows").begin_array();
    int order = 0;
    auto layout = boost::json::parse(r.text("layout"));
    for (const auto& row_value : layout.as_array()) {
        const auto& row = row_value.as_object();
        std::string label(row.at("label").as_string());
        std::vector<int> numbers;
        for (const auto& n : row.at("numbers").as_array()) numbers.push_back(static_cast<int>(n.as_int64()));
        std::sort(numbers.begin(), numbers.end());
        w.begin_object();
        w.field("rowLabel", label);
        w.field("seatType", row.at("type").as_string());
        w.key("seats").begin_array();
        for (int n : numbers) {
            SeatId seat(label + std::to_string(n));
            w.string(seat.str());
            info->seat_order.emplace(seat, order++);
            info->seat_names.push_back(std::move(seat));
        }
        w.end_array().end_object();
        info->rows.push_back(ShowInfo::Row{std::move(label), std::string(row.at("type").as_string()), std::move(numbers)});
    }
    w.end_array().end_object();
    return info;
}

}  // namespace

void ShowInfo::sort_seats(std::vector<SeatId>& seats) const {
    // One hash lookup per seat, then a sort of integers: seat maps of a full house sort 240 seats.
    std::vector<int> known;
    std::vector<SeatId> unknown;
    known.reserve(seats.size());
    for (auto& seat : seats) {
        auto it = seat_order.find(seat);
        if (it != seat_order.end()) known.push_back(it->second);
        else unknown.push_back(std::move(seat));
    }
    std::sort(known.begin(), known.end());
    std::sort(unknown.begin(), unknown.end());
    seats.clear();
    for (int i : known) seats.push_back(seat_names[static_cast<std::size_t>(i)]);
    for (auto& seat : unknown) seats.push_back(std::move(seat));
}

boost::asio::awaitable<std::shared_ptr<const ShowInfo>> ShowDirectory::find(const ShowId& show_id) {
    if (auto it = shows_.find(show_id); it != shows_.end()) co_return it->second;
    auto r = co_await reads_.query_found(kLoadShow, show_id);
    if (r.empty()) co_return nullptr;
    auto info = read_show_info(r.front());
    if (shows_.size() >= kMaxCachedShows) shows_.clear();
    shows_.emplace(show_id, info);
    co_return info;
}

boost::asio::awaitable<std::shared_ptr<const ShowInfo>> ShowDirectory::require(const ShowId& show_id) {
    auto show = co_await find(show_id);
    if (!show) throw ApiError::not_found("show not found");
    co_return show;
}

}  // namespace marquee::booking
