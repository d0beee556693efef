CREATE TABLE items (
    sku         text        PRIMARY KEY,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE locations (
    location_id text        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('warehouse', '3pl')),
    partner_id  text        NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per SKU per location. The checks are the last line of defence against overselling:
-- whatever the application does, Postgres refuses a negative position.
CREATE TABLE positions (
    sku          text        NOT NULL REFERENCES items (sku),
    location_id  text        NOT NULL REFERENCES locations (location_id),
    on_hand      integer     NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved     integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    safety_stock integer     NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, location_id)
);

-- Every change to a position, append-only, so any quantity can be explained.
CREATE TABLE ledger (
    entry_id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku            text        NOT NULL,
    location_id    text        NOT NULL,
    on_hand_delta  integer     NOT NULL,
    reserved_delta integer     NOT NULL,
    reason         text        NOT NULL,
    reference      text        NULL,
    occurred_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ledger_sku_location_idx ON ledger (sku, location_id, entry_id);
