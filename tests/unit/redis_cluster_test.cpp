#include "redis/cluster_slots.hpp"

#include <gtest/gtest.h>

using namespace redis;
using namespace redis::cluster;

namespace {

Value text(Value::Type type, std::string s) {
    Value v;
    v.type = type;
    v.str = std::move(s);
    return v;
}
Value integer(long long n) {
    Value v;
    v.type = Value::Type::Integer;
    v.integer = n;
    return v;
}
Value array(std::vector<Value> elements) {
    Value v;
    v.type = Value::Type::Array;
    v.elements = std::move(elements);
    return v;
}

}  // namespace

TEST(RedisCluster, KeySlotsAreRedisOwn) {
    // Values from the Redis Cluster specification and `CLUSTER KEYSLOT`.
    EXPECT_EQ(key_slot("123456789"), 0x31C3);
    EXPECT_EQ(key_slot("foo"), 12182);
    EXPECT_EQ(key_slot("bar"), 5061);
    EXPECT_EQ(key_slot(""), 0);
}

TEST(RedisCluster, HashTagsPutKeysTogether) {
    EXPECT_EQ(key_slot("seats:{abc}"), key_slot("abc"));
    EXPECT_EQ(key_slot("sold:{abc}"), key_slot("holds:{abc}"));
    // Only the first '{…}' counts; an empty tag means the whole key.
    EXPECT_EQ(key_slot("a{b}{c}"), key_slot("b"));
    EXPECT_EQ(key_slot("a{}b"), key_slot("a{}b"));
    EXPECT_NE(key_slot("a{}b"), key_slot(""));
    EXPECT_EQ(key_slot("{unclosed"), key_slot("{unclosed"));
}

TEST(RedisCluster, CommandsGoByTheirKey) {
    EXPECT_EQ(command_slot({"GET", "hold_show:x"}), key_slot("hold_show:x"));
    EXPECT_EQ(command_slot({"EXISTS", "sold:{s}", "seats:{s}"}), key_slot("s"));
    EXPECT_EQ(command_slot({"EVALSHA", "sha", "2", "show:{s}", "sold:{s}", "arg"}), key_slot("s"));
    EXPECT_EQ(command_slot({"evalsha", "sha", "1", "k"}), key_slot("k"));
    EXPECT_FALSE(command_slot({"EVAL", "return 1", "0"}));
    EXPECT_FALSE(command_slot({"EVAL", "return 1", "x", "k"}));
    EXPECT_FALSE(command_slot({"TIME"}));
    EXPECT_FALSE(command_slot({"CLUSTER", "SLOTS"}));
    EXPECT_FALSE(command_slot({"script", "load", "x"}));
}

TEST(RedisCluster, RedirectionsAreRead) {
    auto moved = parse_redirect(text(Value::Type::Error, "MOVED 3999 127.0.0.1:7002"));
    ASSERT_TRUE(moved);
    EXPECT_TRUE(moved->moved);
    EXPECT_EQ(moved->slot, 3999);
    EXPECT_EQ(moved->host, "127.0.0.1");
    EXPECT_EQ(moved->port, 7002);
    auto ask = parse_redirect(text(Value::Type::Error, "ASK 16383 [::1]:7003"));
    ASSERT_TRUE(ask);
    EXPECT_FALSE(ask->moved);
    EXPECT_EQ(ask->host, "::1");
    EXPECT_FALSE(parse_redirect(text(Value::Type::Error, "MOVED 16384 127.0.0.1:7002")));
    EXPECT_FALSE(parse_redirect(text(Value::Type::Error, "MOVED 1 127.0.0.1")));
    EXPECT_FALSE(parse_redirect(text(Value::Type::Error, "MOVED x 127.0.0.1:7002")));
    EXPECT_FALSE(parse_redirect(text(Value::Type::Error, "CLUSTERDOWN The cluster is down")));
    EXPECT_FALSE(parse_redirect(text(Value::Type::String, "MOVED 1 127.0.0.1:7002")));
}

TEST(RedisCluster, SlotRangesAreRead) {
    auto node = [](std::string host, long long port) {
        return array({text(Value::Type::String, std::move(host)), integer(port), text(Value::Type::String, "id")});
    };
    Value reply = array({array({integer(0), integer(5460), node("127.0.0.1", 7001), node("127.0.0.1", 7005)}),
                         array({integer(5461), integer(16383), node("", 7002)})});
    auto ranges = parse_slot_ranges(reply);
    ASSERT_EQ(ranges.size(), 2u);
    EXPECT_EQ(ranges[0].last, 5460);
    EXPECT_EQ(ranges[0].port, 7001);
    EXPECT_EQ(ranges[1].host, "");
    EXPECT_EQ(ranges[1].first, 5461);
    // Anything malformed is no map at all.
    EXPECT_TRUE(parse_slot_ranges(text(Value::Type::Error, "ERR This instance has cluster support disabled")).empty());
    EXPECT_TRUE(parse_slot_ranges(array({array({integer(10), integer(5), node("h", 1)})})).empty());
    EXPECT_TRUE(parse_slot_ranges(array({array({integer(0), integer(16384), node("h", 1)})})).empty());
    EXPECT_TRUE(parse_slot_ranges(array({array({integer(0), integer(1), node("h", 70000)})})).empty());
}
