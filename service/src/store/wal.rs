//! SQLite's write-ahead log, checkpointed by a task of its own while the service writes.
//!
//! A commit appends its pages to the WAL; a checkpoint copies them into the database file so
//! that the WAL can start again from its beginning. By default SQLite runs the checkpoint inside
//! the commit that takes the WAL past 1,000 pages, on the writer's connection: under a steady
//! stream of screenings, the group commit that happens to cross the line also copies the ~4 MB
//! before it and waits for the database file's fsync, while every request of the next group
//! waits for it.
//!
//! [`Store::start_wal_checkpoints`] moves most of that copying off the writer: after records
//! were committed, a second connection runs a `PASSIVE` checkpoint (it never waits for a lock
//! and never blocks the writer or a reader), at most every [`EVERY`]. The automatic checkpoint
//! stays on, so the writer still restarts the WAL once a checkpoint has caught up, but it finds
//! little left to copy. Durability does not change: a commit is acknowledged after the WAL's
//! fsync (`synchronous=FULL`) whether or not a checkpoint has run; a checkpoint only moves pages
//! already on disk. Measured in docs/performance.md.

use std::time::Duration;

use tokio::task::JoinHandle;

use super::{Db, Store};

/// The shortest time between two checkpoints while records are committed.
pub const EVERY: Duration = Duration::from_millis(5);

impl Store {
    /// SQLite: starts the task that checkpoints the WAL after records were committed (see the
    /// module's notes). The caller aborts it when it stops writing (a checkpoint cut short is
    /// harmless: the pages stay in the WAL); it also ends at its next wake once the pool is
    /// closed. `None` on PostgreSQL, and on an in-memory database (it has no WAL).
    #[must_use]
    pub fn start_wal_checkpoints(&self) -> Option<JoinHandle<()>> {
        let (Db::Sqlite(pool), Some(wrote)) = (&self.db, &self.wrote) else {
            return None;
        };
        let pool = pool.clone();
        let wrote = std::sync::Arc::clone(wrote);
        Some(tokio::spawn(async move {
            loop {
                wrote.notified().await;
                let Ok(mut conn) = pool.acquire().await else {
                    // Closed: the service is stopping.
                    return;
                };
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&mut *conn)
                    .await
                {
                    // Not fatal: the automatic checkpoint still runs on the writer's commits.
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
                drop(conn);
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
        let dir = std::env::temp_dir().join(format!("imvo-wal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("imvo.db");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
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
            for _ in 0..200 {
                if std::fs::metadata(&file).unwrap().len() > before {
                    grown = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            task.abort();
            store.close().await;
            assert!(grown, "the record's pages never reached the database file");
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
}
