#include "redis/client.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/sha.h>

#include <algorithm>

namespace asio = boost::asio;

namespace redis {

namespace {

// A redirection leads to the right node at once; more than this many in a row means the cluster is
// being reshaped under us: the command fails (503) rather than chase it.
constexpr int kMaxRedirects = 5;
// Errors arrive in bursts (every request for a dead primary's slots): one slot-map refresh per
// interval is enough, and still well within the second a failover allows.
constexpr std::chrono::milliseconds kRefreshInterval{200};
// How long a command waits for the first slot map, read by another coroutine, before it gives up.
constexpr std::chrono::milliseconds kFirstMapWait{5000};
constexpr std::chrono::milliseconds kFirstMapPoll{20};

}  // namespace

Script::Script(std::string body_text) : body(std::move(body_text)) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
    sha = marquee::to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Client::Client(asio::any_io_executor executor, std::vector<Endpoint> nodes, Topology topology)
    : executor_(executor), cluster_(topology == Topology::Cluster) {
    if (nodes.empty()) throw std::invalid_argument("Redis: no server given");
    if (!cluster_) {
        nodes_.push_back(std::make_unique<Connection>(executor, std::move(nodes.front())));
        return;
    }
    credentials_.user = nodes.front().user;
    credentials_.password = nodes.front().password;
    slot_owner_ = std::make_unique<std::array<std::uint16_t, cluster::kSlots>>();
    slot_owner_->fill(kUnknown);
    for (const auto& seed : nodes) node_index(seed.host, seed.port);
}

Client::~Client() = default;

asio::awaitable<Value> Client::command(std::vector<std::string> args) {
    std::vector<std::vector<std::string>> one;
    one.push_back(std::move(args));
    auto replies = co_await pipeline(std::move(one));
    co_return std::move(replies.front());
}

asio::awaitable<std::vector<Value>> Client::pipeline(std::vector<std::vector<std::string>> commands) {
    if (!cluster_) co_return co_await nodes_.front()->pipeline(std::move(commands));
    co_return co_await cluster_pipeline(commands);
}

asio::awaitable<std::vector<Value>> Client::cluster_pipeline(std::vector<std::vector<std::string>>& commands) {
    if (!have_map_) {
        // The first commands of a fresh client: one reads the map, the others wait for it.
        for (auto waited = std::chrono::milliseconds(0); refreshing_ && waited < kFirstMapWait; waited += kFirstMapPoll) {
            asio::steady_timer pause(executor_, kFirstMapPoll);
            co_await pause.async_wait(asio::use_awaitable);
        }
        if (!have_map_) co_await refresh_now();
        if (!have_map_) throw marquee::BackendUnavailable("no Redis Cluster node answered CLUSTER SLOTS");
    }
    std::vector<std::uint16_t> target(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        target[i] = node_for(commands[i]);
        if (target[i] == kUnknown) {
            request_refresh();
            throw marquee::BackendUnavailable("no Redis Cluster node serves the slot (cluster down or resharding)");
        }
    }
    std::vector<Value> replies(commands.size());
    co_await send_to_nodes(commands, target, replies);
    for (std::size_t i = 0; i < commands.size(); ++i)
        if (cluster::parse_redirect(replies[i])) replies[i] = co_await follow_redirects(commands[i], std::move(replies[i]));
    co_return replies;
}

asio::awaitable<void> Client::send_to_nodes(const std::vector<std::vector<std::string>>& commands,
                                            const std::vector<std::uint16_t>& target, std::vector<Value>& replies) {
    // Which commands go to which node, in their order.
    std::vector<Connection*> used;
    std::vector<std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        Connection* node = nodes_[target[i]].get();
        auto at = std::find(used.begin(), used.end(), node) - used.begin();
        if (at == static_cast<std::ptrdiff_t>(used.size())) {
            used.push_back(node);
            members.emplace_back();
        }
        members[at].push_back(i);
    }
    try {
        for (Connection* node : used) co_await node->connect();
    } catch (const marquee::BackendUnavailable&) {
        request_refresh();  // a node that cannot be reached may have been replaced
        throw;
    }
    std::vector<Connection::Batch> batches;
    batches.reserve(used.size());
    for (std::size_t n = 0; n < used.size(); ++n) {
        std::vector<const std::vector<std::string>*> share;
        for (std::size_t i : members[n]) share.push_back(&commands[i]);
        batches.push_back(used[n]->send(share));
    }
    // Every batch is received, even after one failed: each is referenced by its connection until then.
    std::exception_ptr failure;
    for (std::size_t n = 0; n < used.size(); ++n) {
        try {
            auto got = co_await used[n]->receive(batches[n]);
            for (std::size_t k = 0; k < got.size(); ++k) replies[members[n][k]] = std::move(got[k]);
        } catch (const marquee::BackendUnavailable&) {
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) {
        request_refresh();
        std::rethrow_exception(failure);
    }
}

asio::awaitable<Value> Client::follow_redirects(const std::vector<std::string>& command, Value reply) {
    for (int hop = 0; hop < kMaxRedirects; ++hop) {
        auto redirect = cluster::parse_redirect(reply);
        if (!redirect) break;
        std::uint16_t node = node_index(redirect->host, redirect->port);
        std::vector<std::vector<std::string>> commands;
        if (redirect->moved) {
            // The slot has a new home for good: use it now, and learn the rest of the new map.
            (*slot_owner_)[redirect->slot] = node;
            request_refresh();
        } else {
            // Mid-migration: this one command is asked at the importing node, the map stays.
            std::vector<std::string> asking{"ASKING"};
            commands.push_back(std::move(asking));
        }
        commands.push_back(command);
        std::vector<Value> got;
        try {
            got = co_await nodes_[node]->pipeline(std::move(commands));
        } catch (const marquee::BackendUnavailable&) {
            request_refresh();
            throw;
        }
        reply = std::move(got.back());
    }
    co_return reply;
}

std::uint16_t Client::node_for(const std::vector<std::string>& command) const {
    // A command with no key (TIME, SCRIPT …) may go to any primary: slot 0's.
    return (*slot_owner_)[cluster::command_slot(command).value_or(0)];
}

std::uint16_t Client::node_index(const std::string& host, std::uint16_t port) {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i]->endpoint().host == host && nodes_[i]->endpoint().port == port) return static_cast<std::uint16_t>(i);
    Endpoint e = credentials_;
    e.host = host;
    e.port = port;
    e.db = 0;
    nodes_.push_back(std::make_unique<Connection>(executor_, std::move(e)));
    return static_cast<std::uint16_t>(nodes_.size() - 1);
}

void Client::request_refresh() {
    if (!cluster_ || refreshing_ || Clock::now() - last_refresh_ < kRefreshInterval) return;
    asio::co_spawn(executor_, refresh_now(), asio::detached);
}

asio::awaitable<void> Client::refresh_now() {
    if (refreshing_) co_return;
    refreshing_ = true;
    last_refresh_ = Clock::now();
    struct Done {
        bool& flag;
        ~Done() { flag = false; }
    } done{refreshing_};
    // Ask the nodes that answered lately first: a dead primary would only cost its deadline.
    std::vector<std::uint16_t> order(nodes_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint16_t>(i);
    std::stable_partition(order.begin(), order.end(), [&](std::uint16_t i) { return !nodes_[i]->recently_failed(); });
    for (std::uint16_t asked : order) {
        std::vector<std::vector<std::string>> ask{{"CLUSTER", "SLOTS"}};
        std::vector<Value> reply;
        try {
            reply = co_await nodes_[asked]->pipeline(std::move(ask));
        } catch (const marquee::BackendUnavailable&) {
            continue;
        }
        auto ranges = cluster::parse_slot_ranges(reply.front());
        if (ranges.empty()) continue;
        // Slots no range names (a shard with no primary left) stay unknown: their commands get 503.
        std::string asked_host = nodes_[asked]->endpoint().host;
        slot_owner_->fill(kUnknown);
        for (const auto& range : ranges) {
            std::uint16_t owner = node_index(range.host.empty() ? asked_host : range.host, range.port);
            std::fill(slot_owner_->begin() + range.first, slot_owner_->begin() + range.last + 1, owner);
        }
        have_map_ = true;
        co_return;
    }
}

asio::awaitable<bool> Client::every_primary_answers() {
    std::vector<std::vector<std::string>> pings;
    std::vector<std::uint16_t> target;
    if (cluster_) {
        if (!have_map_) co_await refresh_now();
        for (std::uint16_t owner : *slot_owner_) {
            if (owner == kUnknown) co_return false;  // a shard with no primary
            if (std::find(target.begin(), target.end(), owner) == target.end()) target.push_back(owner);
        }
    } else {
        target.push_back(0);
    }
    const std::vector<std::string> ping{"PING"};
    pings.assign(target.size(), ping);
    std::vector<Value> replies(pings.size());
    try {
        co_await send_to_nodes(pings, target, replies);
    } catch (const marquee::BackendUnavailable&) {
        co_return false;
    }
    for (const auto& reply : replies)
        if (reply.is_error()) co_return false;
    co_return true;
}

asio::awaitable<Value> Client::eval(const Script& script, const std::vector<std::string>& keys,
                                    const std::vector<std::string>& args) {
    auto build = [&](const std::string& verb, const std::string& what) {
        std::vector<std::string> cmd{verb, what, std::to_string(keys.size())};
        cmd.insert(cmd.end(), keys.begin(), keys.end());
        cmd.insert(cmd.end(), args.begin(), args.end());
        return cmd;
    };
    Value reply = co_await command(build("EVALSHA", script.sha));
    // After a restart, a SCRIPT FLUSH or on a node that never ran it (a cluster's promoted replica),
    // the server does not know the script: EVAL loads it.
    if (reply.is_error() && reply.str.rfind("NOSCRIPT", 0) == 0) reply = co_await command(build("EVAL", script.body));
    if (reply.is_error()) throw_error_reply(reply);
    co_return reply;
}

}  // namespace redis
