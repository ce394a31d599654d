#include "auth/users.hpp"

#include "pg/pool.hpp"

namespace marquee::auth {

namespace {
constexpr pg::Statement kUpsertUser{
    "upsert_user",
    "INSERT INTO users (user_id, name, email) VALUES ($1, $2, $3) "
    "ON CONFLICT (user_id) DO UPDATE SET name = COALESCE(EXCLUDED.name, users.name), "
    "email = COALESCE(EXCLUDED.email, users.email), last_seen_at = now()"};
// Bounded memory: forgetting everyone once in a while only costs one upsert per user again.
constexpr std::size_t kMaxRemembered = 100'000;
}  // namespace

boost::asio::awaitable<void> UserRegistry::remember(const Principal& who, pg::Pool& db) {
    if (seen_.contains(who.user_id.str())) co_return;
    // Marked before the write, so a burst of requests from a new user costs one upsert, not one each.
    if (seen_.size() >= kMaxRemembered) seen_.clear();
    seen_.insert(who.user_id.str());
    try {
        co_await db.query(kUpsertUser, who.user_id, who.name, who.email);
    } catch (...) {
        seen_.erase(who.user_id.str());
        throw;
    }
}

}  // namespace marquee::auth
