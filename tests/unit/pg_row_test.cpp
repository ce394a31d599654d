// Rows read by column name (pg/result.hpp), on results built by hand with libpq's own functions.
#include "pg/result.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace {

// A one-row result with these columns and values (nullptr: NULL).
pg::Result make_result(std::vector<std::pair<const char*, const char*>> columns) {
    PGresult* r = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
    std::vector<PGresAttDesc> attrs(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
        attrs[i] = PGresAttDesc{};
        attrs[i].name = const_cast<char*>(columns[i].first);
        attrs[i].typid = 25;  // text
        attrs[i].typlen = -1;
    }
    PQsetResultAttrs(r, static_cast<int>(attrs.size()), attrs.data());
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const char* v = columns[i].second;
        PQsetvalue(r, 0, static_cast<int>(i), const_cast<char*>(v), v ? static_cast<int>(std::strlen(v)) : -1);
    }
    return pg::Result(r);
}

}  // namespace

TEST(PgRow, ReadsColumnsByName) {
    auto result = make_result({{"order_id", "o-1"}, {"amount", "280.50"}, {"paid", "t"}, {"code", nullptr},
                               {"created_epoch", "1765958400"}});
    ASSERT_EQ(result.size(), 1);
    pg::Row row = result.front();
    EXPECT_EQ(row.text("order_id"), "o-1");
    EXPECT_EQ(row.str("amount"), "280.50");
    EXPECT_TRUE(row.boolean("paid"));
    EXPECT_TRUE(row.is_null("code"));
    EXPECT_FALSE(row.optional_str("code"));
    EXPECT_EQ(row.optional_str("amount"), "280.50");
    EXPECT_EQ(row.integer("created_epoch"), 1765958400);
}

TEST(PgRow, AColumnTheStatementDoesNotReturnIsABug) {
    auto result = make_result({{"order_id", "o-1"}});
    EXPECT_THROW(result.front().text("orderid"), std::logic_error);
    EXPECT_THROW(result.front().integer("order_id"), std::logic_error);  // not a number
}

TEST(PgRow, ReadsTextArraysWithAndWithoutQuotes) {
    auto result = make_result({{"seats", "{A1,A2,B10}"}, {"names", R"({"a b","say \"hi\"",plain,"x\\y"})"},
                               {"none", "{}"}});
    pg::Row row = result.front();
    EXPECT_EQ(row.text_array("seats"), (std::vector<std::string>{"A1", "A2", "B10"}));
    EXPECT_EQ(row.text_array("names")[0], "a b");
    EXPECT_EQ(row.text_array("names")[1], "say \"hi\"");
    EXPECT_EQ(row.text_array("names")[3], "x\\y");
    EXPECT_TRUE(row.text_array("none").empty());
}

TEST(PgError, KnowsTheSqlstatesCallersActOn) {
    EXPECT_EQ(pg::Error("x", "23505", "order_seats_pkey").kind, pg::ErrorKind::UniqueViolation);
    EXPECT_TRUE(pg::Error("x", "23505", "order_seats_pkey").violates("order_seats_pkey"));
    EXPECT_EQ(pg::Error("x", "23P01", "").kind, pg::ErrorKind::ExclusionViolation);
    EXPECT_EQ(pg::Error("x", "23503", "").kind, pg::ErrorKind::ForeignKeyViolation);
    EXPECT_EQ(pg::Error("x", "22007", "").kind, pg::ErrorKind::InvalidText);
    EXPECT_EQ(pg::Error("x", "40001", "").kind, pg::ErrorKind::Other);
}
