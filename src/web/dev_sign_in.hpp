#pragma once
#include "http/router.hpp"

#include <string>

namespace marquee::web {

// POST /api/v1/dev/sign-in {name, email?, admin?} → {token, expiresAt, user}: a signed token for
// anyone who asks, so the web app can be tried without an identity provider. Added to the router
// only in development (MARQUEE_ENV=development); in production the route does not exist (404) and
// the app takes a token from the organisation's identity provider instead (docs/web-app.md).
// `secret` is JWT_SECRET (or the built-in development secret) and must outlive the router.
void add_dev_sign_in_route(http::Router& router, const std::string& secret);

}  // namespace marquee::web
