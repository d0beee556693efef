CREATE TABLE widgets (
    widget_id integer PRIMARY KEY,
    name      text    NOT NULL
);
