-- Shipments: one per order and node (a location: our own warehouse or a 3PL) that holds the order's
-- stock. The order facts fulfillment needs for routing and exception ranking are copied in at
-- request time (priority, value, age), so ranking never waits for the order service.
CREATE TABLE shipments (
    shipment_id      uuid          PRIMARY KEY,
    order_id         uuid          NOT NULL,
    channel          text          NOT NULL,
    order_partner_id text          NOT NULL,
    channel_order_id text          NOT NULL,
    location_id      text          NOT NULL,
    node_kind        text          NOT NULL CHECK (node_kind IN ('warehouse', '3pl')),
    node_partner_id  text          NULL,
    priority         integer       NOT NULL,
    ship_by          timestamptz   NULL,
    currency         char(3)       NOT NULL,
    order_total      numeric(19,4) NOT NULL,
    order_created_at timestamptz   NOT NULL,
    -- The furthest canonical milestone reached; only ever moves forward (see docs/fulfillment.md).
    progress         text          NOT NULL CHECK (progress IN ('requested', 'acknowledged', 'picked', 'packed', 'shipped',
                                                                 'in_transit', 'out_for_delivery', 'delivered')),
    progress_at      timestamptz   NOT NULL,
    -- Exceptions are a side state: while one is open the shipment shows "exception", progress goes on underneath.
    open_exceptions  integer       NOT NULL DEFAULT 0 CHECK (open_exceptions >= 0),
    cancelled_at     timestamptz   NULL,
    cancel_reason    text          NULL,
    milestone        text          GENERATED ALWAYS AS (
                         CASE WHEN cancelled_at IS NOT NULL THEN 'cancelled'
                              WHEN open_exceptions > 0 THEN 'exception'
                              ELSE progress END) STORED,
    created_at       timestamptz   NOT NULL,
    updated_at       timestamptz   NOT NULL,
    CONSTRAINT shipments_order_location_unique UNIQUE (order_id, location_id),
    CONSTRAINT shipments_cancel_before_ship CHECK (cancelled_at IS NULL OR progress IN ('requested', 'acknowledged', 'picked', 'packed'))
);

CREATE INDEX shipments_created_idx ON shipments (created_at, shipment_id);
CREATE INDEX shipments_location_idx ON shipments (location_id, created_at, shipment_id);

-- The check on shipped_quantity is the last line of defence against shipping more than was requested.
CREATE TABLE shipment_lines (
    shipment_id      uuid    NOT NULL REFERENCES shipments (shipment_id),
    line_number      integer NOT NULL,
    line_id          text    NOT NULL,
    sku              text    NOT NULL,
    quantity         integer NOT NULL CHECK (quantity > 0),
    shipped_quantity integer NOT NULL DEFAULT 0 CHECK (shipped_quantity >= 0 AND shipped_quantity <= quantity),
    PRIMARY KEY (shipment_id, line_id)
);

-- Every milestone as reported, late and repeated ones included (applied = false), so the history is
-- complete. A partner event id is recorded once per shipment.
CREATE TABLE shipment_milestones (
    entry_id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shipment_id      uuid        NOT NULL REFERENCES shipments (shipment_id),
    milestone        text        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL,
    source           text        NOT NULL,
    detail           text        NULL,
    applied          boolean     NOT NULL,
    partner_event_id text        NULL
);

CREATE INDEX shipment_milestones_shipment_idx ON shipment_milestones (shipment_id, entry_id);
CREATE UNIQUE INDEX shipment_milestones_partner_event_idx ON shipment_milestones (shipment_id, partner_event_id) WHERE partner_event_id IS NOT NULL;

-- Goods that left a node. The partner's dispatch id (945/856 BSN, webhook id) is unique per shipment,
-- so a dispatch reported twice is recorded once; dispatch_id is ours and unique everywhere.
CREATE TABLE dispatches (
    dispatch_id         uuid        PRIMARY KEY,
    shipment_id         uuid        NOT NULL REFERENCES shipments (shipment_id),
    partner_dispatch_id text        NOT NULL,
    occurred_at         timestamptz NOT NULL,
    recorded_at         timestamptz NOT NULL,
    source              text        NOT NULL,
    CONSTRAINT dispatches_partner_unique UNIQUE (shipment_id, partner_dispatch_id)
);

CREATE TABLE dispatch_lines (
    dispatch_id uuid    NOT NULL REFERENCES dispatches (dispatch_id),
    line_id     text    NOT NULL,
    sku         text    NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (dispatch_id, line_id)
);

-- One row per package (carton, pallet) with its carrier and tracking number; lines when the partner says.
CREATE TABLE packages (
    package_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispatch_id     uuid   NOT NULL REFERENCES dispatches (dispatch_id),
    shipment_id     uuid   NOT NULL REFERENCES shipments (shipment_id),
    carrier         text   NOT NULL,
    tracking_number text   NOT NULL,
    lines           jsonb  NOT NULL DEFAULT '[]'
);

CREATE INDEX packages_shipment_idx ON packages (shipment_id, package_id);

-- The exception list. rank orders it (order priority, value, age at raise time; higher first), due_at
-- is the SLA timer by kind. One open exception per shipment and kind: a repeat report adds history only.
CREATE TABLE fulfillment_exceptions (
    exception_id uuid        PRIMARY KEY,
    shipment_id  uuid        NOT NULL REFERENCES shipments (shipment_id),
    order_id     uuid        NOT NULL,
    channel      text        NOT NULL,
    location_id  text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('lost', 'damaged', 'address_problem', 'on_hold', 'other')),
    detail       text        NOT NULL,
    rank         integer     NOT NULL,
    raised_at    timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    resolved_at  timestamptz NULL,
    resolution   text        NULL
);

CREATE UNIQUE INDEX fulfillment_exceptions_open_idx ON fulfillment_exceptions (shipment_id, kind) WHERE resolved_at IS NULL;
CREATE INDEX fulfillment_exceptions_list_idx ON fulfillment_exceptions ((resolved_at IS NOT NULL), rank DESC, due_at, exception_id);

-- Returns (RMA): authorized once per order and reference, received once.
CREATE TABLE returns (
    return_id     uuid          PRIMARY KEY,
    order_id      uuid          NOT NULL,
    reference     text          NOT NULL,
    channel       text          NOT NULL,
    status        text          NOT NULL CHECK (status IN ('authorized', 'received')),
    reason        text          NULL,
    location_id   text          NULL,
    authorized_at timestamptz   NOT NULL,
    received_at   timestamptz   NULL,
    refund_amount numeric(19,4) NULL,
    currency      char(3)       NULL,
    CONSTRAINT returns_reference_unique UNIQUE (order_id, reference)
);

CREATE TABLE return_lines (
    return_id   uuid    NOT NULL REFERENCES returns (return_id),
    line_number integer NOT NULL,
    line_id     text    NOT NULL,
    sku         text    NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (return_id, line_id)
);

-- What arrived, per line and disposition (a line of two may come back one sellable, one damaged).
CREATE TABLE return_receipts (
    return_id      uuid    NOT NULL REFERENCES returns (return_id),
    receipt_number integer NOT NULL,
    line_id        text    NOT NULL,
    disposition    text    NOT NULL CHECK (disposition IN ('restock', 'damaged')),
    sku            text    NOT NULL,
    quantity       integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (return_id, line_id, disposition)
);

-- Facts about an order that may arrive before the shipments exist (a cancellation overtaking
-- order.accepted): kept so a later order.accepted creates nothing.
CREATE TABLE order_facts (
    order_id    uuid        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('cancelled')),
    reason      text        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (order_id, kind)
);
