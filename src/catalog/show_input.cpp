#include "catalog/show_input.hpp"

#include "common/input.hpp"

namespace marquee::catalog {

NewShow parse_new_show(const boost::json::object& body, EpochSeconds now) {
    input::Fields f(body);
    NewShow show;
    show.movie = MovieId(f.uuid("movieId"));
    show.screen = ScreenId(f.uuid("screenId"));
    show.start = f.instant("startTime");
    show.price = f.money("price");
    if (show.price.minor() <= 0) f.fail("price", "must be greater than 0");
    if (show.start <= now) f.fail("startTime", "must be in the future");
    return show;
}

}  // namespace marquee::catalog
