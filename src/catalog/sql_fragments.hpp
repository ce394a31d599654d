#pragma once

// SQL text that statements of more than one store share. Macros, not functions: a pg::Statement is a
// compile-time string literal, so each fragment is pasted into it by the preprocessor.

// The UTC offset, in seconds, that a theatre's clock shows at instant `ts` (a timestamptz expression
// given as a string literal, e.g. "s.start_time"): DST-correct, from PostgreSQL's time zone database.
// The theatre must be in the query as `t`.
#define MARQUEE_SQL_UTC_OFFSET(ts) \
    "extract(epoch FROM (" ts " AT TIME ZONE t.timezone) - (" ts " AT TIME ZONE 'UTC'))::integer"

// One show of the month-partitioned `shows` by its id (`id`, a parameter like "$1"; `table` the
// alias with its dot, e.g. "s.", or ""): the start time from show_slots lets PostgreSQL read only
// that month's partition instead of probing every month's index (migration 009).
#define MARQUEE_SHOW_BY_ID(table, id) \
    table "show_id = " id " AND " table "start_time = (SELECT lower(during) FROM show_slots WHERE show_id = " id ")"
