-- Every document sent to the ERP, keyed by the external document number the ERP deduplicates on,
-- so a retry can never post twice.
CREATE TABLE postings (
    document_number text        PRIMARY KEY,
    document_type   text        NOT NULL,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    posted_at       timestamptz NULL
);
