#include "catalog/cursor.hpp"
#include "catalog/occupancy.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

using namespace marquee;
using namespace marquee::catalog;

TEST(Cursor, RoundTripsAndIsOpaque) {
    Cursor c{"8.7", "550e8400-e29b-41d4-a716-446655440001"};
    std::string text = encode_cursor(c);
    EXPECT_EQ(text.find('|'), std::string::npos);
    auto back = decode_cursor(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->sort_key, "8.7");
    EXPECT_EQ(back->id, c.id);
}

TEST(Cursor, RejectsAnythingElse) {
    EXPECT_FALSE(decode_cursor(""));
    EXPECT_FALSE(decode_cursor("!!!"));
    EXPECT_FALSE(decode_cursor(base64url_encode("no separator")));
    EXPECT_FALSE(decode_cursor(base64url_encode("8.7|not-a-uuid")));
    EXPECT_FALSE(decode_cursor(base64url_encode("|550e8400-e29b-41d4-a716-446655440001")));
    EXPECT_FALSE(decode_cursor(std::string(500, 'A')));
}

TEST(ShowStatus, FollowsTheSpecThresholds) {
    EXPECT_EQ(show_status(0, 100, false), "AVAILABLE");
    EXPECT_EQ(show_status(49, 100, false), "AVAILABLE");
    EXPECT_EQ(show_status(50, 100, false), "FILLING_FAST");
    EXPECT_EQ(show_status(79, 100, false), "FILLING_FAST");
    EXPECT_EQ(show_status(80, 100, false), "ALMOST_FULL");
    EXPECT_EQ(show_status(99, 100, false), "ALMOST_FULL");
    EXPECT_EQ(show_status(100, 100, false), "SOLD_OUT");
    EXPECT_EQ(show_status(0, 100, true), "CANCELLED");
    // 119 of 240 is just under half; 192 of 240 is exactly 80%.
    EXPECT_EQ(show_status(119, 240, false), "AVAILABLE");
    EXPECT_EQ(show_status(192, 240, false), "ALMOST_FULL");
}
