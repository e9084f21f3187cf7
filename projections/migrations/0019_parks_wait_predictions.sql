-- Projection parks_wait_predictions: every wait forecast made in the stream, the error of each one whose target
-- time came, and each attraction's fold state.
CREATE TABLE IF NOT EXISTS {{wait_predictions}} (
    made_at            timestamptz      NOT NULL,
    park_id            text             NOT NULL,
    attraction_id      text             NOT NULL,
    horizon_minutes    integer          NOT NULL,
    target_time        timestamptz      NOT NULL,
    predicted_minutes  double precision NOT NULL,
    source             text             NOT NULL,
    model_version      integer
);
--! hypertable {{wait_predictions}} made_at 1 day
CREATE INDEX IF NOT EXISTS {{wait_predictions}}_attraction_idx ON {{wait_predictions}} (park_id, attraction_id, made_at DESC);

CREATE TABLE IF NOT EXISTS {{forecast_errors}} (
    target_time        timestamptz      NOT NULL,
    park_id            text             NOT NULL,
    attraction_id      text             NOT NULL,
    horizon_minutes    integer          NOT NULL,
    made_at            timestamptz      NOT NULL,
    source             text             NOT NULL,
    model_version      integer,
    predicted_minutes  double precision NOT NULL,
    actual_minutes     integer          NOT NULL,
    abs_error          double precision NOT NULL,
    observed_at        timestamptz      NOT NULL
);
--! hypertable {{forecast_errors}} target_time 7 days
CREATE INDEX IF NOT EXISTS {{forecast_errors}}_park_idx ON {{forecast_errors}} (park_id, target_time DESC);

CREATE TABLE IF NOT EXISTS {{wait_prediction_state}} (
    park_id        text  NOT NULL,
    attraction_id  text  NOT NULL,
    state          jsonb NOT NULL,
    PRIMARY KEY (park_id, attraction_id)
);
