#include "auth/token_cache.hpp"

#include "common/errors.hpp"

namespace marquee::auth {

namespace {
// Bounded memory; forgetting everyone costs one signature check per token again.
constexpr std::size_t kMaxTokens = 50'000;
}

const Principal& TokenCache::verify(std::string_view token, EpochSeconds now) {
    if (auto it = verified_.find(std::string(token)); it != verified_.end()) {
        if (it->second.expires_at > now) return it->second;
        verified_.erase(it);
        throw ApiError::unauthorized("token expired");
    }
    Principal p = verify_token(token, secret_, now);
    if (verified_.size() >= kMaxTokens) verified_.clear();
    return verified_.emplace(std::string(token), std::move(p)).first->second;
}

}  // namespace marquee::auth
