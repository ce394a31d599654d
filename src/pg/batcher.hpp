#pragma once
#include "common/errors.hpp"
#include "pg/result.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

namespace pg {

// Group commit in the application: the requests one I/O thread makes for the same write statement
// while earlier ones are still in PostgreSQL are sent together as one statement, so a burst of
// bookings costs a few round trips and commits instead of one each. A request that finds a free
// slot (fewer than `max_in_flight` batches running) goes at once, alone; only under load do
// requests wait, and then for no longer than the batch ahead of them takes.
//
// `run` executes one batch and sets each request's outcome, or throws. When a batch of several
// fails with a PostgreSQL error (one request's seat was taken, say), nothing of it was written, and
// each request is run again alone so that only the guilty one gets the error. Requests with the
// same key (the same hold posted twice) never share a batch.
//
// Single-threaded like everything else a Worker owns.
template <class Item, class Outcome> class Batcher {
public:
    struct Request {
        Item item;
        std::optional<Outcome> outcome;
        std::exception_ptr error;
    };
    using Run = std::function<boost::asio::awaitable<void>(std::span<Request*>)>;
    using Key = std::function<std::string(const Item&)>;

    // Bounds on waiting: a request waits at most `max_queue_wait` for its batch to be sent, and at
    // most `max_queued` requests wait at once; beyond either it fails at once with
    // marquee::BackendUnavailable (503). Once sent, a batch is bounded by the statement's deadline.
    struct Limits {
        std::chrono::milliseconds max_queue_wait{std::chrono::seconds(5)};
        std::size_t max_queued = 1000;
    };

    Batcher(boost::asio::any_io_executor executor, std::size_t max_batch, int max_in_flight, Key key, Run run,
            Limits limits = {})
        : executor_(std::move(executor)), max_batch_(max_batch), max_in_flight_(max_in_flight), key_(std::move(key)),
          run_(std::move(run)), limits_(limits) {}

    boost::asio::awaitable<Outcome> submit(Item item) {
        if (queue_.size() >= limits_.max_queued)
            throw marquee::BackendUnavailable("too many writes are waiting for PostgreSQL");
        Waiting w(executor_, std::move(item));
        w.timer.expires_after(limits_.max_queue_wait);
        queue_.push_back(&w);
        if (in_flight_ < max_in_flight_) {
            ++in_flight_;
            boost::asio::co_spawn(executor_, drain(), boost::asio::detached);
        }
        for (;;) {
            boost::system::error_code ec;
            // Cancelled by drain() once it is done with the request; expires if it waits too long.
            co_await w.timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            // Only then may `w` go: a request with its outcome may still be in a batch being retried
            // one by one, and drain() still points at it.
            if (w.finished) break;
            if (auto queued = std::find(queue_.begin(), queue_.end(), &w); queued != queue_.end()) {
                // Still waiting for a batch: give up on it (nothing was sent).
                queue_.erase(queued);
                throw marquee::BackendUnavailable("PostgreSQL is too slow to take this write now");
            }
            // In a batch being written: its answer comes within the statement's deadline.
            w.timer.expires_at(boost::asio::steady_timer::time_point::max());
        }
        if (w.request.error) std::rethrow_exception(w.request.error);
        co_return std::move(*w.request.outcome);
    }

private:
    struct Waiting {
        // A constructor, not a braced initialiser: g++ 12 destroys the temporaries of those twice
        // inside a coroutine.
        Waiting(const boost::asio::any_io_executor& executor, Item item)
            : request{std::move(item), std::nullopt, nullptr},
              timer(executor, boost::asio::steady_timer::time_point::max()) {}
        Request request;
        boost::asio::steady_timer timer;
        bool finished = false;  // drain() is done with it
    };

    // One batch slot: takes whatever is queued, runs it, and goes on while more is waiting.
    boost::asio::awaitable<void> drain() {
        // Let the requests made in this turn of the event loop join the first batch.
        co_await boost::asio::post(executor_, boost::asio::use_awaitable);
        while (!queue_.empty()) {
            std::vector<Waiting*> batch = take_batch();
            std::vector<Request*> requests;
            for (Waiting* w : batch) requests.push_back(&w->request);
            co_await run_batch(requests);
            for (Waiting* w : batch) {
                w->finished = true;
                w->timer.cancel();
            }
        }
        --in_flight_;
    }

    std::vector<Waiting*> take_batch() {
        std::vector<Waiting*> batch;
        std::unordered_set<std::string> keys;
        for (auto it = queue_.begin(); it != queue_.end() && batch.size() < max_batch_;) {
            if (keys.insert(key_((*it)->request.item)).second) {
                batch.push_back(*it);
                it = queue_.erase(it);
            } else {
                ++it;  // the same key is in this batch already: it waits for the next one
            }
        }
        return batch;
    }

    boost::asio::awaitable<void> run_batch(std::vector<Request*>& requests) {
        bool retry_alone = false;
        try {
            co_await run_(requests);
        } catch (const Error&) {
            if (requests.size() == 1) {
                requests[0]->error = std::current_exception();
            } else {
                retry_alone = true;
            }
        } catch (...) {
            // The server or the connection failed: every request gets that answer.
            for (Request* r : requests) r->error = std::current_exception();
        }
        if (retry_alone) {
            for (Request* r : requests) {
                try {
                    Request* one[] = {r};
                    co_await run_(one);
                } catch (...) {
                    r->error = std::current_exception();
                }
            }
        }
        for (Request* r : requests)
            if (!r->outcome && !r->error)
                r->error = std::make_exception_ptr(std::logic_error("a batch left a request without an outcome"));
    }

    boost::asio::any_io_executor executor_;
    std::size_t max_batch_;
    int max_in_flight_;
    Key key_;
    Run run_;
    Limits limits_;
    std::deque<Waiting*> queue_;
    int in_flight_ = 0;
};

}  // namespace pg
