//! The record chain: appending under the chain lock, and reading records back.

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{Postgres, Row, Transaction};

use super::{Db, IdemKey, Store, StoreError, UnknownValue, now, sha256};

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A screening: an application and its decision.
    #[default]
    Screening,
    /// An analyst's review of a screening.
    Review,
}

impl RecordKind {
    /// As stored.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Screening => "screening",
            RecordKind::Review => "review",
        }
    }
}

impl std::str::FromStr for RecordKind {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<RecordKind, UnknownValue> {
        match s {
            "screening" => Ok(RecordKind::Screening),
            "review" => Ok(RecordKind::Review),
            _ => Err(UnknownValue {
                column: "record kind",
                value: s.to_owned(),
            }),
        }
    }
}

/// A record to append.
#[derive(Debug, Clone, Default)]
pub struct NewRecord {
    /// Screening or review.
    pub kind: RecordKind,
    /// Who created it (API key id).
    pub created_by: String,
    /// Who holds that key (a person's or a system's name), where known.
    pub holder: Option<String>,
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

/// A stored record. Its columns repeat [`NewRecord`]'s (the duplicate finder pairs them): a
/// stored record adds its place in the chain (`seq`, `id`, `created_at`, `prev_hash`, `hash`),
/// and nesting a `NewRecord` inside would change its serialised shape and put a level between
/// every reader and its column.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Chain position.
    pub seq: i64,
    /// Record id (UUIDv7).
    pub id: String,
    /// Screening or review.
    pub kind: RecordKind,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
    /// Who stored it.
    pub created_by: String,
    /// Who holds the key that stored it (records stored before keys had holders have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
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
    /// Who acted: the holder of the key that stored the record, or the key's id for a record
    /// stored before keys had holders (as such keys read).
    #[must_use]
    pub fn acted_by(&self) -> &str {
        self.holder.as_deref().unwrap_or(&self.created_by)
    }

    /// The content the hash covers, as canonical JSON (RFC 8785): every column except the hashes
    /// themselves, with the three large texts (input, decision, review) each represented by its
    /// own SHA-256, so the record hash covers them exactly without re-escaping them. The
    /// holder is part of it where there is one (records stored before keys had holders keep
    /// their hashes).
    #[must_use]
    pub fn content(&self) -> String {
        self.content_with(&self.digests())
    }

    /// The digests of the stored texts, as verification recomputes them.
    fn digests(&self) -> TextDigests {
        TextDigests::of(
            self.input.as_deref(),
            self.decision.as_deref(),
            self.review.as_deref(),
        )
    }

    /// [`Record::content`] with the digests of its large texts already computed.
    fn content_with(&self, d: &TextDigests) -> String {
        let mut content = json!({
            "seq": self.seq, "id": self.id, "kind": self.kind, "created_at": self.created_at,
            "created_by": self.created_by, "reference": self.reference,
            "instrument": self.instrument, "outcome": self.outcome, "category": self.category,
            "as_of": self.as_of, "policy_set": self.policy_set,
            "engine_version": self.engine_version, "input_sha256": d.input,
            "decision_sha256": d.decision, "review_of": self.review_of,
            "review_sha256": d.review,
        });
        if let (Some(h), Some(map)) = (&self.holder, content.as_object_mut()) {
            map.insert("holder".to_owned(), json!(h));
        }
        imvo_engine::json::canonical(&content)
    }

    /// `sha256:` over the previous hash, a newline and [`Record::content`].
    #[must_use]
    pub fn compute_hash(&self) -> String {
        self.hash_with(&self.digests())
    }

    /// [`Record::compute_hash`] with the digests of its large texts already computed.
    pub(super) fn hash_with(&self, d: &TextDigests) -> String {
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(b"\n");
        h.update(self.content_with(d).as_bytes());
        format!("sha256:{}", imvo_engine::codes::hex(&h.finalize()))
    }
}

/// The `sha256:` digests of a record's three large texts, which its hash covers in place of the
/// texts ([`Record::content`]).
#[derive(Debug, Clone)]
pub(super) struct TextDigests {
    input: Option<String>,
    decision: Option<String>,
    review: Option<String>,
}

impl TextDigests {
    fn of(input: Option<&str>, decision: Option<&str>, review: Option<&str>) -> Self {
        TextDigests {
            input: input.map(sha256),
            decision: decision.map(sha256),
            review: review.map(sha256),
        }
    }
}

/// A new record with the digests of its large texts computed ([`Digested::new`]), so that the
/// writer, which appends one group at a time under the chain lock, only hashes the small rest:
/// the digests of a record's texts (about 24 KB for the README example) are computed before it
/// is queued, in `Writer::append` for a request and in the screening of a batch chunk, in
/// parallel with the others. Made only from a [`NewRecord`], which it keeps whole, so
/// the digests are of the texts stored.
#[derive(Debug, Clone)]
pub struct Digested {
    pub(super) record: NewRecord,
    pub(super) digests: TextDigests,
}

impl Digested {
    /// Digests `record`'s texts.
    #[must_use]
    pub fn new(record: NewRecord) -> Digested {
        let digests = TextDigests::of(
            record.input.as_deref(),
            record.decision.as_deref(),
            record.review.as_deref(),
        );
        Digested { record, digests }
    }

    /// The record.
    #[must_use]
    pub fn record(&self) -> &NewRecord {
        &self.record
    }
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
    /// The applicant's name contains this (case-insensitive). Read from each stored
    /// application, so a search by applicant reads every record; the other filters use columns.
    pub applicant: Option<String>,
    /// Records before this sequence number (the cursor).
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
    /// Only what a list shows: no application, decision, review, date, policy set or hashes.
    pub summary: bool,
}

pub(super) const RECORD_COLUMNS: &str = "seq, id, kind, created_at, created_by, reference, instrument, outcome, category, as_of, policy_set, engine_version, input, decision, review_of, review, prev_hash, hash, holder";

/// The record columns without the application (for lists that do not return it).
pub(super) const LIGHT_COLUMNS: &str = "seq, id, kind, created_at, created_by, reference, instrument, outcome, category, as_of, policy_set, engine_version, NULL AS input, decision, review_of, review, prev_hash, hash, holder";

/// The record columns without the application and the decision.
/// Only columns of the `records_list` index, so that SQLite reads no row (see migration 0005);
/// the hashes are left empty.
const SUMMARY_COLUMNS: &str = "seq, id, kind, created_at, created_by, reference, instrument, outcome, category, NULL AS as_of, NULL AS policy_set, engine_version, NULL AS input, NULL AS decision, NULL AS review_of, NULL AS review, '' AS prev_hash, '' AS hash, holder";

/// Runs `$body`, an async block over `$conn` that evaluates to `Result<(value, commit?),
/// StoreError>`, in a transaction holding the chain's write lock, on either database, and
/// evaluates to `Result<value, StoreError>` (errors of opening the transaction propagate with
/// `?`). SQLite: `BEGIN IMMEDIATE` takes the write lock first, so writers in other processes
/// wait (busy timeout) instead of forking the chain or failing on a lock upgrade. PostgreSQL:
/// writers of every replica take the same advisory transaction lock; a commit the server refused
/// stored nothing, and one whose answer was lost is [`StoreError::CommitUnknown`].
///
/// Architecture invariant: every write to `records` goes through this one lock.
macro_rules! chain_locked {
    ($store:expr, |$conn:ident| $body:expr) => {
        match &$store.db {
            Db::Sqlite(pool) => {
                let mut c = pool.acquire().await?;
                sqlx::query("BEGIN IMMEDIATE").execute(&mut *c).await?;
                let result = {
                    let $conn = &mut c;
                    $body.await
                };
                let end = if matches!(result, Ok((_, true))) {
                    "COMMIT"
                } else {
                    "ROLLBACK"
                };
                match (result, sqlx::query(end).execute(&mut *c).await) {
                    (Ok((value, commit)), Ok(_)) => {
                        if let (true, Some(wrote)) = (commit, &$store.wrote) {
                            wrote.notify_one();
                        }
                        Ok(value)
                    }
                    (Ok(_), Err(e)) => {
                        // Never hand a connection back to the pool inside a transaction.
                        let _ = sqlx::query("ROLLBACK").execute(&mut *c).await;
                        Err(StoreError::from(e))
                    }
                    (Err(e), _) => Err(e),
                }
            }
            Db::Postgres(pool) => {
                let mut tx: Transaction<'_, Postgres> = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(7274163)")
                    .execute(&mut *tx)
                    .await?;
                let (value, commit) = {
                    let $conn = &mut tx;
                    $body.await?
                };
                if commit {
                    match tx.commit().await {
                        Ok(()) => Ok(value),
                        Err(e @ sqlx::Error::Database(_)) => Err(StoreError::from(e)),
                        Err(e) => Err(StoreError::CommitUnknown(e)),
                    }
                } else {
                    tx.rollback().await?;
                    Ok(value)
                }
            }
        }
    };
}

/// Reads a record from a row of either database.
macro_rules! record_from {
    ($row:expr) => {{
        let row = $row;
        Ok::<$crate::store::Record, sqlx::Error>($crate::store::Record {
            seq: row.try_get("seq")?,
            id: row.try_get("id")?,
            kind: row
                .try_get::<String, _>("kind")?
                .parse::<$crate::store::RecordKind>()
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
            holder: row.try_get("holder")?,
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
            let (mut seq, mut prev) = head.unwrap_or((0, $crate::store::GENESIS.to_owned()));
            let created_at = now();
            let mut out: Vec<Record> = Vec::with_capacity(batch.len());
            let mut kept: Vec<bool> = Vec::with_capacity(batch.len());
            let mut idems = Vec::new();
            for (digested, idem) in batch {
                let $crate::store::Digested { record: r, digests } = digested;
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
                    kind: r.kind,
                    created_at: created_at.clone(),
                    created_by: r.created_by,
                    holder: r.holder,
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
                rec.hash = rec.hash_with(&digests);
                prev = rec.hash.clone();
                if let Some(k) = idem {
                    idems.push((rec.id.clone(), k));
                }
                out.push(rec);
            }
            // Multi-row inserts of a few fixed sizes: few round trips, few distinct statements.
            let mut rows = out.as_slice();
            while !rows.is_empty() {
                let n = super::records::INSERT_CHUNKS
                    .iter()
                    .copied()
                    .find(|&n| n <= rows.len())
                    .unwrap_or(1);
                let (chunk, rest) = rows.split_at(n.min(rows.len()));
                let sql = super::records::insert_sql(chunk.len());
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
                        .bind(rec.hash.as_str())
                        .bind(rec.holder.as_deref());
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
pub(super) const INSERT_CHUNKS: [usize; 4] = [64, 16, 4, 1];

/// `INSERT INTO records (...) VALUES ($1, ..., $18), ($19, ...)` for `rows` rows.
/// The number of columns in [`RECORD_COLUMNS`].
const COLUMNS: usize = 19;

pub(super) fn insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO records ({RECORD_COLUMNS}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 1..=COLUMNS {
            if c > 1 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * COLUMNS + c));
        }
        sql.push(')');
    }
    sql
}

impl Store {
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
        let batch = batch
            .into_iter()
            .map(|(r, idem)| (Digested::new(r), idem))
            .collect();
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
        batch: Vec<(Digested, Option<IdemKey>)>,
    ) -> Result<Vec<Option<Record>>, StoreError> {
        chain_locked!(self, |conn| async move {
            Ok::<_, StoreError>((append_in!(conn, batch).await?, true))
        })
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
        // Only a search by applicant names the application: without one, the list is answered
        // from the `records_list` index alone (SQLite reads no row).
        let applicant = match (&f.applicant, &self.db) {
            (None, Db::Sqlite(_)) => "$10 IS NULL",
            (None, Db::Postgres(_)) => "$10::text IS NULL",
            (Some(_), Db::Sqlite(_)) => {
                "instr(lower(json_extract(input, '$.applicant.name')), lower($10)) > 0"
            }
            (Some(_), Db::Postgres(_)) => {
                "strpos(lower(input::jsonb #>> '{applicant,name}'), lower($10)) > 0"
            }
        };
        let columns = if f.summary {
            SUMMARY_COLUMNS
        } else {
            RECORD_COLUMNS
        };
        let sql = format!(
            "SELECT {columns} FROM records WHERE kind = 'screening' \
             AND ($1 IS NULL OR reference = $1) AND ($2 IS NULL OR outcome = $2) \
             AND ($3 IS NULL OR category = $3) AND ($4 = 0 OR category IS NULL) \
             AND ($5 IS NULL OR created_at >= $5) AND ($6 IS NULL OR created_at < $6) \
             AND ($7 IS NULL OR instrument = $7) AND ($8 IS NULL OR seq < $8) \
             AND {applicant} \
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
                .bind(&f.applicant)
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
        let sql = latest_screenings_sql();
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
}

/// The query of [`Store::latest_screenings`] (`$1` after, `$2` limit, `$3` upto). Up to a fixed
/// head `upto`, so screenings stored while the pages are read neither appear nor hide the ones
/// before them. "No later screening of the same application" is one lookup in the index
/// `records_latest` on SQLite (migration 0006; the store's tests hold SQLite's plan to it), and
/// `records_reference` on PostgreSQL, whose planner picks it.
#[doc(hidden)]
#[must_use]
pub fn latest_screenings_sql() -> String {
    format!(
        "SELECT {RECORD_COLUMNS} FROM records r WHERE r.kind = 'screening' AND r.seq > $1 AND r.seq <= $3 \
         AND NOT EXISTS (SELECT 1 FROM records n WHERE n.reference = r.reference \
         AND n.instrument = r.instrument AND n.kind = 'screening' AND n.seq > r.seq AND n.seq <= $3) \
         ORDER BY r.seq LIMIT $2"
    )
}
