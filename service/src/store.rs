//! The decision record: an append-only, hash-chained table of screenings and reviews, with the
//! policy sets that decided them, API keys and idempotency keys. The same migrations and queries
//! run on SQLite (the embedded default) and PostgreSQL (shared deployments), through sqlx with
//! bound parameters.
//!
//! Architecture invariant: no code path updates or deletes a row of `records`; the database
//! refuses it too (triggers on both, and privileges on PostgreSQL deployments). Every row's `hash`
//! is SHA-256 over the previous row's hash and the canonical JSON of the row's own content, so a
//! change to any stored row breaks the chain at that row.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Row, Transaction};

/// The hash the first record chains from.
pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or could not be reached.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A database URL this service does not support.
    #[error("unsupported database URL `{0}`: expected sqlite:PATH or postgres://...")]
    Url(String),
    /// A stored value is not what this version wrote.
    #[error("stored data: {0}")]
    Corrupt(String),
    /// The commit was sent, and its answer was lost: the transaction may or may not have
    /// committed.
    #[error("commit outcome unknown: {0}")]
    CommitUnknown(sqlx::Error),
}

/// Which database.
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded default.
    Sqlite(SqlitePool),
    /// Shared deployments.
    Postgres(PgPool),
}

/// A record to append.
#[derive(Debug, Clone, Default)]
pub struct NewRecord {
    /// `screening` or `review`.
    pub kind: &'static str,
    /// Who created it (API key id).
    pub created_by: String,
    /// The application's reference.
    pub reference: String,
    /// The application's instrument.
    pub instrument: String,
    /// Outcome (screenings; reviews: the final call's outcome, if overridden).
    pub outcome: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Screening date.
    pub as_of: Option<String>,
    /// Policy set hash.
    pub policy_set: Option<String>,
    /// Engine version.
    pub engine_version: String,
    /// Canonical JSON of the application.
    pub input: Option<String>,
    /// The decision JSON.
    pub decision: Option<String>,
    /// Reviews: the screening reviewed.
    pub review_of: Option<String>,
    /// Reviews: the analyst's call (JSON).
    pub review: Option<String>,
}

/// A stored record.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Chain position.
    pub seq: i64,
    /// Record id (UUIDv7).
    pub id: String,
    /// `screening` or `review`.
    pub kind: String,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
    /// Who stored it.
    pub created_by: String,
    /// Application reference.
    pub reference: String,
    /// Instrument.
    pub instrument: String,
    /// Outcome.
    pub outcome: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Screening date.
    pub as_of: Option<String>,
    /// Policy set hash.
    pub policy_set: Option<String>,
    /// Engine version.
    pub engine_version: String,
    /// Canonical application.
    pub input: Option<String>,
    /// Decision JSON.
    pub decision: Option<String>,
    /// Reviewed screening.
    pub review_of: Option<String>,
    /// Review JSON.
    pub review: Option<String>,
    /// Previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

impl Record {
    /// The content the hash covers, as canonical JSON (RFC 8785): every column except the hashes
    /// themselves, with the three large texts (input, decision, review) each represented by its
    /// own SHA-256, so the record hash covers them exactly without re-escaping them.
    #[must_use]
    pub fn content(&self) -> String {
        let digest = |t: &Option<String>| t.as_deref().map(sha256);
        imvo_engine::json::canonical(&json!({
            "seq": self.seq, "id": self.id, "kind": self.kind, "created_at": self.created_at,
            "created_by": self.created_by, "reference": self.reference,
            "instrument": self.instrument, "outcome": self.outcome, "category": self.category,
            "as_of": self.as_of, "policy_set": self.policy_set,
            "engine_version": self.engine_version, "input_sha256": digest(&self.input),
            "decision_sha256": digest(&self.decision), "review_of": self.review_of,
            "review_sha256": digest(&self.review),
        }))
    }

    /// `sha256:` over the previous hash, a newline and [`Record::content`].
    #[must_use]
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(b"\n");
        h.update(self.content().as_bytes());
        format!("sha256:{}", imvo_engine::codes::hex(&h.finalize()))
    }
}

/// `sha256:` and the lower-case hex SHA-256 of `text`.
#[must_use]
pub fn sha256(text: &str) -> String {
    format!(
        "sha256:{}",
        imvo_engine::codes::hex(&Sha256::digest(text.as_bytes()))
    )
}

/// After this many seconds an unfinished idempotency claim is taken over by the next request
/// with the same key (no request runs this long: the request timeout is 10 s).
pub const IDEMPOTENCY_STALE_SECS: i64 = 60;

/// An idempotency key to complete in the transaction that stores its record.
#[derive(Debug, Clone)]
pub struct IdemKey {
    /// The API key id.
    pub principal: String,
    /// The client's key.
    pub key: String,
}

/// What an idempotency key already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdemState {
    /// Newly claimed: go ahead.
    Claimed,
    /// The first request with this key is still running.
    InFlight,
    /// Done with this body: the record to return.
    Done(String),
    /// Used with another body.
    Mismatch,
}

/// Filters for listing screenings.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Application reference.
    pub reference: Option<String>,
    /// Outcome.
    pub outcome: Option<String>,
    /// Category (`A`, `B`, `C`, or `none`).
    pub category: Option<String>,
    /// Stored on or after (RFC 3339 or date).
    pub from: Option<String>,
    /// Stored before (RFC 3339 or date; a date means the end of that day).
    pub to: Option<String>,
    /// Only this instrument (a mission organiser sees trade missions only).
    pub instrument: Option<String>,
    /// Records before this sequence number (the cursor).
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// The result of walking the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Records checked.
    pub records: i64,
    /// The last record's sequence number and hash.
    pub head: Option<Checkpoint>,
    /// The first broken link, if any.
    pub broken: Option<Broken>,
    /// Whether the checkpoint given (if any) matches the chain: `false` for one whose record is
    /// not in the chain or has another hash (a mismatch, not a break of the chain).
    pub checkpoint_matches: Option<bool>,
    /// The stored policy sets checked against their hashes.
    pub policy_sets: PolicySetCheck,
}

/// Stored policy sets checked against the hashes they are kept under.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PolicySetCheck {
    /// Sets checked.
    pub checked: i64,
    /// Sets whose files no longer give their hash (tampered or damaged).
    pub mismatched: Vec<String>,
}

/// A chain head, exported so a rewrite of the whole chain can be detected against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// Sequence number.
    pub seq: i64,
    /// Hash of that record.
    pub hash: String,
}

/// Where and why the chain breaks.
#[derive(Debug, Clone, Serialize)]
pub struct Broken {
    /// The first record that does not verify.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

/// An API key row.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRow {
    /// Key id.
    pub id: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Created.
    pub created_at: String,
    /// Revoked, if it was.
    pub revoked_at: Option<String>,
    /// SHA-256 of the secret.
    #[serde(skip)]
    pub hash: String,
}

const RECORD_COLUMNS: &str = "seq, id, kind, created_at, created_by, reference, instrument, outcome, category, as_of, policy_set, engine_version, input, decision, review_of, review, prev_hash, hash";

/// The record columns without the application (for lists that do not return it).
const LIGHT_COLUMNS: &str = "seq, id, kind, created_at, created_by, reference, instrument, outcome, category, as_of, policy_set, engine_version, NULL AS input, decision, review_of, review, prev_hash, hash";

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Now, as stored: RFC 3339 UTC with microseconds.
#[must_use]
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Reads a record from a row of either database.
macro_rules! record_from {
    ($row:expr) => {{
        let row = $row;
        Ok::<Record, sqlx::Error>(Record {
            seq: row.try_get("seq")?,
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
            reference: row.try_get("reference")?,
            instrument: row.try_get("instrument")?,
            outcome: row.try_get("outcome")?,
            category: row.try_get("category")?,
            as_of: row.try_get("as_of")?,
            policy_set: row.try_get("policy_set")?,
            engine_version: row.try_get("engine_version")?,
            input: row.try_get("input")?,
            decision: row.try_get("decision")?,
            review_of: row.try_get("review_of")?,
            review: row.try_get("review")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }};
}

/// Runs one query against whichever database, mapping rows with `record_from`.
macro_rules! on_db {
    ($self:expr, |$pool:ident| $body:expr) => {
        match &$self.db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

/// The body of [`Store::append`] inside an open transaction, for either database.
macro_rules! append_in {
    ($conn:expr, $batch:expr) => {{
        let conn = $conn;
        let batch = $batch;
        async move {
            let head: Option<(i64, String)> =
                sqlx::query_as("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut **conn)
                    .await?;
            let (mut seq, mut prev) = head.unwrap_or((0, GENESIS.to_owned()));
            let created_at = now();
            let mut out: Vec<Record> = Vec::with_capacity(batch.len());
            let mut kept: Vec<bool> = Vec::with_capacity(batch.len());
            let mut idems = Vec::new();
            for (r, idem) in batch {
                // A record whose idempotency claim was released or taken over meanwhile (its
                // request gave up, or the claim went stale) is left out: the key, not this
                // write, now decides what that key stores. The no-op update also locks the
                // claim until the commit, so a release waits for it and then finds it completed.
                if let Some(k) = &idem {
                    let held = sqlx::query(
                        "UPDATE idempotency SET record_id = record_id WHERE principal = $1 AND key = $2 AND record_id IS NULL",
                    )
                    .bind(&k.principal)
                    .bind(&k.key)
                    .execute(&mut **conn)
                    .await?
                    .rows_affected();
                    if held != 1 {
                        kept.push(false);
                        continue;
                    }
                }
                kept.push(true);
                seq += 1;
                let mut rec = Record {
                    seq,
                    id: uuid::Uuid::now_v7().to_string(),
                    kind: r.kind.to_owned(),
                    created_at: created_at.clone(),
                    created_by: r.created_by,
                    reference: r.reference,
                    instrument: r.instrument,
                    outcome: r.outcome,
                    category: r.category,
                    as_of: r.as_of,
                    policy_set: r.policy_set,
                    engine_version: r.engine_version,
                    input: r.input,
                    decision: r.decision,
                    review_of: r.review_of,
                    review: r.review,
                    prev_hash: prev,
                    hash: String::new(),
                };
                rec.hash = rec.compute_hash();
                prev = rec.hash.clone();
                if let Some(k) = idem {
                    idems.push((rec.id.clone(), k));
                }
                out.push(rec);
            }
            // Multi-row inserts of a few fixed sizes: few round trips, few distinct statements.
            let mut rows = out.as_slice();
            while !rows.is_empty() {
                let n = INSERT_CHUNKS
                    .iter()
                    .copied()
                    .find(|&n| n <= rows.len())
                    .unwrap_or(1);
                let (chunk, rest) = rows.split_at(n.min(rows.len()));
                let sql = insert_sql(chunk.len());
                let mut q = sqlx::query(&sql);
                for rec in chunk {
                    q = q
                        .bind(rec.seq)
                        .bind(rec.id.as_str())
                        .bind(rec.kind.as_str())
                        .bind(rec.created_at.as_str())
                        .bind(rec.created_by.as_str())
                        .bind(rec.reference.as_str())
                        .bind(rec.instrument.as_str())
                        .bind(rec.outcome.as_deref())
                        .bind(rec.category.as_deref())
                        .bind(rec.as_of.as_deref())
                        .bind(rec.policy_set.as_deref())
                        .bind(rec.engine_version.as_str())
                        .bind(rec.input.as_deref())
                        .bind(rec.decision.as_deref())
                        .bind(rec.review_of.as_deref())
                        .bind(rec.review.as_deref())
                        .bind(rec.prev_hash.as_str())
                        .bind(rec.hash.as_str());
                }
                q.execute(&mut **conn).await?;
                rows = rest;
            }
            for (id, k) in idems {
                sqlx::query(
                    "UPDATE idempotency SET record_id = $1 WHERE principal = $2 AND key = $3",
                )
                .bind(id)
                .bind(k.principal)
                .bind(k.key)
                .execute(&mut **conn)
                .await?;
            }
            let mut stored = out.into_iter();
            let placed: Vec<Option<Record>> = kept
                .into_iter()
                .map(|k| if k { stored.next() } else { None })
                .collect();
            Ok::<Vec<Option<Record>>, StoreError>(placed)
        }
    }};
}

/// Rows per multi-row INSERT, largest first (18 parameters a row: 64 rows is 1,152).
const INSERT_CHUNKS: [usize; 4] = [64, 16, 4, 1];

/// `INSERT INTO records (...) VALUES ($1, ..., $18), ($19, ...)` for `rows` rows.
fn insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO records ({RECORD_COLUMNS}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 1..=18 {
            if c > 1 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * 18 + c));
        }
        sql.push(')');
    }
    sql
}

/// The store.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
}

impl Store {
    /// Connects and migrates. `url` is `sqlite:PATH` (created if missing; a bare path is read as
    /// one), `sqlite::memory:`, or `postgres://...`.
    ///
    /// # Errors
    /// Unreachable database, bad URL, failed migration.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with_schema(url, None).await
    }

    /// As [`Store::connect`]; on PostgreSQL, inside `schema` (created if missing), so tests
    /// each get a fresh one.
    ///
    /// # Errors
    /// As [`Store::connect`].
    pub async fn connect_with_schema(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut opts = PgConnectOptions::from_str(url)?;
            if let Some(s) = schema {
                // Create the schema first with a plain connection.
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_with(opts.clone())
                    .await?;
                // Only create it when missing: an application role may use a schema it may
                // not create.
                let exists: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1")
                        .bind(s)
                        .fetch_optional(&pool)
                        .await?;
                if exists.is_none() {
                    sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(s)))
                        .execute(&pool)
                        .await?;
                }
                pool.close().await;
                opts = opts.options([("search_path", s)]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            // An application role without DDL rights (docs/deployment.md) finds every migration
            // applied by the owner and runs none; otherwise migrate.
            let applied: Result<Vec<i64>, sqlx::Error> =
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(&pool)
                    .await;
            let all_applied = applied.is_ok_and(|done| {
                POSTGRES_MIGRATIONS
                    .iter()
                    .all(|m| done.contains(&m.version))
            });
            if !all_applied {
                POSTGRES_MIGRATIONS.run(&pool).await?;
            }
            return Ok(Store {
                db: Db::Postgres(pool),
            });
        }
        let url = if url.starts_with("sqlite:") {
            url.to_owned()
        } else if url.contains("://") {
            return Err(StoreError::Url(redact(url)));
        } else {
            format!("sqlite:{url}")
        };
        // Acknowledged means on disk: WAL with synchronous=FULL (one fsync per commit).
        let opts = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let memory = url.contains(":memory:");
        let pool = SqlitePoolOptions::new()
            // An in-memory database lives in one connection.
            .max_connections(if memory { 1 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        SQLITE_MIGRATIONS.run(&pool).await?;
        Ok(Store {
            db: Db::Sqlite(pool),
        })
    }

    /// The underlying pool.
    #[must_use]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// `sqlite` or `postgres`.
    #[must_use]
    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        on_db!(self, |p| p.close().await);
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        on_db!(self, |p| sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// Keeps a policy set's files under its hash (once).
    ///
    /// # Errors
    /// Database errors; a file that is not UTF-8 text.
    pub async fn save_policy_set(
        &self,
        hash: &str,
        files: &BTreeMap<String, Vec<u8>>,
    ) -> Result<(), StoreError> {
        let mut map = serde_json::Map::new();
        for (path, bytes) in files {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| StoreError::Corrupt(format!("policy file `{path}` is not UTF-8")))?;
            map.insert(path.clone(), Value::String(text.to_owned()));
        }
        let files = Value::Object(map).to_string();
        let sql = "INSERT INTO policy_sets (hash, files, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING";
        let created = now();
        on_db!(self, |p| sqlx::query(sql)
            .bind(hash)
            .bind(&files)
            .bind(&created)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// A stored policy set's files.
    ///
    /// # Errors
    /// Database errors; a stored set that does not parse.
    pub async fn policy_set_files(
        &self,
        hash: &str,
    ) -> Result<Option<BTreeMap<String, Vec<u8>>>, StoreError> {
        let sql = "SELECT files FROM policy_sets WHERE hash = $1";
        let text: Option<String> = on_db!(self, |p| sqlx::query_scalar(sql)
            .bind(hash)
            .fetch_optional(p)
            .await)?;
        let Some(text) = text else { return Ok(None) };
        let map: BTreeMap<String, String> = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("policy set `{hash}`: {e}")))?;
        Ok(Some(
            map.into_iter().map(|(k, v)| (k, v.into_bytes())).collect(),
        ))
    }

    /// Appends records in one transaction (group commit): each is chained to the one before,
    /// and its idempotency key, if any, is completed in the same transaction. Nothing is visible
    /// or acknowledged before the commit.
    ///
    /// # Errors
    /// Database errors: then nothing of the batch is stored.
    pub async fn append(
        &self,
        batch: Vec<(NewRecord, Option<IdemKey>)>,
    ) -> Result<Vec<Record>, StoreError> {
        let placed = self.append_claimed(batch).await?;
        placed
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                StoreError::Corrupt("an idempotency key of the batch is not held".to_owned())
            })
    }

    /// As [`Store::append`], for records whose idempotency keys their requests claimed: a record
    /// whose claim is no longer held (released, or taken over after
    /// [`IDEMPOTENCY_STALE_SECS`]) is not stored, and its place in the answer is `None`.
    ///
    /// # Errors
    /// Database errors: then nothing of the batch is stored. On PostgreSQL a failure of the
    /// commit itself that leaves its outcome unknown is [`StoreError::CommitUnknown`].
    pub async fn append_claimed(
        &self,
        batch: Vec<(NewRecord, Option<IdemKey>)>,
    ) -> Result<Vec<Option<Record>>, StoreError> {
        match &self.db {
            Db::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                // BEGIN IMMEDIATE takes the write lock first: writers in other processes wait
                // (busy timeout) instead of forking the chain or failing on a lock upgrade.
                sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
                let result: Result<Vec<Option<Record>>, StoreError> =
                    append_in!(&mut conn, batch).await;
                match result {
                    Ok(records) => match sqlx::query("COMMIT").execute(&mut *conn).await {
                        Ok(_) => Ok(records),
                        Err(e) => {
                            // Never hand a connection back to the pool inside a transaction.
                            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                            Err(e.into())
                        }
                    },
                    Err(e) => {
                        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                        Err(e)
                    }
                }
            }
            Db::Postgres(pool) => {
                let mut tx: Transaction<'_, Postgres> = pool.begin().await?;
                // One chain: writers of every replica take the same transaction lock.
                sqlx::query("SELECT pg_advisory_xact_lock(7274163)")
                    .execute(&mut *tx)
                    .await?;
                let records: Vec<Option<Record>> = append_in!(&mut tx, batch).await?;
                // The server answered with an error: nothing was committed. Anything else (the
                // connection lost after COMMIT was sent) leaves the outcome unknown.
                match tx.commit().await {
                    Ok(()) => Ok(records),
                    Err(e @ sqlx::Error::Database(_)) => Err(e.into()),
                    Err(e) => Err(StoreError::CommitUnknown(e)),
                }
            }
        }
    }

    /// One record by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn record(&self, id: &str) -> Result<Option<Record>, StoreError> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE id = $1");
        let r = on_db!(self, |p| {
            match sqlx::query(&sql).bind(id).fetch_optional(p).await? {
                Some(row) => Some(record_from!(&row)?),
                None => None,
            }
        });
        Ok(r)
    }

    /// Screenings matching `f`, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn list(&self, f: &ListFilter) -> Result<Vec<Record>, StoreError> {
        let category_none = f.category.as_deref() == Some("none");
        let category = if category_none {
            None
        } else {
            f.category.clone()
        };
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE kind = 'screening' \
             AND ($1 IS NULL OR reference = $1) AND ($2 IS NULL OR outcome = $2) \
             AND ($3 IS NULL OR category = $3) AND ($4 = 0 OR category IS NULL) \
             AND ($5 IS NULL OR created_at >= $5) AND ($6 IS NULL OR created_at < $6) \
             AND ($7 IS NULL OR instrument = $7) AND ($8 IS NULL OR seq < $8) \
             ORDER BY seq DESC LIMIT $9"
        );
        let rows = on_db!(self, |p| {
            let rows = sqlx::query(&sql)
                .bind(&f.reference)
                .bind(&f.outcome)
                .bind(&category)
                .bind(i64::from(category_none))
                .bind(&f.from)
                .bind(&f.to)
                .bind(&f.instrument)
                .bind(f.before)
                .bind(f.limit)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| record_from!(r))
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Every record of one application (screenings and their reviews), oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn history(
        &self,
        reference: &str,
        instrument: Option<&str>,
    ) -> Result<Vec<Record>, StoreError> {
        let sql = format!(
            "SELECT {LIGHT_COLUMNS} FROM records WHERE reference = $1 AND ($2 IS NULL OR instrument = $2) ORDER BY seq LIMIT 10000"
        );
        let rows = on_db!(self, |p| {
            let rows = sqlx::query(&sql)
                .bind(reference)
                .bind(instrument)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| record_from!(r))
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// The latest screening (up to sequence number `upto`) of every application (reference and
    /// instrument) after sequence number `after`, in chain order, with its application and
    /// decision.
    ///
    /// # Errors
    /// Database errors.
    pub async fn latest_screenings(
        &self,
        after: i64,
        upto: i64,
        limit: i64,
    ) -> Result<Vec<Record>, StoreError> {
        // Up to a fixed head `upto`, so screenings stored while the pages are read neither
        // appear nor hide the ones before them.
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records r WHERE r.kind = 'screening' AND r.seq > $1 AND r.seq <= $3 \
             AND NOT EXISTS (SELECT 1 FROM records n WHERE n.reference = r.reference \
             AND n.instrument = r.instrument AND n.kind = 'screening' AND n.seq > r.seq AND n.seq <= $3) \
             ORDER BY r.seq LIMIT $2"
        );
        let rows = on_db!(self, |p| {
            let rows = sqlx::query(&sql)
                .bind(after)
                .bind(limit)
                .bind(upto)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| record_from!(r))
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// The last record's sequence number and hash.
    ///
    /// # Errors
    /// Database errors.
    pub async fn head(&self) -> Result<Option<Checkpoint>, StoreError> {
        let sql = "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1";
        let row: Option<(i64, String)> =
            on_db!(self, |p| sqlx::query_as(sql).fetch_optional(p).await)?;
        Ok(row.map(|(seq, hash)| Checkpoint { seq, hash }))
    }

    /// Walks the whole chain in order and reports the first broken link; with a checkpoint,
    /// also whether the record at its sequence number still has its hash.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verify(
        &self,
        checkpoint: Option<&Checkpoint>,
    ) -> Result<Verification, StoreError> {
        self.verify_with(checkpoint, false).await
    }

    /// As [`Store::verify`]; with `incremental`, only the records after the checkpoint are
    /// walked (the checkpoint record must still have its hash), so a nightly check costs the
    /// day's records, not the whole history.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verify_with(
        &self,
        checkpoint: Option<&Checkpoint>,
        incremental: bool,
    ) -> Result<Verification, StoreError> {
        let sql =
            format!("SELECT {RECORD_COLUMNS} FROM records WHERE seq > $1 ORDER BY seq LIMIT 200");
        let mut prev_hash = GENESIS.to_owned();
        let mut expected_seq = 1i64;
        let mut last: Option<Checkpoint> = None;
        let mut count = 0i64;
        let mut broken = None;
        // The empty chain's head is the genesis hash; a later checkpoint must be found.
        // A checkpoint matches only if the chain holds a record with its sequence number and
        // hash; one that does not is reported as a mismatch, never taken as the head.
        let mut checkpoint_matches = checkpoint.map(|c| c.seq == 0 && c.hash == GENESIS);
        if let (true, Some(c)) = (incremental, checkpoint)
            && c.seq > 0
        {
            let sql = "SELECT hash FROM records WHERE seq = $1";
            let h: Option<String> = on_db!(self, |p| sqlx::query_scalar(sql)
                .bind(c.seq)
                .fetch_optional(p)
                .await)?;
            // Only a checkpoint the chain holds is a place to start from; otherwise the whole
            // chain is walked, so the head and any break reported are the chain's own.
            if h.as_deref() == Some(c.hash.as_str()) {
                checkpoint_matches = Some(true);
                prev_hash = c.hash.clone();
                expected_seq = c.seq + 1;
                last = Some(c.clone());
            }
        }
        'pages: loop {
            let after = last.as_ref().map_or(0, |c| c.seq);
            let page = on_db!(self, |p| {
                let rows = sqlx::query(&sql).bind(after).fetch_all(p).await?;
                rows.iter()
                    .map(|r| record_from!(r))
                    .collect::<Result<Vec<_>, _>>()?
            });
            if page.is_empty() {
                break;
            }
            for r in page {
                count += 1;
                if broken.is_none() {
                    let reason = if r.seq != expected_seq {
                        Some(format!("expected record {expected_seq}, found {}", r.seq))
                    } else if r.prev_hash != prev_hash {
                        Some("its previous hash is not the hash of the record before".to_owned())
                    } else if r.compute_hash() != r.hash {
                        Some("its content does not match its hash".to_owned())
                    } else {
                        None
                    };
                    if let Some(reason) = reason {
                        broken = Some(Broken { seq: r.seq, reason });
                    }
                }
                if let Some(c) = checkpoint
                    && c.seq == r.seq
                {
                    checkpoint_matches = Some(c.hash == r.hash);
                }
                expected_seq = r.seq + 1;
                prev_hash = r.hash.clone();
                last = Some(Checkpoint {
                    seq: r.seq,
                    hash: r.hash,
                });
                if count > i64::MAX - 2 {
                    break 'pages;
                }
            }
        }
        Ok(Verification {
            records: count,
            head: last,
            broken,
            checkpoint_matches,
            policy_sets: self.verify_policy_sets().await?,
        })
    }

    /// Checks every stored policy set against the hash it is kept under.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verify_policy_sets(&self) -> Result<PolicySetCheck, StoreError> {
        let sql = "SELECT hash FROM policy_sets ORDER BY hash";
        let hashes: Vec<String> = on_db!(self, |p| sqlx::query_scalar(sql).fetch_all(p).await)?;
        let mut check = PolicySetCheck::default();
        for hash in hashes {
            check.checked += 1;
            let ok = match self.policy_set_files(&hash).await {
                Ok(Some(files)) => imvo_engine::policy::hash_of_files(&files) == hash,
                Ok(None) => true,
                Err(StoreError::Corrupt(_)) => false,
                Err(e) => return Err(e),
            };
            if !ok {
                check.mismatched.push(hash);
            }
        }
        Ok(check)
    }

    /// Claims an idempotency key for a request body hash, or says what it already holds.
    ///
    /// # Errors
    /// Database errors.
    pub async fn claim_idempotency(
        &self,
        principal: &str,
        key: &str,
        request_hash: &str,
    ) -> Result<IdemState, StoreError> {
        let insert = "INSERT INTO idempotency (principal, key, request_hash, record_id, created_at) VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (principal, key) DO NOTHING";
        let created = now();
        let inserted = on_db!(self, |p| sqlx::query(insert)
            .bind(principal)
            .bind(key)
            .bind(request_hash)
            .bind(&created)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if inserted == 1 {
            return Ok(IdemState::Claimed);
        }
        let select =
            "SELECT request_hash, record_id FROM idempotency WHERE principal = $1 AND key = $2";
        let row: Option<(String, Option<String>)> = on_db!(self, |p| sqlx::query_as(select)
            .bind(principal)
            .bind(key)
            .fetch_optional(p)
            .await)?;
        // A claim left by a request that never finished (a crash, a cut-off) is taken over once
        // it is older than any request can run.
        if let Some((_, None)) = &row {
            let cutoff = (chrono::Utc::now() - chrono::Duration::seconds(IDEMPOTENCY_STALE_SECS))
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            let take = "UPDATE idempotency SET request_hash = $1, created_at = $2 WHERE principal = $3 AND key = $4 AND record_id IS NULL AND created_at < $5";
            let taken = on_db!(self, |p| sqlx::query(take)
                .bind(request_hash)
                .bind(&created)
                .bind(principal)
                .bind(key)
                .bind(&cutoff)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
            if taken == 1 {
                return Ok(IdemState::Claimed);
            }
        }
        Ok(match row {
            None => IdemState::InFlight,
            Some((hash, _)) if hash != request_hash => IdemState::Mismatch,
            Some((_, None)) => IdemState::InFlight,
            Some((_, Some(id))) => IdemState::Done(id),
        })
    }

    /// What a completed idempotency key holds (a record or batch id), if anything.
    ///
    /// # Errors
    /// Database errors.
    pub async fn idempotency_record(
        &self,
        principal: &str,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        let sql = "SELECT record_id FROM idempotency WHERE principal = $1 AND key = $2";
        let row: Option<Option<String>> = on_db!(self, |p| sqlx::query_scalar(sql)
            .bind(principal)
            .bind(key)
            .fetch_optional(p)
            .await)?;
        Ok(row.flatten())
    }

    /// Releases a claimed key whose request failed before anything was stored, so a retry can
    /// run it.
    ///
    /// # Errors
    /// Database errors.
    pub async fn release_idempotency(&self, principal: &str, key: &str) -> Result<(), StoreError> {
        let sql = "DELETE FROM idempotency WHERE principal = $1 AND key = $2 AND record_id IS NULL";
        on_db!(self, |p| sqlx::query(sql)
            .bind(principal)
            .bind(key)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Stores a new API key (the secret's hash only).
    ///
    /// # Errors
    /// Database errors.
    pub async fn insert_key(
        &self,
        id: &str,
        hash: &str,
        roles: &[String],
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO api_keys (id, hash, roles, created_at, revoked_at) VALUES ($1, $2, $3, $4, NULL)";
        let created = now();
        let roles = roles.join(",");
        on_db!(self, |p| sqlx::query(sql)
            .bind(id)
            .bind(hash)
            .bind(&roles)
            .bind(&created)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// One key by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn key(&self, id: &str) -> Result<Option<KeyRow>, StoreError> {
        let sql = "SELECT id, hash, roles, created_at, revoked_at FROM api_keys WHERE id = $1";
        let row: Option<(String, String, String, String, Option<String>)> =
            on_db!(self, |p| sqlx::query_as(sql)
                .bind(id)
                .fetch_optional(p)
                .await)?;
        Ok(row.map(key_row))
    }

    /// Every key.
    ///
    /// # Errors
    /// Database errors.
    pub async fn keys(&self) -> Result<Vec<KeyRow>, StoreError> {
        let sql =
            "SELECT id, hash, roles, created_at, revoked_at FROM api_keys ORDER BY created_at, id";
        let rows: Vec<(String, String, String, String, Option<String>)> =
            on_db!(self, |p| sqlx::query_as(sql).fetch_all(p).await)?;
        Ok(rows.into_iter().map(key_row).collect())
    }

    /// Revokes a key; false if there is no such active key.
    ///
    /// # Errors
    /// Database errors.
    pub async fn revoke_key(&self, id: &str) -> Result<bool, StoreError> {
        let sql = "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
        let at = now();
        let n = on_db!(self, |p| sqlx::query(sql)
            .bind(&at)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}

/// A batch to create (state `receiving` until its upload is stored).
#[derive(Debug, Clone)]
pub struct NewBatch {
    /// UUIDv7.
    pub id: String,
    /// API key id.
    pub created_by: String,
    /// `jsonl` or `csv`.
    pub format: String,
    /// Screening date for every line (none: each application's date).
    pub as_of: Option<String>,
    /// The policy set every line is screened under.
    pub policy_set: String,
    /// Created by a mission organiser: lines of other instruments are rejected.
    pub missions_only: bool,
}

/// A stored batch.
#[derive(Debug, Clone, Serialize)]
pub struct BatchRow {
    /// Batch id.
    pub id: String,
    /// Who uploaded it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// `jsonl` or `csv`.
    pub format: String,
    /// Screening date, if one was given.
    pub as_of: Option<String>,
    /// Policy set.
    pub policy_set: String,
    /// Uploaded by a mission organiser.
    pub missions_only: bool,
    /// `receiving`, `queued`, `done` or `abandoned`.
    pub state: String,
    /// Applications in the upload (blank lines not counted).
    pub lines: i64,
    /// Chunks.
    pub chunks: i64,
    /// When the upload was stored.
    pub queued_at: Option<String>,
    /// When the last line was done.
    pub finished_at: Option<String>,
}

/// Progress of a batch, from its line results.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BatchCounts {
    /// Lines with a result (screened or rejected).
    pub done: i64,
    /// Screened and stored.
    pub screened: i64,
    /// Rejected.
    pub failed: i64,
    /// Screened, by outcome.
    pub by_outcome: BTreeMap<String, i64>,
    /// Screened, by category (`none` for no category).
    pub by_category: BTreeMap<String, i64>,
}

/// A chunk claimed by a worker, with what it needs to screen it.
#[derive(Debug, Clone)]
pub struct ClaimedChunk {
    /// Batch id.
    pub batch_id: String,
    /// Chunk number.
    pub chunk: i64,
    /// The items (JSON array text).
    pub items: String,
    /// Claims of this chunk so far, this one included.
    pub attempts: i64,
    /// Who uploaded the batch (the records' `created_by`).
    pub created_by: String,
    /// Screening date for every line, if given.
    pub as_of: Option<String>,
    /// The batch's policy set.
    pub policy_set: String,
    /// Only trade missions may be screened.
    pub missions_only: bool,
}

/// The result of one line of a chunk.
#[derive(Debug, Clone)]
pub enum LineOutcome {
    /// Screened: the record to append.
    Screened(Box<NewRecord>),
    /// Rejected: the error JSON.
    Rejected(String),
}

const BATCH_COLUMNS: &str = "id, created_by, created_at, format, as_of, policy_set, missions_only, state, lines, chunks, queued_at, finished_at";

macro_rules! batch_from {
    ($row:expr) => {{
        let row = $row;
        Ok::<BatchRow, sqlx::Error>(BatchRow {
            id: row.try_get("id")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            format: row.try_get("format")?,
            as_of: row.try_get("as_of")?,
            policy_set: row.try_get("policy_set")?,
            missions_only: row.try_get::<i64, _>("missions_only")? != 0,
            state: row.try_get("state")?,
            lines: row.try_get("lines")?,
            chunks: row.try_get("chunks")?,
            queued_at: row.try_get("queued_at")?,
            finished_at: row.try_get("finished_at")?,
        })
    }};
}

/// Rows per multi-row INSERT into `batch_lines` (6 parameters a row).
const LINE_ROWS: usize = 64;

/// The part of [`Store::complete_chunk`] after the chain lock, for either database.
macro_rules! complete_in {
    ($conn:expr, $owner:expr, $batch_id:expr, $chunk:expr, $lines:expr) => {{
        let conn = $conn;
        let (owner, batch_id, chunk, lines) = ($owner, $batch_id, $chunk, $lines);
        async move {
            // Only the worker holding the lease may finish the chunk, and only once.
            let n = sqlx::query(
                "UPDATE batch_chunks SET state = 'done', lease_until = NULL, items = '[]' WHERE batch_id = $1 AND chunk = $2 AND state = 'pending' AND lease_owner = $3",
            )
            .bind(batch_id)
            .bind(chunk)
            .bind(owner)
            .execute(&mut **conn)
            .await?
            .rows_affected();
            if n != 1 {
                return Ok::<bool, StoreError>(false);
            }
            let mut records: Vec<(NewRecord, Option<IdemKey>)> = Vec::new();
            let mut slots = Vec::with_capacity(lines.len());
            for (line, outcome) in lines {
                match outcome {
                    LineOutcome::Screened(r) => {
                        slots.push((line, None));
                        records.push((*r, None));
                    }
                    LineOutcome::Rejected(e) => slots.push((line, Some(e))),
                }
            }
            // No idempotency keys here: every record is placed.
            let stored: Vec<Option<Record>> = append_in!(&mut *conn, records).await?;
            let mut stored = stored.into_iter().flatten();
            let mut rows: Vec<(i64, Option<String>, Option<String>, Option<String>, Option<String>)> =
                Vec::with_capacity(slots.len());
            for (line, error) in slots {
                match error {
                    Some(e) => rows.push((line, None, None, None, Some(e))),
                    None => {
                        let r = stored.next().ok_or_else(|| {
                            StoreError::Corrupt("fewer records stored than screened".into())
                        })?;
                        rows.push((line, Some(r.id), r.outcome, r.category, None));
                    }
                }
            }
            for part in rows.chunks(LINE_ROWS) {
                let mut sql = String::from(
                    "INSERT INTO batch_lines (batch_id, line, record_id, outcome, category, error) VALUES ",
                );
                for i in 0..part.len() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    let b = i * 6;
                    sql.push_str(&format!(
                        "(${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6
                    ));
                }
                let mut q = sqlx::query(&sql);
                for (line, record, outcome, category, error) in part {
                    q = q
                        .bind(batch_id)
                        .bind(*line)
                        .bind(record.as_deref())
                        .bind(outcome.as_deref())
                        .bind(category.as_deref())
                        .bind(error.as_deref());
                }
                q.execute(&mut **conn).await?;
            }
            // The last chunk done finishes the batch.
            sqlx::query(
                "UPDATE batches SET state = 'done', finished_at = $1 WHERE id = $2 AND state = 'queued' AND NOT EXISTS (SELECT 1 FROM batch_chunks WHERE batch_id = $2 AND state = 'pending')",
            )
            .bind(now())
            .bind(batch_id)
            .execute(&mut **conn)
            .await?;
            Ok(true)
        }
    }};
}

impl Store {
    /// Creates a batch in state `receiving`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn create_batch(&self, b: &NewBatch) -> Result<(), StoreError> {
        let sql = "INSERT INTO batches (id, created_by, created_at, format, as_of, policy_set, missions_only, state) VALUES ($1, $2, $3, $4, $5, $6, $7, 'receiving')";
        let created = now();
        on_db!(self, |p| sqlx::query(sql)
            .bind(&b.id)
            .bind(&b.created_by)
            .bind(&created)
            .bind(&b.format)
            .bind(&b.as_of)
            .bind(&b.policy_set)
            .bind(i64::from(b.missions_only))
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Stores one chunk of a batch's upload.
    ///
    /// # Errors
    /// Database errors.
    pub async fn add_chunk(
        &self,
        batch_id: &str,
        chunk: i64,
        items: &str,
    ) -> Result<(), StoreError> {
        // Only while the batch is still being received (not after it was abandoned).
        let sql = "INSERT INTO batch_chunks (batch_id, chunk, items, state) SELECT $1, $2, $3, 'pending' WHERE EXISTS (SELECT 1 FROM batches WHERE id = $1 AND state = 'receiving')";
        let n = on_db!(self, |p| sqlx::query(sql)
            .bind(batch_id)
            .bind(chunk)
            .bind(items)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!(
                "batch `{batch_id}` is no longer receiving its upload"
            )))
        }
    }

    /// Marks a fully stored upload as queued: from now on it is durable and workers take it.
    /// With an idempotency key (claimed by this upload), the key is completed with the batch id
    /// in the same transaction.
    ///
    /// # Errors
    /// Database errors; the batch is no longer being received.
    pub async fn queue_batch(
        &self,
        id: &str,
        lines: i64,
        chunks: i64,
        idem: Option<&IdemKey>,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE batches SET state = 'queued', lines = $1, chunks = $2, queued_at = $3 WHERE id = $4 AND state = 'receiving'";
        let at = now();
        let n = on_db!(self, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(sql)
                .bind(lines)
                .bind(chunks)
                .bind(&at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                if let Some(k) = idem {
                    sqlx::query(
                        "UPDATE idempotency SET record_id = $1 WHERE principal = $2 AND key = $3",
                    )
                    .bind(id)
                    .bind(&k.principal)
                    .bind(&k.key)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            n
        });
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!(
                "batch `{id}` is no longer receiving its upload"
            )))
        }
    }

    /// Gives up an upload that failed: its chunks are removed, the batch is kept as
    /// `abandoned`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn abandon_batch(&self, id: &str) -> Result<(), StoreError> {
        on_db!(self, |p| {
            let mut tx = p.begin().await?;
            // Only an upload still being received; a queued batch keeps its chunks.
            let n = sqlx::query(
                "UPDATE batches SET state = 'abandoned' WHERE id = $1 AND state = 'receiving'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query("DELETE FROM batch_chunks WHERE batch_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Abandons uploads that were still being received when a process stopped: on SQLite
    /// (one serving process) all of them; on PostgreSQL those older than `older_than_secs`,
    /// as another replica may be receiving one now.
    ///
    /// # Errors
    /// Database errors.
    pub async fn abandon_stale_uploads(&self, older_than_secs: i64) -> Result<u64, StoreError> {
        let cutoff = (chrono::Utc::now() - chrono::Duration::seconds(older_than_secs))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let ids: Vec<String> = on_db!(self, |p| sqlx::query_scalar(
            "SELECT id FROM batches WHERE state = 'receiving' AND created_at < $1"
        )
        .bind(&cutoff)
        .fetch_all(p)
        .await)?;
        for id in &ids {
            self.abandon_batch(id).await?;
        }
        Ok(ids.len() as u64)
    }

    /// Releases every lease (SQLite at start: the only process that works its batches has
    /// just started, so a lease held is a lease of a process that died).
    ///
    /// # Errors
    /// Database errors.
    pub async fn release_leases(&self) -> Result<u64, StoreError> {
        let sql = "UPDATE batch_chunks SET lease_until = NULL WHERE state = 'pending' AND lease_until IS NOT NULL";
        let n = on_db!(self, |p| sqlx::query(sql)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n)
    }

    /// Claims the next pending chunk of the oldest queued batch whose lease is free or has
    /// run out, for `lease_ms`. On PostgreSQL several replicas claim at once: `FOR UPDATE SKIP
    /// LOCKED` lets each take a different chunk without waiting on the others.
    ///
    /// # Errors
    /// Database errors.
    pub async fn claim_chunk(
        &self,
        owner: &str,
        lease_ms: i64,
    ) -> Result<Option<ClaimedChunk>, StoreError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let pick = "SELECT c.batch_id, c.chunk FROM batch_chunks c JOIN batches b ON b.id = c.batch_id \
             WHERE c.state = 'pending' AND b.state = 'queued' AND (c.lease_until IS NULL OR c.lease_until < $1) \
             ORDER BY b.queued_at, b.id, c.chunk LIMIT 1";
        let claimed: Option<(String, i64, String, i64)> = match &self.db {
            Db::Postgres(p) => {
                let sql = format!(
                    "UPDATE batch_chunks SET lease_owner = $2, lease_until = $3, attempts = attempts + 1 WHERE (batch_id, chunk) = ({pick} FOR UPDATE OF c SKIP LOCKED) RETURNING batch_id, chunk, items, attempts"
                );
                sqlx::query_as(&sql)
                    .bind(now_ms)
                    .bind(owner)
                    .bind(now_ms + lease_ms)
                    .fetch_optional(p)
                    .await?
            }
            Db::Sqlite(p) => {
                // One statement: SQLite runs it under its single write lock.
                let sql = format!(
                    "UPDATE batch_chunks SET lease_owner = $2, lease_until = $3, attempts = attempts + 1 WHERE (batch_id, chunk) = ({pick}) RETURNING batch_id, chunk, items, attempts"
                );
                sqlx::query_as(&sql)
                    .bind(now_ms)
                    .bind(owner)
                    .bind(now_ms + lease_ms)
                    .fetch_optional(p)
                    .await?
            }
        };
        let Some((batch_id, chunk, items, attempts)) = claimed else {
            return Ok(None);
        };
        let b = self
            .batch(&batch_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("chunk of a missing batch `{batch_id}`")))?;
        Ok(Some(ClaimedChunk {
            batch_id,
            chunk,
            items,
            attempts,
            created_by: b.created_by,
            as_of: b.as_of,
            policy_set: b.policy_set,
            missions_only: b.missions_only,
        }))
    }

    /// Extends the lease of a chunk this worker holds by `lease_ms` from now.
    ///
    /// # Errors
    /// Database errors.
    pub async fn renew_lease(
        &self,
        owner: &str,
        batch_id: &str,
        chunk: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let until = chrono::Utc::now().timestamp_millis() + lease_ms;
        let sql = "UPDATE batch_chunks SET lease_until = $1 WHERE batch_id = $2 AND chunk = $3 AND lease_owner = $4 AND state = 'pending'";
        let n = on_db!(self, |p| sqlx::query(sql)
            .bind(until)
            .bind(batch_id)
            .bind(chunk)
            .bind(owner)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Finishes a chunk in one transaction: its screenings appended to the record chain, one
    /// result row per line, the chunk marked done (only by the worker holding its lease, only
    /// once), and the batch marked done with its last chunk. Returns false, storing nothing,
    /// when the lease was lost to another worker.
    ///
    /// # Errors
    /// Database errors (nothing is stored; the chunk is taken again when its lease runs out).
    pub async fn complete_chunk(
        &self,
        owner: &str,
        batch_id: &str,
        chunk: i64,
        lines: Vec<(i64, LineOutcome)>,
    ) -> Result<bool, StoreError> {
        match &self.db {
            Db::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
                let result: Result<bool, StoreError> =
                    complete_in!(&mut conn, owner, batch_id, chunk, lines).await;
                match result {
                    Ok(true) => match sqlx::query("COMMIT").execute(&mut *conn).await {
                        Ok(_) => Ok(true),
                        Err(e) => {
                            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                            Err(e.into())
                        }
                    },
                    Ok(false) => {
                        sqlx::query("ROLLBACK").execute(&mut *conn).await?;
                        Ok(false)
                    }
                    Err(e) => {
                        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                        Err(e)
                    }
                }
            }
            Db::Postgres(pool) => {
                let mut tx: Transaction<'_, Postgres> = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(7274163)")
                    .execute(&mut *tx)
                    .await?;
                let done = complete_in!(&mut tx, owner, batch_id, chunk, lines).await?;
                if done {
                    tx.commit().await?;
                } else {
                    tx.rollback().await?;
                }
                Ok(done)
            }
        }
    }

    /// One batch.
    ///
    /// # Errors
    /// Database errors.
    pub async fn batch(&self, id: &str) -> Result<Option<BatchRow>, StoreError> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = $1");
        let r = on_db!(self, |p| {
            match sqlx::query(&sql).bind(id).fetch_optional(p).await? {
                Some(row) => Some(batch_from!(&row)?),
                None => None,
            }
        });
        Ok(r)
    }

    /// Batches, newest first; only those of `created_by` if given.
    ///
    /// # Errors
    /// Database errors.
    pub async fn batches(
        &self,
        created_by: Option<&str>,
        before: Option<&str>,
        abandoned: bool,
        limit: i64,
    ) -> Result<Vec<BatchRow>, StoreError> {
        // Ids are UUIDv7: their text sorts by creation time.
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM batches WHERE ($1 IS NULL OR created_by = $1) AND ($2 IS NULL OR id < $2) AND ($3 OR state <> 'abandoned') ORDER BY id DESC LIMIT $4"
        );
        let rows = on_db!(self, |p| {
            let rows = sqlx::query(&sql)
                .bind(created_by)
                .bind(before)
                .bind(abandoned)
                .bind(limit)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| batch_from!(r))
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Counters of a batch from its line results.
    ///
    /// # Errors
    /// Database errors.
    pub async fn batch_counts(&self, id: &str) -> Result<BatchCounts, StoreError> {
        let sql = "SELECT outcome, category, error IS NOT NULL AS failed, COUNT(*) AS n FROM batch_lines WHERE batch_id = $1 GROUP BY outcome, category, error IS NOT NULL";
        let rows: Vec<(Option<String>, Option<String>, bool, i64)> =
            on_db!(self, |p| sqlx::query_as(sql).bind(id).fetch_all(p).await)?;
        let mut c = BatchCounts::default();
        for (outcome, category, failed, n) in rows {
            c.done += n;
            if failed {
                c.failed += n;
                continue;
            }
            c.screened += n;
            if let Some(o) = outcome {
                *c.by_outcome.entry(o).or_default() += n;
            }
            *c.by_category
                .entry(category.unwrap_or_else(|| "none".to_owned()))
                .or_default() += n;
        }
        Ok(c)
    }

    /// Screened lines of a batch after `after` in line order: (line, record id, decision).
    ///
    /// # Errors
    /// Database errors.
    pub async fn batch_results(
        &self,
        id: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        let sql = "SELECT l.line, r.id, r.decision FROM batch_lines l JOIN records r ON r.id = l.record_id \
                   WHERE l.batch_id = $1 AND l.line > $2 AND l.record_id IS NOT NULL ORDER BY l.line LIMIT $3";
        let rows: Vec<(i64, String, Option<String>)> = on_db!(self, |p| sqlx::query_as(sql)
            .bind(id)
            .bind(after)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|(l, r, d)| (l, r, d.unwrap_or_else(|| "null".to_owned())))
            .collect())
    }

    /// Rejected lines of a batch after `after` in line order: (line, error JSON).
    ///
    /// # Errors
    /// Database errors.
    pub async fn batch_errors(
        &self,
        id: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let sql = "SELECT line, error FROM batch_lines WHERE batch_id = $1 AND line > $2 AND error IS NOT NULL ORDER BY line LIMIT $3";
        let rows: Vec<(i64, Option<String>)> = on_db!(self, |p| sqlx::query_as(sql)
            .bind(id)
            .bind(after)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|(l, e)| (l, e.unwrap_or_default()))
            .collect())
    }
}

fn key_row(
    (id, hash, roles, created_at, revoked_at): (String, String, String, String, Option<String>),
) -> KeyRow {
    KeyRow {
        id,
        hash,
        roles: roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect(),
        created_at,
        revoked_at,
    }
}

/// A database URL without its password, for messages and logs.
#[must_use]
pub fn redact(url: &str) -> String {
    let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@')) else {
        return url.to_owned();
    };
    let userinfo = url.get(scheme + 3..at).unwrap_or("");
    match userinfo.split_once(':') {
        Some((user, _)) if at > scheme => format!(
            "{}{user}:***{}",
            url.get(..scheme + 3).unwrap_or(""),
            url.get(at..).unwrap_or("")
        ),
        _ => url.to_owned(),
    }
}

/// Double-quotes an SQL identifier.
fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}
