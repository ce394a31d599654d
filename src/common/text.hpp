#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace marquee {

std::string base64url_encode(std::string_view bytes);
// nullopt for any character outside the URL-safe alphabet or an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);

// A lowercase canonical UUID (8-4-4-4-12 hex) is the only accepted form of an id.
bool is_uuid(std::string_view s);
// Lowercases a UUID given in either case; nullopt when it is not a UUID.
std::optional<std::string> normalize_uuid(std::string_view s);
// A random (version 4) UUID from the cryptographic random source.
std::string random_uuid();
// n bytes from the cryptographic random source (OpenSSL RAND_bytes).
std::string random_bytes(std::size_t n);
std::string to_hex(std::string_view bytes);

// The length of the well-formed UTF-8 sequence starting at s[i] (1 to 4), or 0 when the bytes there
// are not one (a stray continuation byte, a truncated or overlong sequence, a surrogate, beyond U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);
bool is_valid_utf8(std::string_view s);

}  // namespace marquee
