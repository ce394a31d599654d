// Page cursors come back from clients: decode_cursor accepts exactly what encode_cursor produced
// (decode → encode → decode gives the same cursor) and refuses anything else without a crash.
#include "check.hpp"
#include "common/cursor.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace marquee;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto cursor = decode_cursor(text);
    if (!cursor) return 0;
    auto again = decode_cursor(encode_cursor(*cursor));
    FUZZ_CHECK(again.has_value(), "an encoded cursor decodes");
    FUZZ_CHECK(again->sort_key == cursor->sort_key && again->id == cursor->id, "a cursor survives a round trip");
    return 0;
}
