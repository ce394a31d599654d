#include "catalog/movie_render.hpp"

#include "common/cursor.hpp"
#include "common/json_writer.hpp"

namespace marquee::catalog {

namespace {

void write_list_item(JsonWriter& w, const MovieSummary& m) {
    w.begin_object();
    w.field("movieId", m.movie_id.str());
    w.field("title", m.title);
    w.optional_string("thumbnailUrl", m.thumbnail_url);
    w.key("rating").raw(m.rating);
    w.key("genres").raw(m.genres_json);
    w.field("durationMins", m.duration_mins);
    w.field("releaseDate", m.release_date);
    w.optional_string("language", m.language);
    w.optional_string("format", m.format);
    w.optional_string("ageRating", m.age_rating);
    w.end_object();
}

}  // namespace

std::string render_movie_list(MovieOrder order, std::int64_t limit, const std::vector<MovieSummary>& movies) {
    return render_page<MovieSummary>(
        movies, limit, [order](const MovieSummary& m) { return cursor_after(order, m); }, write_list_item);
}

std::string render_movie_details(const MovieDetails& m) {
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("movieId", m.movie_id.str());
    w.field("title", m.title);
    w.optional_string("about", m.about);
    w.optional_string("thumbnailUrl", m.thumbnail_url);
    w.optional_string("bannerUrl", m.banner_url);
    w.key("rating").raw(m.rating);
    w.field("durationMins", m.duration_mins);
    w.optional_string("ageRating", m.age_rating);
    w.field("releaseDate", m.release_date);
    w.optional_string("language", m.language);
    w.optional_string("format", m.format);
    w.key("genres").raw(m.genres_json);
    w.field("isActive", m.is_active);
    w.key("cast").raw(m.cast_json);
    w.key("crew").raw(m.crew_json);
    w.end_object();
    return body;
}

}  // namespace marquee::catalog
