-- With several sinks (NOTIFY_SINK=a,b), which of them already have an event, each by where it
-- delivers without credentials (jobs::sink_identity): a retry after one sink failed goes only to the
-- others, so a webhook that was down does not cost the e-mail sink's reader a second message. (A
-- constant default: no table rewrite.)
ALTER TABLE outbox ADD COLUMN delivered_to text[] NOT NULL DEFAULT '{}';
