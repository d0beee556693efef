-- Shipments recorded from fulfillment.shipment_dispatched name the fulfillment shipment they belong to
-- (shipment_id is then the dispatch id); deliveries are reported per fulfillment shipment. An order is
-- delivered when it has shipped in full and every fulfillment shipment that carried goods has arrived.
ALTER TABLE order_shipments ADD COLUMN fulfillment_shipment_id uuid NULL;

CREATE TABLE order_deliveries (
    order_id     uuid        NOT NULL REFERENCES orders (order_id),
    shipment_id  uuid        NOT NULL,
    delivered_at timestamptz NOT NULL,
    PRIMARY KEY (order_id, shipment_id)
);
