//! The decision record: an append-only, hash-chained table of screenings and reviews, with the
//! policy sets that decided them, API keys and idempotency keys. The same migrations and queries
//! run on SQLite (the embedded default) and PostgreSQL (shared deployments), through sqlx with
//! bound parameters.
//!
//! Architecture invariant: no code path updates or deletes a row of `records`; the database
//! refuses it too (triggers on both, and privileges on PostgreSQL deployments). Every row's `hash`
//! is SHA-256 over the previous row's hash and the canonical JSON of the row's own content, so a
//! change to any stored row breaks the chain at that row.
//!
//! Layout: this file holds the connection, migrations and the error type; `records` the chain
//! (append under the chain lock, reads), `verify` the chain walk and the policy-set check,
//! `idempotency` the claims, `keys` the API keys, `policy_sets` the stored sets, `batches`
//! the stored batches, their chunks and leases, and `wal` SQLite's checkpoints while the service
//! writes. Both databases are reached through `on_db!` (one query, either pool) and
//! `chain_locked!` (the one transaction that writes `records`).
//! The `.bind(...)` chains of the queries look alike (the duplicate finder pairs some): each is
//! one statement's parameters, in its order.

use std::str::FromStr;
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// Runs one query against whichever database: `$body` is written once and compiled for each pool.
macro_rules! on_db {
    ($self:expr, |$pool:ident| $body:expr) => {
        match &$self.db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

#[macro_use]
mod records;
mod batches;
mod idempotency;
mod keys;
mod lines;
mod policy_sets;
mod sessions;
mod verify;
mod wal;

pub use batches::{BatchCounts, BatchRow, BatchState, ClaimedChunk, LineOutcome, NewBatch};
pub use idempotency::{IDEMPOTENCY_STALE_SECS, IdemKey, IdemState};
pub use keys::KeyRow;
pub use lines::{LineFilter, LineRow};
pub use records::{Digested, ListFilter, NewRecord, Record, RecordKind, latest_screenings_sql};
pub use sessions::SessionRow;
pub use verify::{Broken, Checkpoint, PolicySetCheck, Verification};

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

/// A value in the database that this version does not know (a `kind` or `state` column).
#[derive(Debug, thiserror::Error)]
#[error("unknown {column} `{value}` in the database")]
pub struct UnknownValue {
    /// The column.
    pub column: &'static str,
    /// What it holds.
    pub value: String,
}

/// Which database.
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded default.
    Sqlite(SqlitePool),
    /// Shared deployments.
    Postgres(PgPool),
}

/// `sha256:` and the lower-case hex SHA-256 of `text`.
#[must_use]
pub fn sha256(text: &str) -> String {
    format!(
        "sha256:{}",
        imvo_engine::codes::hex(&Sha256::digest(text.as_bytes()))
    )
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Now, as stored: RFC 3339 UTC with microseconds.
#[must_use]
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The store.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    /// Woken when records were committed to a SQLite file (see [`Store::start_wal_checkpoints`]).
    wrote: Option<std::sync::Arc<tokio::sync::Notify>>,
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
                wrote: None,
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
            // An in-memory database has no WAL.
            wrote: (!memory).then(std::sync::Arc::default),
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
