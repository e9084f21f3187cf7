-- Projection parks_wait_times: every observation, each attraction's current state, hour-of-week baselines.

CREATE TABLE IF NOT EXISTS {{wait_times}} (
    time           timestamptz NOT NULL,
    park_id        text        NOT NULL,
    attraction_id  text        NOT NULL,
    wait_minutes   integer,
    status         text        NOT NULL
);
--! hypertable {{wait_times}} time 1 day
CREATE INDEX IF NOT EXISTS {{wait_times}}_attraction_time_idx ON {{wait_times}} (park_id, attraction_id, time DESC);

CREATE TABLE IF NOT EXISTS {{attraction_current}} (
    park_id            text        NOT NULL,
    attraction_id      text        NOT NULL,
    attraction_name    text,
    time_zone          text,
    wait_minutes       integer,
    status             text,
    observed_at        timestamptz,
    status_changed_at  timestamptz,
    recent_times       bigint[]    NOT NULL DEFAULT '{}',
    PRIMARY KEY (park_id, attraction_id)
);

CREATE TABLE IF NOT EXISTS {{attraction_baselines}} (
    park_id        text     NOT NULL,
    attraction_id  text     NOT NULL,
    day_of_week    smallint NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
    hour           smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
    samples        bigint   NOT NULL,
    p50_minutes    integer,
    p90_minutes    integer,
    wait_values    integer[] NOT NULL,
    wait_counts    integer[] NOT NULL,
    PRIMARY KEY (park_id, attraction_id, day_of_week, hour)
);
