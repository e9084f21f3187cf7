-- The forecast model registry. Every trained model is kept with what it was trained on, how it scored on its
-- holdout (against the baselines, and against the model that was active when it was trained) and its bytes
-- (LightGBM dump_model() JSON, one booster per horizon), so every processor member serves the same model.
-- At most one model of a kind is active; a processor picks up an activation from the NOTIFY below.
CREATE TABLE IF NOT EXISTS {{models}} (
    version          integer     PRIMARY KEY CHECK (version >= 1),
    kind             text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('candidate', 'active', 'retired')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    activated_at     timestamptz,
    train_from       timestamptz NOT NULL,
    train_to         timestamptz NOT NULL,
    holdout_from     timestamptz NOT NULL,
    holdout_to       timestamptz NOT NULL,
    seed             bigint      NOT NULL,
    features         text[]      NOT NULL,
    -- Per horizon: rows, MAE and P90 absolute error of the model and of both baselines, and the better baseline.
    metrics          jsonb       NOT NULL,
    training_seconds double precision NOT NULL,
    -- {"15": <dump_model JSON>, "30": …}
    model            bytea       NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS {{models}}_one_active ON {{models}} (kind) WHERE status = 'active';

CREATE OR REPLACE FUNCTION {{models}}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{{models}}', NEW.kind);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS {{models}}_changed ON {{models}};
CREATE TRIGGER {{models}}_changed AFTER INSERT OR UPDATE OF status ON {{models}}
    FOR EACH ROW EXECUTE FUNCTION {{models}}_notify();
