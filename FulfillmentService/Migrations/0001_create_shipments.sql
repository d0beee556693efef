CREATE TABLE shipments (
    shipment_id uuid        PRIMARY KEY,
    order_id    uuid        NOT NULL,
    location_id text        NOT NULL,
    status      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX shipments_order_idx ON shipments (order_id);

-- Milestones are kept as received (duplicates and late arrivals included) so the history is
-- complete; the shipment's status only ever moves forward.
CREATE TABLE shipment_milestones (
    milestone_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shipment_id  uuid        NOT NULL REFERENCES shipments (shipment_id),
    milestone    text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    source       text        NOT NULL
);

CREATE INDEX shipment_milestones_shipment_idx ON shipment_milestones (shipment_id, occurred_at);
