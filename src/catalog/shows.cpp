#include "catalog/shows.hpp"

#include "catalog/catalog.hpp"
#include "catalog/show_input.hpp"
#include "catalog/show_listing.hpp"
#include "catalog/show_query.hpp"
#include "catalog/show_schedule.hpp"
#include "catalog/show_status.hpp"
#include "catalog/show_store.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"

namespace marquee::catalog {

namespace {

constexpr std::int64_t kMaxSpanDays = 62;

std::string render_summary(const ShowSummary& s) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("showId", s.show_id.str());
    w.field("movieId", s.movie_id.str());
    w.field("theatreId", s.theatre_id.str());
    w.field("screenId", s.screen_id.str());
    w.field("startTime", s.start_time);
    w.field("endTime", s.end_time);
    w.key("price").raw(s.price.to_json());
    // A show just created has no seats taken yet.
    w.field("status", to_string(show_status(0, s.total_seats, s.cancelled)));
    w.field("date", s.date);
    w.end_object();
    return out;
}

}  // namespace

boost::asio::awaitable<http::Response> movie_availability(Catalog& catalog, http::RequestContext& ctx) {
    MovieId movie(input::path_uuid(ctx.param("movieId"), "movieId"));
    DayNumber from = input::query_date(ctx.request.query_param("from"), "from");
    DayNumber to = input::query_date(ctx.request.query_param("to"), "to");
    input::check_date_range(from, to, kMaxSpanDays);
    AvailableDates dates = co_await catalog.shows().available_dates(movie, format_date(from), format_date(to));
    if (!dates.movie_listed) throw ApiError::not_found("movie not found");
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("movieId", movie.str());
    w.key("availableDates").raw(dates.dates_json);
    w.end_object();
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> movie_shows(Catalog& catalog, http::RequestContext& ctx) {
    ShowsOnDate query;
    query.movie = MovieId(input::path_uuid(ctx.param("movieId"), "movieId"));
    query.date = format_date(input::query_date(ctx.request.query_param("date"), "date"));
    if (auto c = ctx.request.query_param("city")) {
        if (c->empty() || c->size() > 100) throw ApiError::validation("city: must be 1 to 100 characters");
        if (input::has_control_characters(*c, false))
            throw ApiError::validation("city: must not contain control characters");
        query.city = std::string(*c);
    }
    query.near = parse_near(ctx.request.query_param("near"));
    if (auto text = ctx.request.query_param("radiusKm"))
        query.radius_km = static_cast<double>(input::query_integer(text, "radiusKm", 1, 20000, 100));
    std::string body = co_await catalog.listing().on_date(query);
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> admin_create_show(Catalog& catalog, http::RequestContext& ctx) {
    NewShow show = parse_new_show(input::parse_object(ctx.request.content_type, ctx.request.body), now_epoch());
    ShowSummary added = co_await catalog.schedule().add(show);
    co_return http::json_response(201, render_summary(added));
}

}  // namespace marquee::catalog
