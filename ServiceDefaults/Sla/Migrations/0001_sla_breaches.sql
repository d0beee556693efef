-- SLA breaches this service measured (docs/telemetry.md). One row per SLA and subject (an order, a
-- shipment, a partner's hour of outbound backlog), so a redelivered event or a second sampler tick never
-- raises the same breach twice. Operators read them through /admin/sla-breaches (the console's exception list).
CREATE TABLE sla_breaches (
    breach_id         uuid             PRIMARY KEY,
    sla               text             NOT NULL,
    subject           text             NOT NULL,
    partner_id        text             NOT NULL,
    channel           text             NOT NULL,
    order_id          uuid             NULL,
    reference         text             NULL,
    measured_seconds  double precision NOT NULL,
    threshold_seconds double precision NOT NULL,
    raised_at         timestamptz      NOT NULL,
    CONSTRAINT sla_breaches_once UNIQUE (sla, subject)
);

CREATE INDEX sla_breaches_raised_idx ON sla_breaches (raised_at DESC, breach_id DESC);
