#include "web/dev_sign_in.hpp"

#include "auth/jwt.hpp"
#include "common/input.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"

#include <cctype>

namespace marquee::web {

namespace {

// A working day: long enough not to interrupt someone trying the app, short enough to expire.
constexpr EpochSeconds kDevTokenSeconds = 12 * 3600;

// The same name signs in as the same user (so "my orders" survives signing out and in again):
// the user id is the name, lowercased, in a namespace of its own.
std::string user_id_for(const std::string& name) {
    std::string id = "dev:";
    for (char c : name) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return id;
}

std::string default_email_for(const std::string& name) {
    std::string local;
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) && u < 0x80) local += static_cast<char>(std::tolower(u));
        else if (!local.empty() && local.back() != '.') local += '.';
    }
    while (!local.empty() && local.back() == '.') local.pop_back();
    return (local.empty() ? "guest" : local) + "@example.test";
}

boost::asio::awaitable<http::Response> sign_in(const std::string& secret, http::RequestContext& ctx) {
    auto body = input::parse_object(ctx.request.content_type, ctx.request.body);
    input::Fields f(body);
    auth::TokenRequest token;
    std::string name = f.string("name", 1, 100);
    token.subject = user_id_for(name);
    token.name = name;
    token.email = f.optional_string("email", 255);
    if (token.email && !input::plausible_email(*token.email))
        f.fail("email", "must be an e-mail address like name@example.com");
    if (!token.email) token.email = default_email_for(name);
    token.admin = f.optional_bool("admin").value_or(false);
    token.ttl_seconds = kDevTokenSeconds;
    EpochSeconds now = now_epoch();

    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("token", auth::sign_token(token, secret, now));
    w.field("expiresAt", format_utc(now + kDevTokenSeconds));
    w.key("user");
    w.begin_object();
    w.field("userId", token.subject);
    w.field("name", name);
    w.field("email", *token.email);
    w.key("roles");
    w.begin_array();
    if (token.admin) w.string("admin");
    w.end_array();
    w.end_object();
    w.end_object();
    co_return http::json_response(200, std::move(out));
}

}  // namespace

void add_dev_sign_in_route(http::Router& router, const std::string& secret) {
    router.add(http::Method::Post, "/api/v1/dev/sign-in", http::Access::Public,
               [&secret](http::RequestContext& ctx) { return sign_in(secret, ctx); });
}

}  // namespace marquee::web
