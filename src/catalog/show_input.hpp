#pragma once
#include "catalog/show_store.hpp"

#include <boost/json/object.hpp>

namespace marquee::catalog {

// The body of the admin's new show, validated without touching a store; ApiError(400) naming the
// first field at fault.
NewShow parse_new_show(const boost::json::object& body, EpochSeconds now);

}  // namespace marquee::catalog
