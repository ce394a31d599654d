#pragma once
#include "catalog/venue_store.hpp"

#include <boost/json/object.hpp>

namespace marquee::catalog {

// The bodies of the admin's new theatre and new screen, validated without touching a store (the
// time zone's existence is checked by the handler against PostgreSQL); ApiError(400) naming the
// first field at fault.
NewTheatre parse_new_theatre(const boost::json::object& body);
NewScreen parse_new_screen(const boost::json::object& body);

}  // namespace marquee::catalog
