#pragma once
#include "booking/seat_store.hpp"
#include "booking/show_info.hpp"
#include "http/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

namespace marquee::booking {

// Live seat maps (GET /api/v1/shows/{id}/seatmap/stream, Server-Sent Events), for one worker.
//
// Every change of a show's seats is an entry of the show's event stream in Redis, written by the
// same script that made the change (lua/prelude.lua, emit), so it is there whichever instance served
// the request, in the order the changes happened, with an id. Nothing is delivered at most once: a
// worker reads each watched show's stream every kTick after the oldest event its subscribers have
// (one pipelined round trip for all its shows), and each subscriber remembers the id of the last
// event it got. A client that reconnects with Last-Event-ID gets exactly the events after it while
// the stream still has that id; otherwise (trimmed, or Redis lost it) a whole seat map: never a gap.
//
// Expiries happen without a request: a worker that sees a held seat's expiry pass on a watched show
// runs the script that makes it available (and writes its event). Idle connections get a comment
// line every kHeartbeat, which keeps proxies from closing them.
class SeatFeeds {
public:
    static constexpr std::chrono::milliseconds kTick{50};
    static constexpr std::chrono::seconds kHeartbeat{15};

    SeatFeeds(boost::asio::any_io_executor executor, SeatStore& seats) : executor_(std::move(executor)), seats_(seats) {}
    SeatFeeds(const SeatFeeds&) = delete;
    SeatFeeds& operator=(const SeatFeeds&) = delete;

    // Where a new stream starts: after `last_event_id` if the show's stream still has it (then no
    // first event: the feed sends what followed it), else with the whole map as its first event.
    // Before the response's head, so Redis being down is a 503, not a stream that ends at once.
    struct Start {
        std::string after;
        std::shared_ptr<const std::string> first;
    };
    boost::asio::awaitable<Start> open(const ShowInfo& show, const std::string& last_event_id);
    // Streams the show's seat map to `out` from `start` until the client goes: every change.
    boost::asio::awaitable<void> stream(std::shared_ptr<const ShowInfo> show, Start start, http::EventStream& out);

private:
    struct Subscriber {
        explicit Subscriber(const boost::asio::any_io_executor& ex) : wake(ex) {}
        boost::asio::steady_timer wake;  // cancelled when there is something to send
        std::string after;               // the id of the last event it has
        std::pair<std::uint64_t, std::uint64_t> after_position{};  // the same, parsed
        std::deque<std::shared_ptr<const std::string>> pending;  // shared by every subscriber
        bool dropped = false;            // too far behind: it reconnects and catches up
    };
    struct Feed {
        std::shared_ptr<const ShowInfo> show;
        std::list<Subscriber*> subscribers;
        std::string newest;  // the newest event delivered
    };

    boost::asio::awaitable<void> run();  // the ticker: while any show is watched
    boost::asio::awaitable<void> tick();
    // The whole map, as an event with `id` (the newest event it includes, or may include).
    boost::asio::awaitable<std::shared_ptr<const std::string>> map_event(const ShowInfo& show, const std::string& id);
    // To each subscriber that has everything up to `from` (the id the read started after; one that
    // joined since with an older id is caught up by the next read) but not `id` yet.
    void deliver(Feed& feed, std::pair<std::uint64_t, std::uint64_t> from, const std::string& id,
                 std::shared_ptr<const std::string> text);
    // Everyone gets the whole map again, as of `id`.
    boost::asio::awaitable<void> restart(const ShowId& show, std::string id);
    static void push(Subscriber& sub, std::shared_ptr<const std::string> text);

    boost::asio::any_io_executor executor_;
    SeatStore& seats_;
    std::unordered_map<ShowId, Feed> feeds_;
    bool running_ = false;
};

// "<ms>-<n>" as a number pair, for comparing stream ids; {0, 0} for anything else.
std::pair<std::uint64_t, std::uint64_t> stream_id(std::string_view id);

}  // namespace marquee::booking
