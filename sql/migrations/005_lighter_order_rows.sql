-- Less work for PostgreSQL per booking (docs/benchmarks.md has the measurements).
--
-- The foreign keys of orders and order_seats cost every order three more queries, each with a row
-- lock on the referenced row (the trigger-run "SELECT … FOR KEY SHARE"): about a fifth of the time
-- of the order statement. None of them guards anything the statements do not already guarantee:
--   orders.show_id      the order statement inserts only for a show row it has just read and
--                       share-locked (kCreateOrders, migration 004): a stronger lock than the key's;
--   orders.user_id      the order statement inserts the user itself when it is not there yet;
--   order_seats.order_id  written by the same statement as its order, from that order's row.
-- Nothing in the system deletes shows, users or orders: shows are cancelled, orders change status.
ALTER TABLE orders DROP CONSTRAINT orders_show_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE order_seats DROP CONSTRAINT order_seats_order_id_fkey;

-- Ticket codes are unique among the orders that have one; an unpaid order has none, and the index
-- need not hold an entry for each of them.
ALTER TABLE orders DROP CONSTRAINT orders_ticket_code_key;
CREATE UNIQUE INDEX orders_ticket_code_key ON orders (ticket_code) WHERE ticket_code IS NOT NULL;
