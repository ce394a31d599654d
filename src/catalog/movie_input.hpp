#pragma once
#include "catalog/movie_store.hpp"

#include <boost/json/object.hpp>

namespace marquee::catalog {

// The body of an admin create (`creating`: title, durationMins and releaseDate are required) or
// patch of a movie, validated; ApiError(400) naming the first field at fault.
MovieChanges parse_movie_changes(const boost::json::object& body, bool creating);

}  // namespace marquee::catalog
