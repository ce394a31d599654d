// Bearer tokens: auth::verify_token either returns a principal that keeps its promises or refuses
// with 401 — never another error, never a crash. The first byte picks the form of the rest: 0, a
// token as a client sends it (it will rarely be signed right, so this mostly explores the header
// and the signature check); otherwise "<header JSON>\n<payload JSON>", which the target signs with
// the secret, so that the claims are reached.
#include "auth/jwt.hpp"
#include "check.hpp"
#include "common/errors.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace marquee;
    if (size < 1) return 0;
    constexpr std::string_view kSecret = "fuzzing-secret-of-at-least-32-bytes!!";
    constexpr EpochSeconds kNow = 1'800'000'000;
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    std::string token;
    if (data[0] == 0) {
        token = std::string(rest);
    } else {
        auto newline = rest.find('\n');
        if (newline == std::string_view::npos) return 0;
        token = auth::sign_compact(rest.substr(0, newline), rest.substr(newline + 1), kSecret);
    }
    try {
        auth::Principal p = auth::verify_token(token, kSecret, kNow);
        FUZZ_CHECK(!p.user_id.str().empty() && p.user_id.str().size() <= 255, "sub is 1 to 255 characters");
        FUZZ_CHECK(p.expires_at > kNow, "an accepted token has not expired");
    } catch (const ApiError& e) {
        FUZZ_CHECK(e.status == 401, "a bad token is a 401");
    }
    return 0;
}
