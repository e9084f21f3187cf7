-- Runtime tables of the processor. Double-brace placeholders are table names, resolved by `turnstile migrate`
-- from the projection definitions (so blue/green rebuilds can point a projection at new tables).

-- Next offset to read per projection and partition, written in the same transaction as the projection's
-- rows: this, not Kafka's committed offsets, is where a processor resumes.
CREATE TABLE IF NOT EXISTS {{offsets}} (
    projection   text        NOT NULL,
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    next_offset  bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, topic, partition)
);

-- Derived events and dead letters waiting to be published by the relay (transactional outbox).
CREATE TABLE IF NOT EXISTS {{outbox}} (
    id          bigserial   PRIMARY KEY,
    topic       text        NOT NULL,
    key         bytea,
    value       bytea       NOT NULL,
    headers     jsonb       NOT NULL DEFAULT '[]',
    event_id    text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
