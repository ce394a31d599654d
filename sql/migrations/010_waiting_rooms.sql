-- A show's virtual waiting room, as an admin set it (docs/api-notes.md, "Waiting room"). The truth
-- the room's switch in Redis is rebuilt from when Redis loses it, so a flash sale never opens its
-- gates because a cache was lost. The queue itself (places, admissions) lives in Redis only.
CREATE TABLE waiting_rooms (
    show_id uuid PRIMARY KEY,                       -- a show (show_slots holds the unique show ids)
    enabled boolean NOT NULL,
    admit_per_second integer NOT NULL CHECK (admit_per_second BETWEEN 1 AND 100000),
    opens_at timestamptz,                           -- no admissions before (places are taken)
    auto_above_per_second integer CHECK (auto_above_per_second BETWEEN 1 AND 1000000),
    admission_ttl_seconds integer NOT NULL CHECK (admission_ttl_seconds BETWEEN 10 AND 3600),
    version bigint NOT NULL,                        -- bumped by every change; Redis keeps the newest
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (show_id) REFERENCES show_slots (show_id)
);
