#include "auth/jwt.hpp"
#include "common/errors.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

using namespace marquee;
using namespace marquee::auth;

namespace {
constexpr EpochSeconds kNow = 1'800'000'000;
constexpr const char* kHs256 = R"({"alg":"HS256","typ":"JWT"})";

void expect_unauthorized(const std::string& token, const std::string& secret = "s3cret") {
    try {
        verify_token(token, secret, kNow);
        FAIL() << "token was accepted: " << token;
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status, 401);
        EXPECT_EQ(e.code, "UNAUTHORIZED");
    }
}
}  // namespace

TEST(Jwt, SignedTokenVerifies) {
    std::string token = sign_token({"alice", true, 60, "Alice", "alice@example.com"}, "s3cret", kNow);
    Principal p = verify_token(token, "s3cret", kNow);
    EXPECT_EQ(p.user_id.str(), "alice");
    EXPECT_TRUE(p.admin);
    EXPECT_EQ(p.name, "Alice");
    EXPECT_EQ(p.email, "alice@example.com");
    EXPECT_FALSE(verify_token(sign_token({"bob"}, "s3cret", kNow), "s3cret", kNow).admin);
}

TEST(Jwt, RejectsWrongSecretExpiryAndTampering) {
    std::string token = sign_token({"alice", false, 60}, "s3cret", kNow);
    expect_unauthorized(token, "other");
    EXPECT_THROW(verify_token(token, "s3cret", kNow + 61), ApiError);
    // Swap in a payload that claims admin while keeping the old signature.
    auto dot1 = token.find('.'), dot2 = token.rfind('.');
    std::string forged = base64url_encode(R"({"sub":"alice","exp":1900000000,"roles":["admin"]})");
    expect_unauthorized(token.substr(0, dot1 + 1) + forged + token.substr(dot2));
    expect_unauthorized("garbage");
    expect_unauthorized("a.b");
    expect_unauthorized("a.b.c.d");
    expect_unauthorized("");
}

TEST(Jwt, RejectsAlgNoneAndOtherAlgorithms) {
    std::string payload = R"({"sub":"alice","exp":1900000000,"roles":["admin"]})";
    expect_unauthorized(base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(payload) + ".");
    expect_unauthorized(sign_compact(R"({"alg":"HS512"})", payload, "s3cret"));
    expect_unauthorized(sign_compact(R"({"typ":"JWT"})", payload, "s3cret"));
    EXPECT_TRUE(verify_token(sign_compact(kHs256, payload, "s3cret"), "s3cret", kNow).admin);
}

TEST(Jwt, RequiresExpAndAValidSub) {
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"alice"})", "s3cret"));
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"alice","exp":"tomorrow"})", "s3cret"));
    expect_unauthorized(sign_compact(kHs256, R"({"exp":1900000000})", "s3cret"));
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"","exp":1900000000})", "s3cret"));
    expect_unauthorized(sign_compact(kHs256, R"({"sub":42,"exp":1900000000})", "s3cret"));
    expect_unauthorized(sign_token({std::string(256, 'x'), false, 60}, "s3cret", kNow));
    EXPECT_EQ(verify_token(sign_token({std::string(255, 'x'), false, 60}, "s3cret", kNow), "s3cret", kNow).user_id.str().size(), 255u);
    expect_unauthorized(sign_compact(kHs256, "[1,2]", "s3cret"));
}

// Found by fuzz/jwt.cpp: an exp past what EpochSeconds holds was cast from double (undefined).
TEST(Jwt, RefusesAnExpiryBeyondTheYear9999) {
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"u","exp":19000000777777777699})", "s3cret"));
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"u","exp":1e300})", "s3cret"));
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"u","exp":18446744073709551615})", "s3cret"));  // uint64: threw
    EXPECT_EQ(verify_token(sign_compact(kHs256, R"({"sub":"u","exp":253402300799})", "s3cret"), "s3cret", kNow)
                  .expires_at, 253402300799);
}

TEST(Jwt, RejectsControlCharactersInTheClaimsItStores) {
    // sub, name and email are recorded in the users table and shown in e-mails.
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"a\u0000b","exp":1900000000})", "s3cret"));
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"alice","name":"A\u0007","exp":1900000000})", "s3cret"));
    expect_unauthorized(sign_compact(kHs256, R"({"sub":"alice","email":"a@b.c\r\nBcc: x","exp":1900000000})", "s3cret"));
}
