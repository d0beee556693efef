ALTER TABLE widgets ADD COLUMN colour text NOT NULL DEFAULT 'grey';
-- Long enough that a request arriving during migration would be noticed by the hosting test.
SELECT pg_sleep(1);
