#include "auth/passes.hpp"

#include "auth/jwt.hpp"
#include "common/text.hpp"

#include <boost/json/parse.hpp>
#include <openssl/crypto.h>

namespace marquee::auth {

namespace {

std::string signature(std::string_view kind, std::string_view encoded_payload, std::string_view secret) {
    std::string input = "marquee-pass.";
    input.append(kind).append(".").append(encoded_payload);
    return hmac_sha256(secret, input);
}

}  // namespace

std::string sign_pass(std::string_view kind, std::string_view payload_json, std::string_view secret) {
    std::string encoded = base64url_encode(payload_json);
    return encoded + '.' + base64url_encode(signature(kind, encoded, secret));
}

std::optional<boost::json::object> open_pass(std::string_view kind, std::string_view pass, std::string_view secret) {
    auto dot = pass.find('.');
    if (dot == std::string_view::npos || pass.size() > 2048) return std::nullopt;
    auto given = base64url_decode(pass.substr(dot + 1));
    std::string expected = signature(kind, pass.substr(0, dot), secret);
    if (!given || given->size() != expected.size() || CRYPTO_memcmp(given->data(), expected.data(), expected.size()) != 0)
        return std::nullopt;
    auto payload = base64url_decode(pass.substr(0, dot));
    if (!payload) return std::nullopt;
    boost::system::error_code ec;
    auto value = boost::json::parse(*payload, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

}  // namespace marquee::auth
