#pragma once
#include "common/ids.hpp"
#include "common/money.hpp"
#include "common/time.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pg { class Pool; }
namespace redis { class Client; }

namespace marquee::booking {

class SeatStore;

// One show as the operator's overview lists it: what it is, and how it sells.
struct ShowOverviewRow {
    ShowId show_id;
    std::string date;                  // theatre-local YYYY-MM-DD
    std::string start_time, end_time;  // theatre-local RFC 3339
    std::int64_t start_epoch = 0;      // the page's sort key
    Money price;
    bool cancelled = false;
    bool started = false;
    MovieId movie_id;
    std::string movie_title;
    TheatreId theatre_id;
    std::string theatre_name, city;
    ScreenId screen_id;
    std::string screen_name;
    std::int64_t total_seats = 0;
    std::int64_t sold = 0;     // seats of confirmed orders (PostgreSQL)
    std::int64_t taken = 0;    // seats held or sold right now (Redis's live count)
    std::int64_t orders_confirmed = 0;
    Money revenue;             // amounts of confirmed orders (refunds excluded)

    // Held (or in an order awaiting payment): what is taken but not sold.
    std::int64_t held() const { return taken > sold ? taken - sold : 0; }
};

struct ShowOverviewQuery {
    DayNumber from = 0, to = 0;  // theatre-local dates, inclusive
    std::int64_t limit = 100;
    // After this show in (start, show id) order: the page's cursor.
    std::optional<std::int64_t> after_start;
    std::optional<ShowId> after_show;
};

// GET /api/v1/admin/shows: every show in a date range with its sales, for the operator page. Sales
// come from PostgreSQL (the truth: confirmed orders and their amounts); holds from Redis's live seat
// counts, in one pipeline for the page. Admin reads go to the primary.
class ShowOverview {
public:
    ShowOverview(pg::Pool& db, redis::Client& redis, const SeatStore& seats) : db_(db), redis_(redis), seats_(seats) {}

    // Up to query.limit + 1 rows (the extra one says a next page exists), by start time then id.
    boost::asio::awaitable<std::vector<ShowOverviewRow>> page(const ShowOverviewQuery& query);

private:
    pg::Pool& db_;
    redis::Client& redis_;
    const SeatStore& seats_;
};

}  // namespace marquee::booking
