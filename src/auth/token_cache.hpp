#pragma once
#include "auth/jwt.hpp"

#include <string>
#include <string_view>
#include <unordered_map>

namespace marquee::auth {

// Remembers tokens this worker has already verified, until they expire: a client sends the same
// token with every request, and checking its signature again each time is wasted work.
class TokenCache {
public:
    explicit TokenCache(std::string secret) : secret_(std::move(secret)) {}
    // verify_token's checks, answered from the cache when the token was seen before.
    const Principal& verify(std::string_view token, EpochSeconds now);

private:
    std::string secret_;
    std::unordered_map<std::string, Principal> verified_;
};

}  // namespace marquee::auth
