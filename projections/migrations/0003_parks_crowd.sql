-- Projection parks_crowd: crowd level per park over time and now, and park schedules.

CREATE TABLE IF NOT EXISTS {{crowd_levels}} (
    time                   timestamptz      NOT NULL,
    park_id                text             NOT NULL,
    level                  text             NOT NULL,
    ratio                  double precision NOT NULL,
    mean_wait_minutes      double precision NOT NULL,
    baseline_mean_minutes  double precision NOT NULL,
    open_attractions       integer          NOT NULL
);
--! hypertable {{crowd_levels}} time 7 days
CREATE INDEX IF NOT EXISTS {{crowd_levels}}_park_time_idx ON {{crowd_levels}} (park_id, time DESC);

CREATE TABLE IF NOT EXISTS {{park_crowd_current}} (
    park_id         text PRIMARY KEY,
    level           text,
    ratio           double precision,
    level_since     timestamptz,
    updated_at      timestamptz,
    last_sample_at  timestamptz,
    attractions     jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS {{park_schedules}} (
    park_id    text        NOT NULL,
    date       date        NOT NULL,
    opens_at   timestamptz NOT NULL,
    closes_at  timestamptz NOT NULL,
    time_zone  text,
    PRIMARY KEY (park_id, date)
);
