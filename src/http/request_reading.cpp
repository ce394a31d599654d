#include "http/request_reading.hpp"

#include "common/text.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/url/parse.hpp>

#include <cstring>
#include <random>

namespace bhttp = boost::beast::http;

namespace marquee::http {

namespace {

Method to_method(bhttp::verb v) {
    switch (v) {
        case bhttp::verb::get: return Method::Get;
        case bhttp::verb::post: return Method::Post;
        case bhttp::verb::patch: return Method::Patch;
        case bhttp::verb::put: return Method::Put;
        case bhttp::verb::delete_: return Method::Delete;
        case bhttp::verb::head: return Method::Head;
        case bhttp::verb::options: return Method::Options;
        default: return Method::Other;
    }
}

std::string new_request_id() {
    thread_local std::mt19937_64 rng = [] {
        auto seed = random_bytes(8);
        std::uint64_t v = 0;
        std::memcpy(&v, seed.data(), 8);
        return std::mt19937_64(v);
    }();
    std::uint64_t v = rng();
    return to_hex(std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
}

}  // namespace

void apply_limits(RequestParser& parser) {
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
}

std::optional<Response> refusal_for(const boost::system::error_code& ec) {
    if (ec == bhttp::error::body_limit)
        return error_response(413, "PAYLOAD_TOO_LARGE", "request body is over 64 KiB");
    if (ec == bhttp::error::header_limit)
        return error_response(400, "VALIDATION_ERROR", "request header is over 16 KiB");
    // Any other parser error is a malformed request; end of stream and a message cut short mean the
    // peer left, and I/O errors (timeouts, resets) leave nobody to answer.
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        return error_response(400, "VALIDATION_ERROR", "malformed HTTP request");
    return std::nullopt;
}

std::string request_id_from(std::string_view given) {
    if (given.empty() || given.size() > 128) return new_request_id();
    for (char c : given)
        if (c <= ' ' || c > '~') return new_request_id();
    return std::string(given);
}

std::optional<Request> to_request(const bhttp::request<bhttp::string_body>& in, std::string request_id) {
    auto url = boost::urls::parse_origin_form(in.target());
    if (!url) return std::nullopt;
    Request r;
    r.method = to_method(in.method());
    r.path = url->path();
    // Every decoded part must be UTF-8 text: it is matched, validated, quoted in messages and may
    // reach PostgreSQL, which refuses other bytes.
    if (!is_valid_utf8(r.path)) return std::nullopt;
    for (auto param : url->params()) {
        if (!is_valid_utf8(param.key) || !is_valid_utf8(param.value)) return std::nullopt;
        r.query.emplace_back(param.key, param.value);
    }
    r.body = in.body();
    r.content_type = std::string(in[bhttp::field::content_type]);
    r.authorization = std::string(in[bhttp::field::authorization]);
    r.last_event_id = std::string(in["Last-Event-ID"].substr(0, 64));
    r.if_none_match = std::string(in[bhttp::field::if_none_match].substr(0, 128));
    r.request_id = std::move(request_id);
    return r;
}

Response malformed_target() {
    return error_response(400, "VALIDATION_ERROR", "malformed request target (not a URL path, or not UTF-8 once decoded)");
}

}  // namespace marquee::http
