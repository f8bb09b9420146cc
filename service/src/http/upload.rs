//! `POST /v1/batches`: a JSON Lines or CSV upload taken as a stream, stored in chunks, and
//! answered with the batch id once all of it is durable.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

use super::batches::{BatchQuery, BatchStatus, status};
use super::extract::{Auth, Q, parse_date_param};
use super::idempotency::{Stores, claim_key};
use super::problem::{FieldProblem, Problem};
use super::problem::{internal, unavailable};
use super::state::Shared;
use crate::access::{Action, Scope};
use crate::batch::CHUNK;
use crate::batch::input::{self, Format};
use crate::batch::workers::ChunkItem;
use crate::store::BatchState;
use crate::store::{BatchCounts, BatchRow, IdemKey, NewBatch};

fn upload_format(q: Option<&str>, headers: &HeaderMap) -> Result<Format, Problem> {
    if let Some(name) = q {
        return Format::from_name(name).ok_or_else(|| {
            Problem::invalid(
                "invalid-parameter",
                format!("`format` is `{name}`"),
                vec![FieldProblem {
                    path: "format".into(),
                    expected: Format::NAMES.into(),
                }],
            )
        });
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Format::from_media_type(ct).ok_or_else(|| {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "unsupported media type",
            "send a batch as `Content-Type: application/x-ndjson` (JSON Lines) or `text/csv`, or name it with `?format=jsonl|csv`",
        )
    })
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
    // The role first, as before: a caller who may not upload learns nothing about the format.
    auth.allow(Action::UploadBatch)?;
    let upload = Upload {
        format: upload_format(q.format.as_deref(), &headers)?,
        as_of: q
            .as_of
            .as_deref()
            .map(|s| parse_date_param("as_of", s))
            .transpose()?,
        idem: idempotency_key(&headers, &auth)?,
        declared: headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok()),
    };
    let (row, code, counts) = store_upload(&state, &auth, upload, body.into_data_stream()).await?;
    Ok(accepted(row, code, counts))
}

/// What an upload is, besides its bytes.
pub(crate) struct Upload {
    /// How to read it.
    pub format: Format,
    /// The screening date for every line.
    pub as_of: Option<chrono::NaiveDate>,
    /// The caller's idempotency key.
    pub idem: Option<IdemKey>,
    /// The size the client declared, if it did.
    pub declared: Option<u64>,
}

/// Stores an upload read from `stream` as a queued batch (the workbench's upload page and
/// `POST /v1/batches` both come here): the batch, `201`-like `202` or `200` for a retry, and its
/// counters.
pub(crate) async fn store_upload<S, E>(
    state: &Shared,
    auth: &Auth,
    upload: Upload,
    stream: S,
) -> Result<(BatchRow, StatusCode, BatchCounts), Problem>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let scope = auth.allow(Action::UploadBatch)?;
    // A declared size over the limit is refused at once, before a byte of the body is read.
    if upload
        .declared
        .is_some_and(|d| d > state.settings.batch_max_bytes)
    {
        return Err(too_large(state.settings.batch_max_bytes));
    }
    let Upload {
        format,
        as_of,
        idem,
        ..
    } = upload;
    // A retry of an upload already stored gets that batch, without sending it again.
    if let Some(k) = &idem
        && let Some(existing) = batch_of_key(state, k).await?
    {
        return replayed(state, existing).await;
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
    let Some(_per_key) = KeyUpload::take(state, &auth.0.id) else {
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
        missions_only: scope == Scope::TradeMissions,
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
    let (lines, chunks, digest) = receive(state, &id, format, stream).await?;
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
    // The same upload stored meanwhile under this key: keep that one.
    if let Some(k) = &idem
        && let Some(existing) = claim_key(state, k, &digest, Stores::Batch).await?
    {
        let b = state
            .store
            .batch(&existing)
            .await
            .map_err(unavailable)?
            .ok_or_else(Problem::internal)?;
        return replayed(state, b).await;
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
        state: BatchState::Queued,
        lines,
        chunks,
        queued_at: Some(crate::store::now()),
        finished_at: None,
    };
    Ok((row, StatusCode::ACCEPTED, BatchCounts::default()))
}

/// The answer to a retried upload: the batch already stored, with its counters as they are.
async fn replayed(
    state: &Shared,
    b: BatchRow,
) -> Result<(BatchRow, StatusCode, BatchCounts), Problem> {
    let c = state.store.batch_counts(&b.id).await.map_err(unavailable)?;
    Ok((b, StatusCode::OK, c))
}

/// `Idempotency-Key` of a batch upload, in its own namespace (`batch:`) of the caller's keys.
fn idempotency_key(headers: &HeaderMap, auth: &Auth) -> Result<Option<IdemKey>, Problem> {
    Ok(
        super::idempotency::idempotency_header(headers)?.map(|k| IdemKey {
            principal: auth.0.id.clone(),
            key: format!("batch:{k}"),
        }),
    )
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

/// The blocking side of an upload: reads the body from `rx` as `format`, cuts it into chunks of
/// [`CHUNK`] lines and stores each; returns (applications, chunks).
fn store_chunks(
    store: &crate::store::Store,
    handle: &tokio::runtime::Handle,
    batch_id: &str,
    format: Format,
    rx: mpsc::Receiver<Msg>,
) -> Result<(i64, i64), ReceiveError> {
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
            .block_on(store.add_chunk(batch_id, n, &text))
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
}

/// Feeds the body to a blocking reader that cuts it into chunks and stores each; returns
/// (applications, chunks, SHA-256 of the body).
async fn receive<S, E>(
    state: &Shared,
    id: &str,
    format: Format,
    mut body: S,
) -> Result<(i64, i64, String), Problem>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let (tx, rx) = mpsc::channel::<Msg>(8);
    let store = state.store.clone();
    let handle = tokio::runtime::Handle::current();
    let batch_id = id.to_owned();
    let reader =
        tokio::task::spawn_blocking(move || store_chunks(&store, &handle, &batch_id, format, rx));
    let settings = &state.settings;
    let deadline = tokio::time::Instant::now() + settings.batch_upload_timeout;
    let mut total = 0u64;
    let mut digest = <sha2::Sha256 as sha2::Digest>::new();
    let mut cut: Option<Problem> = None;
    loop {
        let frame = tokio::select! {
            f = tokio::time::timeout(settings.batch_idle_timeout, futures_util::StreamExt::next(&mut body)) => f,
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
            Ok(Some(Ok(data))) => {
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
