-- When the oldest change a pending quantity update carries happened (inventory's as-of). Coalescing keeps the
-- oldest, so the freshness measured when the shop acknowledges the quantity never flatters (docs/telemetry.md).
ALTER TABLE outbound_commands ADD COLUMN changed_at timestamptz NULL;
