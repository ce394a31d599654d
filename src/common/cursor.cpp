#include "common/cursor.hpp"

#include "common/text.hpp"

namespace marquee {

std::string encode_cursor(const Cursor& cursor) { return base64url_encode(cursor.sort_key + '|' + cursor.id); }

std::optional<Cursor> decode_cursor(std::string_view text) {
    if (text.empty() || text.size() > 200) return std::nullopt;
    auto raw = base64url_decode(text);
    if (!raw) return std::nullopt;
    auto bar = raw->rfind('|');
    if (bar == std::string::npos || bar == 0) return std::nullopt;
    Cursor c{raw->substr(0, bar), raw->substr(bar + 1)};
    if (!is_uuid(c.id)) return std::nullopt;
    return c;
}

}  // namespace marquee
