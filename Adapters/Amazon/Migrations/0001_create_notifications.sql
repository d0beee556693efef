-- SP-API notifications, stored before they are acknowledged; the notification id deduplicates.
CREATE TABLE notifications (
    notification_id   text        PRIMARY KEY,
    notification_type text        NOT NULL,
    payload           jsonb       NOT NULL,
    status            text        NOT NULL DEFAULT 'received',
    received_at       timestamptz NOT NULL DEFAULT now(),
    processed_at      timestamptz NULL
);

CREATE INDEX notifications_pending_idx ON notifications (received_at) WHERE status = 'received';
