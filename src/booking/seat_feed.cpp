#include "booking/seat_feed.hpp"

#include "booking/render.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

namespace marquee::booking {

namespace {

// A subscriber this far behind (a client not reading) is dropped rather than buffered without end.
constexpr std::size_t kMaxPending = 2000;

std::string event_text(std::string_view event, std::string_view id, std::string_view data) {
    std::string text;
    text.reserve(data.size() + id.size() + 32);
    text.append("id: ").append(id).append("\nevent: ").append(event).append("\ndata: ").append(data).append("\n\n");
    return text;
}

bool is_reset(std::string_view json) { return json.find("\"cause\":\"reset\"") != std::string_view::npos; }

}  // namespace

std::pair<std::uint64_t, std::uint64_t> stream_id(std::string_view id) {
    auto dash = id.find('-');
    std::uint64_t ms = 0, n = 0;
    if (dash == std::string_view::npos) return {0, 0};
    auto a = std::from_chars(id.data(), id.data() + dash, ms);
    auto b = std::from_chars(id.data() + dash + 1, id.data() + id.size(), n);
    if (a.ec != std::errc() || b.ec != std::errc() || a.ptr != id.data() + dash || b.ptr != id.data() + id.size())
        return {0, 0};
    return {ms, n};
}

void SeatFeeds::push(Subscriber& sub, std::shared_ptr<const std::string> text) {
    if (sub.dropped) return;
    if (sub.pending.size() >= kMaxPending) {
        sub.dropped = true;
        sub.pending.clear();
    } else {
        sub.pending.push_back(std::move(text));
    }
    sub.wake.cancel();
}

void SeatFeeds::deliver(Feed& feed, std::pair<std::uint64_t, std::uint64_t> from, const std::string& id,
                        std::shared_ptr<const std::string> text) {
    auto position = stream_id(id);
    for (Subscriber* sub : feed.subscribers) {
        if (sub->after_position < from || sub->after_position >= position) continue;
        sub->after = id;
        sub->after_position = position;
        push(*sub, text);
    }
    if (stream_id(feed.newest) < position) feed.newest = id;
}

boost::asio::awaitable<std::shared_ptr<const std::string>> SeatFeeds::map_event(const ShowInfo& show,
                                                                                 const std::string& id) {
    auto live = co_await seats_.seat_map(show);
    co_return std::make_shared<const std::string>(event_text("seatmap", id, render_seat_map(show, *live)));
}

boost::asio::awaitable<SeatFeeds::Start> SeatFeeds::open(const ShowInfo& show, const std::string& last_event_id) {
    Start start;
    // (Not `a && co_await b`: g++ 12 mishandles a co_await inside && — see jobs/health_probe.cpp.)
    bool resumable = false;
    if (stream_id(last_event_id) != std::pair<std::uint64_t, std::uint64_t>{0, 0})
        resumable = co_await seats_.has_event(show.show_id, last_event_id);
    if (resumable) {
        // The feed sends everything after it (and checks, as it reads, that the stream still has it).
        start.after = last_event_id;
    } else {
        // The newest id first, then the map: the map has at least every change up to that id. A
        // change after it that the map already shows is sent again; applied in order, the events
        // end where the seats are.
        start.after = co_await seats_.newest_event(show.show_id);
        start.first = co_await map_event(show, start.after);
    }
    co_return start;
}

boost::asio::awaitable<void> SeatFeeds::stream(std::shared_ptr<const ShowInfo> show, Start start,
                                               http::EventStream& out) {
    Subscriber me(executor_);
    me.after = std::move(start.after);
    me.after_position = stream_id(me.after);
    Feed& feed = feeds_[show->show_id];
    if (!feed.show) feed.show = show;
    feed.subscribers.push_back(&me);
    auto mine = std::prev(feed.subscribers.end());
    if (!running_) {
        running_ = true;
        boost::asio::co_spawn(executor_, run(), boost::asio::detached);
    }
    struct Leave {
        SeatFeeds& feeds;
        ShowId show;
        std::list<Subscriber*>::iterator mine;
        ~Leave() {
            auto it = feeds.feeds_.find(show);
            it->second.subscribers.erase(mine);
            if (it->second.subscribers.empty()) feeds.feeds_.erase(it);
        }
    } leave{*this, show->show_id, mine};

    if (start.first) {
        bool sent = co_await out.write(*start.first);
        if (!sent) co_return;
    }
    for (;;) {
        if (me.dropped) co_return;
        if (me.pending.empty()) {
            me.wake.expires_after(kHeartbeat);
            boost::system::error_code ec;
            co_await me.wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (!ec && me.pending.empty()) {
                bool sent = co_await out.write(": keep-alive\n\n");
                if (!sent) co_return;
            }
            continue;
        }
        std::string batch;
        while (!me.pending.empty()) {
            batch += *me.pending.front();
            me.pending.pop_front();
        }
        bool sent = co_await out.write(batch);
        if (!sent) co_return;
    }
}

boost::asio::awaitable<void> SeatFeeds::run() {
    boost::asio::steady_timer timer(executor_);
    while (!feeds_.empty()) {
        try {
            co_await tick();
        } catch (const std::exception& e) {
            // Redis unreachable: the subscribers keep what they have and catch up once it answers.
            spdlog::debug("seat feeds: {}", e.what());
        }
        timer.expires_after(kTick);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    running_ = false;
}

boost::asio::awaitable<void> SeatFeeds::restart(const ShowId& show, std::string id) {
    if (id.empty()) id = co_await seats_.newest_event(show);
    auto it = feeds_.find(show);
    if (it == feeds_.end()) co_return;
    auto info = it->second.show;
    auto text = co_await map_event(*info, id);
    it = feeds_.find(show);
    if (it == feeds_.end()) co_return;
    auto position = stream_id(id);
    for (Subscriber* sub : it->second.subscribers) {
        sub->after = id;
        sub->after_position = position;
        push(*sub, text);
    }
    it->second.newest = id;
}

boost::asio::awaitable<void> SeatFeeds::tick() {
    // Each show is read after the oldest event any of its subscribers has (or the feed delivered).
    // What must still be in the stream: that oldest id (unless "0-0", from the very start), and the
    // newest the feed delivered (if Redis went back to an older copy, later ids say nothing of what
    // was lost).
    std::vector<SeatStore::FeedAsk> asks;
    asks.reserve(feeds_.size());
    for (auto& [id, feed] : feeds_) {
        const std::string* oldest = feed.newest.empty() ? nullptr : &feed.newest;
        auto oldest_position = oldest ? stream_id(*oldest) : std::pair<std::uint64_t, std::uint64_t>{};
        constexpr std::pair<std::uint64_t, std::uint64_t> kStart{};  // "0-0": before every event
        // The oldest that is an event's id (not "0-0").
        const std::string* oldest_known = oldest_position != kStart ? oldest : nullptr;
        auto oldest_known_position = oldest_position;
        for (const Subscriber* sub : feed.subscribers) {
            if (!oldest || sub->after_position < oldest_position) {
                oldest = &sub->after;
                oldest_position = sub->after_position;
            }
            if (sub->after_position != kStart && (!oldest_known || sub->after_position < oldest_known_position)) {
                oldest_known = &sub->after;
                oldest_known_position = sub->after_position;
            }
        }
        SeatStore::FeedAsk ask;
        ask.show = id;
        ask.after = oldest && !oldest->empty() ? *oldest : std::string("0-0");
        if (oldest_known) ask.must_exist.push_back(*oldest_known);
        if (!feed.newest.empty() && stream_id(feed.newest) != kStart && (!oldest_known || feed.newest != *oldest_known))
            ask.must_exist.push_back(feed.newest);
        asks.push_back(std::move(ask));
    }
    auto reads = co_await seats_.read_feeds(asks);
    for (std::size_t i = 0; i < asks.size(); ++i) {
        const ShowId& show = asks[i].show;
        if (!feeds_.contains(show)) continue;  // its last subscriber left meanwhile
        auto& events = reads[i].events;
        if (reads[i].start_missing) {
            // Trimmed past someone, or Redis lost the stream: what followed is not all there.
            // (Named first: g++ 12 miscompiles a conditional expression inside a co_await's operands.)
            std::string newest;
            if (!events.empty()) newest = events.back().id;
            co_await restart(show, std::move(newest));
        } else {
            auto from = stream_id(asks[i].after);
            for (auto& event : events) {
                std::shared_ptr<const std::string> text;
                if (is_reset(event.json)) {
                    // The show's state was rebuilt: only a whole map is sure to be right.
                    auto info = feeds_.at(show).show;  // (held here: the feed may go while this waits)
                    text = co_await map_event(*info, event.id);
                    if (!feeds_.contains(show)) break;
                } else {
                    text = std::make_shared<const std::string>(event_text("seats", event.id, event.json));
                }
                deliver(feeds_.at(show), from, event.id, std::move(text));
            }
        }
        if (reads[i].expiry_due) co_await seats_.expire_seats(show);
    }
}

}  // namespace marquee::booking
