-- The scaffold's webhook_deliveries kept a jsonb payload, which re-serializes the body (key order,
-- duplicate keys, number forms): operators need the bytes Shopify signed. Nothing ever wrote to it,
-- so it is replaced rather than altered.
DROP TABLE webhook_deliveries;

-- Raw deliveries, stored before Shopify gets its 200 and processed from here by the worker. The
-- delivery key (X-Shopify-Event-Id, else X-Shopify-Webhook-Id) makes a redelivery a no-op.
CREATE TABLE webhook_deliveries (
    delivery_id     text        PRIMARY KEY,
    webhook_id      text        NULL,
    shop_domain     text        NOT NULL,
    partner_id      text        NOT NULL,
    topic           text        NOT NULL,
    api_version     text        NULL,
    triggered_at    timestamptz NULL,
    body            bytea       NOT NULL,
    status          text        NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'processed', 'skipped', 'exception')),
    outcome         text        NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text        NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz NULL
);

CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'received';

-- What the adapter knows about each Shopify order: the newest fact applied (Shopify's updated_at),
-- so facts arriving late are recognized as stale whatever order they come in.
CREATE TABLE shopify_orders (
    shop_domain        text        NOT NULL,
    shopify_order_id   bigint      NOT NULL,
    partner_id         text        NOT NULL,
    order_id           uuid        NULL,
    name               text        NULL,
    financial_status   text        NULL,
    last_updated_at    timestamptz NULL,
    cancelled_at       timestamptz NULL,
    last_delivery_id   text        NULL,
    changed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shop_domain, shopify_order_id)
);

CREATE UNIQUE INDEX shopify_orders_order_id_idx ON shopify_orders (order_id) WHERE order_id IS NOT NULL;

-- refunds/create facts, kept for settlements (no canonical refund contract exists yet).
CREATE TABLE shopify_refunds (
    shop_domain      text        NOT NULL,
    refund_id        bigint      NOT NULL,
    shopify_order_id bigint      NOT NULL,
    partner_id       text        NOT NULL,
    amount           numeric(19, 4) NULL,
    currency         text        NULL,
    restock          boolean     NOT NULL DEFAULT false,
    lines            jsonb       NOT NULL DEFAULT '[]',
    refunded_at      timestamptz NULL,
    delivery_id      text        NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shop_domain, refund_id)
);

-- Our SKU for each Shopify inventory item, and the location whose quantity we set for it.
CREATE TABLE sku_map (
    sku               text        PRIMARY KEY,
    inventory_item_id bigint      NOT NULL UNIQUE,
    location_id       bigint      NOT NULL,
    variant_id        bigint      NULL UNIQUE,
    source            text        NOT NULL DEFAULT 'admin' CHECK (source IN ('admin', 'sync')),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Durable outbound queue. A pending inventory set is one row per SKU: a newer quantity replaces
-- the pending one (version bumps), so the sender can tell whether what it sent is still the latest.
CREATE TABLE outbound_commands (
    command_id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('set_inventory', 'create_fulfillment')),
    coalesce_key    text        NOT NULL,
    payload         jsonb       NOT NULL,
    sequence        bigint      NOT NULL DEFAULT 0,
    version         integer     NOT NULL DEFAULT 1,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'unmapped', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz NULL,
    last_error      text        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX outbound_commands_key_idx ON outbound_commands (coalesce_key);
CREATE INDEX outbound_commands_due_idx ON outbound_commands (next_attempt_at) WHERE status = 'pending';

-- The newest availability sequence seen per SKU: older events are skipped.
CREATE TABLE inventory_sync (
    sku            text        PRIMARY KEY,
    last_sequence  bigint      NOT NULL,
    last_quantity  integer     NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now()
);

-- Quantities we told Shopify, kept a while so the inventory_levels/update webhooks they cause
-- are recognized as our own echo.
CREATE TABLE inventory_pushes (
    push_id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inventory_item_id bigint      NOT NULL,
    location_id       bigint      NOT NULL,
    sku               text        NOT NULL,
    quantity          integer     NOT NULL,
    pushed_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX inventory_pushes_item_idx ON inventory_pushes (inventory_item_id, location_id, pushed_at DESC);

-- What Shopify itself reported (inventory_levels/update that were not our echo): sync drift.
CREATE TABLE channel_levels (
    inventory_item_id bigint      NOT NULL,
    location_id       bigint      NOT NULL,
    available         integer     NOT NULL,
    reported_at       timestamptz NOT NULL,
    PRIMARY KEY (inventory_item_id, location_id)
);

-- Fulfillments created in Shopify for our shipments.
CREATE TABLE shopify_fulfillments (
    shipment_id      text        PRIMARY KEY,
    order_id         uuid        NOT NULL,
    shopify_order_id bigint      NOT NULL,
    fulfillment_id   bigint      NULL,
    tracking_number  text        NULL,
    carrier          text        NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Everything the adapter could not take: rejected requests (stage intake), payloads it could not
-- map, refusals by the order service, outbound calls Shopify refused. With the raw body, for people.
CREATE TABLE shopify_exceptions (
    exception_id     uuid        PRIMARY KEY,
    stage            text        NOT NULL CHECK (stage IN ('intake', 'mapping', 'order_service', 'outbound')),
    code             text        NOT NULL,
    reason           text        NOT NULL,
    delivery_id      text        NULL,
    command_id       bigint      NULL,
    shop_domain      text        NULL,
    partner_id       text        NULL,
    topic            text        NULL,
    shopify_order_id bigint      NULL,
    body             bytea       NULL,
    body_bytes       bigint      NOT NULL DEFAULT 0,
    body_truncated   boolean     NOT NULL DEFAULT false,
    status           text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'retried', 'resolved')),
    occurrences      integer     NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_seen_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at      timestamptz NULL
);

-- One open row per delivery and code: a redelivery of the same bad request counts, not duplicates.
CREATE UNIQUE INDEX shopify_exceptions_delivery_idx ON shopify_exceptions (delivery_id, code) WHERE status = 'open' AND delivery_id IS NOT NULL;
CREATE INDEX shopify_exceptions_status_idx ON shopify_exceptions (status, created_at DESC);
