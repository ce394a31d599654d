#pragma once
#include "common/json_writer.hpp"
#include "pg/result.hpp"

#include <cstdint>
#include <functional>
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

// {"items":[…],"nextCursor":…} from rows fetched with LIMIT limit + 1: the extra row only says that
// a next page exists, and the cursor points after the last row shown (its sort key and id columns).
std::string render_page(const pg::Result& rows, std::int64_t limit, int sort_key_column, int id_column,
                        const std::function<void(JsonWriter&, int row)>& write_item);

}  // namespace marquee::catalog
