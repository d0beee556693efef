-- Stock changes append their availability marks instead of bumping one row per SKU. The bump took the mark's row
-- lock, so whenever the publisher held that mark (from its read to its commit) the change waited, holding the
-- positions every reservation of the SKU queues on. An insert waits for no one. The publisher deletes exactly the
-- rows it read, so a mark committed while it publishes stays for the next window.
ALTER TABLE availability_dirty DROP CONSTRAINT availability_dirty_pkey;
ALTER TABLE availability_dirty DROP COLUMN version;
ALTER TABLE availability_dirty ADD COLUMN mark_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
