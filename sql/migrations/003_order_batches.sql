-- The requests of one batch of order writes (booking/order_store.cpp) as rows. jsonb_to_recordset
-- alone is assumed to return 100 rows, and for that many the planner joins the batch to shows and
-- orders by hashing whole tables; a batch is a handful of requests, and each wants an index lookup.
-- PL/pgSQL keeps the estimate (ROWS) and the plan of its query for the life of the connection.
CREATE FUNCTION marquee_new_orders(batch jsonb)
RETURNS TABLE (i integer, hold_id uuid, user_id text, show_id uuid, seats text[], name text, email text,
               phone text, amount numeric)
LANGUAGE plpgsql STABLE ROWS 4 AS $$
BEGIN
  RETURN QUERY SELECT * FROM jsonb_to_recordset(batch) AS r(i integer, hold_id uuid, user_id text, show_id uuid,
    seats text[], name text, email text, phone text, amount numeric);
END
$$;

CREATE FUNCTION marquee_payments(batch jsonb)
RETURNS TABLE (i integer, order_id uuid, user_id text, code text)
LANGUAGE plpgsql STABLE ROWS 4 AS $$
BEGIN
  RETURN QUERY SELECT * FROM jsonb_to_recordset(batch) AS r(i integer, order_id uuid, user_id text, code text);
END
$$;

-- Show cancellation finds a show's live orders through order_seats (whose key starts with the
-- show), so orders needs no index on its show: one index fewer to maintain on every order write.
DROP INDEX idx_orders_show_status;
