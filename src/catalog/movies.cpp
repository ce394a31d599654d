#include "catalog/movies.hpp"

#include "catalog/cache.hpp"
#include "catalog/cursor.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"
#include "pg/pool.hpp"

#include <set>

namespace marquee::catalog {

namespace {

// ---- statements ---------------------------------------------------------------------------------

#define MARQUEE_MOVIE_LIST                                                                                  \
    "SELECT movie_id, title, thumbnail_url, rating::text, array_to_json(genres)::text, duration_mins, "      \
    "release_date::text, language, format, age_rating FROM movies WHERE is_active AND release_date <= current_date "

// $1 limit, $2/$3 the cursor (sort key, id) or NULL for the first page.
constexpr pg::Statement kListTrending{
    "movies_trending",
    MARQUEE_MOVIE_LIST
    "AND ($2::numeric IS NULL OR rating < $2::numeric OR (rating = $2::numeric AND movie_id > $3::uuid)) "
    "ORDER BY rating DESC, movie_id LIMIT $1"};
constexpr pg::Statement kListRecommended{
    "movies_recommended",
    MARQUEE_MOVIE_LIST
    "AND ($2::date IS NULL OR release_date < $2::date OR (release_date = $2::date AND movie_id > $3::uuid)) "
    "ORDER BY release_date DESC, movie_id LIMIT $1"};
#undef MARQUEE_MOVIE_LIST

constexpr pg::Statement kMovieDetails{
    "movie_details",
    "SELECT m.movie_id, m.title, m.about, m.thumbnail_url, m.banner_url, m.rating::text, m.duration_mins, "
    "m.age_rating, m.release_date::text, m.language, m.format, array_to_json(m.genres)::text, m.is_active, "
    "(SELECT COALESCE(json_agg(json_build_object('name', p.name, 'role', c.role_name, 'imageUrl', p.image_url, "
    "   'billingOrder', c.billing_order) ORDER BY c.billing_order), '[]') "
    "   FROM movie_cast c JOIN persons p ON p.person_id = c.person_id WHERE c.movie_id = m.movie_id)::text, "
    "(SELECT COALESCE(json_agg(json_build_object('name', p.name, 'role', c.role, 'imageUrl', p.image_url) "
    "   ORDER BY c.position), '[]') "
    "   FROM movie_crew c JOIN persons p ON p.person_id = c.person_id WHERE c.movie_id = m.movie_id)::text "
    "FROM movies m WHERE m.movie_id = $1"};

constexpr pg::Statement kInsertMovie{
    "movie_insert",
    "INSERT INTO movies (title, about, thumbnail_url, banner_url, rating, duration_mins, age_rating, release_date, "
    "language, format, genres, is_active) VALUES ($1, $2, $3, $4, COALESCE($5::numeric, 0), $6, $7, $8::date, $9, "
    "$10, ARRAY(SELECT jsonb_array_elements_text($11::jsonb)), COALESCE($12::boolean, true)) RETURNING movie_id"};

constexpr pg::Statement kUpdateMovie{
    "movie_update",
    "UPDATE movies SET title = COALESCE($2, title), about = COALESCE($3, about), "
    "thumbnail_url = COALESCE($4, thumbnail_url), banner_url = COALESCE($5, banner_url), "
    "rating = COALESCE($6::numeric, rating), duration_mins = COALESCE($7::integer, duration_mins), "
    "age_rating = COALESCE($8, age_rating), release_date = COALESCE($9::date, release_date), "
    "language = COALESCE($10, language), format = COALESCE($11, format), "
    "genres = CASE WHEN $12::jsonb IS NULL THEN genres ELSE ARRAY(SELECT jsonb_array_elements_text($12::jsonb)) END, "
    "is_active = COALESCE($13::boolean, is_active), updated_at = now() WHERE movie_id = $1"};

constexpr pg::Statement kDeleteCast{"movie_cast_delete", "DELETE FROM movie_cast WHERE movie_id = $1"};
constexpr pg::Statement kDeleteCrew{"movie_crew_delete", "DELETE FROM movie_crew WHERE movie_id = $1"};

// $1 movie, $2 JSON array of {name, imageUrl, role, billingOrder}; people are found or created by
// (name, picture).
#define MARQUEE_PEOPLE_CTE                                                                                  \
    "WITH input AS (SELECT e.item->>'name' AS name, NULLIF(e.item->>'imageUrl', '') AS image_url, "         \
    "  e.item->>'role' AS role, (e.item->>'billingOrder')::integer AS billing_order, e.position "           \
    "  FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(item, position)), "                         \
    "people AS (INSERT INTO persons (name, image_url) SELECT DISTINCT name, image_url FROM input "          \
    "  ON CONFLICT (name, (COALESCE(image_url, ''))) DO UPDATE SET name = EXCLUDED.name "                   \
    "  RETURNING person_id, name, image_url) "
constexpr pg::Statement kInsertCast{
    "movie_cast_insert",
    MARQUEE_PEOPLE_CTE
    "INSERT INTO movie_cast (movie_id, person_id, role_name, billing_order) "
    "SELECT $1, p.person_id, i.role, i.billing_order FROM input i "
    "JOIN people p ON p.name = i.name AND COALESCE(p.image_url, '') = COALESCE(i.image_url, '')"};
constexpr pg::Statement kInsertCrew{
    "movie_crew_insert",
    MARQUEE_PEOPLE_CTE
    "INSERT INTO movie_crew (movie_id, person_id, role, position) "
    "SELECT $1, p.person_id, i.role, i.position FROM input i "
    "JOIN people p ON p.name = i.name AND COALESCE(p.image_url, '') = COALESCE(i.image_url, '')"};
#undef MARQUEE_PEOPLE_CTE

// ---- rendering ----------------------------------------------------------------------------------

void write_list_item(JsonWriter& w, const pg::Result& r, int row) {
    w.begin_object();
    w.field("movieId", r.text(row, 0));
    w.field("title", r.text(row, 1));
    w.optional_string("thumbnailUrl", r.c_str_or_null(row, 2));
    w.key("rating").raw(r.text(row, 3));
    w.key("genres").raw(r.text(row, 4));
    w.key("durationMins").raw(r.text(row, 5));
    w.field("releaseDate", r.text(row, 6));
    w.optional_string("language", r.c_str_or_null(row, 7));
    w.optional_string("format", r.c_str_or_null(row, 8));
    w.optional_string("ageRating", r.c_str_or_null(row, 9));
    w.end_object();
}

std::string render_details(const pg::Result& r) {
    std::string body;
    JsonWriter w(body);
    w.begin_object();
    w.field("movieId", r.text(0, 0));
    w.field("title", r.text(0, 1));
    w.optional_string("about", r.c_str_or_null(0, 2));
    w.optional_string("thumbnailUrl", r.c_str_or_null(0, 3));
    w.optional_string("bannerUrl", r.c_str_or_null(0, 4));
    w.key("rating").raw(r.text(0, 5));
    w.key("durationMins").raw(r.text(0, 6));
    w.optional_string("ageRating", r.c_str_or_null(0, 7));
    w.field("releaseDate", r.text(0, 8));
    w.optional_string("language", r.c_str_or_null(0, 9));
    w.optional_string("format", r.c_str_or_null(0, 10));
    w.key("genres").raw(r.text(0, 11));
    w.field("isActive", r.boolean(0, 12));
    w.key("cast").raw(r.text(0, 13));
    w.key("crew").raw(r.text(0, 14));
    w.end_object();
    return body;
}

// ---- input --------------------------------------------------------------------------------------

struct MovieInput {
    std::optional<std::string> title, about, thumbnail_url, banner_url, age_rating, language, format;
    std::optional<std::string> rating;  // exact decimal text, one digit after the point
    std::optional<std::int64_t> duration_mins;
    std::optional<std::string> release_date;
    std::optional<std::string> genres_json;
    std::optional<bool> is_active;
    std::optional<std::string> cast_json, crew_json;
};

std::string people_json(const input::Fields& fields, std::string_view name, bool is_cast) {
    const auto& list = fields.array(name, 0, 200);
    std::string json;
    JsonWriter w(json);
    w.begin_array();
    std::set<std::int64_t> billing_orders;
    std::set<std::string> crew_entries;
    for (std::size_t i = 0; i < list.size(); ++i) {
        std::string path = fields.name_of(name) + "[" + std::to_string(i) + "]";
        if (!list[i].is_object()) throw ApiError::validation(path + ": must be an object");
        input::Fields person(list[i].as_object(), path);
        std::string person_name = person.string("name", 1, 255);
        auto image = person.optional_string("imageUrl", 2000);
        w.begin_object();
        w.field("name", person_name);
        if (image && !image->empty()) w.field("imageUrl", *image);
        if (is_cast) {
            auto role = person.optional_string("role", 255);
            std::int64_t billing = person.optional_integer("billingOrder", 1, 10000).value_or(static_cast<std::int64_t>(i) + 1);
            if (!billing_orders.insert(billing).second) person.fail("billingOrder", "is used twice in cast");
            if (role) w.field("role", *role);
            w.field("billingOrder", billing);
        } else {
            std::string role = person.string("role", 1, 100);
            if (!crew_entries.insert(person_name + '\n' + image.value_or("") + '\n' + role).second)
                person.fail("role", "this person is already listed with this role");
            w.field("role", role);
        }
        w.end_object();
    }
    w.end_array();
    return json;
}

MovieInput parse_movie(const boost::json::object& body, bool creating) {
    input::Fields f(body);
    MovieInput m;
    if (creating || f.has("title")) m.title = f.string("title", 1, 255);
    m.about = f.optional_string("about", 10000);
    m.thumbnail_url = f.optional_string("thumbnailUrl", 2000);
    m.banner_url = f.optional_string("bannerUrl", 2000);
    if (auto rating = f.optional_number("rating", 0, 10)) {
        auto tenths = std::llround(*rating * 10);
        if (std::fabs(*rating * 10 - static_cast<double>(tenths)) > 1e-6) f.fail("rating", "must have at most one decimal");
        m.rating = std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
    }
    if (creating || f.has("durationMins")) m.duration_mins = f.integer("durationMins", 1, 1000);
    m.age_rating = f.optional_string("ageRating", 10);
    if (creating || f.has("releaseDate")) m.release_date = format_date(f.date("releaseDate"));
    m.language = f.optional_string("language", 50);
    m.format = f.optional_string("format", 20);
    if (f.has("genres")) {
        std::string json;
        JsonWriter w(json);
        w.begin_array();
        const auto& genres = f.array("genres", 0, 20);
        for (std::size_t i = 0; i < genres.size(); ++i) {
            if (!genres[i].is_string() || genres[i].as_string().empty() || genres[i].as_string().size() > 50)
                f.fail("genres", "must be strings of 1 to 50 characters");
            w.string(genres[i].as_string());
        }
        w.end_array();
        m.genres_json = json;
    }
    m.is_active = f.optional_bool("isActive");
    if (f.has("cast")) m.cast_json = people_json(f, "cast", true);
    if (f.has("crew")) m.crew_json = people_json(f, "crew", false);
    return m;
}

boost::asio::awaitable<void> replace_people(pg::Transaction& tx, const std::string& movie_id, const MovieInput& m) {
    if (m.cast_json) {
        co_await tx.query(kDeleteCast, movie_id);
        co_await tx.query(kInsertCast, movie_id, *m.cast_json);
    }
    if (m.crew_json) {
        co_await tx.query(kDeleteCrew, movie_id);
        co_await tx.query(kInsertCrew, movie_id, *m.crew_json);
    }
}

// Admin writes change what the public reads: drop every cached rendering that includes the movie.
boost::asio::awaitable<void> invalidate_movie(redis::Client& redis, const std::string& movie_id) {
    co_await ResponseCache::invalidate(redis, movies_list_cache_key());
    co_await ResponseCache::invalidate(redis, movie_cache_key(movie_id));
    co_await ResponseCache::invalidate(redis, shows_cache_key(movie_id));
}

boost::asio::awaitable<pg::Result> load_details(Services& s, const std::string& movie_id) {
    co_return co_await s.db.query(kMovieDetails, movie_id);
}

}  // namespace

boost::asio::awaitable<http::Response> list_movies(http::RequestContext& ctx) {
    const auto& q = ctx.request;
    std::string category(q.query_param("category").value_or("recommended"));
    if (category != "recommended" && category != "trending")
        throw ApiError::validation("category: must be recommended or trending");
    auto limit = input::query_integer(q.query_param("limit"), "limit", 1, 50, 20);
    std::optional<Cursor> cursor;
    if (auto text = q.query_param("cursor")) {
        cursor = decode_cursor(*text);
        bool key_ok = cursor && (category == "trending" ? Money::parse_decimal(cursor->sort_key).has_value()
                                                        : parse_date(cursor->sort_key).has_value());
        if (!key_ok) throw ApiError::validation("cursor: not a cursor of this list");
    }

    std::string field = category + '|' + std::to_string(limit) + '|' + std::string(q.query_param("cursor").value_or(""));
    auto cached = co_await ResponseCache::lookup(ctx.services.redis, movies_list_cache_key(), field);
    if (cached.body) co_return http::json_response(200, std::move(*cached.body));

    const auto& statement = category == "trending" ? kListTrending : kListRecommended;
    std::optional<std::string> key, id;
    if (cursor) key = cursor->sort_key, id = cursor->id;
    // One row more than asked tells whether there is a next page.
    auto rows = co_await ctx.services.db.query(statement, limit + 1, key, id);
    std::string body = render_page(rows, limit, category == "trending" ? 3 : 6, 0,
                                   [&](JsonWriter& w, int row) { write_list_item(w, rows, row); });
    co_await ResponseCache::fill(ctx.services.redis, movies_list_cache_key(), field, body, cached.epoch, kMoviesCacheTtl);
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> get_movie(http::RequestContext& ctx) {
    std::string movie_id = input::path_uuid(ctx.param("movieId"), "movieId");
    auto cached = co_await ResponseCache::lookup(ctx.services.redis, movie_cache_key(movie_id), "details");
    if (cached.body) co_return http::json_response(200, std::move(*cached.body));
    auto r = co_await load_details(ctx.services, movie_id);
    if (r.empty() || !r.boolean(0, 12)) throw ApiError::not_found("movie not found");
    std::string body = render_details(r);
    co_await ResponseCache::fill(ctx.services.redis, movie_cache_key(movie_id), "details", body, cached.epoch, kMoviesCacheTtl);
    co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> admin_create_movie(http::RequestContext& ctx) {
    MovieInput m = parse_movie(input::parse_object(ctx.request.content_type, ctx.request.body), true);
    std::string movie_id;
    {
        auto tx = co_await ctx.services.db.begin();
        auto inserted = co_await tx.query(kInsertMovie, m.title, m.about, m.thumbnail_url, m.banner_url, m.rating,
                                          m.duration_mins, m.age_rating, m.release_date, m.language, m.format,
                                          m.genres_json, m.is_active);
        movie_id = std::string(inserted.text(0, 0));
        co_await replace_people(tx, movie_id, m);
        co_await tx.commit();
    }
    co_await invalidate_movie(ctx.services.redis, movie_id);
    auto created = co_await load_details(ctx.services, movie_id);
    co_return http::json_response(201, render_details(created));
}

boost::asio::awaitable<http::Response> admin_patch_movie(http::RequestContext& ctx) {
    std::string movie_id = input::path_uuid(ctx.param("movieId"), "movieId");
    MovieInput m = parse_movie(input::parse_object(ctx.request.content_type, ctx.request.body), false);
    {
        auto tx = co_await ctx.services.db.begin();
        auto updated = co_await tx.query(kUpdateMovie, movie_id, m.title, m.about, m.thumbnail_url, m.banner_url,
                                         m.rating, m.duration_mins, m.age_rating, m.release_date, m.language, m.format,
                                         m.genres_json, m.is_active);
        if (updated.affected() == 0) throw ApiError::not_found("movie not found");
        co_await replace_people(tx, movie_id, m);
        co_await tx.commit();
    }
    co_await invalidate_movie(ctx.services.redis, movie_id);
    auto patched = co_await load_details(ctx.services, movie_id);
    co_return http::json_response(200, render_details(patched));
}

}  // namespace marquee::catalog
