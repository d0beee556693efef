-- The outbox is a queue: bursts fill it and the relay empties it again. Vacuum would then cut the emptied pages off
-- its end, and to do that it takes an ACCESS EXCLUSIVE lock on the table: every transaction that publishes an event
-- waits behind it until vacuum gives way (10-26 ms at a time in the orders benchmark), and the next burst extends the
-- table again page by page under the extension lock. Kept, the empty pages are reused instead.
-- VACUUM (TRUNCATE true) still gives the space back when an operator wants it.
ALTER TABLE outbox SET (vacuum_truncate = false);
