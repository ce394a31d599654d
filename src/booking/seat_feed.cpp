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
// How often (in ticks) a feed checks that its newest event is still in Redis: if Redis lost it or
// went back to an older copy, the subscribers get the whole map again.
constexpr int kTicksPerCheck = 40;

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

void SeatFeeds::deliver(Feed& feed, const std::string& id, std::shared_ptr<const std::string> text) {
    auto position = stream_id(id);
    for (Subscriber* sub : feed.subscribers) {
        if (stream_id(sub->after) >= position) continue;  // it has this one (a reconnect caught up)
        sub->after = id;
        push(*sub, text);
    }
    if (stream_id(feed.newest) < position) feed.newest = id;
}

boost::asio::awaitable<std::shared_ptr<const std::string>> SeatFeeds::map_event(const ShowInfo& show,
                                                                                 const std::string& id) {
    auto live = co_await seats_.seat_map(show);
    co_return std::make_shared<const std::string>(event_text("seatmap", id, render_seat_map(show, *live)));
}

boost::asio::awaitable<void> SeatFeeds::stream(std::shared_ptr<const ShowInfo> show, std::string last_event_id,
                                               http::EventStream& out) {
    Subscriber me(executor_);
    std::shared_ptr<const std::string> first;
    if (stream_id(last_event_id) != std::pair<std::uint64_t, std::uint64_t>{0, 0} &&
        co_await seats_.has_event(show->show_id, last_event_id)) {
        me.after = last_event_id;  // the feed sends everything after it
    } else {
        // The newest id first, then the map: the map has at least every change up to that id, and
        // a change after it that the map already shows is sent again, which changes nothing.
        me.after = co_await seats_.newest_event(show->show_id);
        first = co_await map_event(*show, me.after);
    }
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

    if (first && !co_await out.write(*first)) co_return;
    for (;;) {
        if (me.dropped) co_return;
        if (me.pending.empty()) {
            me.wake.expires_after(kHeartbeat);
            boost::system::error_code ec;
            co_await me.wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            if (!ec && me.pending.empty() && !co_await out.write(": keep-alive\n\n")) co_return;
            continue;
        }
        std::string batch;
        while (!me.pending.empty()) {
            batch += *me.pending.front();
            me.pending.pop_front();
        }
        if (!co_await out.write(batch)) co_return;
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

boost::asio::awaitable<void> SeatFeeds::tick() {
    // Each show is read after the oldest event any of its subscribers has.
    std::vector<std::pair<ShowId, std::string>> after;
    after.reserve(feeds_.size());
    for (auto& [id, feed] : feeds_) {
        std::string oldest = feed.newest.empty() ? std::string() : feed.newest;
        for (const Subscriber* sub : feed.subscribers)
            if (oldest.empty() || stream_id(sub->after) < stream_id(oldest)) oldest = sub->after;
        after.emplace_back(id, oldest.empty() ? std::string("0-0") : oldest);
    }
    auto reads = co_await seats_.read_feeds(after);
    for (std::size_t i = 0; i < after.size(); ++i) {
        auto it = feeds_.find(after[i].first);
        if (it == feeds_.end()) continue;  // its last subscriber left meanwhile
        for (auto& event : reads[i].events) {
            it = feeds_.find(after[i].first);
            if (it == feeds_.end()) break;
            if (is_reset(event.json)) {
                // The show's state was rebuilt: only a whole map is sure to be right.
                auto show = it->second.show;
                auto text = co_await map_event(*show, event.id);
                it = feeds_.find(after[i].first);
                if (it != feeds_.end()) deliver(it->second, event.id, std::move(text));
                continue;
            }
            deliver(it->second, event.id, std::make_shared<const std::string>(event_text("seats", event.id, event.json)));
        }
        if (reads[i].expiry_due) co_await seats_.expire_seats(after[i].first);
    }
    // Now and then: is the newest event still there? If Redis lost it (or went back to an older copy),
    // later ids tell nothing about what was lost, so everyone gets the whole map again.
    std::vector<ShowId> shows;
    for (auto& [id, feed] : feeds_)
        if (++feed.ticks_since_check >= kTicksPerCheck) {
            feed.ticks_since_check = 0;
            if (!feed.newest.empty() && feed.newest != "0-0") shows.push_back(id);
        }
    for (const auto& id : shows) {
        auto it = feeds_.find(id);
        if (it == feeds_.end()) continue;
        std::string newest = it->second.newest;
        if (co_await seats_.has_event(id, newest)) continue;
        std::string now_newest = co_await seats_.newest_event(id);
        it = feeds_.find(id);
        if (it == feeds_.end()) continue;
        auto show = it->second.show;
        auto text = co_await map_event(*show, now_newest);
        it = feeds_.find(id);
        if (it == feeds_.end()) continue;
        for (Subscriber* sub : it->second.subscribers) {
            sub->after = now_newest;
            push(*sub, text);
        }
        it->second.newest = now_newest;
    }
}

}  // namespace marquee::booking
