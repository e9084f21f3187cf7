-- Projection motorsport_telemetry: every car sample, and a 1-second rollup per car.

CREATE TABLE IF NOT EXISTS {{telemetry}} (
    time           timestamptz NOT NULL,
    session_id     text        NOT NULL,
    driver_number  integer     NOT NULL,
    speed          integer     NOT NULL,
    throttle       integer     NOT NULL,
    brake          integer     NOT NULL,
    gear           integer     NOT NULL,
    rpm            integer     NOT NULL,
    drs            integer     NOT NULL
);
--! hypertable {{telemetry}} time 1 day
CREATE INDEX IF NOT EXISTS {{telemetry}}_car_time_idx ON {{telemetry}} (session_id, driver_number, time DESC);

-- Sums and counts merge exactly across batches; the means and shares are derived from them.
CREATE TABLE IF NOT EXISTS {{telemetry_1s}} (
    time              timestamptz NOT NULL,
    session_id        text        NOT NULL,
    driver_number     integer     NOT NULL,
    samples           integer     NOT NULL,
    speed_min         integer     NOT NULL,
    speed_max         integer     NOT NULL,
    speed_sum         bigint      NOT NULL,
    throttle_sum      bigint      NOT NULL,
    brake_samples     integer     NOT NULL,
    gear_max          integer     NOT NULL,
    drs_open_samples  integer     NOT NULL,
    speed_mean        double precision GENERATED ALWAYS AS (speed_sum::double precision / samples) STORED,
    throttle_mean     double precision GENERATED ALWAYS AS (throttle_sum::double precision / samples) STORED,
    brake_share       double precision GENERATED ALWAYS AS (brake_samples::double precision / samples) STORED,
    PRIMARY KEY (session_id, driver_number, time)
);
--! hypertable {{telemetry_1s}} time 1 day
