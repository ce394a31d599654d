#pragma once
#include "common/ids.hpp"
#include "common/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace marquee::auth {

// Who is calling, as proven by a verified token.
struct Principal {
    UserId user_id;
    std::optional<std::string> name;
    std::optional<std::string> email;
    bool admin = false;
    EpochSeconds expires_at = 0;
};

// Verifies an HS256 JWT: the header must name HS256 (no "none", no other algorithm), the signature
// must match (compared in constant time), `exp` must be present and in the future and `sub` a
// non-empty string of at most 255 characters. Throws ApiError(401) naming what is wrong.
Principal verify_token(std::string_view token, std::string_view secret, EpochSeconds now);

struct TokenRequest {
    std::string subject;
    bool admin = false;
    EpochSeconds ttl_seconds = 3600;
    std::optional<std::string> name;
    std::optional<std::string> email;
};
std::string sign_token(const TokenRequest& request, std::string_view secret, EpochSeconds now);

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// base64url(header).base64url(payload).base64url(HMAC-SHA256): the compact form of any JWS.
std::string sign_compact(std::string_view header_json, std::string_view payload_json, std::string_view secret);

}  // namespace marquee::auth
