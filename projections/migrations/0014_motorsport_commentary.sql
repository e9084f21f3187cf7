-- motorsport_commentary: race commentary lines, and the fold's state per session.
CREATE TABLE IF NOT EXISTS {{commentary}} (
    time           timestamptz NOT NULL,
    session_id     text        NOT NULL,
    line_id        text        NOT NULL,
    lap_number     integer     NOT NULL,
    driver_number  integer     NOT NULL,
    kind           text        NOT NULL,
    priority       text        NOT NULL,
    text           text        NOT NULL,
    PRIMARY KEY (session_id, line_id)
);
CREATE INDEX IF NOT EXISTS {{commentary}}_time_idx ON {{commentary}} (session_id, time);

CREATE TABLE IF NOT EXISTS {{commentary_state}} (
    session_id  text        PRIMARY KEY,
    state       jsonb       NOT NULL,
    updated_at  timestamptz
) WITH (fillfactor = 50);
