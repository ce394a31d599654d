#pragma once

// A waiting_rooms row (alias `r`) as Redis keeps the room's settings: "version enabled rate opens_ms
// auto ttl_ms", '-' for none (apply_room in src/booking/lua/prelude.lua reads it).
#define MARQUEE_ROOM_SPEC(r)                                                                                   \
    "concat_ws(' ', " r ".version, CASE WHEN " r ".enabled THEN 1 ELSE 0 END, " r ".admit_per_second, "          \
    "COALESCE((extract(epoch FROM " r ".opens_at) * 1000)::bigint::text, '-'), "                                 \
    "COALESCE(" r ".auto_above_per_second::text, '-'), " r ".admission_ttl_seconds * 1000)"
