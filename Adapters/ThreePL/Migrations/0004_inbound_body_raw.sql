-- A body PostgreSQL text cannot hold (a NUL character) is refused but still kept for operators: its exact bytes
-- here, a readable copy in body.
ALTER TABLE inbound_documents ADD COLUMN body_raw bytea;
