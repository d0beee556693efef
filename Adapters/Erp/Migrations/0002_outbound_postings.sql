-- The durable outbound queue to the ERP. 0001's postings table (never written) becomes the queue: one row per
-- (kind, external document number), the key the ERP deduplicates on, so a redelivered event queues nothing new
-- and a retry can never post twice.
ALTER TABLE postings DROP CONSTRAINT postings_pkey;
ALTER TABLE postings
    -- What the event called it: the settlement's document number, the shipment id, the return id.
    ADD COLUMN source_reference text        NOT NULL DEFAULT '',
    ADD COLUMN settlement_id    uuid        NULL,
    ADD COLUMN next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN lease_until      timestamptz NULL,
    -- An attempt may have reached the ERP without us learning the outcome (timeout, lost answer, crash):
    -- the next attempt looks the document up before posting it again.
    ADD COLUMN may_have_posted  boolean     NOT NULL DEFAULT false,
    ADD COLUMN erp_id           text        NULL,
    ADD COLUMN erp_number       text        NULL,
    ADD COLUMN rejection_code   text        NULL,
    ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT postings_status_check CHECK (status IN ('pending', 'posted', 'rejected'));
ALTER TABLE postings ADD PRIMARY KEY (document_type, document_number);
CREATE INDEX postings_due_idx ON postings (next_attempt_at) WHERE status = 'pending';

-- What operators must look at: the ERP's refusals (with its reason) and items inventory would not take.
-- One open exception per document and code, so a repeated sync does not pile them up.
CREATE TABLE exceptions (
    exception_id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_type    text        NOT NULL,
    document_number  text        NOT NULL,
    source_reference text        NOT NULL,
    code             text        NOT NULL,
    reason           text        NOT NULL,
    erp_status       integer     NULL,
    retryable        boolean     NOT NULL,
    status           text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'retried', 'dismissed', 'resolved')),
    payload          text        NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    closed_at        timestamptz NULL
);
CREATE UNIQUE INDEX exceptions_open_idx ON exceptions (document_type, document_number, code) WHERE status = 'open';

-- The item-master sync's watermark: items changed at or after it are read next time.
CREATE TABLE item_sync (
    name             text        PRIMARY KEY,
    modified_since   timestamptz NULL,
    last_run_at      timestamptz NULL,
    last_success_at  timestamptz NULL,
    last_error       text        NULL,
    pages            integer     NOT NULL DEFAULT 0,
    items            integer     NOT NULL DEFAULT 0
);
