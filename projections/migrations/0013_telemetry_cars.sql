-- The telemetry fold's state (each car's newest sample times, its repeat filter) gets a table of its own, like
-- every other fold's: it was re-read from the newest rows of the telemetry hypertable, one query per car.
CREATE TABLE IF NOT EXISTS {{telemetry_cars}} (
    session_id     text        NOT NULL,
    driver_number  integer     NOT NULL,
    recent_times   bigint[]    NOT NULL,
    updated_at     timestamptz,
    PRIMARY KEY (session_id, driver_number)
) WITH (fillfactor = 50);

-- Existing data keeps its meaning: each car's filter starts from its newest 64 stored samples, as the old
-- re-query did (64 = CarTelemetryState.recentTimesKept).
INSERT INTO {{telemetry_cars}} (session_id, driver_number, recent_times, updated_at)
SELECT session_id, driver_number,
       array_agg(us ORDER BY us), to_timestamp(max(us) / 1e6)
FROM (
    SELECT session_id, driver_number, (extract(epoch FROM time) * 1000000)::bigint AS us,
           row_number() OVER (PARTITION BY session_id, driver_number ORDER BY time DESC) AS n
    FROM {{telemetry}}
) newest
WHERE n <= 64
GROUP BY session_id, driver_number
ON CONFLICT (session_id, driver_number) DO NOTHING;
