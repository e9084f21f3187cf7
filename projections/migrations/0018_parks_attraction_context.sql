-- Projection parks_attraction_context: each park's attractions, recent schedules and weather reports, re-keyed to
-- every attraction (parks.attraction-context). Its only table is its fold state.
CREATE TABLE IF NOT EXISTS {{park_context}} (
    park_id  text  PRIMARY KEY,
    state    jsonb NOT NULL
);
