-- Notifications: who sent them, which order they name, and retry bookkeeping for the background worker.
ALTER TABLE notifications
    ADD COLUMN partner_id      text        NOT NULL DEFAULT '',
    ADD COLUMN amazon_order_id text        NOT NULL DEFAULT '',
    ADD COLUMN source          text        NOT NULL DEFAULT 'notification',
    ADD COLUMN attempts        integer     NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN lease_until     timestamptz NULL,
    ADD COLUMN last_error      text        NULL,
    ADD COLUMN outcome         text        NULL;

DROP INDEX notifications_pending_idx;
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'received';

-- Amazon orders this adapter handed to OrderService: the link back for cancellations and shipment confirmations.
CREATE TABLE amazon_orders (
    amazon_order_id text        PRIMARY KEY,
    order_id        uuid        NULL,
    partner_id      text        NOT NULL,
    marketplace_id  text        NOT NULL DEFAULT '',
    fulfillment     text        NOT NULL,
    amazon_status   text        NOT NULL,
    last_updated    timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX amazon_orders_order_id_idx ON amazon_orders (order_id);

-- Anything an operator must look at: rejected deliveries (quarantined with their raw body) and unmappable data.
CREATE TABLE exceptions (
    id         bigserial   PRIMARY KEY,
    code       text        NOT NULL,
    source     text        NOT NULL,
    reference  text        NULL,
    message    text        NOT NULL,
    payload    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The backup poll's LastUpdatedAfter watermark.
CREATE TABLE poll_watermarks (
    name          text        PRIMARY KEY,
    updated_after timestamptz NOT NULL,
    polled_at     timestamptz NOT NULL DEFAULT now()
);

-- Durable outbound queue of channel quantities: one row per SKU, so a burst coalesces to the latest value.
CREATE TABLE quantity_updates (
    sku             text        PRIMARY KEY,
    quantity        integer     NOT NULL,
    sequence        bigint      NOT NULL,
    as_of           timestamptz NOT NULL,
    pending         boolean     NOT NULL DEFAULT true,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz NULL,
    last_error      text        NULL,
    sent_quantity   integer     NULL,
    sent_sequence   bigint      NULL,
    sent_at         timestamptz NULL,
    feed_id         text        NULL
);

CREATE INDEX quantity_updates_due_idx ON quantity_updates (next_attempt_at) WHERE pending;

-- JSON_LISTINGS_FEED submissions still being processed by Amazon; the SKUs they carry, to requeue on failure.
CREATE TABLE listings_feeds (
    feed_id     text        PRIMARY KEY,
    document_id text        NOT NULL,
    items       jsonb       NOT NULL,
    status      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    checked_at  timestamptz NULL
);

CREATE INDEX listings_feeds_open_idx ON listings_feeds (created_at) WHERE status IN ('IN_QUEUE', 'IN_PROGRESS');

-- Durable outbound queue of shipment confirmations, one per shipment.
CREATE TABLE shipment_confirmations (
    shipment_id     text        PRIMARY KEY,
    order_id        uuid        NOT NULL,
    amazon_order_id text        NOT NULL,
    marketplace_id  text        NOT NULL,
    carrier         text        NOT NULL,
    tracking_number text        NOT NULL,
    shipped_at      timestamptz NOT NULL,
    items           jsonb       NOT NULL,
    pending         boolean     NOT NULL DEFAULT true,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz NULL,
    last_error      text        NULL,
    confirmed_at    timestamptz NULL
);

CREATE INDEX shipment_confirmations_due_idx ON shipment_confirmations (next_attempt_at) WHERE pending;
