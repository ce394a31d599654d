-- Outbox delivery leases its events instead of holding a transaction open while the sink works: a
-- claim moves an event's next_attempt_at past the lease and commits, and each event's outcome is
-- recorded on its own afterwards. An event that keeps failing is parked after a number of attempts
-- (dead_at, with its last error) until an operator re-drives it.
ALTER TABLE outbox ADD COLUMN dead_at timestamptz;
DROP INDEX idx_outbox_undelivered;
CREATE INDEX idx_outbox_due ON outbox (next_attempt_at, event_id) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX idx_outbox_dead ON outbox (event_id) WHERE dead_at IS NOT NULL;
