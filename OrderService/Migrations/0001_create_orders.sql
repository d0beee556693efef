-- Canonical orders. Idempotency key: a channel order id is unique per channel and partner, because
-- two B2B partners may both send "PO-1001" and each must get its own order.
CREATE TABLE orders (
    order_id            uuid          PRIMARY KEY,
    channel             text          NOT NULL,
    partner_id          text          NOT NULL,
    channel_order_id    text          NOT NULL,
    customer_reference  text          NULL,
    ship_to_name        text          NOT NULL,
    ship_to_line1       text          NOT NULL,
    ship_to_line2       text          NULL,
    ship_to_city        text          NOT NULL,
    ship_to_region      text          NOT NULL,
    ship_to_postal_code text          NOT NULL,
    ship_to_country     char(2)       NOT NULL,
    currency            char(3)       NOT NULL,
    subtotal            numeric(19,4) NOT NULL,
    discount_total      numeric(19,4) NOT NULL,
    tax_total           numeric(19,4) NOT NULL,
    total               numeric(19,4) NOT NULL,
    fulfillment_channel text          NOT NULL CHECK (fulfillment_channel IN ('merchant', 'marketplace')),
    requested_ship_by   timestamptz   NULL,
    priority            integer       NOT NULL DEFAULT 0,
    status              text          NOT NULL CHECK (status IN ('received', 'reserved', 'backordered', 'accepted', 'released',
                                                                  'partially_shipped', 'shipped', 'delivered', 'cancelled', 'returned')),
    -- Fingerprints of what the channel sent, so a resubmission is told apart from an update without
    -- comparing every column: the locked part (currency, fulfillment channel, lines) and the rest.
    lines_hash          bytea         NOT NULL,
    header_hash         bytea         NOT NULL,
    -- Where inventory holds the stock (the allocations of inventory.reserved), for audit.
    allocations         jsonb         NULL,
    version             bigint        NOT NULL DEFAULT 1,
    created_at          timestamptz   NOT NULL,
    updated_at          timestamptz   NOT NULL,
    CONSTRAINT orders_channel_order_unique UNIQUE (channel, partner_id, channel_order_id)
);

-- Keyset paging walks (created_at, order_id) downwards, per partner (partner surface) or overall (operators).
CREATE INDEX orders_partner_created_idx ON orders (partner_id, created_at DESC, order_id DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC, order_id DESC);
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC);

CREATE TABLE order_lines (
    order_id         uuid          NOT NULL REFERENCES orders (order_id),
    line_number      integer       NOT NULL,
    line_id          text          NOT NULL,
    sku              text          NOT NULL,
    quantity         integer       NOT NULL CHECK (quantity > 0),
    unit_price       numeric(19,4) NOT NULL CHECK (unit_price >= 0),
    discount         numeric(19,4) NOT NULL,
    tax              numeric(19,4) NOT NULL,
    total            numeric(19,4) NOT NULL,
    shipped_quantity integer       NOT NULL DEFAULT 0 CHECK (shipped_quantity >= 0 AND shipped_quantity <= quantity),
    PRIMARY KEY (order_id, line_id),
    UNIQUE (order_id, line_number)
);

CREATE TABLE order_status_history (
    entry_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id   uuid        NOT NULL REFERENCES orders (order_id),
    status     text        NOT NULL,
    reason     text        NOT NULL,
    at         timestamptz NOT NULL
);

CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, entry_id);

-- Shipments fulfillment reported; recording one twice (same shipment id) changes nothing.
CREATE TABLE order_shipments (
    order_id        uuid        NOT NULL REFERENCES orders (order_id),
    shipment_id     text        NOT NULL,
    lines           jsonb       NOT NULL,
    carrier         text        NULL,
    tracking_number text        NULL,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (order_id, shipment_id)
);

-- Facts about an order that arrived before the order itself (a channel's cancellation overtaking its
-- creation). Kept per channel order id and applied, in the creating transaction, when the order arrives.
CREATE TABLE order_early_facts (
    channel          text        NOT NULL,
    partner_id       text        NOT NULL,
    channel_order_id text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('cancel')),
    reason           text        NOT NULL,
    received_at      timestamptz NOT NULL,
    applied_at       timestamptz NULL,
    order_id         uuid        NULL,
    PRIMARY KEY (channel, partner_id, channel_order_id, kind)
);

-- The one-round-trip create path (one implicit transaction) cannot branch; this check makes it fail,
-- and roll back, when a fact waits for the order, so the transactional path applies the fact.
CREATE FUNCTION orders_assert_no_early_fact(p_channel text, p_partner_id text, p_channel_order_id text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM order_early_facts
               WHERE channel = p_channel AND partner_id = p_partner_id AND channel_order_id = p_channel_order_id AND applied_at IS NULL) THEN
        RAISE EXCEPTION 'a fact waits for this order' USING ERRCODE = 'OE001';
    END IF;
END
$$;
