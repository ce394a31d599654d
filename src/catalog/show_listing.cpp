#include "catalog/show_listing.hpp"

#include "catalog/cache.hpp"
#include "catalog/listing_page.hpp"
#include "catalog/movie_store.hpp"
#include "catalog/seat_counts.hpp"
#include "catalog/show_status.hpp"
#include "catalog/show_store.hpp"
#include "common/errors.hpp"
#include "redis/client.hpp"

#include <cctype>

namespace marquee::catalog {

namespace {
// Beyond this many pages the hints are dropped and relearnt rather than grown without bound.
constexpr std::size_t kMaxPageHints = 10'000;
}  // namespace

boost::asio::awaitable<std::string> ShowListing::on_date(const ShowsOnDate& q) {
    // Near-me answers depend on an arbitrary point: not worth caching. The rest is cached per movie.
    const bool cacheable = !q.near;
    std::string field = q.date + '|';
    if (q.city)
        for (char c : *q.city) field += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string page_key = q.movie.str() + '|' + field;
    if (page_shows_.size() > kMaxPageHints) page_shows_.clear();
    std::vector<ShowId> guess;
    ResponseCache::Lookup cached;
    if (cacheable) {
        // A copy: other requests of this worker may update the hint while this one waits.
        if (auto it = page_shows_.find(page_key); it != page_shows_.end()) guess = it->second;
        cached = co_await ResponseCache::lookup(redis_, shows_cache_key(q.movie), field,
                                                seat_counts_.count_commands(guess));
        if (cached.body) {
            std::string body = co_await with_live_status(*cached.body, guess, cached.extra_replies);
            page_shows_[page_key] = std::move(guess);
            co_return body;
        }
    }

    int ttl = shows_.cache_ttl(kShowsCacheTtl);  // judged before the read: where it goes decides
    auto rows = co_await shows_.on_date(q);
    if (rows.empty()) {
        bool listed = co_await movies_.is_listed(q.movie);
        if (!listed) throw ApiError::not_found("movie not found");
    }
    std::string page = render_listing_page(q.movie, q.date, rows);
    if (cacheable)
        co_await ResponseCache::fill(redis_, shows_cache_key(q.movie), field, page, cached.epoch, ttl);
    std::vector<redis::Value> no_counts;
    std::string body = co_await with_live_status(page, guess, no_counts);
    if (cacheable) page_shows_[page_key] = std::move(guess);
    co_return body;
}

// `guessed_counts` are the counts of the shows in `guess`; when the page still lists exactly those
// shows (the usual case) no second round trip is needed. `guess` becomes the page's shows.
boost::asio::awaitable<std::string> ShowListing::with_live_status(const std::string& page, std::vector<ShowId>& guess,
                                                                  const std::vector<redis::Value>& guessed_counts) {
    ListingIndex index = read_listing_index(page);
    const std::size_t n = index.shows.size();
    std::vector<long long> occupied(n, 0);
    if (index.shows == guess && guessed_counts.size() == n) {
        for (std::size_t i = 0; i < n; ++i) occupied[i] = guessed_counts[i].integer;
    } else {
        if (n > 0) {
            try {
                auto replies = co_await redis_.pipeline(seat_counts_.count_commands(index.shows));
                for (std::size_t i = 0; i < n && i < replies.size(); ++i) occupied[i] = replies[i].integer;
            } catch (const BackendUnavailable&) {
                // Without Redis nobody can hold seats; the listing itself is still worth serving.
            }
        }
        guess = index.shows;
    }
    std::vector<ShowStatus> statuses;
    statuses.reserve(n);
    for (std::size_t i = 0; i < n; ++i) statuses.push_back(show_status(occupied[i], index.total_seats[i], false));
    co_return with_statuses(page, statuses);
}

}  // namespace marquee::catalog
