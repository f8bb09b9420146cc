//! Stored batches: uploads in chunks, leases for the workers, and line results.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::{Postgres, Row, Transaction};

use super::{Db, Digested, IdemKey, Record, Store, StoreError, UnknownValue, now};

/// Where a stored batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    /// Its upload is being stored.
    Receiving,
    /// Stored in full: workers screen its chunks.
    Queued,
    /// Every line has its result.
    Done,
    /// Its upload failed or was cut off: it has no lines.
    Abandoned,
}

impl BatchState {
    /// As stored (and as the API shows it).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Receiving => "receiving",
            BatchState::Queued => "queued",
            BatchState::Done => "done",
            BatchState::Abandoned => "abandoned",
        }
    }
}

impl std::str::FromStr for BatchState {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<BatchState, UnknownValue> {
        match s {
            "receiving" => Ok(BatchState::Receiving),
            "queued" => Ok(BatchState::Queued),
            "done" => Ok(BatchState::Done),
            "abandoned" => Ok(BatchState::Abandoned),
            _ => Err(UnknownValue {
                column: "batch state",
                value: s.to_owned(),
            }),
        }
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
    pub state: BatchState,
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
    Screened(Box<Digested>),
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
            state: row
                .try_get::<String, _>("state")?
                .parse::<$crate::store::BatchState>()
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
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
            let mut records: Vec<(Digested, Option<IdemKey>)> = Vec::new();
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
        // PostgreSQL: replicas skip the rows another holds. SQLite: one statement runs under its
        // single write lock.
        let lock = match &self.db {
            Db::Postgres(_) => " FOR UPDATE OF c SKIP LOCKED",
            Db::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE batch_chunks SET lease_owner = $2, lease_until = $3, attempts = attempts + 1 WHERE (batch_id, chunk) = ({pick}{lock}) RETURNING batch_id, chunk, items, attempts"
        );
        let claimed: Option<(String, i64, String, i64)> = on_db!(self, |p| sqlx::query_as(&sql)
            .bind(now_ms)
            .bind(owner)
            .bind(now_ms + lease_ms)
            .fetch_optional(p)
            .await)?;
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
        chain_locked!(self, |conn| async move {
            let done = complete_in!(conn, owner, batch_id, chunk, lines).await?;
            Ok::<_, StoreError>((done, done))
        })
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
