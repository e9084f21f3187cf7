-- Projection motorsport_session: lap history, live leaderboard, and the fold state of each session.

CREATE TABLE IF NOT EXISTS {{lap_times}} (
    time            timestamptz      NOT NULL,
    session_id      text             NOT NULL,
    driver_number   integer          NOT NULL,
    lap_number      integer          NOT NULL,
    lap_duration    double precision,
    sector_1        double precision,
    sector_2        double precision,
    sector_3        double precision,
    is_pit_out_lap  boolean          NOT NULL,
    i1_speed        integer,
    i2_speed        integer,
    st_speed        integer,
    compound        text,
    tyre_age        integer
);
--! hypertable {{lap_times}} time 7 days
CREATE INDEX IF NOT EXISTS {{lap_times}}_driver_idx ON {{lap_times}} (session_id, driver_number, lap_number);

CREATE TABLE IF NOT EXISTS {{session_leaderboard}} (
    session_id          text             NOT NULL,
    driver_number       integer          NOT NULL,
    position            integer,
    laps_completed      integer          NOT NULL,
    gap_to_leader       double precision,
    gap_to_ahead        double precision,
    laps_behind_leader  integer,
    last_lap            double precision,
    best_lap            double precision,
    best_lap_number     integer,
    best_sector_1       double precision,
    best_sector_2       double precision,
    best_sector_3       double precision,
    compound            text,
    tyre_age            integer,
    pit_count           integer          NOT NULL,
    retired             boolean          NOT NULL,
    updated_at          timestamptz      NOT NULL,
    PRIMARY KEY (session_id, driver_number)
);

CREATE TABLE IF NOT EXISTS {{session_state}} (
    session_id  text        PRIMARY KEY,
    state       jsonb       NOT NULL,
    updated_at  timestamptz
);
