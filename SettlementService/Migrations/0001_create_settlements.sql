-- Settlement ids are the channel's; a re-sent report hits the primary key and changes nothing.
CREATE TABLE settlements (
    channel       text          NOT NULL,
    settlement_id text          NOT NULL,
    period_start  timestamptz   NOT NULL,
    period_end    timestamptz   NOT NULL,
    deposit_date  timestamptz   NULL,
    currency      char(3)       NOT NULL,
    total_amount  numeric(19,4) NOT NULL,
    status        text          NOT NULL,
    received_at   timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, settlement_id)
);

CREATE TABLE settlement_lines (
    channel          text          NOT NULL,
    settlement_id    text          NOT NULL,
    line_number      integer       NOT NULL,
    order_reference  text          NULL,
    transaction_type text          NOT NULL,
    amount_type      text          NOT NULL,
    amount           numeric(19,4) NOT NULL,
    sku              text          NULL,
    quantity         integer       NULL,
    PRIMARY KEY (channel, settlement_id, line_number),
    FOREIGN KEY (channel, settlement_id) REFERENCES settlements (channel, settlement_id)
);
