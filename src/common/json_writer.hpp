#pragma once
#include "common/ids.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace marquee {

// Appends JSON text to a string. Responses are written straight into their body, without building a
// tree first: the hot read paths render thousands of seat ids, and money must come out as an exact
// decimal (280.5), which a double-based tree cannot promise. The caller keeps the structure valid;
// commas between members and elements are inserted automatically.
class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object() { separate(); out_ += '{'; first_ = true; return *this; }
    JsonWriter& end_object() { out_ += '}'; first_ = false; return *this; }
    JsonWriter& begin_array() { separate(); out_ += '['; first_ = true; return *this; }
    JsonWriter& end_array() { out_ += ']'; first_ = false; return *this; }

    JsonWriter& key(std::string_view k) {
        separate();
        append_escaped(k);
        out_ += ':';
        after_key_ = true;
        return *this;
    }
    JsonWriter& string(std::string_view s) { separate(); append_escaped(s); return *this; }
    JsonWriter& integer(std::int64_t v) { separate(); out_ += std::to_string(v); return *this; }
    JsonWriter& boolean(bool v) { separate(); out_ += v ? "true" : "false"; return *this; }
    JsonWriter& null() { separate(); out_ += "null"; return *this; }
    // Text that is already valid JSON (a number rendered exactly, or json produced by PostgreSQL).
    JsonWriter& raw(std::string_view json) { separate(); out_ += json; return *this; }

    template <class T> JsonWriter& field(std::string_view k, const T& v);
    // A nullable text as a member: the string, or null (never left out: clients see every key).
    JsonWriter& optional_string(std::string_view k, const std::optional<std::string>& v) {
        key(k);
        return v ? string(*v) : null();
    }
    template <class Tag> JsonWriter& field(std::string_view k, const Id<Tag>& id) { return field(k, id.str()); }

private:
    void separate() {
        if (after_key_) { after_key_ = false; first_ = false; return; }
        if (!first_) out_ += ',';
        first_ = false;
    }
    void append_escaped(std::string_view s);

    std::string& out_;
    bool first_ = true;
    bool after_key_ = false;
};

template <class T> JsonWriter& JsonWriter::field(std::string_view k, const T& v) {
    key(k);
    if constexpr (std::is_same_v<T, bool>) return boolean(v);
    else if constexpr (std::is_integral_v<T>) return integer(v);
    else return string(v);
}

}  // namespace marquee
