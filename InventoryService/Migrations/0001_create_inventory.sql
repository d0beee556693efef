-- Inventory: stock per SKU per location, reservations per order, backorders, channel allocations,
-- the ledger, and the marks that drive availability events and backorder retries.
-- Lock order every transaction follows (so concurrent ones never deadlock): orders row -> positions
-- (by sku, location_id) -> availability_dirty / backorder_wakeups (by sku) -> outbox.

CREATE TABLE items (
    sku        text        PRIMARY KEY CHECK (length(sku) BETWEEN 1 AND 64),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- rank orders locations for the reservation policy: lower ships first.
CREATE TABLE locations (
    location_id text        PRIMARY KEY CHECK (length(location_id) BETWEEN 1 AND 64),
    kind        text        NOT NULL CHECK (kind IN ('warehouse', '3pl')),
    partner_id  text        NULL,
    rank        integer     NOT NULL DEFAULT 100 CHECK (rank >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per SKU per location. The checks are the last line of defence against overselling:
-- whatever the application does, Postgres refuses a negative position. reserved may exceed on_hand
-- only when a physical count (the truth) found less than was promised; available is then 0.
CREATE TABLE positions (
    sku             text        NOT NULL REFERENCES items (sku),
    location_id     text        NOT NULL REFERENCES locations (location_id),
    on_hand         integer     NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved        integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    safety_stock    integer     NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
    -- When the node last counted this SKU (SetOnHand); an older count is ignored.
    last_counted_at timestamptz NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, location_id)
);

-- Every order inventory has heard of: reserved, waiting as a backorder, or cancelled (possibly
-- before it was ever received: the row then stops a late order.received from reserving).
CREATE TABLE orders (
    order_id    uuid        PRIMARY KEY,
    channel     text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('reserved', 'backordered', 'cancelled')),
    priority    integer     NOT NULL DEFAULT 0,
    received_at timestamptz NULL,
    -- The first outcome when it was a shortage: [{sku, requested, available}].
    shortages   jsonb       NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- What an order holds, per line and location. A partial shipment splits a held row into a smaller
-- held row and a committed one.
CREATE TABLE reservations (
    reservation_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id       uuid        NOT NULL REFERENCES orders (order_id),
    line_id        text        NOT NULL,
    sku            text        NOT NULL,
    location_id    text        NOT NULL,
    quantity       integer     NOT NULL CHECK (quantity > 0),
    state          text        NOT NULL CHECK (state IN ('held', 'released', 'committed')),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, line_id, location_id, state)
);

-- Orders waiting for stock, retried in priority (higher first) then age order when one of their
-- SKUs gets stock.
CREATE TABLE backorders (
    order_id    uuid        PRIMARY KEY REFERENCES orders (order_id),
    channel     text        NOT NULL,
    priority    integer     NOT NULL,
    received_at timestamptz NOT NULL,
    lines       jsonb       NOT NULL,
    skus        text[]      NOT NULL,
    queued_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX backorders_skus_idx ON backorders USING gin (skus);
CREATE INDEX backorders_queue_idx ON backorders (priority DESC, received_at, order_id);

-- Shipments already committed, so a redelivered shipment changes nothing and answers the same.
CREATE TABLE shipments (
    shipment_id  text        PRIMARY KEY,
    order_id     uuid        NOT NULL,
    committed    jsonb       NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now()
);

-- Share of ATP and buffer per SKU and channel. No row: the channel may offer all of ATP.
CREATE TABLE channel_allocations (
    sku           text        NOT NULL REFERENCES items (sku),
    channel       text        NOT NULL,
    share_percent integer     NOT NULL CHECK (share_percent BETWEEN 0 AND 100),
    buffer        integer     NOT NULL CHECK (buffer >= 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, channel)
);

-- Every change to a position, append-only, so any quantity can be explained: per (sku, location)
-- the sums of the deltas equal the position.
CREATE TABLE ledger (
    entry_id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku                text        NOT NULL,
    location_id        text        NOT NULL,
    on_hand_delta      integer     NOT NULL,
    reserved_delta     integer     NOT NULL,
    safety_stock_delta integer     NOT NULL DEFAULT 0,
    reason             text        NOT NULL,
    reference          text        NULL,
    occurred_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ledger_sku_location_idx ON ledger (sku, location_id, entry_id);

CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the inventory ledger is append-only';
END;
$$;

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();

-- SKUs whose availability changed since it was last published. Written in the transaction of the
-- change (version bumped on every change); the publisher deletes a mark only if its version is the
-- one it published, so a change racing with publication is published next time.
CREATE TABLE availability_dirty (
    sku       text        PRIMARY KEY,
    version   bigint      NOT NULL DEFAULT 1,
    marked_at timestamptz NOT NULL DEFAULT now()
);

-- The sequence of the last availability event per SKU (monotonic; consumers keep the highest).
CREATE TABLE availability_published (
    sku          text        PRIMARY KEY,
    sequence     bigint      NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);

-- SKUs that got stock while backorders wait for them; same versioned-mark scheme.
CREATE TABLE backorder_wakeups (
    sku       text        PRIMARY KEY,
    version   bigint      NOT NULL DEFAULT 1,
    marked_at timestamptz NOT NULL DEFAULT now()
);
