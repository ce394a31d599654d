#include "catalog/movie_input.hpp"

#include "common/errors.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"

#include <cmath>
#include <set>

namespace marquee::catalog {

namespace {

// Cast or crew, re-rendered as the JSON array the store's statements read. A cast member's billing
// order defaults to their position and may not repeat; a crew member may hold each role once.
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

}  // namespace

MovieChanges parse_movie_changes(const boost::json::object& body, bool creating) {
    input::Fields f(body);
    MovieChanges m;
    if (creating || f.has("title")) m.title = f.string("title", 1, 255);
    m.about = f.optional_text("about", 10000);
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
            if (!genres[i].is_string() || genres[i].as_string().empty() || genres[i].as_string().size() > 50 ||
                input::has_control_characters(genres[i].as_string(), false))
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

}  // namespace marquee::catalog
