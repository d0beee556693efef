-- What the test handler did: one row per handled event, in handling order.
CREATE TABLE widget_effects (
    handled_order bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      text        NOT NULL,
    widget_id     text        NOT NULL,
    sequence      integer     NOT NULL,
    handled_by    text        NOT NULL,
    handled_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE widgets (
    widget_id text    PRIMARY KEY,
    made      integer NOT NULL
);
