-- Projection parks_crowd_forecast: each hour's last crowd level forecast, and each park's newest forecast (for the
-- rest of its day, hour by hour) with the fold's state.
CREATE TABLE IF NOT EXISTS {{crowd_forecasts}} (
    hour                    timestamptz      NOT NULL,
    park_id                 text             NOT NULL,
    level                   text             NOT NULL,
    ratio                   double precision NOT NULL,
    mean_predicted_minutes  double precision NOT NULL,
    attractions             integer          NOT NULL,
    made_at                 timestamptz      NOT NULL,
    PRIMARY KEY (park_id, hour)
);
--! hypertable {{crowd_forecasts}} hour 30 days

CREATE TABLE IF NOT EXISTS {{crowd_forecast_current}} (
    park_id   text        NOT NULL PRIMARY KEY,
    made_at   timestamptz NOT NULL,
    forecast  jsonb       NOT NULL,
    state     jsonb       NOT NULL
);
