#include "catalog/movie_store.hpp"

#include "common/money.hpp"
#include "common/time.hpp"
#include "pg/read_pool.hpp"

namespace marquee::catalog {

namespace {

// ---- statements ---------------------------------------------------------------------------------

// The text forms are named apart from their columns (rating_text), and ORDER BY names the table's
// columns: a bare ORDER BY rating would sort by an output column of that name, the text, in which
// "10.0" comes after "8.7", while the cursor compares numbers.
#define MARQUEE_MOVIE_LIST                                                                                  \
    "SELECT m.movie_id, m.title, m.thumbnail_url, m.rating::text AS rating_text, "                          \
    "array_to_json(m.genres)::text AS genres_json, m.duration_mins, "                                       \
    "m.release_date::text AS release_date_text, m.language, m.format, m.age_rating "                        \
    "FROM movies m WHERE m.is_active AND m.release_date <= current_date "

// $1 limit, $2/$3 the cursor (sort key, id) or NULL for the first page.
constexpr pg::Statement kListTrending{
    "movies_trending",
    MARQUEE_MOVIE_LIST
    "AND ($2::numeric IS NULL OR m.rating < $2::numeric OR (m.rating = $2::numeric AND m.movie_id > $3::uuid)) "
    "ORDER BY m.rating DESC, m.movie_id LIMIT $1"};
constexpr pg::Statement kListRecommended{
    "movies_recommended",
    MARQUEE_MOVIE_LIST
    "AND ($2::date IS NULL OR m.release_date < $2::date "
    "OR (m.release_date = $2::date AND m.movie_id > $3::uuid)) "
    "ORDER BY m.release_date DESC, m.movie_id LIMIT $1"};
#undef MARQUEE_MOVIE_LIST

// The movies an operator picks from to schedule a show: the active ones, released or still to come
// (pre-sales open before the release), newest release first, at most 1,000, as the JSON array of
// GET /api/v1/admin/movies. Read rarely (the operator's form), so PostgreSQL writes it whole.
constexpr pg::Statement kSchedulableMovies{
    "movies_schedulable",
    "SELECT coalesce(json_agg(json_build_object('movieId', m.movie_id, 'title', m.title, "
    "  'releaseDate', m.release_date::text, 'durationMins', m.duration_mins) "
    "  ORDER BY m.release_date DESC, m.title, m.movie_id), '[]')::text AS items "
    "FROM (SELECT * FROM movies WHERE is_active ORDER BY release_date DESC, movie_id LIMIT 1000) m"};

constexpr pg::Statement kMovieDetails{
    "movie_details",
    "SELECT m.movie_id, m.title, m.about, m.thumbnail_url, m.banner_url, m.rating::text AS rating, m.duration_mins, "
    "m.age_rating, m.release_date::text AS release_date, m.language, m.format, "
    "array_to_json(m.genres)::text AS genres_json, m.is_active, "
    "(SELECT COALESCE(json_agg(json_build_object('name', p.name, 'role', c.role_name, 'imageUrl', p.image_url, "
    "   'billingOrder', c.billing_order) ORDER BY c.billing_order), '[]') "
    "   FROM movie_cast c JOIN persons p ON p.person_id = c.person_id WHERE c.movie_id = m.movie_id)::text AS cast_json, "
    "(SELECT COALESCE(json_agg(json_build_object('name', p.name, 'role', c.role, 'imageUrl', p.image_url) "
    "   ORDER BY c.position), '[]') "
    "   FROM movie_crew c JOIN persons p ON p.person_id = c.person_id WHERE c.movie_id = m.movie_id)::text AS crew_json "
    "FROM movies m WHERE m.movie_id = $1"};

constexpr pg::Statement kMovieActive{"movie_active", "SELECT is_active FROM movies WHERE movie_id = $1"};

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

// ---- decoders -----------------------------------------------------------------------------------

MovieSummary summary_of(const pg::Row& row) {
    return MovieSummary{
        .movie_id = MovieId(row.text("movie_id")),
        .title = row.str("title"),
        .thumbnail_url = row.optional_str("thumbnail_url"),
        .rating = row.str("rating_text"),
        .genres_json = row.str("genres_json"),
        .duration_mins = row.integer("duration_mins"),
        .release_date = row.str("release_date_text"),
        .language = row.optional_str("language"),
        .format = row.optional_str("format"),
        .age_rating = row.optional_str("age_rating"),
    };
}

MovieDetails details_of(const pg::Row& row) {
    return MovieDetails{
        .movie_id = MovieId(row.text("movie_id")),
        .title = row.str("title"),
        .about = row.optional_str("about"),
        .thumbnail_url = row.optional_str("thumbnail_url"),
        .banner_url = row.optional_str("banner_url"),
        .rating = row.str("rating"),
        .duration_mins = row.integer("duration_mins"),
        .age_rating = row.optional_str("age_rating"),
        .release_date = row.str("release_date"),
        .language = row.optional_str("language"),
        .format = row.optional_str("format"),
        .genres_json = row.str("genres_json"),
        .is_active = row.boolean("is_active"),
        .cast_json = row.str("cast_json"),
        .crew_json = row.str("crew_json"),
    };
}

// kMovieActive: no row when there is no such movie.
bool listed_of(const pg::Result& rows) { return !rows.empty() && rows.front().boolean("is_active"); }

// kInsertMovie's RETURNING.
MovieId inserted_id_of(const pg::Row& row) { return MovieId(row.text("movie_id")); }

boost::asio::awaitable<void> replace_people(pg::Transaction& tx, const MovieId& movie, const MovieChanges& c) {
    if (c.cast_json) {
        co_await tx.query(kDeleteCast, movie);
        co_await tx.query(kInsertCast, movie, *c.cast_json);
    }
    if (c.crew_json) {
        co_await tx.query(kDeleteCrew, movie);
        co_await tx.query(kInsertCrew, movie, *c.crew_json);
    }
}

}  // namespace

Cursor cursor_after(MovieOrder order, const MovieSummary& movie) {
    return {order == MovieOrder::Trending ? movie.rating : movie.release_date, movie.movie_id.str()};
}

bool is_sort_key(MovieOrder order, std::string_view sort_key) {
    return order == MovieOrder::Trending ? Money::parse_decimal(sort_key).has_value()
                                         : parse_date(sort_key).has_value();
}

boost::asio::awaitable<std::vector<MovieSummary>> MovieStore::list(MovieOrder order, std::int64_t limit,
                                                                   const std::optional<Cursor>& after) {
    const auto& statement = order == MovieOrder::Trending ? kListTrending : kListRecommended;
    std::optional<std::string> key, id;
    if (after) key = after->sort_key, id = after->id;
    auto rows = co_await reads_.query(statement, limit + 1, key, id);
    std::vector<MovieSummary> movies;
    movies.reserve(static_cast<std::size_t>(rows.size()));
    for (pg::Row row : rows) movies.push_back(summary_of(row));
    co_return movies;
}

int MovieStore::cache_ttl(int ttl_seconds) const { return reads_.cache_ttl(ttl_seconds); }

boost::asio::awaitable<std::optional<MovieDetails>> MovieStore::details(const MovieId& movie, pg::Freshness freshness) {
    // (No co_await inside ?: here: g++ 12 destroys the result of such an expression too early.)
    pg::Result rows;
    if (freshness == pg::Freshness::Latest) rows = co_await db_.query(kMovieDetails, movie);
    else rows = co_await reads_.query_found(kMovieDetails, movie);
    if (rows.empty()) co_return std::nullopt;
    co_return details_of(rows.front());
}

boost::asio::awaitable<std::string> MovieStore::schedulable_json() {
    auto rows = co_await db_.query(kSchedulableMovies);
    co_return rows.front().str("items");
}

boost::asio::awaitable<bool> MovieStore::is_listed(const MovieId& movie) {
    auto rows = co_await reads_.query_found(kMovieActive, movie);
    co_return listed_of(rows);
}

boost::asio::awaitable<MovieId> MovieStore::create(const MovieChanges& c) {
    auto tx = co_await db_.begin();
    auto inserted = co_await tx.query(kInsertMovie, c.title, c.about, c.thumbnail_url, c.banner_url, c.rating,
                                      c.duration_mins, c.age_rating, c.release_date, c.language, c.format,
                                      c.genres_json, c.is_active);
    MovieId movie = inserted_id_of(inserted.front());
    co_await replace_people(tx, movie, c);
    co_await tx.commit();
    co_return movie;
}

boost::asio::awaitable<bool> MovieStore::update(const MovieId& movie, const MovieChanges& c) {
    auto tx = co_await db_.begin();
    auto updated = co_await tx.query(kUpdateMovie, movie, c.title, c.about, c.thumbnail_url, c.banner_url, c.rating,
                                     c.duration_mins, c.age_rating, c.release_date, c.language, c.format,
                                     c.genres_json, c.is_active);
    // Not committed: the pool rolls the transaction back before the connection serves anyone else.
    if (updated.affected() == 0) co_return false;
    co_await replace_people(tx, movie, c);
    co_await tx.commit();
    co_return true;
}

}  // namespace marquee::catalog
