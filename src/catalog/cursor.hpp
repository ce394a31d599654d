#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace marquee::catalog {

// The position after the last item of a page: the sort key of that item and its id (the tie-breaker).
// Opaque to clients: base64url of "<sort key>|<id>".
struct Cursor {
    std::string sort_key;
    std::string id;
};

std::string encode_cursor(const Cursor& cursor);
// nullopt when the text was not produced by encode_cursor (or was tampered with beyond recognition).
std::optional<Cursor> decode_cursor(std::string_view text);

}  // namespace marquee::catalog
