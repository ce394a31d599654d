-- Show cancellation is two statements of one transaction in booking/order_store.cpp
-- (kMarkShowCancelled, then kCancelShowOrders with a fresh snapshot), built from the same SQL as
-- every other order change. The waiting works as migration 004 describes: READ COMMITTED gives each
-- statement of the transaction its own snapshot. The function of migration 004 is not used.
DROP FUNCTION marquee_cancel_show(uuid);
