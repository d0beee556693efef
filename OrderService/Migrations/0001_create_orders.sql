-- Canonical orders. Idempotency key: a channel order id is unique per channel and partner, because
-- two B2B partners may both send "PO-1001" and each must get its own order.
CREATE TABLE orders (
    order_id         uuid        PRIMARY KEY,
    channel          text        NOT NULL,
    partner_id       text        NOT NULL,
    channel_order_id text        NOT NULL,
    status           text        NOT NULL,
    currency         char(3)     NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_channel_order_unique UNIQUE (channel, partner_id, channel_order_id)
);

CREATE INDEX orders_partner_created_idx ON orders (partner_id, created_at DESC);
CREATE INDEX orders_status_created_idx ON orders (status, created_at);
