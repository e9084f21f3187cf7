-- Projection motorsport_session: each car's stints with the degradation fitted on their clean laps.
CREATE TABLE IF NOT EXISTS {{stints}} (
    session_id          text             NOT NULL,
    driver_number       integer          NOT NULL,
    stint_number        integer          NOT NULL,
    compound            text,
    lap_start           integer          NOT NULL,
    lap_end             integer,
    tyre_age_at_start   integer          NOT NULL,
    clean_laps          integer          NOT NULL,
    degradation         double precision,
    fitted_base_lap     double precision,
    fit_residual_error  double precision,
    PRIMARY KEY (session_id, driver_number, stint_number)
);
