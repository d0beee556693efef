-- The item master: what the ERP says about each SKU. Items still appear on first receipt (source
-- 'stock'); the ERP's item master fills in and keeps the description, unit and blocked flag.
ALTER TABLE items
    ADD COLUMN description        text        NULL CHECK (length(description) <= 250),
    ADD COLUMN unit_of_measure    text        NULL CHECK (length(unit_of_measure) <= 16),
    ADD COLUMN blocked            boolean     NOT NULL DEFAULT false,
    ADD COLUMN source             text        NOT NULL DEFAULT 'stock',
    -- When the item master last changed the item: an older update is ignored.
    ADD COLUMN source_modified_at timestamptz NULL,
    ADD COLUMN updated_at         timestamptz NOT NULL DEFAULT now();
