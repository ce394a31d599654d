-- How many times each show's seats have changed in PostgreSQL: every statement that creates or
-- changes orders adds the number of orders it touched, in the same transaction. Redis keeps the
-- count of changes it has applied to its copy of the show (show:{S} applied); the seat reconciler
-- (jobs/seat_reconciler.cpp) compares the two and rebuilds Redis's copy when Redis has fallen
-- behind for good (a lost write, a failover to a replica that missed writes, a step that failed
-- after the commit). A table of its own rather than a column of shows: order writes share-lock show
-- rows (show cancellation waits on those locks), and this row is updated by every order write.
CREATE TABLE seat_versions (
    show_id     uuid PRIMARY KEY,
    version     bigint NOT NULL,
    -- The last change: the reconciler rebuilds the most recently active shows first.
    changed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO seat_versions (show_id, version) SELECT show_id, count(*) FROM orders GROUP BY show_id;
