#pragma once
#include "common/json_writer.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace marquee {

// The position after the last item of a page: the sort key of that item and its id (the tie-breaker).
// Opaque to clients: base64url of "<sort key>|<id>".
struct Cursor {
    std::string sort_key;
    std::string id;
};

std::string encode_cursor(const Cursor& cursor);
// nullopt when the text was not produced by encode_cursor (or was tampered with beyond recognition).
std::optional<Cursor> decode_cursor(std::string_view text);

// {"items":[…],"nextCursor":…} from items fetched with LIMIT limit + 1: the extra item only says that
// a next page exists, and the cursor points after the last item shown.
template <class Item>
std::string render_page(const std::vector<Item>& items, std::int64_t limit,
                        const std::function<Cursor(const Item&)>& cursor_of,
                        const std::function<void(JsonWriter&, const Item&)>& write_item) {
    std::size_t shown = std::min(items.size(), static_cast<std::size_t>(limit));
    std::string body;
    JsonWriter w(body);
    w.begin_object().key("items").begin_array();
    for (std::size_t i = 0; i < shown; ++i) write_item(w, items[i]);
    w.end_array().key("nextCursor");
    if (items.size() > shown)
        w.string(encode_cursor(cursor_of(items[shown - 1])));
    else
        w.null();
    w.end_object();
    return body;
}

}  // namespace marquee
