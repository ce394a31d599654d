#pragma once
#include "auth/jwt.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <unordered_set>

namespace pg { class Pool; }

namespace marquee::auth {

// Records each user in the `users` table the first time this worker sees them, so an authenticated
// request costs a database write only once per user and worker, not every time.
class UserRegistry {
public:
    boost::asio::awaitable<void> remember(const Principal& who, pg::Pool& db);

private:
    std::unordered_set<std::string> seen_;
};

}  // namespace marquee::auth
