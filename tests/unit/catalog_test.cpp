#include "catalog/listing_page.hpp"
#include "catalog/movie_catalog.hpp"
#include "catalog/movie_render.hpp"
#include "catalog/movie_store.hpp"
#include "catalog/screen_layout.hpp"
#include "catalog/show_query.hpp"
#include "catalog/show_status.hpp"
#include "common/cursor.hpp"
#include "common/errors.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

using namespace marquee;
using namespace marquee::catalog;

TEST(Cursor, RoundTripsAndIsOpaque) {
    Cursor c{"8.7", "550e8400-e29b-41d4-a716-446655440001"};
    std::string text = encode_cursor(c);
    EXPECT_EQ(text.find('|'), std::string::npos);
    auto back = decode_cursor(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->sort_key, "8.7");
    EXPECT_EQ(back->id, c.id);
}

TEST(Cursor, RejectsAnythingElse) {
    EXPECT_FALSE(decode_cursor(""));
    EXPECT_FALSE(decode_cursor("!!!"));
    EXPECT_FALSE(decode_cursor(base64url_encode("no separator")));
    EXPECT_FALSE(decode_cursor(base64url_encode("8.7|not-a-uuid")));
    EXPECT_FALSE(decode_cursor(base64url_encode("|550e8400-e29b-41d4-a716-446655440001")));
    EXPECT_FALSE(decode_cursor(std::string(500, 'A')));
}

TEST(ShowStatus, FollowsTheSpecThresholds) {
    EXPECT_EQ(to_string(show_status(0, 100, false)), "AVAILABLE");
    EXPECT_EQ(to_string(show_status(49, 100, false)), "AVAILABLE");
    EXPECT_EQ(to_string(show_status(50, 100, false)), "FILLING_FAST");
    EXPECT_EQ(to_string(show_status(79, 100, false)), "FILLING_FAST");
    EXPECT_EQ(to_string(show_status(80, 100, false)), "ALMOST_FULL");
    EXPECT_EQ(to_string(show_status(99, 100, false)), "ALMOST_FULL");
    EXPECT_EQ(to_string(show_status(100, 100, false)), "SOLD_OUT");
    EXPECT_EQ(to_string(show_status(0, 100, true)), "CANCELLED");
    // 119 of 240 is just under half; 192 of 240 is exactly 80%.
    EXPECT_EQ(to_string(show_status(119, 240, false)), "AVAILABLE");
    EXPECT_EQ(to_string(show_status(192, 240, false)), "ALMOST_FULL");
}

TEST(MovieList, CursorsCarryTheSortKeyOfTheirOrder) {
    EXPECT_EQ(kMovieOrderNames.parse("trending"), MovieOrder::Trending);
    EXPECT_EQ(kMovieOrderNames.parse("recommended"), MovieOrder::Recommended);
    EXPECT_FALSE(kMovieOrderNames.parse("Trending"));

    MovieSummary m{.movie_id = MovieId(std::string("550e8400-e29b-41d4-a716-446655440001")),
                   .rating = "8.7",
                   .release_date = "2025-12-19"};
    EXPECT_EQ(cursor_after(MovieOrder::Trending, m).sort_key, "8.7");
    EXPECT_EQ(cursor_after(MovieOrder::Recommended, m).sort_key, "2025-12-19");
    EXPECT_EQ(cursor_after(MovieOrder::Recommended, m).id, m.movie_id.str());

    EXPECT_TRUE(is_sort_key(MovieOrder::Trending, "8.7"));
    EXPECT_FALSE(is_sort_key(MovieOrder::Trending, "2025-12-19"));
    EXPECT_TRUE(is_sort_key(MovieOrder::Recommended, "2025-12-19"));
    EXPECT_FALSE(is_sort_key(MovieOrder::Recommended, "8.7"));
}

TEST(MovieList, CacheFieldIsOrderLimitAndCursorAsSent) {
    MovieListQuery first;
    first.order = MovieOrder::Trending;
    first.limit = 20;
    EXPECT_EQ(list_cache_field(first), "trending|20|");

    MovieListQuery next;
    next.limit = 1;
    next.after = Cursor{"2025-12-19", "550e8400-e29b-41d4-a716-446655440001"};
    next.cursor_text = encode_cursor(*next.after);
    EXPECT_EQ(list_cache_field(next), "recommended|1|" + next.cursor_text);
}

TEST(MovieList, PageShowsLimitItemsAndACursorAfterTheLastOne) {
    // Ids are UUIDs, as in the table: a cursor carries nothing else.
    constexpr const char* kFirst = "550e8400-e29b-41d4-a716-446655440001";
    constexpr const char* kSecond = "550e8400-e29b-41d4-a716-446655440002";
    auto movie = [](std::string id, std::string rating) {
        MovieSummary m;
        m.movie_id = MovieId(std::move(id));
        m.title = "T";
        m.rating = std::move(rating);
        m.genres_json = R"(["Drama"])";
        m.duration_mins = 120;
        m.release_date = "2024-01-01";
        m.language = "English";
        return m;
    };
    std::vector<MovieSummary> fetched{movie(kFirst, "10.0"), movie(kSecond, "8.7")};
    std::string item = R"({"movieId":")" + std::string(kFirst) + R"(","title":"T","thumbnailUrl":null,"rating":10.0,"genres":["Drama"],)"
                       R"("durationMins":120,"releaseDate":"2024-01-01","language":"English","format":null,)"
                       R"("ageRating":null})";
    EXPECT_EQ(render_movie_list(MovieOrder::Trending, 1, fetched),
              R"({"items":[)" + item + R"(],"nextCursor":")" + encode_cursor({"10.0", kFirst}) + R"("})");
    // The rating as PostgreSQL wrote it is the cursor's sort key, digit for digit.
    auto cursor = decode_cursor(encode_cursor(cursor_after(MovieOrder::Trending, fetched[0])));
    ASSERT_TRUE(cursor);
    EXPECT_EQ(cursor->sort_key, "10.0");
    EXPECT_EQ(cursor->id, kFirst);
    fetched.pop_back();
    EXPECT_EQ(render_movie_list(MovieOrder::Trending, 1, fetched), R"({"items":[)" + item + R"(],"nextCursor":null})");
}

TEST(MoviePage, RendersEveryKeyInOrder) {
    MovieDetails m;
    m.movie_id = MovieId(std::string("m1"));
    m.title = "Dune";
    m.about = "Sand.";
    m.rating = "8.5";
    m.duration_mins = 166;
    m.release_date = "2024-03-01";
    m.format = "IMAX";
    m.genres_json = R"(["Sci-Fi"])";
    m.is_active = true;
    m.cast_json = "[]";
    m.crew_json = R"([{"name":"Denis Villeneuve","role":"Director","imageUrl":null}])";
    EXPECT_EQ(render_movie_details(m),
              R"({"movieId":"m1","title":"Dune","about":"Sand.","thumbnailUrl":null,"bannerUrl":null,"rating":8.5,)"
              R"("durationMins":166,"ageRating":null,"releaseDate":"2024-03-01","language":null,"format":"IMAX",)"
              R"("genres":["Sci-Fi"],"isActive":true,"cast":[],)"
              R"("crew":[{"name":"Denis Villeneuve","role":"Director","imageUrl":null}]})");
}

TEST(ShowsQuery, ParsesNear) {
    EXPECT_FALSE(parse_near(std::nullopt));
    auto p = parse_near("12.97,77.59");
    ASSERT_TRUE(p);
    EXPECT_DOUBLE_EQ(p->lat, 12.97);
    EXPECT_DOUBLE_EQ(p->lng, 77.59);
    EXPECT_TRUE(parse_near("-90,180"));
    for (std::string_view bad : {"", "12.97", "12.97,", ",77.59", "91,0", "0,-181", " 1,2", "1,2,3", "a,b", "nan,0"})
        EXPECT_THROW(parse_near(bad), ApiError) << bad;
}

TEST(ScreenLayout, RowLabelsAreCapitalLettersOnly) {
    EXPECT_TRUE(is_row_label("A"));
    EXPECT_TRUE(is_row_label("ABCDE"));
    EXPECT_FALSE(is_row_label(""));
    EXPECT_FALSE(is_row_label("ABCDEF"));
    EXPECT_FALSE(is_row_label("a"));
    EXPECT_FALSE(is_row_label("A1"));
}

TEST(ListingPage, KeepsStatusesOutOfTheCachedPage) {
    auto show = [](std::string id, std::int64_t seats) {
        return ShowListingRow{.theatre_id = TheatreId(std::string("t1")),
                              .theatre_name = "PVR",
                              .city = "Pune",
                              .geo_lat = "18.5",
                              .geo_lng = "73.8",
                              .cancellation_available = true,
                              .show_id = ShowId(std::move(id)),
                              .start_time = "2025-12-17T10:00:00+05:30",
                              .end_time = "2025-12-17T13:00:00+05:30",
                              .price = Money::from_minor(28050),
                              .screen_id = ScreenId(std::string("sc1")),
                              .screen_name = "Screen 1",
                              .total_seats = seats};
    };
    std::string page = render_listing_page(MovieId(std::string("m1")), "2025-12-17", {show("s1", 100), show("s2", 240)});
    EXPECT_EQ(page.substr(0, page.find('\n') + 1), "s1:100,s2:240,\n");

    ListingIndex index = read_listing_index(page);
    ASSERT_EQ(index.shows.size(), 2u);
    EXPECT_EQ(index.shows[1], ShowId(std::string("s2")));
    EXPECT_EQ(index.total_seats, (std::vector<std::int64_t>{100, 240}));

    auto s = [](std::string_view id, std::string_view status) {
        return std::string(R"({"showId":")") + std::string(id) +
               R"(","startTime":"2025-12-17T10:00:00+05:30","endTime":"2025-12-17T13:00:00+05:30","price":280.5,)"
               R"("status":")" + std::string(status) + R"(","screenId":"sc1","screenName":"Screen 1"})";
    };
    EXPECT_EQ(with_statuses(page, {ShowStatus::Available, ShowStatus::FillingFast}),
              R"({"movieId":"m1","date":"2025-12-17","theatres":[{"theatreId":"t1","name":"PVR","address":null,)"
              R"("city":"Pune","geo":{"lat":18.5,"lng":73.8},"cancellationAvailable":true,"shows":[)" +
                  s("s1", "AVAILABLE") + "," + s("s2", "FILLING_FAST") + "]}]}");

    std::string empty = render_listing_page(MovieId(std::string("m1")), "2025-12-17", {});
    EXPECT_TRUE(read_listing_index(empty).shows.empty());
    EXPECT_EQ(with_statuses(empty, {}), R"({"movieId":"m1","date":"2025-12-17","theatres":[]})");
}
