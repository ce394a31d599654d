#pragma once

// SQL text that statements of more than one store share. Macros, not functions: a pg::Statement is a
// compile-time string literal, so each fragment is pasted into it by the preprocessor.

// The UTC offset, in seconds, that a theatre's clock shows at instant `ts` (a timestamptz expression
// given as a string literal, e.g. "s.start_time"): DST-correct, from PostgreSQL's time zone database.
// The theatre must be in the query as `t`.
#define MARQUEE_SQL_UTC_OFFSET(ts) \
    "extract(epoch FROM (" ts " AT TIME ZONE t.timezone) - (" ts " AT TIME ZONE 'UTC'))::integer"
