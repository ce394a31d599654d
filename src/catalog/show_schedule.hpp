#pragma once
#include "catalog/show_store.hpp"

#include <boost/asio/awaitable.hpp>

namespace redis { class Client; }

namespace marquee::catalog {

// The admin's additions to the show schedule for one worker, and the cached listings they change.
class ShowSchedule {
public:
    ShowSchedule(redis::Client& redis, ShowStore& shows) : redis_(redis), shows_(shows) {}

    // The new show. ApiError: 409 SHOW_OVERLAP when its screen is taken at that time, 404 when the
    // movie or the screen does not exist.
    boost::asio::awaitable<ShowSummary> add(const NewShow& show);

private:
    redis::Client& redis_;
    ShowStore& shows_;
};

}  // namespace marquee::catalog
