#pragma once
#include "redis/cluster_slots.hpp"
#include "redis/connection.hpp"

#include <array>
#include <memory>

namespace redis {

// A Lua script, called by its SHA1; its body is sent only when the server answers NOSCRIPT.
struct Script {
    explicit Script(std::string body);
    std::string body;
    std::string sha;
};

// Redis as the rest of Marquee sees it, owned by one I/O thread: one server (REDIS_URL redis://…)
// through one multiplexed connection, or a Redis Cluster (redis-cluster://…) through one connection
// per primary. On a cluster each command goes to the primary serving its key's slot; a pipeline
// is split by node and sent to all of them at once; MOVED and ASK are followed; a redirection or a
// node that cannot be reached makes the client re-read the slot map (CLUSTER SLOTS) at once, so
// after a failover the promoted replica is found within one refresh. Throws
// marquee::BackendUnavailable when the node a command needs is unreachable or silent.
class Client {
public:
    enum class Topology { SingleServer, Cluster };
    // SingleServer: `nodes` holds the one server. Cluster: `nodes` are seeds, any of which can tell
    // the client where every slot lives (their db is ignored: a cluster has only db 0).
    Client(boost::asio::any_io_executor executor, std::vector<Endpoint> nodes, Topology topology);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool is_cluster() const { return cluster_; }

    boost::asio::awaitable<Value> command(std::vector<std::string> args);
    // Sends all commands at once (one write per server) and returns their replies in order.
    boost::asio::awaitable<std::vector<Value>> pipeline(std::vector<std::vector<std::string>> commands);
    // Whether every primary answers PING now (a single server: whether it does), for the health
    // probe: on a cluster one shard may be down while the others serve.
    boost::asio::awaitable<bool> every_primary_answers();
    // Runs a script by SHA (loading it on NOSCRIPT). An error reply (a script that failed, or Redis
    // LOADING, BUSY, OOM, READONLY, CLUSTERDOWN …) is thrown as marquee::BackendUnavailable.
    boost::asio::awaitable<Value> eval(const Script& script, const std::vector<std::string>& keys,
                                       const std::vector<std::string>& args);

private:
    static constexpr std::uint16_t kUnknown = 0xffff;

    boost::asio::awaitable<std::vector<Value>> cluster_pipeline(std::vector<std::vector<std::string>>& commands);
    // Sends commands[i] to nodes_[target[i]], every node's share in one write, all nodes at once.
    boost::asio::awaitable<void> send_to_nodes(const std::vector<std::vector<std::string>>& commands,
                                               const std::vector<std::uint16_t>& target, std::vector<Value>& replies);
    // Follows a MOVED or ASK for one command (a few hops at most); the last reply is returned.
    boost::asio::awaitable<Value> follow_redirects(const std::vector<std::string>& command, Value reply);
    std::uint16_t node_for(const std::vector<std::string>& command) const;
    std::uint16_t node_index(const std::string& host, std::uint16_t port);
    // Re-reads the slot map now unless a refresh is running or ran in the last few hundred
    // milliseconds; refresh_now() is the refresh itself.
    void request_refresh();
    boost::asio::awaitable<void> refresh_now();

    boost::asio::any_io_executor executor_;
    bool cluster_ = false;
    // Every node ever known (a connection each, kept for the client's life: there are only a few and
    // a coroutine may be using one); for a single server, just it.
    std::vector<std::unique_ptr<Connection>> nodes_;
    // Cluster only: how to sign in, and which node serves each slot.
    Endpoint credentials_;
    std::unique_ptr<std::array<std::uint16_t, cluster::kSlots>> slot_owner_;
    bool have_map_ = false;
    bool refreshing_ = false;
    Clock::time_point last_refresh_{};
};

}  // namespace redis
