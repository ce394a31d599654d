#include "redis/cluster_slots.hpp"

#include <array>
#include <charconv>

namespace redis::cluster {

namespace {

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum Redis Cluster's key
// distribution is defined by.
constexpr std::array<std::uint16_t, 256> make_crc_table() {
    std::array<std::uint16_t, 256> table{};
    for (int byte = 0; byte < 256; ++byte) {
        auto crc = static_cast<std::uint16_t>(byte << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
        table[byte] = crc;
    }
    return table;
}
constexpr auto kCrcTable = make_crc_table();

std::uint16_t crc16(std::string_view data) {
    std::uint16_t crc = 0;
    for (unsigned char c : data) crc = static_cast<std::uint16_t>((crc << 8) ^ kCrcTable[((crc >> 8) ^ c) & 0xff]);
    return crc;
}

template <typename Int>
std::optional<Int> to_int(std::string_view text) {
    Int value{};
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

bool is_verb(const std::string& arg, std::string_view verb) {
    if (arg.size() != verb.size()) return false;
    for (std::size_t i = 0; i < verb.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(arg[i])) != verb[i]) return false;
    return true;
}

}  // namespace

int key_slot(std::string_view key) {
    if (auto open = key.find('{'); open != std::string_view::npos) {
        auto close = key.find('}', open + 1);
        if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
    }
    return crc16(key) % kSlots;
}

std::optional<int> command_slot(const std::vector<std::string>& args) {
    if (args.size() < 2) return std::nullopt;
    const std::string& verb = args[0];
    if (is_verb(verb, "EVAL") || is_verb(verb, "EVALSHA")) {
        auto keys = args.size() > 3 ? to_int<int>(args[2]) : std::nullopt;
        if (!keys || *keys < 1) return std::nullopt;
        return key_slot(args[3]);
    }
    for (std::string_view keyless : {"PING", "TIME", "INFO", "SCRIPT", "CLUSTER", "CONFIG", "AUTH", "SELECT",
                                     "ASKING", "DBSIZE", "FLUSHDB", "FLUSHALL", "KEYS", "SCAN", "ECHO"})
        if (is_verb(verb, keyless)) return std::nullopt;
    return key_slot(args[1]);
}

std::optional<Redirect> parse_redirect(const Value& reply) {
    if (!reply.is_error()) return std::nullopt;
    std::string_view text = reply.str;
    Redirect r;
    if (text.rfind("MOVED ", 0) == 0) r.moved = true;
    else if (text.rfind("ASK ", 0) != 0) return std::nullopt;
    text.remove_prefix(r.moved ? 6 : 4);
    auto space = text.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto slot = to_int<int>(text.substr(0, space));
    std::string_view address = text.substr(space + 1);
    auto colon = address.rfind(':');
    if (!slot || *slot < 0 || *slot >= kSlots || colon == std::string_view::npos) return std::nullopt;
    auto port = to_int<std::uint16_t>(address.substr(colon + 1));
    if (!port || *port == 0) return std::nullopt;
    r.slot = *slot;
    r.host = std::string(address.substr(0, colon));
    // An IPv6 address may come bracketed.
    if (r.host.size() > 1 && r.host.front() == '[' && r.host.back() == ']') r.host = r.host.substr(1, r.host.size() - 2);
    r.port = *port;
    return r;
}

std::vector<SlotRange> parse_slot_ranges(const Value& reply) {
    std::vector<SlotRange> ranges;
    if (reply.type != Value::Type::Array) return ranges;
    for (const auto& entry : reply.elements) {
        // [first, last, [host, port, id, …] of the primary, replicas…]
        if (entry.type != Value::Type::Array || entry.elements.size() < 3) return {};
        const auto& primary = entry.elements[2];
        if (entry.elements[0].type != Value::Type::Integer || entry.elements[1].type != Value::Type::Integer ||
            primary.type != Value::Type::Array || primary.elements.size() < 2 ||
            primary.elements[1].type != Value::Type::Integer)
            return {};
        SlotRange range;
        range.first = static_cast<int>(entry.elements[0].integer);
        range.last = static_cast<int>(entry.elements[1].integer);
        range.host = primary.elements[0].str;
        long long port = primary.elements[1].integer;
        if (range.first < 0 || range.last >= kSlots || range.first > range.last || port <= 0 || port > 65535) return {};
        range.port = static_cast<std::uint16_t>(port);
        ranges.push_back(std::move(range));
    }
    return ranges;
}

}  // namespace redis::cluster
