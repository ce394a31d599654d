-- Show cancellation is now two statements of one transaction in booking/order_store.cpp
-- (kMarkShowCancelled, then kCancelShowOrders with a fresh snapshot), built from the same SQL as
-- every other order change, instead of a PL/pgSQL function with its own copy of it. The waiting
-- works as migration 004 describes: READ COMMITTED gives each statement of the transaction its own
-- snapshot, as it gave each statement of the function.
DROP FUNCTION marquee_cancel_show(uuid);
