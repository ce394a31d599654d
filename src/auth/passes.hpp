#pragma once
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace marquee::auth {

// Small signed statements the API hands out and later takes back as proof (the waiting room's queue
// tickets and admissions): base64url(JSON payload) "." base64url(HMAC-SHA256). The signature covers
// the pass's kind as well as its payload, under the server's JWT secret, so a pass of one kind is
// never accepted as another, nor a JWT as a pass (or the reverse: a pass has one dot, a JWT two).
std::string sign_pass(std::string_view kind, std::string_view payload_json, std::string_view secret);

// The payload, if `pass` is a pass of `kind` signed with `secret`; nullopt for anything else (the
// caller says what that means to its client). Compared in constant time.
std::optional<boost::json::object> open_pass(std::string_view kind, std::string_view pass, std::string_view secret);

}  // namespace marquee::auth
