CREATE TABLE bench_state (
    id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text   NOT NULL
);

CREATE TABLE bench_effects (
    event_id text    PRIMARY KEY,
    key      text    NOT NULL,
    sequence integer NOT NULL
);
