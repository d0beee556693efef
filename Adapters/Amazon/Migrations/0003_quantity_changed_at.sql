-- The oldest availability change a pending quantity carries (inventory's as-of). Coalescing keeps the oldest
-- until Amazon accepts a value, so the freshness measured then never flatters (docs/telemetry.md).
ALTER TABLE quantity_updates ADD COLUMN changed_at timestamptz NULL;
