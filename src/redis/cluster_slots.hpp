#pragma once
#include "redis/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What a Redis Cluster client must know to send a command to the right node: which of the 16384
// hash slots a key lives in, which key a command is about, what a redirection says, and who serves
// which slots. Pure functions; redis::Client does the talking.
namespace redis::cluster {

inline constexpr int kSlots = 16384;

// The slot of a key: CRC16 (XMODEM) of the key, or of its hash tag — the part between the first
// '{' and the next '}' when that is not empty — modulo 16384. Keys sharing a tag share a slot, which
// is what lets a script touch several of them.
int key_slot(std::string_view key);

// The slot a command must go to, or nullopt for a command that names no key (PING, TIME, SCRIPT…,
// or EVAL with no keys), which any primary can answer. Multi-key commands go by their first key:
// Marquee's keys that are used together share a hash tag.
std::optional<int> command_slot(const std::vector<std::string>& args);

// A redirection: "MOVED <slot> <host>:<port>" (the slot lives elsewhere now: remember it) or
// "ASK <slot> <host>:<port>" (it is being migrated: ask there once, after ASKING).
struct Redirect {
    bool moved = false;
    int slot = 0;
    std::string host;
    std::uint16_t port = 0;
};
std::optional<Redirect> parse_redirect(const Value& reply);

// One range of slots and the primary serving it, as CLUSTER SLOTS reports. An empty host means
// "the address you asked"; the caller fills it in.
struct SlotRange {
    int first = 0;
    int last = 0;
    std::string host;
    std::uint16_t port = 0;
};
// The ranges of a CLUSTER SLOTS reply; an empty vector for anything that is not one (a node that is
// not in cluster mode answers with an error).
std::vector<SlotRange> parse_slot_ranges(const Value& reply);

}  // namespace redis::cluster
