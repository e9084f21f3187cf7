-- Projection motorsport_session: the race events it derived, for "events since" queries (they also go to
-- the motorsport.race-events topic).
CREATE TABLE IF NOT EXISTS {{race_events}} (
    time           timestamptz NOT NULL,
    session_id     text        NOT NULL,
    driver_number  integer     NOT NULL,
    event_id       text        NOT NULL,
    type           text        NOT NULL,
    event          jsonb       NOT NULL,
    PRIMARY KEY (session_id, event_id)
);
CREATE INDEX IF NOT EXISTS {{race_events}}_time_idx ON {{race_events}} (session_id, time);
