-- Sessions of the workbench's pages (issue 17): a person signs in with an API key once and the
-- service sets a cookie holding a random secret; only the secret's SHA-256 is stored. A session
-- ends at sign-out, when its key is revoked, or after the idle time (8 hours by default).
CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL,
    csrf        TEXT NOT NULL,              -- the token every form of the session carries
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    ended_at    TEXT
);
