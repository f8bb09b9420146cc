-- The decision record: screenings and reviews in one append-only, hash-chained table.
CREATE TABLE policy_sets (
    hash        TEXT PRIMARY KEY,
    files       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE records (
    seq             BIGINT PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('screening', 'review')),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    reference       TEXT NOT NULL,
    instrument      TEXT NOT NULL,
    outcome         TEXT,
    category        TEXT,
    as_of           TEXT,
    policy_set      TEXT,
    engine_version  TEXT NOT NULL,
    input           TEXT,
    decision        TEXT,
    review_of       TEXT,
    review          TEXT,
    prev_hash       TEXT NOT NULL UNIQUE,
    hash            TEXT NOT NULL UNIQUE
);
CREATE INDEX records_reference ON records (reference, seq);
CREATE INDEX records_review_of ON records (review_of);

CREATE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'records are append-only';
END;
$$;
CREATE TRIGGER records_no_update BEFORE UPDATE OR DELETE ON records
    FOR EACH ROW EXECUTE FUNCTION records_append_only();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records
    FOR EACH STATEMENT EXECUTE FUNCTION records_append_only();

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    hash        TEXT NOT NULL,
    roles       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE idempotency (
    principal     TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    record_id     TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (principal, key)
);
