#include "booking/show_overview.hpp"

#include "booking/seat_store.hpp"
#include "catalog/sql_fragments.hpp"
#include "common/errors.hpp"
#include "pg/pool.hpp"
#include "redis/client.hpp"

namespace marquee::booking {

namespace {

// $1, $2 the local dates (from, to), $3 the row limit, $4 and $5 the cursor (start epoch, show id) or
// NULL. The date range prunes the month partitions before the exact local-date filter. Sales go through
// order_seats (its key starts with the show; orders has no index on its show, migration 003): the
// show's live orders by their seats, then each order by its key. Refunded and cancelled orders have
// no seats left there, so what remains confirmed is what was sold.
constexpr pg::Statement kShowOverview{
    "admin_show_overview",
    "SELECT s.show_id, (s.start_time AT TIME ZONE t.timezone)::date::text AS local_date, " MARQUEE_SHOW_TIMES
    "  s.price::text AS price, s.status = 'CANCELLED' AS cancelled, s.start_time <= now() AS started, "
    "  m.movie_id, m.title, t.theatre_id, t.name AS theatre_name, t.city, sc.screen_id, sc.screen_name, "
    "  sc.total_seats, sales.orders_confirmed, sales.sold, sales.revenue::text AS revenue "
    "FROM shows s JOIN theatres t ON t.theatre_id = s.theatre_id JOIN screens sc ON sc.screen_id = s.screen_id "
    "JOIN movies m ON m.movie_id = s.movie_id "
    "CROSS JOIN LATERAL (SELECT count(*) AS orders_confirmed, coalesce(sum(cardinality(o.seat_ids)), 0) AS sold, "
    "  coalesce(sum(o.amount), 0) AS revenue FROM orders o "
    "  WHERE o.order_id IN (SELECT os.order_id FROM order_seats os WHERE os.show_id = s.show_id) "
    "    AND o.status = 'CONFIRMED') sales "
    "WHERE " MARQUEE_LOCAL_DAY_RANGE("$1", "$2")
    "  AND ($4::bigint IS NULL OR (s.start_time, s.show_id) > (to_timestamp($4::bigint), $5::uuid)) "
    "ORDER BY s.start_time, s.show_id LIMIT $3"};

ShowOverviewRow overview_row_of(const pg::Row& row) {
    ShowOverviewRow r;
    r.show_id = ShowId(row.text("show_id"));
    r.date = row.str("local_date");
    r.start_epoch = row.integer("start_epoch");
    r.start_time = catalog::show_local_time(row, "start");
    r.end_time = catalog::show_local_time(row, "end");
    r.price = catalog::money_column(row, "price");
    r.cancelled = row.boolean("cancelled");
    r.started = row.boolean("started");
    r.movie_id = MovieId(row.text("movie_id"));
    r.movie_title = row.str("title");
    r.theatre_id = TheatreId(row.text("theatre_id"));
    r.theatre_name = row.str("theatre_name");
    r.city = row.str("city");
    r.screen_id = ScreenId(row.text("screen_id"));
    r.screen_name = row.str("screen_name");
    r.total_seats = row.integer("total_seats");
    r.orders_confirmed = row.integer("orders_confirmed");
    r.sold = row.integer("sold");
    r.revenue = catalog::money_column(row, "revenue");
    return r;
}

}  // namespace

boost::asio::awaitable<std::vector<ShowOverviewRow>> ShowOverview::page(const ShowOverviewQuery& q) {
    std::optional<std::string> after_show;
    if (q.after_show) after_show = q.after_show->str();
    auto rows = co_await db_.query(kShowOverview, format_date(q.from), format_date(q.to), q.limit + 1, q.after_start,
                                   after_show);
    std::vector<ShowOverviewRow> shows;
    std::vector<ShowId> live;
    for (pg::Row row : rows) {
        shows.push_back(overview_row_of(row));
        if (!shows.back().cancelled) live.push_back(shows.back().show_id);
    }
    if (live.empty()) co_return shows;
    try {
        auto counts = co_await redis_.pipeline(seats_.count_commands(live));
        std::size_t next = 0;
        for (auto& show : shows)
            if (!show.cancelled && next < counts.size()) show.taken = counts[next++].integer;
    } catch (const BackendUnavailable&) {
        // Without Redis nobody can hold seats: the sales from PostgreSQL are still worth showing.
    }
    // A show not loaded into Redis yet counts nothing there: its sold seats are still taken.
    for (auto& show : shows) show.taken = std::max(show.taken, show.sold);
    co_return shows;
}

}  // namespace marquee::booking
