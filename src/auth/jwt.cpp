#include "auth/jwt.hpp"

#include "common/input.hpp"

#include "common/errors.hpp"
#include "common/json_writer.hpp"
#include "common/text.hpp"

#include <boost/json/parse.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>

namespace marquee::auth {

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

namespace {

boost::json::object decode_part(std::string_view part, const char* what) {
    auto bytes = base64url_decode(part);
    if (!bytes) throw ApiError::unauthorized(std::string("token ") + what + " is not base64url");
    boost::system::error_code ec;
    auto value = boost::json::parse(*bytes, ec);
    if (ec || !value.is_object()) throw ApiError::unauthorized(std::string("token ") + what + " is not a JSON object");
    return std::move(value.as_object());
}

}  // namespace

Principal verify_token(std::string_view token, std::string_view secret, EpochSeconds now) {
    auto first_dot = token.find('.');
    auto second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos)
        throw ApiError::unauthorized("malformed token");

    auto header = decode_part(token.substr(0, first_dot), "header");
    auto* alg = header.if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "HS256")
        throw ApiError::unauthorized("token algorithm must be HS256");

    auto signature = base64url_decode(token.substr(second_dot + 1));
    std::string expected = hmac_sha256(secret, token.substr(0, second_dot));
    if (!signature || signature->size() != expected.size() ||
        CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
        throw ApiError::unauthorized("bad token signature");

    auto claims = decode_part(token.substr(first_dot + 1, second_dot - first_dot - 1), "payload");
    auto* exp = claims.if_contains("exp");
    if (!exp || !exp->is_number()) throw ApiError::unauthorized("token has no exp");
    // As a double whatever its JSON kind: an integer past int64 (say 18446744073709551615) would
    // make to_number<std::int64_t> throw.
    double exp_value = exp->to_number<double>();
    if (!std::isfinite(exp_value) || exp_value <= static_cast<double>(now)) throw ApiError::unauthorized("token expired");
    // Past the year 9999 an expiry is not a time (and no longer fits in EpochSeconds).
    if (exp_value > 253402300799.0) throw ApiError::unauthorized("token exp is out of range");
    if (auto* nbf = claims.if_contains("nbf"); nbf && nbf->is_number() && nbf->to_number<double>() > now + 60)
        throw ApiError::unauthorized("token not valid yet");

    auto* sub = claims.if_contains("sub");
    if (!sub || !sub->is_string() || sub->as_string().empty() || sub->as_string().size() > 255)
        throw ApiError::unauthorized("token sub must be a string of 1 to 255 characters");
    // They are stored (users) and shown (e-mails): text with control characters is refused here too.
    for (const char* claim : {"sub", "name", "email"})
        if (auto* v = claims.if_contains(claim); v && v->is_string() && input::has_control_characters(v->as_string(), false))
            throw ApiError::unauthorized(std::string("token ") + claim + " must not contain control characters");

    Principal p;
    p.user_id = UserId(std::string(sub->as_string()));
    p.expires_at = static_cast<EpochSeconds>(exp_value);
    if (auto* v = claims.if_contains("name"); v && v->is_string()) p.name = std::string(v->as_string());
    if (auto* v = claims.if_contains("email"); v && v->is_string()) p.email = std::string(v->as_string());
    if (auto* roles = claims.if_contains("roles"); roles && roles->is_array())
        for (const auto& r : roles->as_array())
            if (r.is_string() && r.as_string() == "admin") p.admin = true;
    return p;
}

std::string sign_token(const TokenRequest& request, std::string_view secret, EpochSeconds now) {
    std::string payload;
    JsonWriter w(payload);
    w.begin_object();
    w.field("sub", request.subject);
    w.field("iat", now);
    w.field("exp", now + request.ttl_seconds);
    if (request.name) w.field("name", *request.name);
    if (request.email) w.field("email", *request.email);
    w.key("roles").begin_array();
    if (request.admin) w.string("admin");
    w.end_array();
    w.end_object();
    return sign_compact(R"({"alg":"HS256","typ":"JWT"})", payload, secret);
}

std::string sign_compact(std::string_view header_json, std::string_view payload_json, std::string_view secret) {
    std::string signing_input = base64url_encode(header_json) + '.' + base64url_encode(payload_json);
    return signing_input + '.' + base64url_encode(hmac_sha256(secret, signing_input));
}

}  // namespace marquee::auth
