-- Projection parks_weather: every report of a park's hour (observed or forecast) with when it was fetched, so that
-- forecasts read the weather as it was known at a moment.
CREATE TABLE IF NOT EXISTS {{park_weather}} (
    hour             timestamptz      NOT NULL,
    park_id          text             NOT NULL,
    reported_at      timestamptz      NOT NULL,
    temperature_c    double precision,
    precipitation_mm double precision,
    PRIMARY KEY (park_id, hour, reported_at)
);
--! hypertable {{park_weather}} hour 30 days

-- Each park's weather now: the newest observation. Also the fold's state.
CREATE TABLE IF NOT EXISTS {{park_weather_current}} (
    park_id          text             PRIMARY KEY,
    hour             timestamptz,
    temperature_c    double precision,
    precipitation_mm double precision,
    reported_at      timestamptz,
    reports          bigint           NOT NULL
);
