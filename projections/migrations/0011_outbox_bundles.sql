-- A processor batch writes its derived events and dead letters as ONE outbox row: `records` holds them all,
-- framed (Sources/Processor/OutboxBundle.swift), `record_count` says how many. One tuple, one index entry and
-- one TOAST value per batch for PostgreSQL to write, read back and delete, instead of one of each per record.
-- Single-record rows (`topic`, `key`, `value`, `headers`) stay valid for whatever fills the outbox by hand.
ALTER TABLE {{outbox}} ALTER COLUMN topic DROP NOT NULL;
ALTER TABLE {{outbox}} ALTER COLUMN value DROP NOT NULL;
ALTER TABLE {{outbox}} ADD COLUMN IF NOT EXISTS records bytea;
ALTER TABLE {{outbox}} ADD COLUMN IF NOT EXISTS record_count integer NOT NULL DEFAULT 1;
-- Stored out of line as it is: processors compress the bundle with LZ4 already, and pglz would only spend the
-- commit's CPU again.
ALTER TABLE {{outbox}} ALTER COLUMN records SET STORAGE EXTERNAL;
ALTER TABLE {{outbox}} DROP CONSTRAINT IF EXISTS {{outbox}}_one_form;
ALTER TABLE {{outbox}} ADD CONSTRAINT {{outbox}}_one_form
    CHECK ((records IS NOT NULL AND topic IS NULL AND value IS NULL)
        OR (records IS NULL AND topic IS NOT NULL AND value IS NOT NULL AND record_count = 1));
