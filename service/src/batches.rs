//! Stored batches: `POST /v1/batches` takes a JSON Lines or CSV upload as a stream, stores it in
//! chunks and answers with the batch id once all of it is durable; workers in every serving
//! process claim chunks from the database, screen them and store the decisions as ordinary
//! screenings of the record chain.
//!
//! Architecture invariants:
//! - A chunk's screenings, its per-line results and the mark that it is done are one
//!   transaction, and `batch_lines` has one row per (batch, line), so every line ends with
//!   exactly one result whatever crashes: a worker killed mid-chunk stored nothing of it, and
//!   the chunk is claimed again when its lease runs out.
//! - Claims are leases in the database (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL), so
//!   any number of replicas share the chunks of a batch; only the worker holding a chunk's
//!   lease can finish it.
//! - Every line of a batch is screened under the policy set in force when it was uploaded,
//!   loaded from the store by hash, whichever replica screens it.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use imvo_engine::{Application, ENGINE_VERSION, Instrument, screen};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::{mpsc, watch};
use tower::ServiceBuilder;

use crate::access::{Action, Scope};
use crate::api::{Auth, Q, Shared, internal, parse_date_param, unavailable};
use crate::batch::{CHUNK, rejection_json};
use crate::input::{self, Format, Item};
use crate::problem::{FieldProblem, Problem};
use crate::store::{
    BatchCounts, BatchRow, ClaimedChunk, IdemKey, IdemState, LineOutcome, NewBatch, NewRecord,
};

/// One input line as stored in a chunk.
#[derive(Debug, Serialize, Deserialize)]
struct ChunkItem {
    line: u64,
    /// The application's JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    json: Option<String>,
    /// Why the line is not an application (the error file's JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl From<Item> for ChunkItem {
    fn from(i: Item) -> ChunkItem {
        match i.json {
            Ok(json) => ChunkItem {
                line: i.line,
                json: Some(json),
                error: None,
            },
            Err(e) => ChunkItem {
                line: i.line,
                json: None,
                error: Some(rejection_json(i.line, &e)),
            },
        }
    }
}

// ---- upload ----

/// Query of `POST /v1/batches`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    /// `jsonl` or `csv` (default: from the Content-Type).
    pub format: Option<String>,
    /// Screening date for every line (default: each application's date).
    pub as_of: Option<String>,
}

/// A batch's status and counters.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchStatus {
    /// Batch id.
    pub id: String,
    /// `receiving`, `queued`, `running`, `done` or `abandoned`.
    pub status: String,
    /// `jsonl` or `csv`.
    pub format: String,
    /// Screening date for every line, if one was given.
    pub as_of: Option<String>,
    /// The policy set every line is screened under.
    pub policy_set: String,
    /// Who uploaded it (API key id).
    pub created_by: String,
    /// Upload started.
    pub created_at: String,
    /// Upload stored.
    pub queued_at: Option<String>,
    /// Last line done.
    pub finished_at: Option<String>,
    /// Applications in the upload.
    pub total: i64,
    /// Lines with a result.
    pub done: i64,
    /// Lines screened and stored.
    pub screened: i64,
    /// Lines rejected.
    pub failed: i64,
    /// Screened lines by outcome.
    pub by_outcome: std::collections::BTreeMap<String, i64>,
    /// Screened lines by category (`none` for no category).
    pub by_category: std::collections::BTreeMap<String, i64>,
    /// Where the results and errors are.
    pub links: BatchLinks,
}

/// Links of a batch.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchLinks {
    /// This status.
    #[serde(rename = "self")]
    pub this: String,
    /// The decisions, as JSON Lines.
    pub results: String,
    /// The rejected lines, as JSON Lines.
    pub errors: String,
}

fn status(b: BatchRow, c: BatchCounts) -> BatchStatus {
    let state = if b.state == "queued" && c.done > 0 {
        "running".to_owned()
    } else {
        b.state
    };
    BatchStatus {
        links: BatchLinks {
            this: format!("/v1/batches/{}", b.id),
            results: format!("/v1/batches/{}/results", b.id),
            errors: format!("/v1/batches/{}/errors", b.id),
        },
        id: b.id,
        status: state,
        format: b.format,
        as_of: b.as_of,
        policy_set: b.policy_set,
        created_by: b.created_by,
        created_at: b.created_at,
        queued_at: b.queued_at,
        finished_at: b.finished_at,
        total: b.lines,
        done: c.done,
        screened: c.screened,
        failed: c.failed,
        by_outcome: c.by_outcome,
        by_category: c.by_category,
    }
}

fn upload_format(q: Option<&str>, headers: &HeaderMap) -> Result<Format, Problem> {
    if let Some(name) = q {
        return Format::from_name(name).ok_or_else(|| {
            Problem::invalid(
                "invalid-parameter",
                format!("`format` is `{name}`"),
                vec![FieldProblem {
                    path: "format".into(),
                    expected: "jsonl or csv".into(),
                }],
            )
        });
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match ct.as_str() {
        "text/csv" => Ok(Format::Csv),
        "application/x-ndjson"
        | "application/jsonl"
        | "application/x-jsonlines"
        | "application/jsonlines" => Ok(Format::JsonLines),
        _ => Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "unsupported media type",
            "send a batch as `Content-Type: application/x-ndjson` (JSON Lines) or `text/csv`, or name it with `?format=jsonl|csv`",
        )),
    }
}

/// Reads the upload on a blocking thread from a channel the request body is fed into.
struct ChannelReader {
    rx: mpsc::Receiver<Msg>,
    buf: Bytes,
    /// The body ended: every further read is the end too.
    ended: bool,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.buf.is_empty() {
            if self.ended {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Msg::Data(b)) => self.buf = b,
                Some(Msg::End) => {
                    self.ended = true;
                    return Ok(0);
                }
                // Cut off, or the handler went away without saying the body ended.
                Some(Msg::Cut) | None => {
                    return Err(std::io::Error::other("the upload was cut off"));
                }
            }
        }
        let n = out.len().min(self.buf.len());
        let head = self.buf.split_to(n);
        if let Some(dst) = out.get_mut(..n) {
            dst.copy_from_slice(&head);
        }
        Ok(n)
    }
}

enum ReceiveError {
    File(input::FileError),
    Io(std::io::Error),
    Store(crate::store::StoreError),
}

/// `413`: a batch upload over the size limit.
fn too_large(limit: u64) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        "request body too large",
        format!("a batch upload may hold at most {limit} bytes; split the portfolio"),
    )
}

/// One key's share of the upload slots, given back when the upload ends (also when dropped).
struct KeyUpload {
    map: Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
    key: String,
}

impl KeyUpload {
    /// Takes a slot for `key` if it holds fewer than half of the process's (at least one).
    fn take(state: &Shared, key: &str) -> Option<KeyUpload> {
        let per_key = (state.settings.batch_uploads / 2).max(1);
        let mut m = state.uploads_by_key.lock().ok()?;
        let n = m.entry(key.to_owned()).or_insert(0);
        if *n >= per_key {
            return None;
        }
        *n += 1;
        Some(KeyUpload {
            map: Arc::clone(&state.uploads_by_key),
            key: key.to_owned(),
        })
    }
}

impl Drop for KeyUpload {
    fn drop(&mut self) {
        if let Ok(mut m) = self.map.lock()
            && let Some(n) = m.get_mut(&self.key)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.key);
            }
        }
    }
}

/// Upload a portfolio (JSON Lines or CSV) to screen and store; answered once the whole upload is
/// durably stored, before any line is screened.
#[utoipa::path(post, path = "/v1/batches", tag = "batches",
    params(BatchQuery),
    request_body(content = String, description = "JSON Lines (one v1 application per line) or CSV (a header of dotted v1 paths)", content_type = "application/x-ndjson"),
    responses(
        (status = 202, description = "stored and queued", body = BatchStatus, headers(("Location" = String, description = "/v1/batches/{id}"))),
        (status = 400, description = "the upload could not be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "the upload stalled", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "an empty upload, another encoding, or a CSV header that does not fit the contract (every bad column listed)", body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(crate) async fn post_batch(
    State(state): State<Shared>,
    auth: Auth,
    headers: HeaderMap,
    Q(q): Q<BatchQuery>,
    body: Body,
) -> Result<Response, Problem> {
    let upload = auth.allow(Action::UploadBatch)?;
    // A declared size over the limit is refused at once, before a byte of the body is read.
    if let Some(declared) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && declared > state.settings.batch_max_bytes
    {
        return Err(too_large(state.settings.batch_max_bytes));
    }
    let format = upload_format(q.format.as_deref(), &headers)?;
    let as_of = q
        .as_of
        .as_deref()
        .map(|s| parse_date_param("as_of", s))
        .transpose()?;
    let idem = idempotency_key(&headers, &auth)?;
    // A retry of an upload already stored gets that batch, without sending it again.
    if let Some(k) = &idem
        && let Some(existing) = batch_of_key(&state, k).await?
    {
        return replayed(&state, existing).await;
    }
    // A few uploads at a time per process: each holds a blocking thread while it streams.
    let Ok(_upload) = Arc::clone(&state.uploads).try_acquire_owned() else {
        return Err(Problem::unavailable(
            "too-many-uploads",
            "this replica is receiving as many batch uploads as it takes at once; retry shortly",
        ));
    };
    // And at most half of them (at least one) per API key, so one key's slow uploads cannot
    // keep every other user's out.
    let Some(_per_key) = KeyUpload::take(&state, &auth.0.id) else {
        return Err(Problem::unavailable(
            "too-many-uploads",
            "this key is already sending as many batch uploads as one key may at once; retry when one is stored",
        ));
    };
    let id = uuid::Uuid::now_v7().to_string();
    let batch = NewBatch {
        id: id.clone(),
        created_by: auth.0.id.clone(),
        format: format.as_str().to_owned(),
        as_of: as_of.map(|d| d.to_string()),
        policy_set: state.set.hash().to_owned(),
        missions_only: upload == Scope::TradeMissions,
    };
    state
        .store
        .create_batch(&batch)
        .await
        .map_err(unavailable)?;
    // Abandons the upload if this handler ends without queueing it, also when it is dropped
    // (the client went away, the service stops).
    let mut guard = AbandonGuard {
        store: state.store.clone(),
        id: id.clone(),
        armed: true,
    };
    let (lines, chunks, digest) = receive(&state, &id, format, body).await?;
    if lines == 0 {
        return Err(Problem::invalid(
            "empty-batch",
            "the upload holds no applications",
            vec![FieldProblem {
                path: "$".into(),
                expected:
                    "at least one application (one per line, or one per CSV row after the header)"
                        .into(),
            }],
        ));
    }
    if let Some(k) = &idem {
        match state
            .store
            .claim_idempotency(&k.principal, &k.key, &digest)
            .await
            .map_err(unavailable)?
        {
            IdemState::Claimed => {}
            IdemState::Done(existing) => {
                // The same upload was stored meanwhile: keep that one.
                let b = state
                    .store
                    .batch(&existing)
                    .await
                    .map_err(unavailable)?
                    .ok_or_else(Problem::internal)?;
                return replayed(&state, b).await;
            }
            IdemState::InFlight => {
                return Err(Problem::conflict(
                    "idempotency-in-flight",
                    "an upload with this Idempotency-Key is being stored now",
                ));
            }
            IdemState::Mismatch => {
                return Err(Problem::conflict(
                    "idempotency-mismatch",
                    "this Idempotency-Key was used for an upload with other content",
                ));
            }
        }
    }
    if let Err(e) = state
        .store
        .queue_batch(&id, lines, chunks, idem.as_ref())
        .await
    {
        if let Some(k) = &idem {
            let _ = state.store.release_idempotency(&k.principal, &k.key).await;
        }
        return Err(unavailable(e));
    }
    guard.armed = false;
    // Wake the workers of this process; other replicas find it on their next poll.
    state.batch_wakeup.notify_waiters();
    tracing::info!(batch = %id, lines, "batch stored and queued");
    let row = BatchRow {
        id,
        created_by: batch.created_by,
        created_at: crate::store::now(),
        format: batch.format,
        as_of: batch.as_of,
        policy_set: batch.policy_set,
        missions_only: batch.missions_only,
        state: "queued".into(),
        lines,
        chunks,
        queued_at: Some(crate::store::now()),
        finished_at: None,
    };
    Ok(accepted(row, StatusCode::ACCEPTED, BatchCounts::default()))
}

/// The answer to a retried upload: the batch already stored, with its counters as they are.
async fn replayed(state: &Shared, b: BatchRow) -> Result<Response, Problem> {
    let c = state.store.batch_counts(&b.id).await.map_err(unavailable)?;
    Ok(accepted(b, StatusCode::OK, c))
}

/// `Idempotency-Key` of a batch upload, in its own namespace (`batch:`) of the caller's keys.
fn idempotency_key(headers: &HeaderMap, auth: &Auth) -> Result<Option<IdemKey>, Problem> {
    Ok(crate::api::idempotency_header(headers)?.map(|k| IdemKey {
        principal: auth.0.id.clone(),
        key: format!("batch:{k}"),
    }))
}

/// The batch an idempotency key already names, if its upload was stored.
async fn batch_of_key(state: &Shared, k: &IdemKey) -> Result<Option<BatchRow>, Problem> {
    let Some(id) = state
        .store
        .idempotency_record(&k.principal, &k.key)
        .await
        .map_err(unavailable)?
    else {
        return Ok(None);
    };
    state.store.batch(&id).await.map_err(unavailable)
}

fn accepted(b: BatchRow, code: StatusCode, counts: BatchCounts) -> Response {
    let location = format!("/v1/batches/{}", b.id);
    let mut resp = (code, axum::Json(status(b, counts))).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// Marks an upload abandoned unless disarmed (it was queued).
struct AbandonGuard {
    store: crate::store::Store,
    id: String,
    armed: bool,
}

impl Drop for AbandonGuard {
    fn drop(&mut self) {
        if self.armed {
            let (store, id) = (self.store.clone(), std::mem::take(&mut self.id));
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    if let Err(e) = store.abandon_batch(&id).await {
                        tracing::warn!(error = %e, batch = %id, "could not mark a failed upload abandoned");
                    }
                });
            }
        }
    }
}

/// What the request body sends the reader thread.
enum Msg {
    Data(Bytes),
    /// The body ended normally.
    End,
    /// The upload was cut off: the reader must fail, not take what came as the whole.
    Cut,
}

/// Feeds the body to a blocking reader that cuts it into chunks and stores each; returns
/// (applications, chunks, SHA-256 of the body).
async fn receive(
    state: &Shared,
    id: &str,
    format: Format,
    body: Body,
) -> Result<(i64, i64, String), Problem> {
    let (tx, rx) = mpsc::channel::<Msg>(8);
    let store = state.store.clone();
    let handle = tokio::runtime::Handle::current();
    let batch_id = id.to_owned();
    let reader = tokio::task::spawn_blocking(move || -> Result<(i64, i64), ReceiveError> {
        let r = std::io::BufReader::with_capacity(
            1 << 16,
            ChannelReader {
                rx,
                buf: Bytes::new(),
                ended: false,
            },
        );
        let items = input::open(format, r).map_err(ReceiveError::File)?;
        let mut chunk: Vec<ChunkItem> = Vec::with_capacity(CHUNK);
        let (mut lines, mut chunks) = (0i64, 0i64);
        let flush = |chunk: &mut Vec<ChunkItem>, n: i64| -> Result<(), ReceiveError> {
            let text = serde_json::to_string(&chunk).map_err(|e| ReceiveError::Io(e.into()))?;
            handle
                .block_on(store.add_chunk(&batch_id, n, &text))
                .map_err(ReceiveError::Store)?;
            chunk.clear();
            Ok(())
        };
        for item in items {
            chunk.push(item.map_err(ReceiveError::Io)?.into());
            lines += 1;
            if chunk.len() == CHUNK {
                flush(&mut chunk, chunks)?;
                chunks += 1;
            }
        }
        if !chunk.is_empty() {
            flush(&mut chunk, chunks)?;
            chunks += 1;
        }
        Ok((lines, chunks))
    });
    let settings = &state.settings;
    let deadline = tokio::time::Instant::now() + settings.batch_upload_timeout;
    let mut body = body;
    let mut total = 0u64;
    let mut digest = <sha2::Sha256 as sha2::Digest>::new();
    let mut cut: Option<Problem> = None;
    loop {
        let frame = tokio::select! {
            f = tokio::time::timeout(settings.batch_idle_timeout, body.frame()) => f,
            // The reader stopped early (a bad CSV header): answer now.
            () = tx.closed() => break,
            () = tokio::time::sleep_until(deadline) => {
                cut = Some(Problem::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "upload-too-slow",
                    "upload too slow",
                    format!(
                        "the upload took more than {} s; nothing was stored (split the portfolio)",
                        settings.batch_upload_timeout.as_secs()
                    ),
                ));
                break;
            }
        };
        match frame {
            Err(_) => {
                cut = Some(Problem::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "upload-stalled",
                    "upload stalled",
                    format!(
                        "nothing of the upload arrived for {} s; nothing was stored",
                        settings.batch_idle_timeout.as_secs()
                    ),
                ));
            }
            Ok(None) => {
                let _ = tx.send(Msg::End).await;
            }
            Ok(Some(Err(e))) => {
                cut = Some(Problem::bad_request(
                    "upload-broken",
                    format!("the upload could not be read ({e}); nothing was stored"),
                ));
            }
            Ok(Some(Ok(frame))) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                total += data.len() as u64;
                if total > settings.batch_max_bytes {
                    cut = Some(too_large(settings.batch_max_bytes));
                } else {
                    sha2::Digest::update(&mut digest, &data);
                    if tx.send(Msg::Data(data)).await.is_err() {
                        break;
                    }
                    continue;
                }
            }
        }
        break;
    }
    if cut.is_some() {
        let _ = tx.send(Msg::Cut).await;
    }
    drop(tx);
    let result = reader.await.map_err(internal)?;
    if let Some(p) = cut {
        return Err(p);
    }
    let (lines, chunks) = result.map_err(|e| match e {
        ReceiveError::File(f) => Problem::invalid(
            "invalid-batch-file",
            f.message,
            f.columns
                .into_iter()
                .map(|c| FieldProblem {
                    path: c.path,
                    expected: c.expected,
                })
                .collect(),
        ),
        ReceiveError::Io(e) => Problem::bad_request(
            "upload-broken",
            format!("the upload could not be read: {e}"),
        ),
        ReceiveError::Store(e) => unavailable(e),
    })?;
    let digest = imvo_engine::codes::hex(&sha2::Digest::finalize(digest));
    Ok((lines, chunks, digest))
}

// ---- reading ----

/// The batch `id` if this caller may see it: a mission organiser sees its own batches only.
async fn visible_batch(state: &Shared, auth: &Auth, id: &str) -> Result<BatchRow, Problem> {
    let scope = auth.allow(Action::ReadBatches)?;
    match state.store.batch(id).await.map_err(unavailable)? {
        Some(b) if scope == Scope::All || b.created_by == auth.0.id => Ok(b),
        _ => Err(Problem::not_found(format!("no batch `{id}`"))),
    }
}

/// A batch's status and counters.
#[utoipa::path(get, path = "/v1/batches/{id}", tag = "batches",
    params(("id" = String, Path, description = "batch id")),
    responses((status = 200, body = BatchStatus), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn get_batch(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let b = visible_batch(&state, &auth, &id).await?;
    let c = state.store.batch_counts(&id).await.map_err(unavailable)?;
    Ok(axum::Json(status(b, c)).into_response())
}

/// Query of `GET /v1/batches`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// How many batches at most, 1 to 100 (default 100).
    pub limit: Option<i64>,
    /// The `next` of the previous page: batches older than this one.
    pub before: Option<String>,
    /// Also list uploads that failed or were cut off (`abandoned`).
    pub abandoned: Option<bool>,
}

/// Batches (a mission organiser's own), newest first, without counters; uploads that failed are
/// left out unless `abandoned=true`.
#[utoipa::path(get, path = "/v1/batches", tag = "batches", params(ListQuery),
    responses((status = 200, description = "`{\"batches\": [...], \"next\": id or null}`, newest first"), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn list_batches(
    State(state): State<Shared>,
    auth: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Response, Problem> {
    let scope = auth.allow(Action::ReadBatches)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=100).contains(&limit) {
        // As `GET /v1/screenings` answers a bad parameter.
        return Err(Problem::invalid(
            "invalid-parameter",
            "invalid query parameters",
            vec![FieldProblem {
                path: "limit".into(),
                expected: "an integer from 1 to 100".into(),
            }],
        ));
    }
    let own = (scope != Scope::All).then_some(auth.0.id.as_str());
    let rows = state
        .store
        .batches(
            own,
            q.before.as_deref(),
            q.abandoned.unwrap_or(false),
            limit + 1,
        )
        .await
        .map_err(unavailable)?;
    let more = rows.len() as i64 > limit;
    let rows: Vec<BatchRow> = rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(100))
        .collect();
    let next = if more {
        rows.last().map(|b| b.id.clone())
    } else {
        None
    };
    // Counting lines is a scan per batch, so the list leaves the counters out rather than
    // showing zeros that are not true.
    let list: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|b| {
            let mut v = serde_json::to_value(status(b, BatchCounts::default()))
                .unwrap_or(serde_json::Value::Null);
            if let Some(m) = v.as_object_mut() {
                for k in ["done", "screened", "failed", "by_outcome", "by_category"] {
                    m.remove(k);
                }
            }
            v
        })
        .collect();
    Ok(axum::Json(json!({ "batches": list, "next": next })).into_response())
}

const PAGE: i64 = 500;

fn ndjson(
    stream: impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
) -> Response {
    let mut resp = Body::from_stream(stream).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    resp
}

/// The decisions of a batch in line order, as JSON Lines: `{"line", "screening_id",
/// "decision"}`. While a batch runs, the lines done so far.
#[utoipa::path(get, path = "/v1/batches/{id}/results", tag = "batches",
    params(("id" = String, Path, description = "batch id")),
    responses((status = 200, description = "JSON Lines", content_type = "application/x-ndjson"), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn batch_results(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    visible_batch(&state, &auth, &id).await?;
    let stream = futures_util::stream::unfold(Some(0i64), move |after| {
        let state = Arc::clone(&state);
        let id = id.clone();
        async move {
            let after = after?;
            match state.store.batch_results(&id, after, PAGE).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map_or(after, |r| r.0);
                    let mut text = String::new();
                    for (line, rid, decision) in rows {
                        text.push_str(&format!(
                            "{{\"line\":{line},\"screening_id\":\"{rid}\",\"decision\":{decision}}}\n"
                        ));
                    }
                    Some((Ok(Bytes::from(text)), Some(last)))
                }
                Err(e) => {
                    tracing::warn!(error = %e, batch = %id, "results stream broken off");
                    Some((Err(std::io::Error::other("database")), None))
                }
            }
        }
    });
    Ok(ndjson(stream))
}

/// The rejected lines of a batch in line order, as JSON Lines, each with its line number and
/// every bad field (the same form as `imvo batch --errors`).
#[utoipa::path(get, path = "/v1/batches/{id}/errors", tag = "batches",
    params(("id" = String, Path, description = "batch id")),
    responses((status = 200, description = "JSON Lines", content_type = "application/x-ndjson"), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn batch_errors(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    visible_batch(&state, &auth, &id).await?;
    let stream = futures_util::stream::unfold(Some(0i64), move |after| {
        let state = Arc::clone(&state);
        let id = id.clone();
        async move {
            let after = after?;
            match state.store.batch_errors(&id, after, PAGE).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map_or(after, |r| r.0);
                    let mut text = String::new();
                    for (_, error) in rows {
                        text.push_str(&error);
                        text.push('\n');
                    }
                    Some((Ok(Bytes::from(text)), Some(last)))
                }
                Err(e) => {
                    tracing::warn!(error = %e, batch = %id, "errors stream broken off");
                    Some((Err(std::io::Error::other("database")), None))
                }
            }
        }
    });
    Ok(ndjson(stream))
}

/// The batch routes: outside the request timeout (an upload or a results stream may take
/// minutes) but under a concurrency limit of their own.
pub(crate) fn routes(state: Shared) -> Router {
    let limit = state.settings.concurrency;
    Router::new()
        .route("/v1/batches", post(post_batch).get(list_batches))
        .route("/v1/batches/{id}", get(get_batch))
        .route("/v1/batches/{id}/results", get(batch_results))
        .route("/v1/batches/{id}/errors", get(batch_errors))
        .method_not_allowed_fallback(crate::api::method_not_allowed)
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            crate::api::track,
        ))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(
                    crate::api::overload,
                ))
                .load_shed()
                .concurrency_limit(limit),
        )
}

// ---- workers ----

/// The batch workers of this process.
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// Starts `state.settings.batch_workers` workers, named after this process.
    #[must_use]
    pub fn start(state: &Shared) -> Workers {
        let (stop, rx) = watch::channel(false);
        let process = format!(
            "{}:{}:{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "host".to_owned()),
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        );
        let tasks = (0..state.settings.batch_workers)
            .map(|i| {
                let owner = format!("{process}:{i}");
                tokio::spawn(work(Arc::clone(state), owner, rx.clone()))
            })
            .collect();
        Workers { stop, tasks }
    }

    /// Stops taking chunks and waits for the chunks in hand (their leases would otherwise
    /// hold them until they run out).
    pub async fn stop(self, wait: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + wait;
        for t in self.tasks {
            let _ = tokio::time::timeout_at(deadline, t).await;
        }
    }
}

async fn work(state: Shared, owner: String, mut stop: watch::Receiver<bool>) {
    let lease_ms = i64::try_from(state.settings.batch_lease.as_millis()).unwrap_or(60_000);
    loop {
        if *stop.borrow() {
            break;
        }
        // A screening slot first, then the claim: a worker never holds a lease while it waits
        // for the CPU.
        let Ok(permit) = Arc::clone(&state.slots).acquire_owned().await else {
            break;
        };
        match state.store.claim_chunk(&owner, lease_ms).await {
            Ok(Some(c)) => {
                let (batch, chunk) = (c.batch_id.clone(), c.chunk);
                // The lease is renewed while the chunk is in hand (screening, waiting for the
                // commit), so only a worker that stopped loses it.
                let renew = {
                    let (store, owner, batch, every) = (
                        state.store.clone(),
                        owner.clone(),
                        batch.clone(),
                        state.settings.batch_lease / 3,
                    );
                    tokio::spawn(async move {
                        loop {
                            tokio::time::sleep(every).await;
                            if let Err(e) = store.renew_lease(&owner, &batch, chunk, lease_ms).await
                            {
                                tracing::warn!(error = %e, %batch, chunk, "cannot renew a chunk lease");
                            }
                        }
                    })
                };
                let result = if c.attempts > MAX_ATTEMPTS {
                    drop(permit);
                    give_up(&state, &owner, &c).await
                } else {
                    process(&state, &owner, c, permit).await
                };
                renew.abort();
                match result {
                    Ok(true) => tracing::debug!(%batch, chunk, "chunk done"),
                    Ok(false) => {
                        tracing::warn!(%batch, chunk, "chunk lease lost to another worker: its results were not stored here")
                    }
                    Err(e) => {
                        tracing::warn!(%batch, chunk, error = %e, "chunk failed; it is taken again when its lease runs out");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
            Ok(None) => {
                drop(permit);
                tokio::select! {
                    () = state.batch_wakeup.notified() => {}
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim batch work");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Claims of one chunk before its lines are given up as errors (so a chunk that fails every
/// time, for example under a policy set that no longer loads, cannot hold its batch forever).
const MAX_ATTEMPTS: i64 = 5;

/// Finishes a chunk that failed [`MAX_ATTEMPTS`] times: every line gets an error result
/// (`not_screened`), in the same exactly-once transaction as a screened chunk.
async fn give_up(state: &Shared, owner: &str, c: &ClaimedChunk) -> Result<bool, String> {
    let items: Vec<ChunkItem> =
        serde_json::from_str(&c.items).map_err(|e| format!("stored chunk: {e}"))?;
    tracing::error!(batch = %c.batch_id, chunk = c.chunk, attempts = c.attempts, "a chunk failed every attempt: its lines are recorded as not screened");
    let lines = items
        .into_iter()
        .map(|it| {
            let e = json!({
                "line": it.line, "error": "not_screened",
                "detail": format!("screening this part of the batch failed {MAX_ATTEMPTS} times; the service log has the cause; upload these lines again"),
            });
            (
                i64::try_from(it.line).unwrap_or(i64::MAX),
                LineOutcome::Rejected(e.to_string()),
            )
        })
        .collect();
    let _commit = Arc::clone(&state.batch_commits)
        .acquire_owned()
        .await
        .map_err(|_| "shutting down".to_owned())?;
    state
        .store
        .complete_chunk(owner, &c.batch_id, c.chunk, lines)
        .await
        .map_err(|e| e.to_string())
}

/// Screens one claimed chunk and stores it; false if the lease was lost.
async fn process(
    state: &Shared,
    owner: &str,
    c: ClaimedChunk,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<bool, String> {
    let set = state
        .set_by_hash(&c.policy_set)
        .await
        .map_err(|p| p.detail)?
        .ok_or_else(|| format!("policy set {} is not stored", c.policy_set))?;
    let as_of = c
        .as_of
        .as_deref()
        .and_then(imvo_engine::application::parse_date);
    let items: Vec<ChunkItem> =
        serde_json::from_str(&c.items).map_err(|e| format!("stored chunk: {e}"))?;
    let (created_by, missions_only) = (c.created_by.clone(), c.missions_only);
    let lines = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        items
            .into_iter()
            .map(|it| {
                let line = it.line;
                let outcome = match it.json {
                    None => LineOutcome::Rejected(it.error.unwrap_or_default()),
                    Some(text) => match Application::parse(&text) {
                        Err(e) => LineOutcome::Rejected(rejection_json(line, &e)),
                        Ok(app) if missions_only && app.instrument != Instrument::TradeMission => {
                            LineOutcome::Rejected(json!({
                                "line": line, "error": "forbidden_instrument",
                                "detail": "a mission organiser may screen trade-mission applications only",
                                "errors": [{"path": "instrument", "expected": "trade_mission (the batch was uploaded by a mission organiser)", "found": app.instrument.as_str()}]
                            }).to_string())
                        }
                        Ok(app) => {
                            let d = screen(&set, &app, as_of.unwrap_or(app.application_date));
                            LineOutcome::Screened(Box::new(NewRecord {
                                kind: "screening",
                                created_by: created_by.clone(),
                                reference: app.reference.clone(),
                                instrument: app.instrument.as_str().to_owned(),
                                outcome: Some(d.outcome.as_str().to_owned()),
                                category: d.category.map(|c| c.as_str().to_owned()),
                                as_of: Some(d.provenance.as_of.to_string()),
                                policy_set: Some(d.provenance.policy_set.clone()),
                                engine_version: ENGINE_VERSION.to_owned(),
                                input: Some(app.canonical_json()),
                                decision: Some(serde_json::to_string(&d).unwrap_or_default()),
                                review_of: None,
                                review: None,
                            }))
                        }
                    },
                };
                (i64::try_from(line).unwrap_or(i64::MAX), outcome)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| format!("screening task: {e}"))?;
    let counts: Vec<(String, Option<String>)> = lines
        .iter()
        .filter_map(|(_, o)| match o {
            LineOutcome::Screened(r) => {
                Some((r.outcome.clone().unwrap_or_default(), r.category.clone()))
            }
            LineOutcome::Rejected(_) => None,
        })
        .collect();
    let _commit = Arc::clone(&state.batch_commits)
        .acquire_owned()
        .await
        .map_err(|_| "shutting down".to_owned())?;
    let done = state
        .store
        .complete_chunk(owner, &c.batch_id, c.chunk, lines)
        .await
        .map_err(|e| e.to_string())?;
    if done {
        for (outcome, category) in counts {
            state.metrics.screening(&outcome, category.as_deref());
        }
    }
    Ok(done)
}
