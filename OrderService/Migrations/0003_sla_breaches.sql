-- Orders that missed their partner's service level (docs/telemetry.md), one row per order and SLA, so a
-- redelivered event or a second acceptance path never raises the same breach twice. Operators read them
-- through /admin/orders/sla-breaches (the operations console's exception list).
CREATE TABLE order_sla_breaches (
    breach_id          uuid        PRIMARY KEY,
    order_id           uuid        NOT NULL REFERENCES orders (order_id),
    partner_id         text        NOT NULL,
    channel            text        NOT NULL,
    channel_order_id   text        NOT NULL,
    sla                text        NOT NULL,
    measured_seconds   double precision NOT NULL,
    threshold_seconds  double precision NOT NULL,
    raised_at          timestamptz NOT NULL,
    CONSTRAINT order_sla_breaches_once UNIQUE (order_id, sla)
);

CREATE INDEX order_sla_breaches_raised_idx ON order_sla_breaches (raised_at DESC);
