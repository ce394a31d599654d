-- Shows partitioned by the month of their start (UTC), as the design Marquee grew from plans: a
-- listing or availability query names a date range, and only the months it covers are read; the
-- months of shows long past can be detached and archived whole.
--
-- What a partitioned table cannot hold in PostgreSQL 15 moves to an unpartitioned one, show_slots,
-- one narrow row per show: its primary key is the show's identity (a partitioned table's unique
-- keys must include the partition key, so `shows` can only be unique on (show_id, start_time)),
-- and it carries the exclusion constraint that keeps two live shows off one screen at once
-- (exclusion constraints on partitioned tables arrive in PostgreSQL 17; one per partition would
-- miss two shows straddling a month's end). It also answers what booking asks of a show by its id
-- alone — live or not, when, which movie and theatre — with one index probe, where `shows` would
-- probe one index per month; and it is the row order writes share-lock, which a show's
-- cancellation (an UPDATE of `shows`, passed on by the trigger) waits for (migration 004). A
-- trigger on `shows` writes the slot in the same statement, so every path that inserts, moves or
-- cancels a show keeps both in step; the constraint keeps its name, shows_no_overlap, which the
-- API reports as 409.
CREATE TABLE show_slots (
    show_id    uuid PRIMARY KEY,
    movie_id   uuid NOT NULL,
    theatre_id uuid NOT NULL,
    screen_id  uuid NOT NULL,
    during     tstzrange NOT NULL,  -- [start_time, end_time)
    live       boolean NOT NULL     -- not cancelled
);
INSERT INTO show_slots (show_id, movie_id, theatre_id, screen_id, during, live)
SELECT show_id, movie_id, theatre_id, screen_id, tstzrange(start_time, end_time), status <> 'CANCELLED' FROM shows;

CREATE TABLE shows_by_month (
    show_id     uuid NOT NULL DEFAULT gen_random_uuid(),  -- references show_slots (added below)
    movie_id    uuid NOT NULL REFERENCES movies (movie_id),
    theatre_id  uuid NOT NULL,
    screen_id   uuid NOT NULL,
    start_time  timestamptz NOT NULL,
    end_time    timestamptz NOT NULL,
    price       numeric(12,2) NOT NULL CHECK (price > 0),
    status      varchar(20) NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED', 'CANCELLED')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz,
    CHECK (end_time > start_time),
    FOREIGN KEY (screen_id, theatre_id) REFERENCES screens (screen_id, theatre_id),
    PRIMARY KEY (show_id, start_time)
) PARTITION BY RANGE (start_time);

-- The month's partition for instant `at`, made unless it exists. Made apart and then attached:
-- ATTACH PARTITION takes a lock on `shows` that lets reads and writes go on (CREATE TABLE …
-- PARTITION OF would block them for the moment), and the bounds check lets it skip the scan. An
-- advisory lock serialises jobs processes that make the same month at once.
CREATE FUNCTION marquee_ensure_show_partition(at timestamptz, parent text DEFAULT 'shows')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first timestamptz := date_trunc('month', at, 'UTC');
  next timestamptz := date_trunc('month', at, 'UTC') + interval '1 month';
  name text := 'shows_' || to_char(first AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(727274002);
  IF to_regclass(name) IS NOT NULL THEN RETURN; END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name, parent);
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (start_time >= %L AND start_time < %L)',
                 name, name || '_month', first, next);
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, first, next);
END
$$;

-- This month's partition and the next `months_ahead` ones (the jobs keep a year ahead).
CREATE FUNCTION marquee_ensure_show_partitions(months_ahead integer, parent text DEFAULT 'shows')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 0..months_ahead LOOP
    PERFORM marquee_ensure_show_partition(now() + make_interval(months => i), parent);
  END LOOP;
END
$$;

-- Every month that has shows, then a year ahead; the rows move over.
SELECT marquee_ensure_show_partition(m, 'shows_by_month')
FROM (SELECT DISTINCT date_trunc('month', start_time, 'UTC') AS m FROM shows) months;
SELECT marquee_ensure_show_partitions(12, 'shows_by_month');
INSERT INTO shows_by_month SELECT show_id, movie_id, theatre_id, screen_id, start_time, end_time, price, status,
                                  created_at, cancelled_at FROM shows;
DROP TABLE shows;
ALTER TABLE shows_by_month RENAME TO shows;
ALTER TABLE shows RENAME CONSTRAINT shows_by_month_pkey TO shows_pkey;

-- Checked at commit: an UPDATE that moves a show to another month is a delete and an insert, and
-- between the two its slot is briefly gone (see marquee_keep_show_slot). Added once the rows are in:
-- rows inserted under a deferred constraint would leave trigger events pending, which CREATE INDEX
-- on those partitions refuses.
ALTER TABLE shows ADD CONSTRAINT shows_show_id_fkey FOREIGN KEY (show_id) REFERENCES show_slots (show_id)
  DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE show_slots ADD CONSTRAINT shows_no_overlap EXCLUDE USING gist (screen_id WITH =, during WITH &&) WHERE (live);
-- Availability and shows-by-date: a movie's live shows in a time range (one index per partition).
CREATE INDEX idx_shows_movie_start ON shows (movie_id, start_time) WHERE status <> 'CANCELLED';

CREATE FUNCTION marquee_keep_show_slot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO show_slots (show_id, movie_id, theatre_id, screen_id, during, live)
    VALUES (NEW.show_id, NEW.movie_id, NEW.theatre_id, NEW.screen_id, tstzrange(NEW.start_time, NEW.end_time),
            NEW.status <> 'CANCELLED');
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE show_slots SET movie_id = NEW.movie_id, theatre_id = NEW.theatre_id, screen_id = NEW.screen_id,
                          during = tstzrange(NEW.start_time, NEW.end_time), live = NEW.status <> 'CANCELLED'
    WHERE show_id = OLD.show_id;
    RETURN NEW;
  END IF;
  DELETE FROM show_slots WHERE show_id = OLD.show_id;
  RETURN OLD;
END
$$;
-- An UPDATE that moves a show to another month (a new start time) runs as this trigger's UPDATE on
-- the old partition, then its DELETE there, then its INSERT into the new one: the slot ends as the
-- new row says.
CREATE TRIGGER show_slot_kept BEFORE INSERT OR UPDATE OR DELETE ON shows
  FOR EACH ROW EXECUTE FUNCTION marquee_keep_show_slot();
