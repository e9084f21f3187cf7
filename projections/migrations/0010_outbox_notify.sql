-- Wakes the outbox relay (LISTEN on the outbox table's name) when a transaction that inserted into the outbox
-- commits: PostgreSQL delivers notifications at commit only, and folds repeats within a transaction into one.
-- A statement trigger instead of a `pg_notify` call from the processor saves a round trip per batch, and
-- anything else that fills the outbox (a re-import, a manual repair) wakes the relay too.
CREATE OR REPLACE FUNCTION turnstile_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_NAME, '');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS turnstile_notify_outbox ON {{outbox}};
CREATE TRIGGER turnstile_notify_outbox AFTER INSERT ON {{outbox}}
    FOR EACH STATEMENT EXECUTE FUNCTION turnstile_notify_outbox();
