-- Outbound commands are a queue the worker empties as the shop accepts them. Vacuum would cut the emptied pages off
-- its end under an ACCESS EXCLUSIVE lock, which every handler queueing a command then waits behind.
ALTER TABLE outbound_commands SET (vacuum_truncate = false);
