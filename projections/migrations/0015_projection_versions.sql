-- Versions of each projection (blue/green rebuilds). Version 1 is the original set of tables; every later
-- version lives in a schema of its own (`<projection>_v<N>`) with its own offsets. Exactly one version of a
-- projection is active: the one the live processor folds into and the query service reads. No row for a
-- projection means version 1 is active.
CREATE TABLE IF NOT EXISTS {{versions}} (
    projection        text        NOT NULL,
    version           integer     NOT NULL CHECK (version >= 1),
    status            text        NOT NULL CHECK (status IN ('building', 'ready', 'active', 'retired')),
    -- Where the rebuild started (`earliest`, partition offsets, a time), for listings and resumption.
    start_spec        text        NOT NULL DEFAULT 'earliest',
    -- Secondary indexes dropped for the bulk load, created again when the rebuild has caught up.
    deferred_indexes  text[]      NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    promoted_at       timestamptz,
    -- The rebuild's last progress report (records left per partition, events/s), for `versions` and /metrics.
    progress          jsonb,
    PRIMARY KEY (projection, version)
);
CREATE UNIQUE INDEX IF NOT EXISTS {{versions}}_one_active ON {{versions}} (projection) WHERE status = 'active';

-- The live processor's fence, called first in every batch transaction: waits while a promotion of the
-- projection is in progress (it holds the exclusive form of this lock), then answers the active version. A
-- worker folding another version rolls back and switches, so no batch lands in a version that is no longer
-- active. Two statements in a VOLATILE function: the SELECT takes its snapshot after the lock is granted,
-- and so sees a promotion that committed while it waited.
CREATE OR REPLACE FUNCTION {{versions}}_fence(p text) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7420002, hashtext(p));
    RETURN coalesce((SELECT version FROM {{versions}} WHERE projection = p AND status = 'active'), 1);
END
$$;
