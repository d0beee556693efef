CREATE TABLE bench_state (
    key   text    PRIMARY KEY,
    count integer NOT NULL
);

CREATE TABLE bench_effects (
    event_id text    PRIMARY KEY,
    key      text    NOT NULL,
    sequence integer NOT NULL
);
