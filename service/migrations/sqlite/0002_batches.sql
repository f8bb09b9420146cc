-- Stored batches (issue 5): the upload cut into chunks, the work state of each chunk, and one
-- row per input line pointing at the screening stored for it (or the reason it was rejected).
-- These tables are work state, not the record: the decisions themselves are rows of `records`,
-- appended to the chain in the same transaction that marks their chunk done.
CREATE TABLE batches (
    id             TEXT PRIMARY KEY,        -- UUIDv7
    created_by     TEXT NOT NULL,           -- API key id
    created_at     TEXT NOT NULL,
    format         TEXT NOT NULL CHECK (format IN ('jsonl', 'csv')),
    as_of          TEXT,                    -- null: each application's own date
    policy_set     TEXT NOT NULL,           -- every line is screened under this set
    missions_only  BIGINT NOT NULL,         -- 1: created by a mission organiser
    state          TEXT NOT NULL CHECK (state IN ('receiving', 'queued', 'done', 'abandoned')),
    lines          BIGINT NOT NULL DEFAULT 0,
    chunks         BIGINT NOT NULL DEFAULT 0,
    queued_at      TEXT,
    finished_at    TEXT
);
CREATE INDEX batches_state ON batches (state, created_at);

CREATE TABLE batch_chunks (
    batch_id     TEXT NOT NULL REFERENCES batches (id),
    chunk        BIGINT NOT NULL,
    items        TEXT NOT NULL,             -- JSON array of {"line", "json"} or {"line", "error"}; '[]' once done
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    lease_owner  TEXT,                      -- the worker holding (or that finished) the chunk
    lease_until  BIGINT,                    -- ms since the epoch; after it, any worker may take it
    attempts     BIGINT NOT NULL DEFAULT 0, -- claims so far: a chunk that keeps failing is given up
    PRIMARY KEY (batch_id, chunk)
);
CREATE INDEX batch_chunks_pending ON batch_chunks (state, batch_id, chunk);

CREATE TABLE batch_lines (
    batch_id   TEXT NOT NULL REFERENCES batches (id),
    line       BIGINT NOT NULL,
    record_id  TEXT REFERENCES records (id),  -- the screening stored for this line
    outcome    TEXT,
    category   TEXT,
    error      TEXT,                          -- JSON: why the line was not screened
    PRIMARY KEY (batch_id, line)              -- one result per line: exactly once
);
