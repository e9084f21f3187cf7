-- Projection parking_occupancy: sensors, occupancy now and over time, stays, forecasts, alerts, fold state.

CREATE TABLE IF NOT EXISTS {{parking_facilities}} (
    facility_id           text        PRIMARY KEY,
    name                  text,
    capacity              integer     NOT NULL,
    occupied              integer     NOT NULL,
    free                  integer     NOT NULL,
    unknown               integer     NOT NULL,
    alert_up_percent      integer     NOT NULL,
    alert_down_percent    integer     NOT NULL,
    above_threshold       boolean     NOT NULL,
    threshold_changed_at  timestamptz,
    sensors_offline       integer     NOT NULL,
    clock                 timestamptz
);

CREATE TABLE IF NOT EXISTS {{parking_sensors}} (
    facility_id      text        NOT NULL,
    sensor_id        text        NOT NULL,
    kind             text        NOT NULL,
    level            text        NOT NULL,
    zone             text        NOT NULL,
    status           text,
    status_since     timestamptz,
    pending_status   text,
    pending_since    timestamptz,
    last_seen        timestamptz NOT NULL,
    battery_percent  integer,
    offline_since    timestamptz,
    PRIMARY KEY (facility_id, sensor_id)
);
CREATE INDEX IF NOT EXISTS {{parking_sensors}}_offline_idx ON {{parking_sensors}} (facility_id) WHERE offline_since IS NOT NULL;

CREATE TABLE IF NOT EXISTS {{occupancy_current}} (
    facility_id  text        NOT NULL,
    scope        text        NOT NULL,
    level        text        NOT NULL,
    zone         text        NOT NULL,
    occupied     integer     NOT NULL,
    free         integer     NOT NULL,
    unknown      integer     NOT NULL,
    capacity     integer     NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (facility_id, scope, level, zone)
);

CREATE TABLE IF NOT EXISTS {{occupancy_history}} (
    time         timestamptz NOT NULL,
    facility_id  text        NOT NULL,
    scope        text        NOT NULL,
    level        text        NOT NULL,
    zone         text        NOT NULL,
    occupied     integer     NOT NULL,
    free         integer     NOT NULL,
    unknown      integer     NOT NULL,
    capacity     integer     NOT NULL
);
--! hypertable {{occupancy_history}} time 7 days
CREATE INDEX IF NOT EXISTS {{occupancy_history}}_facility_idx ON {{occupancy_history}} (facility_id, scope, level, zone, time DESC);

CREATE TABLE IF NOT EXISTS {{parking_stays}} (
    ended_at          timestamptz NOT NULL,
    started_at        timestamptz NOT NULL,
    facility_id       text        NOT NULL,
    spot_id           text        NOT NULL,
    level             text        NOT NULL,
    zone              text        NOT NULL,
    duration_seconds  bigint      NOT NULL
);
--! hypertable {{parking_stays}} ended_at 30 days
CREATE INDEX IF NOT EXISTS {{parking_stays}}_facility_idx ON {{parking_stays}} (facility_id, ended_at DESC);

CREATE TABLE IF NOT EXISTS {{occupancy_forecasts}} (
    issued_at    timestamptz NOT NULL,
    facility_id  text        NOT NULL,
    target_time  timestamptz NOT NULL,
    occupied     integer     NOT NULL,
    capacity     integer     NOT NULL
);
--! hypertable {{occupancy_forecasts}} issued_at 7 days
CREATE INDEX IF NOT EXISTS {{occupancy_forecasts}}_facility_idx ON {{occupancy_forecasts}} (facility_id, issued_at DESC);

CREATE TABLE IF NOT EXISTS {{parking_alerts}} (
    time         timestamptz NOT NULL,
    facility_id  text        NOT NULL,
    sensor_id    text,
    event_id     text        NOT NULL,
    type         text        NOT NULL,
    event        jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS {{parking_alerts}}_facility_idx ON {{parking_alerts}} (facility_id, time DESC);

CREATE TABLE IF NOT EXISTS {{parking_state}} (
    facility_id  text        PRIMARY KEY,
    state        jsonb       NOT NULL,
    updated_at   timestamptz
);
