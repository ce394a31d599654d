#pragma once
#include "common/money.hpp"
#include "common/time.hpp"
#include "pg/result.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

// SQL text that statements of more than one store share, and the readers of the columns it makes.
// The fragments are macros, not functions: a pg::Statement is a compile-time string literal, so each
// is pasted into it by the preprocessor.

// The UTC offset, in seconds, that a theatre's clock shows at instant `ts` (a timestamptz expression
// given as a string literal, e.g. "s.start_time"): DST-correct, from PostgreSQL's time zone database.
// The theatre must be in the query as `t`.
#define MARQUEE_SQL_UTC_OFFSET(ts) \
    "extract(epoch FROM (" ts " AT TIME ZONE t.timezone) - (" ts " AT TIME ZONE 'UTC'))::integer"

// A show `s` of theatre `t`: its start and end as instants, each with the theatre's offset at that
// instant (columns start_epoch, start_offset, end_epoch, end_offset; read by show_local_time).
// Ends with a comma.
#define MARQUEE_SHOW_TIMES                                                                                 \
    "extract(epoch FROM s.start_time)::bigint AS start_epoch, " MARQUEE_SQL_UTC_OFFSET("s.start_time")     \
    " AS start_offset, extract(epoch FROM s.end_time)::bigint AS end_epoch, "                               \
    MARQUEE_SQL_UTC_OFFSET("s.end_time") " AS end_offset, "

// Shows `s` of theatre `t` whose theatre-local date is within from..to (parameters like "$2"). A
// local date D holds instants within [D - 1 day, D + 2 days) in UTC whatever the zone: that range
// lets an index on start_time (and the month partitions) do the work before the exact filter.
#define MARQUEE_LOCAL_DAY_RANGE(from, to)                                                               \
    "s.start_time >= " from "::date - interval '1 day' AND s.start_time < " to "::date + interval '2 days' " \
    "AND (s.start_time AT TIME ZONE t.timezone)::date BETWEEN " from "::date AND " to "::date "

// One show of the month-partitioned `shows` by its id (`id`, a parameter like "$1"; `table` the
// alias with its dot, e.g. "s.", or ""): the start time from show_slots lets PostgreSQL read only
// that month's partition instead of probing every month's index (migration 009).
#define MARQUEE_SHOW_BY_ID(table, id) \
    table "show_id = " id " AND " table "start_time = (SELECT lower(during) FROM show_slots WHERE show_id = " id ")"

namespace marquee::catalog {

// One of MARQUEE_SHOW_TIMES's instants ("start" or "end") as the theatre's clock showed it.
inline std::string show_local_time(const pg::Row& row, std::string_view which) {
    std::string name(which);
    return format_with_offset(row.integer(name + "_epoch"), static_cast<int>(row.integer(name + "_offset")));
}

// A numeric column written as text (price::text): an exact amount.
inline Money money_column(const pg::Row& row, std::string_view column) {
    auto money = Money::parse_decimal(row.text(column));
    if (!money) throw std::runtime_error("PostgreSQL returned an amount that is not a decimal: " + std::string(column));
    return *money;
}

}  // namespace marquee::catalog
