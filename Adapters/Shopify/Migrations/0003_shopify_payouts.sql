-- Shopify Payments payouts taken by the poller: one row per payout, written with the queued
-- forward_payout command, so a payout is queued once whatever the replicas do.
CREATE TABLE shopify_payouts (
    payout_id         bigint      PRIMARY KEY,
    payout_date       text        NOT NULL,
    currency          text        NOT NULL,
    amount            text        NOT NULL,
    transactions      integer     NOT NULL,
    partner_id        text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('queued', 'unmappable', 'forwarded')),
    settlement_id     uuid        NULL,
    settlement_status text        NULL,
    taken_at          timestamptz NOT NULL DEFAULT now(),
    forwarded_at      timestamptz NULL
);

ALTER TABLE outbound_commands DROP CONSTRAINT outbound_commands_kind_check;
ALTER TABLE outbound_commands ADD CONSTRAINT outbound_commands_kind_check
    CHECK (kind IN ('set_inventory', 'create_fulfillment', 'forward_payout'));
