#include "common/json_writer.hpp"

#include "common/text.hpp"

namespace marquee {

namespace {
bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }
}  // namespace

void JsonWriter::append_escaped(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out_ += '"';
    // Most strings (ids, names, seat ids) need no escaping: copy runs of plain characters at once.
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (!needs_escape(c)) continue;
        if (c >= 0x80) {
            // Well-formed UTF-8 is copied as it is; anything else (which no validated input holds,
            // but a message may quote a client's bytes) becomes U+FFFD, so the output is always JSON.
            std::size_t n = utf8_sequence_length(s, i);
            if (n > 0) {
                i += n - 1;
                continue;
            }
            out_.append(s.data() + run, i - run);
            run = i + 1;
            out_ += "\xef\xbf\xbd";  // U+FFFD, the replacement character
            continue;
        }
        out_.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out_ += "\\\""; break;
            case '\\': out_ += "\\\\"; break;
            case '\n': out_ += "\\n"; break;
            case '\r': out_ += "\\r"; break;
            case '\t': out_ += "\\t"; break;
            default:
                out_ += "\\u00";
                out_ += hex[c >> 4];
                out_ += hex[c & 0xF];
        }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
}

}  // namespace marquee
