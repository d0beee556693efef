-- Events waiting to be relayed. Written in the same transaction as the state change that causes
-- them; the relay publishes in position order and deletes what the transport accepted. No index on
-- event_id: nothing looks events up by id here, and a random-key index costs every publish.
CREATE TABLE outbox (
    position      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      text        NOT NULL,
    topic         text        NOT NULL,
    partition_key text        NOT NULL,
    event_type    text        NOT NULL,
    envelope      bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Events this service has handled, committed with the handler's own changes: a redelivery finds
-- its id here and is acknowledged without running the handler again.
CREATE TABLE inbox (
    subscription text        NOT NULL,
    event_id     text        NOT NULL,
    event_type   text        NOT NULL,
    handled_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription, event_id)
);

-- Events a handler could not process within the delivery limit, or could not read at all. One row
-- per event and subscription; failing again after a replay reopens the same row.
CREATE TABLE dead_letters (
    dead_letter_id  uuid        PRIMARY KEY,
    subscription    text        NOT NULL,
    topic           text        NOT NULL,
    event_id        text        NOT NULL,
    event_type      text        NOT NULL,
    envelope        text        NOT NULL,
    error           text        NOT NULL,
    attempts        integer     NOT NULL,
    first_failed_at timestamptz NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'replayed', 'discarded')),
    resolved_at     timestamptz NULL,
    UNIQUE (subscription, event_id)
);

CREATE INDEX dead_letters_status_idx ON dead_letters (status, last_failed_at DESC);
