#include "app/config.hpp"
#include "common/errors.hpp"
#include "common/input.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace marquee;

namespace {
Config load(std::map<std::string, std::string> env) {
    return load_config([&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

std::string error_of(std::map<std::string, std::string> env) {
    try {
        load(env);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

std::string validation_message(const std::function<void()>& f) {
    try {
        f();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status, 400);
        return e.what();
    }
    return "";
}
}  // namespace

TEST(Config, DefaultsMatchTheSpec) {
    Config c = load({});
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.port, 8080);
    EXPECT_EQ(c.redis_port, 6380);
    EXPECT_EQ(c.hold_ttl_seconds, 300);
    EXPECT_EQ(c.order_ttl_seconds, 600);
    EXPECT_EQ(c.max_seats_per_hold, 10);
    EXPECT_EQ(c.rate_limit_per_minute, 120);
    EXPECT_EQ(c.notify_sink, "log");
    EXPECT_TRUE(c.jwt_secret_is_default);
    EXPECT_GE(c.threads, 1);
    EXPECT_FALSE(c.metrics_port);  // a jobs process listens nowhere unless told
}

TEST(Config, ReadsValues) {
    Config c = load({{"PORT", "9000"}, {"METRICS_PORT", "9100"}, {"REDIS_URL", "redis://10.0.0.5:7000/3"}, {"THREADS", "4"},
                     {"JWT_SECRET", "k"}, {"NOTIFY_SINK", "smtp://127.0.0.1:2525"}, {"RATE_LIMIT_PER_MINUTE", "0"}});
    EXPECT_EQ(c.port, 9000);
    EXPECT_EQ(c.metrics_port, 9100);
    EXPECT_EQ(c.redis_host, "10.0.0.5");
    EXPECT_EQ(c.redis_port, 7000);
    EXPECT_EQ(c.redis_db, 3);
    EXPECT_EQ(c.threads, 4);
    EXPECT_FALSE(c.jwt_secret_is_default);
    EXPECT_EQ(c.rate_limit_per_minute, 0);
}

TEST(Config, ProductionNeedsAJwtSecretOfAtLeast32Bytes) {
    EXPECT_TRUE(jwt_secret_problem(load({})));  // production by default, no secret
    EXPECT_TRUE(jwt_secret_problem(load({{"JWT_SECRET", std::string(31, 'k').c_str()}})));
    EXPECT_FALSE(jwt_secret_problem(load({{"JWT_SECRET", std::string(32, 'k').c_str()}})));
    EXPECT_FALSE(jwt_secret_problem(load({{"MARQUEE_ENV", "development"}})));  // the built-in secret
    EXPECT_FALSE(jwt_secret_problem(load({{"MARQUEE_ENV", "development"}, {"JWT_SECRET", "k"}})));
    EXPECT_NE(error_of({{"MARQUEE_ENV", "staging"}}).find("MARQUEE_ENV"), std::string::npos);
}

TEST(Config, AnErrorNeverPrintsTheRedisPassword) {
    std::string message = error_of({{"REDIS_URL", "rediss://app:hunter2@10.0.0.5:7000/2"}});
    EXPECT_NE(message.find("REDIS_URL"), std::string::npos);
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST(Config, RedisUrlCredentials) {
    Config both = load({{"REDIS_URL", "redis://app:s3cr%40t@10.0.0.5:7000/2"}});
    EXPECT_EQ(both.redis_user, "app");
    EXPECT_EQ(both.redis_password, "s3cr@t");
    Config password_only = load({{"REDIS_URL", "redis://:pw@10.0.0.5:7000"}});
    EXPECT_FALSE(password_only.redis_user);
    EXPECT_EQ(password_only.redis_password, "pw");
    Config none = load({{"REDIS_URL", "redis://10.0.0.5:7000"}});
    EXPECT_FALSE(none.redis_user);
    EXPECT_FALSE(none.redis_password);
}

TEST(Config, RedisClusterUrlNamesEverySeed) {
    Config c = load({{"REDIS_URL", "redis-cluster://app:pw@127.0.0.1:7001,10.0.0.6:7002,[::1]:7003"}});
    ASSERT_EQ(c.redis_cluster_seeds.size(), 3u);
    EXPECT_EQ(c.redis_cluster_seeds[1], (std::pair<std::string, std::uint16_t>{"10.0.0.6", 7002}));
    EXPECT_EQ(c.redis_cluster_seeds[2].second, 7003);
    EXPECT_EQ(c.redis_host, "127.0.0.1");
    EXPECT_EQ(c.redis_port, 7001);
    EXPECT_EQ(c.redis_user, "app");
    EXPECT_EQ(c.redis_password, "pw");
    EXPECT_TRUE(load({{"REDIS_URL", "redis://127.0.0.1:7001"}}).redis_cluster_seeds.empty());
    // A cluster has only database 0; a seed must be a host and port.
    EXPECT_NE(error_of({{"REDIS_URL", "redis-cluster://127.0.0.1:7001/2"}}).find("database 0"), std::string::npos);
    EXPECT_NE(error_of({{"REDIS_URL", "redis-cluster://127.0.0.1:7001,"}}).find("REDIS_URL"), std::string::npos);
    std::string bad = error_of({{"REDIS_URL", "redis-cluster://u:hunter2@127.0.0.1:notaport"}});
    EXPECT_NE(bad.find("REDIS_URL"), std::string::npos);
    EXPECT_EQ(bad.find("hunter2"), std::string::npos) << bad;
}

TEST(Config, BadValuesNameTheVariable) {
    EXPECT_NE(error_of({{"PORT", "abc"}}).find("PORT"), std::string::npos);
    EXPECT_NE(error_of({{"PORT", "70000"}}).find("PORT"), std::string::npos);
    EXPECT_NE(error_of({{"PORT", "80x"}}).find("PORT"), std::string::npos);
    EXPECT_NE(error_of({{"METRICS_PORT", "0"}}).find("METRICS_PORT"), std::string::npos);
    EXPECT_NE(error_of({{"THREADS", "0"}}).find("THREADS"), std::string::npos);
    EXPECT_NE(error_of({{"REDIS_URL", "localhost:6379"}}).find("REDIS_URL"), std::string::npos);
    EXPECT_NE(error_of({{"DATABASE_URL", "mysql://x"}}).find("DATABASE_URL"), std::string::npos);
    EXPECT_NE(error_of({{"NOTIFY_SINK", "file:relative"}}).find("NOTIFY_SINK"), std::string::npos);
    EXPECT_NE(error_of({{"ORDER_TTL_SECONDS", "0"}}).find("ORDER_TTL_SECONDS"), std::string::npos);
}

TEST(Input, ParsesOnlyJsonObjects) {
    EXPECT_EQ(input::parse_object("application/json", R"({"a":1})").at("a").as_int64(), 1);
    EXPECT_NO_THROW(input::parse_object("Application/JSON; charset=utf-8", "{}"));
    try {
        input::parse_object("text/plain", "{}");
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status, 415);
    }
    EXPECT_NE(validation_message([] { input::parse_object("application/json", "{"); }).find("malformed JSON"),
              std::string::npos);
    EXPECT_NE(validation_message([] { input::parse_object("application/json", "[]"); }), "");
    EXPECT_NE(validation_message([] { input::parse_object("application/json", ""); }), "");
}

TEST(Input, FieldErrorsNameTheFieldPath) {
    auto body = input::parse_object("application/json",
                                    R"({"name":"  ","n":5,"price":10.555,"when":"2025-01-01","nested":{"email":3}})");
    input::Fields f(body);
    EXPECT_EQ(validation_message([&] { f.string("name", 1, 10); }), "name: must not be empty");
    EXPECT_EQ(validation_message([&] { f.string("missing", 1, 10); }), "missing: is required");
    EXPECT_EQ(validation_message([&] { f.integer("n", 6, 9); }), "n: must be from 6 to 9");
    EXPECT_NE(validation_message([&] { f.money("price"); }).find("price:"), std::string::npos);
    EXPECT_NE(validation_message([&] { f.instant("when"); }).find("when:"), std::string::npos);
    input::Fields nested(f.object("nested"), "nested");
    EXPECT_EQ(validation_message([&] { nested.optional_string("email", 10); }), "nested.email: must be a string");
    EXPECT_EQ(f.integer("n", 1, 9), 5);
}

TEST(Input, QueryIntegers) {
    EXPECT_EQ(input::query_integer(std::nullopt, "limit", 1, 50, 20), 20);
    EXPECT_EQ(input::query_integer("7", "limit", 1, 50, 20), 7);
    EXPECT_EQ(validation_message([] { input::query_integer("0", "limit", 1, 50, 20); }),
              "limit: must be an integer from 1 to 50");
    EXPECT_NE(validation_message([] { input::query_integer("5x", "limit", 1, 50, 20); }), "");
    EXPECT_NE(validation_message([] { input::query_integer("", "limit", 1, 50, 20); }), "");
    EXPECT_EQ(input::path_uuid("550E8400-E29B-41D4-A716-446655440001", "id"), "550e8400-e29b-41d4-a716-446655440001");
}
