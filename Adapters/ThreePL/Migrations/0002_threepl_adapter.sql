-- Every body a 3PL sent, stored before anything reads it, with the answer it got (the 997/TA1 interchange
-- for X12), so a crash after storing resumes and a duplicate gets the same answer.
CREATE TABLE inbound_documents (
    document_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id   text        NOT NULL,
    format       text        NOT NULL CHECK (format IN ('x12', 'json')),
    body         text        NOT NULL,
    body_sha256  text        NOT NULL,
    status       text        NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'duplicate', 'rejected')),
    response     text,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
CREATE INDEX inbound_documents_unprocessed ON inbound_documents (document_id) WHERE status = 'received';

-- Interchange control numbers per partner and direction (table from 0001): inbound rows keep the answer
-- given, outbound rows the interchange sent.
ALTER TABLE interchanges
    ADD COLUMN document_id bigint,
    ADD COLUMN body_sha256 text,
    ADD COLUMN ack         text;

-- Functional group control numbers per partner and direction. Inbound rows keep the group's 997 content,
-- so the same group inside another interchange is answered alike and applied once.
CREATE TABLE interchange_groups (
    partner_id          text        NOT NULL,
    direction           text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    group_control       text        NOT NULL,
    interchange_control text        NOT NULL,
    functional_id       text        NOT NULL,
    ack                 jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partner_id, direction, group_control)
);

-- Accepted transaction sets and JSON events waiting to be applied to Fulfillment/Inventory.
CREATE TABLE inbound_work (
    work_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id     bigint      NOT NULL REFERENCES inbound_documents (document_id),
    partner_id      text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('945', '856', '846', '997', 'json')),
    reference       text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'quarantined')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    applied_at      timestamptz,
    UNIQUE (document_id, reference)
);
CREATE INDEX inbound_work_due ON inbound_work (next_attempt_at, work_id) WHERE status = 'pending';

-- JSON event ids already taken, per partner.
CREATE TABLE partner_events (
    partner_id  text        NOT NULL,
    event_id    text        NOT NULL,
    document_id bigint      NOT NULL REFERENCES inbound_documents (document_id),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partner_id, event_id)
);

-- What was refused or could not be applied, for operators: never applied, kept with the reason.
CREATE TABLE quarantine (
    quarantine_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id    text        NOT NULL,
    source        text        NOT NULL CHECK (source IN ('x12', 'json', 'apply', 'outbound')),
    reason_code   text        NOT NULL,
    reason        text        NOT NULL,
    reference     text,
    document_id   bigint,
    work_id       bigint,
    message_id    bigint,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_by_partner ON quarantine (partner_id, quarantine_id DESC);

-- Shipments we asked a 3PL to ship, by the short reference the 3PL sees (940 W05-02 / JSON reference).
CREATE SEQUENCE order_reference_seq;
CREATE TABLE shipment_orders (
    shipment_id     uuid        PRIMARY KEY,
    partner_id      text        NOT NULL,
    order_reference text        UNIQUE,
    order_id        uuid,
    location_id     text,
    lines           jsonb       NOT NULL DEFAULT '[]',
    status          text        NOT NULL CHECK (status IN ('requested', 'cancelled')),
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The durable outbound queue: sent in id order per partner, retried until the partner takes it.
CREATE TABLE outbound_messages (
    message_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id          text        NOT NULL,
    shipment_id         uuid        NOT NULL,
    kind                text        NOT NULL CHECK (kind IN ('order', 'cancel')),
    format              text        NOT NULL CHECK (format IN ('x12', 'json')),
    body                text        NOT NULL,
    interchange_control text,
    group_control       text,
    set_control         text,
    status              text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'acknowledged', 'rejected', 'withdrawn')),
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz,
    UNIQUE (shipment_id, kind)
);
CREATE INDEX outbound_messages_pending ON outbound_messages (partner_id, message_id) WHERE status = 'pending';

-- Our outgoing control numbers per partner: interchange (ISA13), group (GS06). Only ever incremented.
CREATE TABLE control_numbers (
    partner_id text   NOT NULL,
    kind       text   NOT NULL CHECK (kind IN ('interchange', 'group')),
    last_value bigint NOT NULL,
    PRIMARY KEY (partner_id, kind)
);
