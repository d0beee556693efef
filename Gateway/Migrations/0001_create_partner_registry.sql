-- The partner registry. API keys are stored only as SHA-256 hashes (shown once at creation);
-- webhook secrets only encrypted. A partner may hold two active keys so rotation needs no downtime.
CREATE TABLE partners (
    partner_id            text        PRIMARY KEY,
    kind                  text        NOT NULL CHECK (kind IN ('marketplace', '3pl', 'b2b')),
    channel               text        NOT NULL,
    status                text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    scopes                text[]      NOT NULL DEFAULT '{}',
    rate_per_second       integer     NOT NULL CHECK (rate_per_second > 0),
    burst                 integer     NOT NULL CHECK (burst > 0),
    daily_quota           integer     NULL CHECK (daily_quota > 0),
    shop_domain           text        NULL UNIQUE,
    webhook_secret_cipher bytea       NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE partner_keys (
    key_id     text        PRIMARY KEY,
    partner_id text        NOT NULL REFERENCES partners (partner_id),
    key_hash   bytea       NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz NULL
);

CREATE INDEX partner_keys_partner_idx ON partner_keys (partner_id) WHERE revoked_at IS NULL;
