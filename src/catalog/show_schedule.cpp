#include "catalog/show_schedule.hpp"

#include "catalog/cache.hpp"
#include "common/errors.hpp"

namespace marquee::catalog {

boost::asio::awaitable<ShowSummary> ShowSchedule::add(const NewShow& show) {
    CreatedShow created = co_await shows_.create(show);
    switch (created.outcome) {
        case CreatedShow::Outcome::Created: break;
        case CreatedShow::Outcome::Overlap:
            throw ApiError::conflict("SHOW_OVERLAP", "another show is on this screen at that time");
        case CreatedShow::Outcome::NoSuchMovie: throw ApiError::not_found("movie not found");
        case CreatedShow::Outcome::NoSuchScreen: throw ApiError::not_found("screen not found");
    }
    auto summary = co_await shows_.summary(created.show_id);
    // The show is in PostgreSQL: the movie's cached listings lack it, whether or not it reads back.
    co_await ResponseCache::invalidate(redis_, shows_cache_key(show.movie));
    if (!summary) throw ApiError::not_found("show not found");
    co_return std::move(*summary);
}

}  // namespace marquee::catalog
