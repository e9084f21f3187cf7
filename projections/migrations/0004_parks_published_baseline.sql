-- Projection parks_wait_times: AttractionWaitUpdated is emitted only when an attraction's wait, status or
-- baseline P50 changes; the fold remembers the P50 it last published.
ALTER TABLE {{attraction_current}} ADD COLUMN IF NOT EXISTS published_baseline_p50 integer;
