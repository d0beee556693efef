-- Raw deliveries are stored before Shopify gets its 200, then processed from here; the delivery
-- key (X-Shopify-Event-Id, else X-Shopify-Webhook-Id) makes a redelivery a no-op.
CREATE TABLE webhook_deliveries (
    delivery_id  text        PRIMARY KEY,
    shop_domain  text        NOT NULL,
    topic        text        NOT NULL,
    payload      jsonb       NOT NULL,
    status       text        NOT NULL DEFAULT 'received',
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz NULL
);

CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (received_at) WHERE status = 'received';
