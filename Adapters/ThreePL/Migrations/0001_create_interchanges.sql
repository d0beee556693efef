-- X12 interchanges in both directions. Control numbers are unique per partner and direction, so a
-- re-sent interchange is recognised and answered idempotently.
CREATE TABLE interchanges (
    partner_id     text        NOT NULL,
    direction      text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    control_number text        NOT NULL,
    document       text        NOT NULL,
    status         text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partner_id, direction, control_number)
);
