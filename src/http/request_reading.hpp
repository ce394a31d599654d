#pragma once
// How the server turns bytes into a request, apart from the socket: Beast's parser with our limits,
// the answer to a request that cannot be parsed, and the translation into http::Request. The server
// reads with these, and the fuzz target (fuzz/api_request.cpp) feeds them the same way.
#include "http/message.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace marquee::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

inline constexpr std::size_t kHeaderLimit = 16 * 1024;
inline constexpr std::size_t kBodyLimit = 64 * 1024;

// A parser with the header and body limits every request is held to.
void apply_limits(RequestParser& parser);

// What a request that failed to parse is answered with; nullopt when the connection simply closes
// (the peer went away or stopped half-way).
std::optional<Response> refusal_for(const boost::system::error_code& ec);

// The client's X-Request-Id when it is short and printable (so it cannot forge log lines), else a
// new random one.
std::string request_id_from(std::string_view given);

// Beast's request as ours; nullopt when the target is not a valid origin-form URL or its path or a
// query parameter does not decode to UTF-8.
std::optional<Request> to_request(const boost::beast::http::request<boost::beast::http::string_body>& in,
                                  std::string request_id);
// The answer to such a request.
Response malformed_target();

}  // namespace marquee::http
