#include "catalog/cursor.hpp"

#include "common/text.hpp"

namespace marquee::catalog {

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

std::string render_page(const pg::Result& rows, std::int64_t limit, int sort_key_column, int id_column,
                        const std::function<void(JsonWriter&, int row)>& write_item) {
    int shown = std::min<int>(rows.rows(), static_cast<int>(limit));
    std::string body;
    JsonWriter w(body);
    w.begin_object().key("items").begin_array();
    for (int i = 0; i < shown; ++i) write_item(w, i);
    w.end_array().key("nextCursor");
    if (rows.rows() > limit)
        w.string(encode_cursor({std::string(rows.text(shown - 1, sort_key_column)), std::string(rows.text(shown - 1, id_column))}));
    else
        w.null();
    w.end_object();
    return body;
}

}  // namespace marquee::catalog
