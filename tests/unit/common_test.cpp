#include "common/json_writer.hpp"
#include "common/money.hpp"
#include "common/text.hpp"
#include "common/time.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace marquee;

TEST(Money, ParsesPostgresDecimals) {
    EXPECT_EQ(Money::parse_decimal("280.00")->minor(), 28000);
    EXPECT_EQ(Money::parse_decimal("280.5")->minor(), 28050);
    EXPECT_EQ(Money::parse_decimal("0.05")->minor(), 5);
    EXPECT_EQ(Money::parse_decimal("-3.25")->minor(), -325);
    EXPECT_FALSE(Money::parse_decimal("1.234"));
    EXPECT_FALSE(Money::parse_decimal("abc"));
    EXPECT_FALSE(Money::parse_decimal(""));
    EXPECT_FALSE(Money::parse_decimal(".5"));
}

TEST(Money, RendersShortestExactJson) {
    EXPECT_EQ(Money::from_minor(28000).to_json(), "280");
    EXPECT_EQ(Money::from_minor(28050).to_json(), "280.5");
    EXPECT_EQ(Money::from_minor(28005).to_json(), "280.05");
    EXPECT_EQ(Money::from_minor(5).to_json(), "0.05");
    EXPECT_EQ(Money::from_minor(28050).to_decimal(), "280.50");
}

TEST(Money, AcceptsJsonNumbersWithTwoDecimalsOnly) {
    EXPECT_EQ(Money::from_json_number(280.15)->minor(), 28015);
    EXPECT_EQ(Money::from_json_number(0.1 + 0.2)->minor(), 30);
    EXPECT_FALSE(Money::from_json_number(280.125));
    EXPECT_FALSE(Money::from_json_number(1e300));
}

TEST(Money, MultipliesExactly) {
    // 3 × 0.10 must be 0.30, which binary floating point gets wrong.
    EXPECT_EQ(Money::from_json_number(0.10)->times(3).to_json(), "0.3");
    EXPECT_EQ(Money::parse_decimal("280.5")->times(2).to_json(), "561");
}

TEST(Time, FormatsUtcAndOffsets) {
    EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
    // 2025-12-17T08:30:00Z is 14:00 in India (+05:30).
    EpochSeconds t = *parse_rfc3339("2025-12-17T08:30:00Z");
    EXPECT_EQ(format_with_offset(t, 19800), "2025-12-17T14:00:00+05:30");
    EXPECT_EQ(format_with_offset(t, -5 * 3600), "2025-12-17T03:30:00-05:00");
    // Crossing midnight changes the local date.
    EXPECT_EQ(format_with_offset(*parse_rfc3339("2025-12-17T20:00:00Z"), 19800), "2025-12-18T01:30:00+05:30");
}

TEST(Time, ParsesRfc3339) {
    EXPECT_EQ(parse_rfc3339("2025-12-17T14:00:00+05:30"), parse_rfc3339("2025-12-17T08:30:00Z"));
    EXPECT_EQ(parse_rfc3339("2025-12-17T08:30:00.250Z"), parse_rfc3339("2025-12-17T08:30:00Z"));
    EXPECT_FALSE(parse_rfc3339("2025-12-17T14:00:00"));   // no offset: ambiguous
    EXPECT_FALSE(parse_rfc3339("2025-02-30T14:00:00Z"));  // no such day
    EXPECT_FALSE(parse_rfc3339("2025-12-17 14:00"));
    EXPECT_FALSE(parse_rfc3339("2025-12-17T24:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("2025-12-17T14:00:00+0530"));
}

TEST(Time, ParsesDates) {
    EXPECT_EQ(parse_date("1970-01-02"), 1);
    EXPECT_EQ(format_date(*parse_date("2024-02-29")), "2024-02-29");
    EXPECT_FALSE(parse_date("2023-02-29"));
    EXPECT_FALSE(parse_date("2023-13-01"));
    EXPECT_FALSE(parse_date("23-01-01"));
    EXPECT_FALSE(parse_date("2023-01-01x"));
}

TEST(Text, Base64UrlRoundTrips) {
    for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00\x01"}) {
        auto decoded = base64url_decode(base64url_encode(s));
        ASSERT_TRUE(decoded);
        EXPECT_EQ(*decoded, s);
    }
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_FALSE(base64url_decode("a"));
    EXPECT_FALSE(base64url_decode("ab+/"));
    EXPECT_FALSE(base64url_decode("Zh"));  // non-zero leftover bits
}

TEST(Text, Uuids) {
    EXPECT_TRUE(is_uuid("550e8400-e29b-41d4-a716-446655440001"));
    EXPECT_FALSE(is_uuid("550E8400-E29B-41D4-A716-446655440001"));
    EXPECT_EQ(normalize_uuid("550E8400-E29B-41D4-A716-446655440001"), "550e8400-e29b-41d4-a716-446655440001");
    EXPECT_FALSE(normalize_uuid("550e8400e29b41d4a716446655440001"));
    EXPECT_FALSE(normalize_uuid("not-a-uuid"));
    std::string id = random_uuid();
    EXPECT_TRUE(is_uuid(id));
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(random_uuid(), id);
}

TEST(JsonWriter, WritesNestedStructuresWithEscapes) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.field("a", "x\"y\n");
    w.key("list").begin_array().integer(1).begin_object().field("b", true).end_object().null().end_array();
    w.key("raw").raw("280.5");
    w.field("ctl", std::string_view("\x01", 1));
    w.end_object();
    EXPECT_EQ(out, R"({"a":"x\"y\n","list":[1,{"b":true},null],"raw":280.5,"ctl":"\u0001"})");
}

TEST(JsonWriter, CopiesPlainRunsAroundEscapes) {
    std::string out;
    JsonWriter w(out);
    w.begin_array().string("plain").string("\\lead").string("trail\t").string("a\"b\\c\rd").string("").end_array();
    EXPECT_EQ(out, R"(["plain","\\lead","trail\t","a\"b\\c\rd",""])");
}

// Found by fuzz/api_request.cpp: a 404 quoting a path with a stray byte (%84) was not JSON.
TEST(JsonWriter, ReplacesBytesThatAreNotUtf8) {
    std::string out;
    JsonWriter w(out);
    w.begin_array().string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xac").string("a\x84" "b").string("\xc3").string("\xed\xa0\x80");
    w.string("\xc0\xaf").end_array();
    const std::string r = "\xef\xbf\xbd";  // U+FFFD, the replacement character
    EXPECT_EQ(out, "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xac\",\"a" + r + "b\",\"" + r + "\",\"" + r + r + r + "\",\"" + r + r + "\"]");
}

TEST(Text, ValidUtf8) {
    EXPECT_TRUE(is_valid_utf8("plain ascii"));
    EXPECT_TRUE(is_valid_utf8("\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\xa8\xe0\xa5\x8d\xe0\xa4\xa6\xe0\xa5\x80 \xf4\x8f\xbf\xbf"));
    EXPECT_FALSE(is_valid_utf8("\x84"));              // a continuation byte alone
    EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // cut short
    EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));          // overlong
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a UTF-16 surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(RandomBytes, AnyLengthFreshEachTime) {
    // Drawn from a per-thread pool of 4 KiB: lengths that end exactly at, just before and just after
    // its refills, and one longer than a refill. Each draw has the length asked for, and no two
    // draws (nor two 16-byte blocks of one long draw) repeat.
    std::set<std::string> blocks;
    for (std::size_t n : {1u, 16u, 4095u, 4096u, 4097u, 16u, 9000u}) {
        std::string bytes = random_bytes(n);
        EXPECT_EQ(bytes.size(), n);
        for (std::size_t at = 0; at + 16 <= n; at += 16) EXPECT_TRUE(blocks.insert(bytes.substr(at, 16)).second) << n << "@" << at;
    }
    // A long draw spans pool refills and uses every byte value.
    std::string long_draw = random_bytes(9000);
    std::set<unsigned char> values(long_draw.begin(), long_draw.end());
    EXPECT_EQ(values.size(), 256u);
}
