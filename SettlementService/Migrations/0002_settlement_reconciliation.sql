-- The scaffold's tables never held a settlement (no endpoint wrote to them), so they are replaced
-- rather than altered: settlements get our own id, the partner, status and the kept report.
DROP TABLE settlement_lines;
DROP TABLE settlements;

-- One row per channel settlement (Amazon settlement id, Shopify payout id). The unique key makes a
-- re-sent report find the stored one; content_hash tells an identical resend from a changed one.
CREATE TABLE settlements (
    settlement_id         uuid          PRIMARY KEY,
    channel               text          NOT NULL,
    partner_id            text          NOT NULL,
    external_id           text          NOT NULL,
    period_start          timestamptz   NOT NULL,
    period_end            timestamptz   NOT NULL,
    deposit_date          timestamptz   NULL,
    currency              char(3)       NOT NULL,
    total_amount          numeric(19,4) NOT NULL,
    lines_total           numeric(19,4) NOT NULL,
    line_count            integer       NOT NULL,
    header_total_mismatch boolean       NOT NULL,
    status                text          NOT NULL
                          CHECK (status IN ('reconciled', 'mismatch', 'posted', 'posting_rejected')),
    content_hash          bytea         NOT NULL,
    raw_report            bytea         NULL,
    received_at           timestamptz   NOT NULL DEFAULT now(),
    reconciled_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT settlements_external_unique UNIQUE (channel, external_id)
);

CREATE INDEX settlements_received_idx ON settlements (received_at DESC, settlement_id);

-- The canonical lines. kind is how reconciliation read the line (sale, refund, fee, other), so
-- later settlements can see what was already settled per order.
CREATE TABLE settlement_lines (
    settlement_id      uuid          NOT NULL REFERENCES settlements (settlement_id),
    line_number        integer       NOT NULL,
    order_reference    text          NULL,
    transaction_type   text          NOT NULL,
    amount_type        text          NOT NULL,
    amount_description text          NOT NULL,
    amount             numeric(19,4) NOT NULL,
    sku                text          NULL,
    quantity           integer       NULL,
    posted_at          timestamptz   NULL,
    line_reference     text          NULL,
    kind               text          NOT NULL,
    PRIMARY KEY (settlement_id, line_number)
);

CREATE INDEX settlement_lines_order_idx ON settlement_lines (order_reference) WHERE order_reference IS NOT NULL;

-- Reconciliation per order (and per charge not tied to an order): matched or why not.
CREATE TABLE reconciliation_results (
    settlement_id   uuid          NOT NULL REFERENCES settlements (settlement_id),
    result_number   integer       NOT NULL,
    order_reference text          NOT NULL,
    result          text          NOT NULL
                    CHECK (result IN ('matched', 'amount_mismatch', 'missing_order', 'unexpected_charge', 'duplicate', 'unmapped_posting')),
    expected        numeric(19,4) NULL,
    actual          numeric(19,4) NULL,
    reason          text          NOT NULL,
    line_numbers    integer[]     NOT NULL,
    PRIMARY KEY (settlement_id, result_number)
);

CREATE INDEX reconciliation_results_mismatch_idx ON reconciliation_results (result) WHERE result <> 'matched';

-- Journal entries built by the posting rules, one per currency; the document number is what the
-- ERP deduplicates on, derived from the settlement.
CREATE TABLE settlement_journals (
    document_number text          PRIMARY KEY,
    settlement_id   uuid          NOT NULL REFERENCES settlements (settlement_id),
    currency        char(3)       NOT NULL,
    posting_date    date          NOT NULL,
    entry           jsonb         NOT NULL,
    status          text          NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'rejected')),
    erp_entry_id    text          NULL,
    reject_code     text          NULL,
    reject_reason   text          NULL,
    changed_at      timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX settlement_journals_settlement_idx ON settlement_journals (settlement_id);

-- Reports refused as bad input: nothing of them is a settlement, but operators see what came and why.
CREATE TABLE rejected_reports (
    report_id   uuid        PRIMARY KEY,
    channel     text        NOT NULL,
    partner_id  text        NOT NULL,
    code        text        NOT NULL,
    errors      jsonb       NOT NULL,
    body        bytea       NOT NULL,
    body_bytes  bigint      NOT NULL,
    truncated   boolean     NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX rejected_reports_received_idx ON rejected_reports (received_at DESC);

-- What the platform knows, fed by order and return events (prices from the order service, since the
-- events carry none). channel_order_id is null for a stub made by a status event that overtook
-- order.received (a dead-letter replay); order.received completes it.
CREATE TABLE known_orders (
    order_id            uuid          PRIMARY KEY,
    channel             text          NULL,
    partner_id          text          NULL,
    channel_order_id    text          NULL,
    fulfillment_channel text          NULL,
    currency            char(3)       NULL,
    total               numeric(19,4) NULL,
    status              text          NOT NULL DEFAULT 'received'
                        CHECK (status IN ('received', 'accepted', 'partially_shipped', 'shipped', 'cancelled')),
    shipped_at          timestamptz   NULL,
    updated_at          timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX known_orders_channel_idx ON known_orders (channel, channel_order_id);

CREATE TABLE known_order_lines (
    order_id   uuid          NOT NULL REFERENCES known_orders (order_id),
    line_id    text          NOT NULL,
    sku        text          NOT NULL,
    quantity   integer       NOT NULL,
    unit_price numeric(19,4) NULL,
    total      numeric(19,4) NULL,
    PRIMARY KEY (order_id, line_id)
);

CREATE TABLE known_returns (
    return_id     uuid          PRIMARY KEY,
    order_id      uuid          NOT NULL,
    channel       text          NOT NULL,
    refund_amount numeric(19,4) NOT NULL,
    currency      char(3)       NOT NULL,
    received_at   timestamptz   NOT NULL
);

CREATE INDEX known_returns_order_idx ON known_returns (order_id);
