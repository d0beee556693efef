-- Both mark tables are queues: every stock change marks its SKUs, and the availability publisher and the backorder
-- filler delete the marks they have dealt with. Vacuum would cut the emptied pages off their end under an ACCESS
-- EXCLUSIVE lock, which every reservation marking a SKU then waits behind (see Messaging's 0002 for the outbox).
ALTER TABLE availability_dirty SET (vacuum_truncate = false);
ALTER TABLE backorder_wakeups SET (vacuum_truncate = false);
