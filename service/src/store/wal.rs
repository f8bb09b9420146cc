//! SQLite's write-ahead log, checkpointed by a task of its own while the service writes.
//!
//! A commit appends its pages to the WAL; a checkpoint copies them into the database file so
//! that the WAL can start again from its beginning. By default SQLite runs the checkpoint inside
//! every commit that finds the WAL at 1,000 pages or more, on the writer's connection: under a
//! steady stream of screenings, such a group commit copies the pages not yet copied (up to about
//! 4 MB) and waits for the database file's fsync, while every request of the next group waits
//! for it.
//!
//! [`Store::start_wal_checkpoints`] moves most of that copying off the writer: after records
//! were committed, a connection of its own runs a `PASSIVE` checkpoint, at most every [`EVERY`].
//! A passive checkpoint takes no lock that the writer or a reader waits for (it copies what it
//! can and reports the rest as busy); it does share the disk with the writer's own fsync. The
//! automatic checkpoint stays on, so the writer still restarts the WAL once a checkpoint has
//! caught up, but finds most pages already copied. Durability does not change: a commit is
//! acknowledged after the WAL's fsync (`synchronous=FULL`) whether or not a checkpoint has run;
//! a checkpoint only moves pages already on disk. Measured in docs/performance.md.

use std::time::Duration;

use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;
use tokio::task::JoinHandle;

use super::{Db, Store};

/// The shortest time between the end of one checkpoint and the start of the next while records
/// are committed.
pub const EVERY: Duration = Duration::from_millis(5);

impl Store {
    /// SQLite: starts the task that checkpoints the WAL after records were committed (see the
    /// module's notes), on a connection of its own (not one of the pool's). The task runs until
    /// the caller aborts it, which it does when it stops writing: a checkpoint cut short is
    /// harmless (the pages stay in the WAL). `None` on PostgreSQL, and on an in-memory database
    /// (it has no WAL).
    #[must_use]
    pub fn start_wal_checkpoints(&self) -> Option<JoinHandle<()>> {
        let (Db::Sqlite(pool), Some(wrote)) = (&self.db, &self.wrote) else {
            return None;
        };
        let options = pool.connect_options();
        let wrote = std::sync::Arc::clone(wrote);
        Some(tokio::spawn(async move {
            let mut conn: Option<SqliteConnection> = None;
            loop {
                wrote.notified().await;
                if conn.is_none() {
                    match SqliteConnection::connect_with(&options).await {
                        Ok(c) => conn = Some(c),
                        Err(e) => {
                            // Not fatal: the automatic checkpoint still runs on the writer's
                            // commits. Tried again after the next commit.
                            tracing::warn!(error = %e, "WAL checkpoints: cannot open a connection");
                        }
                    }
                }
                if let Some(c) = conn.as_mut() {
                    match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
                        .fetch_one(&mut *c)
                        .await
                    {
                        Ok((busy, log, copied)) => {
                            tracing::debug!(busy, log, copied, "WAL checkpoint");
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "WAL checkpoint failed");
                            // A fresh connection next time.
                            conn = None;
                        }
                    }
                }
                tokio::time::sleep(EVERY).await;
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        reason = "test code: a failed expectation is a test failure"
    )]

    use super::super::{NewRecord, RecordKind, Store};

    /// Committed records reach the database file through the task: the automatic checkpoint
    /// alone would leave a few records in the WAL (it waits for 1,000 pages), so the file would
    /// not grow.
    #[test]
    fn committed_records_are_checkpointed_into_the_database_file() {
        let dir = std::env::temp_dir().join(format!(
            "imvo-wal-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("imvo.db");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let grown = rt.block_on(async {
            let store = Store::connect(&format!("sqlite:{}", file.display()))
                .await
                .unwrap();
            // Everything so far (the schema) into the file, so that only the records are left.
            let super::super::Db::Sqlite(pool) = store.db() else {
                panic!("not SQLite")
            };
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
                .unwrap();
            let before = std::fs::metadata(&file).unwrap().len();
            let task = store
                .start_wal_checkpoints()
                .expect("a SQLite file has a WAL");
            let record = NewRecord {
                kind: RecordKind::Screening,
                created_by: "key-test".into(),
                reference: "REF-WAL".into(),
                instrument: "export_credit".into(),
                engine_version: "0.1.0".into(),
                input: Some("x".repeat(20_000)),
                ..NewRecord::default()
            };
            store.append(vec![(record, None)]).await.unwrap();
            let mut grown = false;
            // Up to 10 s: a loaded machine may be slow to copy and fsync.
            for _ in 0..1_000 {
                if std::fs::metadata(&file).unwrap().len() > before {
                    grown = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            task.abort();
            store.close().await;
            grown
        });
        let _ = std::fs::remove_dir_all(&dir);
        assert!(grown, "the record's pages never reached the database file");
    }
}
