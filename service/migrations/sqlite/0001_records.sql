-- The decision record: screenings and reviews in one append-only, hash-chained table.
CREATE TABLE policy_sets (
    hash        TEXT PRIMARY KEY,           -- sha256:... over every file of the set
    files       TEXT NOT NULL,              -- JSON object: relative path -> file text
    created_at  TEXT NOT NULL
);

CREATE TABLE records (
    seq             INTEGER PRIMARY KEY,    -- 1, 2, ...: the chain order
    id              TEXT NOT NULL UNIQUE,   -- UUIDv7
    kind            TEXT NOT NULL CHECK (kind IN ('screening', 'review')),
    created_at      TEXT NOT NULL,          -- RFC 3339, UTC
    created_by      TEXT NOT NULL,          -- API key id, or cli:<user>
    reference       TEXT NOT NULL,
    instrument      TEXT NOT NULL,
    outcome         TEXT,
    category        TEXT,
    as_of           TEXT,
    policy_set      TEXT,
    engine_version  TEXT NOT NULL,
    input           TEXT,                   -- canonical JSON (RFC 8785) of the application
    decision        TEXT,                   -- the decision as returned
    review_of       TEXT,                   -- reviews: id of the screening reviewed
    review          TEXT,                   -- reviews: the analyst's call
    prev_hash       TEXT NOT NULL UNIQUE,   -- a second row after the same head is a fork
    hash            TEXT NOT NULL UNIQUE
);
CREATE INDEX records_reference ON records (reference, seq);
CREATE INDEX records_review_of ON records (review_of);

CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,           -- the public part of the key
    hash        TEXT NOT NULL,              -- SHA-256 of the secret part
    roles       TEXT NOT NULL,              -- comma-separated
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE idempotency (
    principal     TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    record_id     TEXT,                     -- null while the first request is in flight
    created_at    TEXT NOT NULL,
    PRIMARY KEY (principal, key)
);
