#pragma once
#include "common/json_writer.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace marquee::catalog {

// A nullable text column as a member: the string, or null (never left out: clients see every key).
inline void optional_field(JsonWriter& w, std::string_view key, const std::optional<std::string>& value) {
    w.key(key);
    value ? w.string(*value) : w.null();
}

}  // namespace marquee::catalog
