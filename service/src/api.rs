//! The HTTP API (`/v1`), built as a router over shared state so tests drive it with
//! `tower::ServiceExt::oneshot` and the server serves the same router.
//!
//! Architecture invariant: screening runs on the blocking pool behind a semaphore, never on the
//! async workers, so a slow policy cannot starve `/healthz`; a stored screening is answered only
//! after the group commit that holds it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{BoxError, Json, Router};
use chrono::NaiveDate;
use imvo_engine::decision::ErrorKind;
use imvo_engine::script::Limits;
use imvo_engine::{
    Application, Category, ENGINE_VERSION, InputError, Instrument, Outcome, PolicySet, screen,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

use crate::access::{self, Action, Scope};
use crate::auth::{Keys, Principal, Role};
use crate::metrics::Metrics;
use crate::problem::{FieldProblem, Problem};
use crate::store::{IdemKey, IdemState, ListFilter, NewRecord, Record, Store};
use crate::writer::{Ticket, WriteError, Writer};

/// Largest request body (one application, a review, a simulation).
pub const BODY_LIMIT: usize = 256 * 1024;

/// Settings of the service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Requests handled at once; more are shed with 503.
    pub concurrency: usize,
    /// Screenings evaluated at once (on the blocking pool).
    pub screening_slots: usize,
    /// A request that runs longer is cut off with 503 (one whose record the writer has already
    /// taken waits for its outcome instead: see `write_timeout`).
    pub request_timeout: Duration,
    /// A request body (not a batch upload) must arrive within this time, or it is answered 408;
    /// it is read before the request takes one of the `concurrency` slots.
    pub body_read_timeout: Duration,
    /// A group commit that has not finished within this time is given up, and its requests are
    /// told the outcome is unknown (`503 outcome-unknown`).
    pub write_timeout: Duration,
    /// A client must send its request headers within this time, or the connection is closed.
    pub header_read_timeout: Duration,
    /// Batch workers in this process (0: this process takes no batch work).
    pub batch_workers: usize,
    /// How long a worker holds a claimed chunk before another worker may take it over.
    pub batch_lease: Duration,
    /// Largest batch upload, in bytes.
    pub batch_max_bytes: u64,
    /// An upload that sends nothing for this long is cut off.
    pub batch_idle_timeout: Duration,
    /// An upload that takes longer than this in all is cut off.
    pub batch_upload_timeout: Duration,
    /// Uploads received at once by this process; more are answered 503.
    pub batch_uploads: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Settings {
            concurrency: 512,
            screening_slots: cores,
            request_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(20),
            header_read_timeout: Duration::from_secs(10),
            // Twice the cores: while one worker commits its chunk, another screens (screening
            // itself is bounded by the screening slots).
            batch_workers: 2 * cores,
            batch_lease: Duration::from_secs(60),
            batch_max_bytes: 2 << 30,
            batch_idle_timeout: Duration::from_secs(30),
            batch_upload_timeout: Duration::from_secs(3600),
            batch_uploads: 4,
        }
    }
}

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The decision record.
    pub store: Store,
    /// The policy set in force for new screenings.
    pub set: Arc<PolicySet>,
    /// Policy sets loaded from the store for replay and simulation, by hash.
    pub sets: Mutex<HashMap<String, Arc<PolicySet>>>,
    /// The group-commit writer.
    pub writer: Writer,
    /// Screenings evaluated at once.
    pub slots: Arc<Semaphore>,
    /// Key verification.
    pub keys: Keys,
    /// Counters.
    pub metrics: Metrics,
    /// Settings.
    pub settings: Settings,
    /// Wakes this process's batch workers when an upload is queued.
    pub batch_wakeup: tokio::sync::Notify,
    /// Batch uploads being received.
    pub uploads: Arc<Semaphore>,
    /// Batch uploads being received, per API key: one key cannot hold every upload slot.
    pub uploads_by_key: Arc<Mutex<HashMap<String, usize>>>,
    /// Request bodies being received, per API key ([`bodies_per_key`]).
    pub bodies_by_key: Arc<Mutex<HashMap<String, usize>>>,
    /// Batch chunks being committed (one at a time: the chain takes one writer anyway, and
    /// waiting workers would only hold database connections that requests need).
    pub batch_commits: Arc<Semaphore>,
}

pub(crate) type Shared = Arc<AppState>;

impl AppState {
    /// The state for `store` and `set`; saves the set in the store so every decision it makes
    /// can be replayed later. Returns the writer task too (it ends when the state is dropped).
    ///
    /// # Errors
    /// The set cannot be saved.
    pub async fn new(
        store: Store,
        set: PolicySet,
        settings: Settings,
    ) -> Result<(Arc<AppState>, tokio::task::JoinHandle<()>), crate::store::StoreError> {
        store.save_policy_set(set.hash(), set.files()).await?;
        let (writer, task) = Writer::start(store.clone(), settings.write_timeout);
        let settings_uploads = settings.batch_uploads.max(1);
        let state = AppState {
            store,
            set: Arc::new(set),
            sets: Mutex::new(HashMap::new()),
            writer,
            slots: Arc::new(Semaphore::new(settings.screening_slots.max(1))),
            keys: Keys::default(),
            metrics: Metrics::default(),
            settings,
            batch_wakeup: tokio::sync::Notify::new(),
            uploads: Arc::new(Semaphore::new(settings_uploads)),
            uploads_by_key: Arc::new(Mutex::new(HashMap::new())),
            bodies_by_key: Arc::new(Mutex::new(HashMap::new())),
            batch_commits: Arc::new(Semaphore::new(1)),
        };
        Ok((Arc::new(state), task))
    }

    /// The policy set with `hash`: the one in force, a cached one, or one loaded from the store.
    pub(crate) async fn set_by_hash(&self, hash: &str) -> Result<Option<Arc<PolicySet>>, Problem> {
        if self.set.hash() == hash {
            return Ok(Some(Arc::clone(&self.set)));
        }
        if let Some(s) = self.sets.lock().ok().and_then(|m| m.get(hash).cloned()) {
            return Ok(Some(s));
        }
        let Some(files) = self.store.policy_set_files(hash).await.map_err(internal)? else {
            return Ok(None);
        };
        let limits = self.set.limits().clone();
        let set = tokio::task::spawn_blocking(move || PolicySet::from_files(files, limits))
            .await
            .map_err(internal)?
            .map_err(|e| {
                tracing::error!(error = %e, %hash, "a stored policy set does not load");
                Problem::internal()
            })?;
        if set.hash() != hash {
            tracing::error!(%hash, loaded = set.hash(), "a stored policy set does not match its hash");
            return Err(Problem::internal());
        }
        let set = Arc::new(set);
        if let Ok(mut m) = self.sets.lock() {
            if m.len() > 16 {
                m.clear();
            }
            m.insert(hash.to_owned(), Arc::clone(&set));
        }
        Ok(Some(set))
    }
}

pub(crate) fn internal<E: std::fmt::Display>(e: E) -> Problem {
    tracing::error!(error = %e, "internal error");
    Problem::internal()
}

// ---- extractors ----

/// The caller, from `Authorization: Bearer <key>`.
pub struct Auth(pub Principal);

impl FromRequestParts<Shared> for Auth {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Auth, Problem> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Problem::unauthorized(
                "send an API key as `Authorization: Bearer <key>`",
            ));
        };
        let key = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.get(..7)
                    .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
                    .and_then(|_| v.get(7..))
            })
            .map(str::trim)
            .ok_or_else(|| {
                Problem::unauthorized("the Authorization header must be `Bearer <key>`")
            })?;
        match state.keys.verify(&state.store, key).await {
            Ok(Some(p)) => {
                tracing::debug!(principal = %p.id, "authenticated");
                Ok(Auth(p))
            }
            Ok(None) => Err(Problem::unauthorized("unknown or revoked API key")),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// The request's ticket, put there by [`deadline`] (a fresh one outside it).
impl<S: Send + Sync> FromRequestParts<S> for Ticket {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Ticket, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Ticket>()
            .cloned()
            .unwrap_or_default())
    }
}

impl Auth {
    /// The scope this key has for `action` (the union of its roles' grants), or `403`.
    pub(crate) fn allow(&self, action: Action) -> Result<Scope, Problem> {
        match access::scope(&self.0.roles, action) {
            Some(scope) => Ok(scope),
            None => Err(self.forbidden(&access::roles_for(action))),
        }
    }

    /// `403` unless the key may do `action` to an application of `instrument`.
    pub(crate) fn allow_instrument(
        &self,
        action: Action,
        instrument: Instrument,
    ) -> Result<(), Problem> {
        if access::covers(self.allow(action)?, instrument) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "this key may do this to trade-mission applications only, not to `{instrument}`"
            )))
        }
    }

    fn forbidden(&self, roles: &[Role]) -> Problem {
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Problem::forbidden(format!(
            "this needs one of the roles {}; the key has {}",
            names.join(", "),
            self.0
                .roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// Reads a JSON body after the caller's role was checked: `Content-Type: application/json`
/// required, at most [`BODY_LIMIT`] bytes.
async fn read_json(headers: &HeaderMap, body: axum::body::Body) -> Result<Bytes, Problem> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("application/json") || v.ends_with("+json")
        });
    if !json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "unsupported media type",
            "send the body as `Content-Type: application/json`",
        ));
    }
    axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| too_large())
}

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        "request body too large",
        format!("the body is larger than {BODY_LIMIT} bytes, or could not be read"),
    )
}

/// A body that is not the expected JSON: 400 when it is not JSON, 422 naming the problem.
fn body_problem(name: &str, e: &serde_json::Error) -> Problem {
    if e.is_data() {
        let msg = e.to_string();
        let msg = msg
            .find(" at line ")
            .map_or(msg.clone(), |i| msg.get(..i).unwrap_or(&msg).to_owned());
        let path = msg
            .split('`')
            .nth(1)
            .filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field"))
            .unwrap_or("body")
            .to_owned();
        Problem::invalid(
            name,
            format!("the body is not a valid request: {msg}"),
            vec![FieldProblem {
                path,
                expected: msg,
            }],
        )
    } else {
        Problem::bad_request("malformed-json", format!("malformed JSON: {e}"))
    }
}

/// Query parameters with a problem+json rejection.
pub struct Q<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Q<T>, Problem> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| Q(t))
            .map_err(|e| Problem::bad_request("bad-query", e.body_text()))
    }
}

fn input_problem(e: &InputError) -> Problem {
    match e {
        InputError::Syntax {
            line,
            column,
            message,
        } => Problem::bad_request(
            "malformed-json",
            format!("malformed JSON at line {line}, column {column}: {message}"),
        ),
        InputError::Invalid(errors) => Problem::invalid(
            "invalid-application",
            format!(
                "the application breaks the v1 contract in {} place{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
            errors
                .iter()
                .map(|f| FieldProblem {
                    path: f.path.clone(),
                    expected: f.expected.clone(),
                })
                .collect(),
        ),
    }
}

pub(crate) fn parse_date_param(name: &str, s: &str) -> Result<NaiveDate, Problem> {
    imvo_engine::application::parse_date(s).ok_or_else(|| {
        Problem::invalid(
            "invalid-parameter",
            format!("`{name}` is not a date"),
            vec![FieldProblem {
                path: name.to_owned(),
                expected: "a date YYYY-MM-DD".into(),
            }],
        )
    })
}

// ---- responses ----

/// A stored screening as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScreeningRecord {
    /// Record id.
    pub id: String,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
    /// The API key that stored it.
    pub created_by: String,
    /// The decision, exactly as the engine made it (stored bytes; a decision made before engine
    /// 0.2.0 has no `category_status` or `indicative`).
    #[schema(value_type = imvo_engine::Decision)]
    pub decision: Box<RawValue>,
    /// Position in the record chain.
    pub seq: i64,
    /// The record's hash (SHA-256 over the previous hash and its content).
    pub hash: String,
}

/// A stored JSON text, returned as it is (`null` where there is none).
fn raw_json(text: Option<&String>) -> Result<Box<RawValue>, Problem> {
    RawValue::from_string(text.cloned().unwrap_or_else(|| "null".into())).map_err(internal)
}

fn screening_record(r: &Record) -> Result<ScreeningRecord, Problem> {
    Ok(ScreeningRecord {
        id: r.id.clone(),
        created_at: r.created_at.clone(),
        created_by: r.created_by.clone(),
        decision: raw_json(r.decision.as_ref())?,
        seq: r.seq,
        hash: r.hash.clone(),
    })
}

/// A review as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewRecord {
    /// Record id.
    pub id: String,
    /// When it was stored.
    pub created_at: String,
    /// The analyst's key.
    pub created_by: String,
    /// The screening reviewed.
    pub review_of: String,
    /// The call.
    #[schema(value_type = Object)]
    pub review: Box<RawValue>,
    /// Position in the record chain.
    pub seq: i64,
    /// The record's hash.
    pub hash: String,
}

fn review_record(r: &Record) -> Result<ReviewRecord, Problem> {
    Ok(ReviewRecord {
        id: r.id.clone(),
        created_at: r.created_at.clone(),
        created_by: r.created_by.clone(),
        review_of: r.review_of.clone().unwrap_or_default(),
        review: raw_json(r.review.as_ref())?,
        seq: r.seq,
        hash: r.hash.clone(),
    })
}

fn created(location: String, body: impl Serialize) -> Response {
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

// ---- screenings ----

/// Query of `POST /v1/screenings`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ScreenQuery {
    /// Screening date (default: the application date).
    pub as_of: Option<String>,
}

/// Screen an application, store the application and its decision, return the stored record.
#[utoipa::path(post, path = "/v1/screenings", tag = "screenings",
    params(ScreenQuery, ("Idempotency-Key" = Option<String>, Header, description = "retry-safe key, scoped to the API key")),
    request_body(content = Object, description = "a v1 application (docs/application.md)", content_type = "application/json"),
    responses(
        (status = 201, description = "stored", body = ScreeningRecord, headers(("Location" = String, description = "/v1/screenings/{id}"))),
        (status = 400, description = "malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "a mission organiser screening another instrument", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "idempotency key in flight, or reused with another body", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "breaks the contract; every field listed", body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn post_screening(
    State(state): State<Shared>,
    auth: Auth,
    ticket: Ticket,
    headers: HeaderMap,
    Q(q): Q<ScreenQuery>,
    raw: axum::body::Body,
) -> Result<Response, Problem> {
    auth.allow(Action::Screen)?;
    let body = read_json(&headers, raw).await?;
    let as_of = q
        .as_of
        .as_deref()
        .map(|s| parse_date_param("as_of", s))
        .transpose()?;
    let idem = record_idem_key(&headers, &auth)?;
    // Parse first: a bad body is answered without touching the store.
    let app = Application::parse_slice(&body).map_err(|e| input_problem(&e))?;
    auth.allow_instrument(Action::Screen, app.instrument)?;
    if let Some(k) = &idem {
        let mut h = Sha256::new();
        h.update(&body);
        h.update(b"\nas_of=");
        h.update(q.as_of.as_deref().unwrap_or("").as_bytes());
        if let Some(done) = claim(&state, k, &imvo_engine::codes::hex(&h.finalize())).await? {
            return Ok(created(
                format!("/v1/screenings/{}", done.id),
                screening_record(&done)?,
            ));
        }
    }
    // Released if this request ends without storing, also when it is cut off mid-way.
    let mut guard = idem
        .as_ref()
        .map(|k| ClaimGuard::held(&state.store, k, &ticket));
    let result = screen_and_store(&state, app, as_of, &auth.0, idem.clone(), ticket).await;
    if result.is_ok()
        && let Some(g) = guard.as_mut()
    {
        g.armed = false;
    }
    let r = result?;
    Ok(created(
        format!("/v1/screenings/{}", r.id),
        screening_record(&r)?,
    ))
}

/// The `Idempotency-Key` of a request that stores one record (a screening or a review).
fn record_idem_key(headers: &HeaderMap, auth: &Auth) -> Result<Option<IdemKey>, Problem> {
    match idempotency_header(headers)? {
        None => Ok(None),
        // Batch uploads keep their keys as `batch:...` beside these: a record's key may not
        // look like one.
        Some(k) if k.starts_with("batch:") => Err(Problem::bad_request(
            "bad-idempotency-key",
            "an Idempotency-Key of a screening or review may not start with `batch:` (that prefix names batch uploads)",
        )),
        Some(k) => Ok(Some(IdemKey {
            principal: auth.0.id.clone(),
            key: k.to_owned(),
        })),
    }
}

/// Claims an idempotency key for a request whose body hashes to `request_hash`: `None` when
/// this request may go on (the key is now held), the stored record when the key already made one
/// (answer it again), a `409` when the key is in flight or was used with another request.
async fn claim(state: &Shared, k: &IdemKey, request_hash: &str) -> Result<Option<Record>, Problem> {
    match state
        .store
        .claim_idempotency(&k.principal, &k.key, request_hash)
        .await
        .map_err(unavailable)?
    {
        IdemState::Claimed => Ok(None),
        IdemState::InFlight => Err(Problem::conflict(
            "idempotency-in-flight",
            "a request with this Idempotency-Key is still being processed",
        )),
        IdemState::Mismatch => Err(Problem::conflict(
            "idempotency-mismatch",
            "this Idempotency-Key was used with another request body",
        )),
        IdemState::Done(id) => state
            .store
            .record(&id)
            .await
            .map_err(unavailable)?
            .ok_or_else(Problem::internal)
            .map(Some),
    }
}

/// Releases a claimed idempotency key unless disarmed, so a request that fails or is cut off
/// does not leave its key "in flight". Once the writer has taken the request's record, the key
/// is the writer's to release (if its group fails): the guard withdraws the ticket first and
/// releases only a key whose record will never be written.
struct ClaimGuard {
    store: Store,
    principal: String,
    key: String,
    ticket: Ticket,
    armed: bool,
}

impl ClaimGuard {
    /// A guard over the claim of `k`, armed: dropped before it is disarmed, it releases the key.
    fn held(store: &Store, k: &IdemKey, ticket: &Ticket) -> ClaimGuard {
        ClaimGuard {
            store: store.clone(),
            principal: k.principal.clone(),
            key: k.key.clone(),
            ticket: ticket.clone(),
            armed: true,
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if self.armed && self.ticket.withdraw() {
            let (store, principal, key) = (
                self.store.clone(),
                std::mem::take(&mut self.principal),
                std::mem::take(&mut self.key),
            );
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = store.release_idempotency(&principal, &key).await;
                });
            }
        }
    }
}

/// A record the writer did not acknowledge: `503 database` when it certainly was not stored,
/// `503 outcome-unknown` when it may have been.
pub(crate) fn write_problem(e: WriteError) -> Problem {
    match e {
        WriteError::NotStored(e) => unavailable(e),
        WriteError::Unknown(e) => {
            tracing::warn!(error = %e, "write outcome unknown");
            Problem::unavailable(
                "outcome-unknown",
                "the database did not confirm the write, so the record may or may not have been stored: \
                 retry with the same Idempotency-Key to learn which (without one, look for the application under \
                 GET /v1/applications/{reference}/screenings before sending it again)",
            )
        }
    }
}

pub(crate) fn unavailable<E: std::fmt::Display>(e: E) -> Problem {
    tracing::warn!(error = %e, "database unavailable");
    Problem::unavailable(
        "database",
        "the decision record cannot be reached now; retry shortly",
    )
}

/// Screens on the blocking pool (bounded by the screening slots) and stores the result.
async fn screen_and_store(
    state: &Shared,
    app: Application,
    as_of: Option<NaiveDate>,
    who: &Principal,
    idem: Option<IdemKey>,
    ticket: Ticket,
) -> Result<Record, Problem> {
    let set = Arc::clone(&state.set);
    let (decision, text, input) = evaluate(state, set, app.clone(), as_of).await?;
    let rec = NewRecord {
        kind: "screening",
        created_by: who.id.clone(),
        reference: app.reference.clone(),
        instrument: app.instrument.as_str().to_owned(),
        outcome: Some(decision.outcome.as_str().to_owned()),
        category: decision.category.map(|c| c.as_str().to_owned()),
        as_of: Some(decision.provenance.as_of.to_string()),
        policy_set: Some(decision.provenance.policy_set.clone()),
        engine_version: ENGINE_VERSION.to_owned(),
        input: Some(input),
        decision: Some(text),
        review_of: None,
        review: None,
    };
    let stored = state
        .writer
        .append(rec, idem, ticket)
        .await
        .map_err(write_problem)?;
    state.metrics.screening(
        decision.outcome.as_str(),
        decision.category.map(Category::as_str),
    );
    Ok(stored)
}

/// Screens `app` on the blocking pool: (decision, its JSON, the canonical input).
async fn evaluate(
    state: &Shared,
    set: Arc<PolicySet>,
    app: Application,
    as_of: Option<NaiveDate>,
) -> Result<(imvo_engine::Decision, String, String), Problem> {
    let permit = Arc::clone(&state.slots)
        .acquire_owned()
        .await
        .map_err(|_| Problem::unavailable("shutting-down", "the service is shutting down"))?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let d = screen(&set, &app, as_of.unwrap_or(app.application_date));
        let text = serde_json::to_string(&d).unwrap_or_default();
        (d, text, app.canonical_json())
    })
    .await
    .map_err(internal)
}

/// A stored screening, exactly as it was returned when made (its reviews are in the history).
#[utoipa::path(get, path = "/v1/screenings/{id}", tag = "screenings",
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = ScreeningRecord), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn get_screening(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let r = visible_screening(&state, &auth, Action::Read, &id).await?;
    Ok(Json(screening_record(&r)?).into_response())
}

/// The screening `id` if this caller may do `action` to it: `403` without the action at all,
/// `404` for a screening outside the key's scope (a mission organiser sees trade missions only).
async fn visible_screening(
    state: &Shared,
    auth: &Auth,
    action: Action,
    id: &str,
) -> Result<Record, Problem> {
    let scope = auth.allow(action)?;
    let r = state.store.record(id).await.map_err(unavailable)?;
    match r {
        Some(r)
            if r.kind == "screening"
                && Instrument::from_name(&r.instrument)
                    .is_some_and(|i| access::covers(scope, i)) =>
        {
            Ok(r)
        }
        _ => Err(Problem::not_found(format!("no screening `{id}`"))),
    }
}

/// Query of `GET /v1/screenings`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Application reference.
    pub reference: Option<String>,
    /// `decline`, `refer`, `insufficient_information`, `proceed_with_conditions` or `proceed`.
    pub outcome: Option<String>,
    /// `A`, `B`, `C`, or `none`.
    pub category: Option<String>,
    /// Stored on or after this date (YYYY-MM-DD).
    pub from: Option<String>,
    /// Stored on or before this date (YYYY-MM-DD).
    pub to: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// A page of screenings, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScreeningPage {
    /// The screenings.
    pub items: Vec<ScreeningRecord>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Screenings matching the filters, newest first, with cursor pagination.
#[utoipa::path(get, path = "/v1/screenings", tag = "screenings", params(ListQuery),
    responses((status = 200, body = ScreeningPage), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn list_screenings(
    State(state): State<Shared>,
    auth: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Response, Problem> {
    let scope = auth.allow(Action::Read)?;
    let mut errors = Vec::new();
    if let Some(o) = &q.outcome
        && Outcome::parse(o).is_none()
    {
        errors.push(FieldProblem {
            path: "outcome".into(),
            expected:
                "decline, refer, insufficient_information, proceed_with_conditions or proceed"
                    .into(),
        });
    }
    if let Some(c) = &q.category
        && !["A", "B", "C", "none"].contains(&c.as_str())
    {
        errors.push(FieldProblem {
            path: "category".into(),
            expected: "A, B, C or none".into(),
        });
    }
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        errors.push(FieldProblem {
            path: "limit".into(),
            expected: "an integer from 1 to 500".into(),
        });
    }
    let before = match &q.cursor {
        None => None,
        Some(c) => match c.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(FieldProblem {
                    path: "cursor".into(),
                    expected: "the next_cursor of a previous page".into(),
                });
                None
            }
        },
    };
    let mut date = |name: &str, v: &Option<String>, end: bool| -> Option<String> {
        let s = v.as_ref()?;
        match imvo_engine::application::parse_date(s) {
            Some(d) => {
                let d = if end { d.succ_opt().unwrap_or(d) } else { d };
                Some(format!("{d}T00:00:00"))
            }
            None => {
                errors.push(FieldProblem {
                    path: name.to_owned(),
                    expected: "a date YYYY-MM-DD".into(),
                });
                None
            }
        }
    };
    let from = date("from", &q.from, false);
    let to = date("to", &q.to, true);
    if !errors.is_empty() {
        return Err(Problem::invalid(
            "invalid-parameter",
            "invalid query parameters",
            errors,
        ));
    }
    let filter = ListFilter {
        reference: q.reference.clone(),
        outcome: q.outcome.clone(),
        category: q.category.clone(),
        from,
        to,
        instrument: (scope == Scope::TradeMissions).then(|| "trade_mission".to_owned()),
        before,
        limit,
    };
    let rows = state.store.list(&filter).await.map_err(unavailable)?;
    let next_cursor = (rows.len() == usize::try_from(limit).unwrap_or(0))
        .then(|| rows.last().map(|r| r.seq.to_string()))
        .flatten();
    let items = rows
        .iter()
        .map(screening_record)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ScreeningPage { items, next_cursor }).into_response())
}

/// One entry of an application's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryEntry {
    /// A screening.
    Screening(ScreeningRecord),
    /// A review of one.
    Review(ReviewRecord),
}

/// The history of one application.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct History {
    /// The application reference.
    pub reference: String,
    /// Screenings and reviews, oldest first.
    pub records: Vec<HistoryEntry>,
}

/// Every screening of one application and the reviews of them, oldest first.
#[utoipa::path(get, path = "/v1/applications/{reference}/screenings", tag = "screenings",
    params(("reference" = String, Path, description = "application reference")),
    responses((status = 200, body = History), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn application_history(
    State(state): State<Shared>,
    auth: Auth,
    Path(reference): Path<String>,
) -> Result<Response, Problem> {
    let only = (auth.allow(Action::Read)? == Scope::TradeMissions).then_some("trade_mission");
    let rows = state
        .store
        .history(&reference, only)
        .await
        .map_err(unavailable)?;
    if rows.is_empty() {
        return Err(Problem::not_found(format!(
            "no screening of application `{reference}`"
        )));
    }
    let records = rows
        .iter()
        .map(|r| {
            if r.kind == "review" {
                review_record(r).map(HistoryEntry::Review)
            } else {
                screening_record(r).map(HistoryEntry::Screening)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(History { reference, records }).into_response())
}

/// The result of a replay.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Replay {
    /// The screening replayed.
    pub id: String,
    /// The new decision is byte-identical to the stored one.
    pub identical: bool,
    /// False where the stored decision hit the wall-clock deadline: such a decision depends on
    /// the machine's speed, so a difference is not a finding against the engine.
    pub reproducible: bool,
    /// The policy set both ran under.
    pub policy_set: String,
    /// Engine version of the stored decision.
    pub engine_version_then: String,
    /// Engine version now.
    pub engine_version_now: String,
    /// The engine changed since: a difference may come from it, not from the data.
    pub engine_changed: bool,
    /// The decision made now, where it differs.
    #[schema(value_type = Option<imvo_engine::Decision>)]
    pub decision_now: Option<Box<RawValue>>,
}

/// Re-run a stored screening under the policy set it recorded and say whether the decision is
/// identical.
#[utoipa::path(post, path = "/v1/screenings/{id}/replay", tag = "screenings",
    params(("id" = String, Path, description = "record id")),
    responses((status = 200, body = Replay), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn replay(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let r = visible_screening(&state, &auth, Action::Replay, &id).await?;
    let (Some(input), Some(stored), Some(hash), Some(as_of)) =
        (&r.input, &r.decision, &r.policy_set, &r.as_of)
    else {
        return Err(Problem::internal());
    };
    let set = state
        .set_by_hash(hash)
        .await?
        .ok_or_else(|| internal(format!("policy set {hash} of record {id} is not stored")))?;
    let app = Application::parse(input).map_err(internal)?;
    let as_of = imvo_engine::application::parse_date(as_of).ok_or_else(Problem::internal)?;
    let (decision, text, _) = evaluate(&state, set, app, Some(as_of)).await?;
    let identical = &text == stored;
    let then: serde_json::Value = serde_json::from_str(stored).map_err(internal)?;
    let deadline_then = then
        .get("errors")
        .and_then(Value::as_array)
        .is_some_and(|e| {
            e.iter()
                .any(|x| x.get("kind").and_then(Value::as_str) == Some("deadline"))
        });
    let deadline_now = decision
        .errors
        .iter()
        .any(|e| e.kind == ErrorKind::Deadline);
    Ok(Json(Replay {
        id: r.id.clone(),
        identical,
        reproducible: !(deadline_then || deadline_now),
        policy_set: hash.clone(),
        engine_version_then: r.engine_version.clone(),
        engine_version_now: ENGINE_VERSION.to_owned(),
        engine_changed: r.engine_version != ENGINE_VERSION,
        decision_now: if identical {
            None
        } else {
            RawValue::from_string(text).ok()
        },
    })
    .into_response())
}

/// Body of `POST /v1/simulate`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Simulate<'a> {
    /// A v1 application.
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub application: &'a RawValue,
    /// Screening date (default: the application date).
    pub as_of: Option<String>,
    /// A stored policy set hash (default: the set in force).
    pub policy_set: Option<String>,
}

/// Screen without storing, optionally on another date or under a stored policy set.
#[utoipa::path(post, path = "/v1/simulate", tag = "screenings", request_body = Simulate,
    responses((status = 200, description = "the decision", body = imvo_engine::Decision), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, description = "unknown policy set", body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn simulate(
    State(state): State<Shared>,
    auth: Auth,
    headers: HeaderMap,
    raw: axum::body::Body,
) -> Result<Response, Problem> {
    auth.allow(Action::Simulate)?;
    let body = read_json(&headers, raw).await?;
    let req: Simulate<'_> =
        serde_json::from_slice(&body).map_err(|e| body_problem("invalid-request", &e))?;
    let app = Application::parse(req.application.get()).map_err(|e| {
        let mut p = input_problem(&e);
        for f in &mut p.errors {
            f.path = format!("application.{}", f.path);
        }
        p
    })?;
    auth.allow_instrument(Action::Simulate, app.instrument)?;
    let as_of = req
        .as_of
        .as_deref()
        .map(|s| parse_date_param("as_of", s))
        .transpose()?;
    let set = match &req.policy_set {
        None => Arc::clone(&state.set),
        Some(h) => state
            .set_by_hash(h)
            .await?
            .ok_or_else(|| Problem::not_found(format!("no stored policy set `{h}`")))?,
    };
    let (_, text, _) = evaluate(&state, set, app, as_of).await?;
    let mut resp = text.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(resp)
}

// ---- reviews ----

/// Body of `POST /v1/screenings/{id}/review`.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// `agree` with the decision, or `override` it.
    pub verdict: String,
    /// For an override: `new_information`, `policy_interpretation`, `data_error`,
    /// `mitigation_agreed` or `other`.
    pub reason_code: Option<String>,
    /// Why, in words (required for an override).
    pub text: Option<String>,
    /// For an override: the final outcome.
    pub outcome: Option<String>,
    /// For an override: the final category (`A`, `B`, `C`), if any.
    pub category: Option<String>,
}

const REASON_CODES: [&str; 5] = [
    "new_information",
    "policy_interpretation",
    "data_error",
    "mitigation_agreed",
    "other",
];

/// Record an analyst's final call on a screening as a new record; the screening is never changed.
#[utoipa::path(post, path = "/v1/screenings/{id}/review", tag = "reviews", request_body = ReviewBody,
    params(("id" = String, Path, description = "record id of the screening")),
    responses((status = 201, body = ReviewRecord), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn post_review(
    State(state): State<Shared>,
    auth: Auth,
    ticket: Ticket,
    headers: HeaderMap,
    Path(id): Path<String>,
    raw: axum::body::Body,
) -> Result<Response, Problem> {
    auth.allow(Action::Review)?;
    let idem = record_idem_key(&headers, &auth)?;
    let body = read_json(&headers, raw).await?;
    let b: ReviewBody =
        serde_json::from_slice(&body).map_err(|e| body_problem("invalid-review", &e))?;
    let mut errors = Vec::new();
    match b.verdict.as_str() {
        "agree" => {
            if b.reason_code.is_some() {
                errors.push(FieldProblem {
                    path: "reason_code".into(),
                    expected: "nothing: a reason code belongs to an override".into(),
                });
            }
            if b.outcome.is_some() || b.category.is_some() {
                errors.push(FieldProblem {
                    path: "outcome".into(),
                    expected: "nothing: an agreement keeps the decision's outcome and category"
                        .into(),
                });
            }
        }
        "override" => {
            if !b
                .reason_code
                .as_deref()
                .is_some_and(|c| REASON_CODES.contains(&c))
            {
                errors.push(FieldProblem {
                    path: "reason_code".into(),
                    expected: REASON_CODES.join(", "),
                });
            }
            if b.text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                errors.push(FieldProblem {
                    path: "text".into(),
                    expected: "the reason for the override, in words".into(),
                });
            }
            if b.outcome.as_deref().and_then(Outcome::parse).is_none() {
                errors.push(FieldProblem { path: "outcome".into(), expected: "the final outcome: decline, refer, insufficient_information, proceed_with_conditions or proceed".into() });
            }
            if b.category
                .as_deref()
                .is_some_and(|c| !["A", "B", "C"].contains(&c))
            {
                errors.push(FieldProblem {
                    path: "category".into(),
                    expected: "A, B, C, or absent".into(),
                });
            }
        }
        _ => errors.push(FieldProblem {
            path: "verdict".into(),
            expected: "agree or override".into(),
        }),
    }
    if b.text.as_deref().is_some_and(|t| t.len() > 4000) {
        errors.push(FieldProblem {
            path: "text".into(),
            expected: "at most 4000 bytes".into(),
        });
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(
            "invalid-review",
            "the review is not valid",
            errors,
        ));
    }
    let screening = visible_screening(&state, &auth, Action::Review, &id).await?;
    // Validated against the screening it reviews: a trade mission has a risk level, no category.
    if b.category.is_some() && screening.instrument == Instrument::TradeMission.as_str() {
        return Err(Problem::invalid(
            "invalid-review",
            "the review is not valid",
            vec![FieldProblem {
                path: "category".into(),
                expected: "nothing: a trade mission is not categorised".into(),
            }],
        ));
    }
    if let Some(k) = &idem {
        let mut h = Sha256::new();
        h.update(b"review\n");
        h.update(screening.id.as_bytes());
        h.update(b"\n");
        h.update(&body);
        if let Some(done) = claim(&state, k, &imvo_engine::codes::hex(&h.finalize())).await? {
            if done.kind != "review" {
                return Err(Problem::conflict(
                    "idempotency-mismatch",
                    "this Idempotency-Key was used with another request body",
                ));
            }
            return Ok(created(
                format!("/v1/screenings/{}", screening.id),
                review_record(&done)?,
            ));
        }
    }
    // Released if this request ends without storing, also when it is cut off mid-way.
    let mut guard = idem
        .as_ref()
        .map(|k| ClaimGuard::held(&state.store, k, &ticket));
    let (outcome, category) = if b.verdict == "agree" {
        (screening.outcome.clone(), screening.category.clone())
    } else {
        (b.outcome.clone(), b.category.clone())
    };
    let review = imvo_engine::json::canonical(&serde_json::to_value(&b).map_err(internal)?);
    let rec = NewRecord {
        kind: "review",
        created_by: auth.0.id.clone(),
        reference: screening.reference.clone(),
        instrument: screening.instrument.clone(),
        outcome,
        category,
        as_of: screening.as_of.clone(),
        policy_set: screening.policy_set.clone(),
        engine_version: ENGINE_VERSION.to_owned(),
        input: None,
        decision: None,
        review_of: Some(screening.id.clone()),
        review: Some(review),
    };
    let stored = state
        .writer
        .append(rec, idem, ticket)
        .await
        .map_err(write_problem)?;
    if let Some(g) = guard.as_mut() {
        g.armed = false;
    }
    Ok(created(
        format!("/v1/screenings/{}", screening.id),
        review_record(&stored)?,
    ))
}

// ---- policies ----

/// A pack in the set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackSummary {
    /// Pack id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// Instruments.
    #[schema(value_type = Vec<String>)]
    pub instruments: Vec<Instrument>,
    /// First day in force.
    pub effective_from: String,
    /// First day no longer in force.
    pub effective_to: Option<String>,
    /// Runs beside an instrument's own pack.
    pub overlay: bool,
    /// Number of rules.
    pub rules: usize,
    /// Content hash.
    pub hash: String,
}

/// The policy set in force.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Policies {
    /// Hash over every file of the set.
    pub policy_set: String,
    /// Its packs.
    pub packs: Vec<PackSummary>,
}

/// The packs of the policy set in force.
#[utoipa::path(get, path = "/v1/policies", tag = "policies",
    responses((status = 200, body = Policies), (status = 401, body = Problem)), security(("bearer" = [])))]
async fn list_policies(State(state): State<Shared>, auth: Auth) -> Result<Response, Problem> {
    auth.allow(Action::ReadPolicies)?;
    let packs = state
        .set
        .packs()
        .iter()
        .map(|p| PackSummary {
            id: p.manifest.id.clone(),
            version: p.manifest.version.clone(),
            title: p.manifest.title.clone(),
            instruments: p.manifest.instruments.clone(),
            effective_from: p.manifest.effective_from.to_string(),
            effective_to: p.manifest.effective_to.map(|d| d.to_string()),
            overlay: p.manifest.overlay,
            rules: p.rules.len(),
            hash: p.hash.clone(),
        })
        .collect();
    Ok(Json(Policies {
        policy_set: state.set.hash().to_owned(),
        packs,
    })
    .into_response())
}

/// One pack: manifest with sources, rule table and parameters.
#[utoipa::path(get, path = "/v1/policies/{pack}/{version}", tag = "policies",
    params(("pack" = String, Path), ("version" = String, Path)),
    responses((status = 200, description = "manifest, rules (with citations) and parameters", body = Object), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn get_policy(
    State(state): State<Shared>,
    auth: Auth,
    Path((pack, version)): Path<(String, String)>,
) -> Result<Response, Problem> {
    auth.allow(Action::ReadPolicies)?;
    let Some(p) = state
        .set
        .packs()
        .iter()
        .find(|p| p.manifest.id == pack && p.manifest.version == version)
    else {
        return Err(Problem::not_found(format!(
            "no pack `{pack}` version `{version}` in the set in force"
        )));
    };
    Ok(Json(serde_json::json!({
        "manifest": p.manifest, "hash": p.hash, "rules": p.rules, "params": p.params,
    }))
    .into_response())
}

// ---- audit ----

/// Query of `GET /v1/audit/verify`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VerifyQuery {
    /// A checkpoint's sequence number (from `imvo audit checkpoint`).
    pub checkpoint_seq: Option<i64>,
    /// The checkpoint's hash.
    pub checkpoint_hash: Option<String>,
}

/// Walk the record chain and report the first broken link, if any.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit", params(VerifyQuery),
    responses((status = 200, description = "records checked, head, first broken link", body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn verify(
    State(state): State<Shared>,
    auth: Auth,
    Q(q): Q<VerifyQuery>,
) -> Result<Response, Problem> {
    auth.allow(Action::VerifyAudit)?;
    let checkpoint = match (q.checkpoint_seq, q.checkpoint_hash) {
        (Some(seq), Some(hash)) => Some(crate::store::Checkpoint { seq, hash }),
        (None, None) => None,
        _ => {
            return Err(Problem::invalid(
                "invalid-parameter",
                "a checkpoint needs both its sequence number and its hash",
                vec![FieldProblem {
                    path: "checkpoint_hash".into(),
                    expected: "given together with checkpoint_seq".into(),
                }],
            ));
        }
    };
    let v = state
        .store
        .verify_with(checkpoint.as_ref(), true)
        .await
        .map_err(unavailable)?;
    Ok(Json(v).into_response())
}

// ---- keys ----

/// Body of `POST /v1/keys`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// Roles of the new key.
    pub roles: Vec<Role>,
}

/// A new key, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    /// Key id (public; it appears as `created_by`).
    pub id: String,
    /// The key: send it as `Authorization: Bearer <key>`. It is not stored and cannot be shown again.
    pub key: String,
    /// Its roles.
    pub roles: Vec<Role>,
}

/// Create an API key.
#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = NewKey,
    responses((status = 201, body = CreatedKey), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_key(
    State(state): State<Shared>,
    auth: Auth,
    headers: HeaderMap,
    raw: axum::body::Body,
) -> Result<Response, Problem> {
    auth.allow(Action::ManageKeys)?;
    let body = read_json(&headers, raw).await?;
    let req: NewKey =
        serde_json::from_slice(&body).map_err(|e| body_problem("invalid-key-request", &e))?;
    if req.roles.is_empty() {
        return Err(Problem::invalid(
            "invalid-key-request",
            "a key needs at least one role",
            vec![FieldProblem {
                path: "roles".into(),
                expected: "one or more of analyst, mission_organiser, auditor, admin".into(),
            }],
        ));
    }
    let roles = crate::auth::normalise(&req.roles);
    let (id, key) = crate::auth::create_key(&state.store, &roles)
        .await
        .map_err(unavailable)?;
    tracing::info!(principal = %auth.0.id, new_key = %id, "API key created");
    Ok(created(
        format!("/v1/keys/{id}"),
        CreatedKey { id, key, roles },
    ))
}

/// Every API key (ids and roles; secrets are never stored).
#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    responses((status = 200, description = "the keys", body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
async fn list_keys(State(state): State<Shared>, auth: Auth) -> Result<Response, Problem> {
    auth.allow(Action::ManageKeys)?;
    let keys = state.store.keys().await.map_err(unavailable)?;
    Ok(Json(serde_json::json!({ "keys": keys })).into_response())
}

/// Revoke an API key (effective within 30 seconds on every replica).
#[utoipa::path(post, path = "/v1/keys/{id}/revoke", tag = "keys",
    params(("id" = String, Path)),
    responses((status = 200, description = "revoked", body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn revoke_key(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    auth.allow(Action::ManageKeys)?;
    // The last active admin key is kept: without it no key could be made or revoked again
    // except from the command line on the database's host.
    let keys = state.store.keys().await.map_err(unavailable)?;
    let admin = |k: &crate::store::KeyRow| {
        k.revoked_at.is_none() && k.roles.iter().any(|r| r == Role::Admin.as_str())
    };
    if keys.iter().any(|k| k.id == id && admin(k)) && keys.iter().filter(|k| admin(k)).count() == 1
    {
        return Err(Problem::conflict(
            "last-admin-key",
            format!(
                "`{id}` is the last active admin key: create another admin key before revoking it"
            ),
        ));
    }
    if state.store.revoke_key(&id).await.map_err(unavailable)? {
        state.keys.forget(&id);
        tracing::info!(principal = %auth.0.id, revoked = %id, "API key revoked");
        Ok(Json(serde_json::json!({ "id": id, "revoked": true })).into_response())
    } else {
        Err(Problem::not_found(format!("no active key `{id}`")))
    }
}

// ---- operations ----

/// Liveness.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "alive")))]
async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the database answers and the policies are loaded.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready", body = Object), (status = 503, description = "not ready", body = Object)))]
async fn readyz(State(state): State<Shared>) -> Response {
    // A database that does not answer within a second is unreachable for readiness: a load
    // balancer asking must not wait for the connection pool's own timeout.
    let db = tokio::time::timeout(Duration::from_millis(900), state.store.ping())
        .await
        .unwrap_or(false);
    let body = serde_json::json!({
        "database": if db { "ok" } else { "unreachable" },
        "backend": state.store.backend(),
        "policy_set": state.set.hash(),
        "packs": state.set.packs().len(),
    });
    let status = if db {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text", body = String)))]
async fn metrics(State(state): State<Shared>) -> Response {
    let mut resp = state.metrics.render().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    resp
}

/// The OpenAPI 3.1 document.
#[derive(OpenApi)]
#[openapi(
    info(title = "imvo", description = "Screening of applications for government support abroad against responsible business conduct policies, with a tamper-evident decision record."),
    paths(post_screening, get_screening, list_screenings, application_history, replay, simulate, post_review,
          list_policies, get_policy, verify, create_key, list_keys, revoke_key, healthz, readyz, metrics,
          crate::batches::post_batch, crate::batches::get_batch, crate::batches::list_batches,
          crate::batches::batch_results, crate::batches::batch_errors),
    components(schemas(Problem, FieldProblem, ScreeningRecord, ScreeningPage, ReviewRecord, ReviewBody, History, HistoryEntry,
                       Replay, Simulate, Policies, PackSummary, NewKey, CreatedKey, Role,
                       crate::batches::BatchStatus, crate::batches::BatchLinks)),
    modifiers(&BearerAuth, &ProblemResponses),
)]
pub struct ApiDoc;

/// Errors are `application/problem+json` (RFC 9457), and every operation that takes a body may
/// answer `400` (not JSON), `408` (too slow), `413` (too large) and `415` (another content type), and every `/v1`
/// operation `503` (shed, timed out, database unreachable): stated once here rather than on
/// every handler.
struct ProblemResponses;

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else {
            return;
        };
        let problem = |description: &str| {
            serde_json::json!({
                "description": description,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            })
        };
        if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
            for (path, item) in paths.iter_mut() {
                let Some(item) = item.as_object_mut() else {
                    continue;
                };
                for op in item.values_mut() {
                    let has_body = op.get("requestBody").is_some();
                    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut)
                    else {
                        continue;
                    };
                    for resp in responses.values_mut() {
                        let Some(content) = resp.get_mut("content").and_then(Value::as_object_mut)
                        else {
                            continue;
                        };
                        let is_problem = content.get("application/json").is_some_and(|c| {
                            c.pointer("/schema/$ref").and_then(Value::as_str)
                                == Some("#/components/schemas/Problem")
                        });
                        if is_problem && let Some(c) = content.remove("application/json") {
                            content.insert("application/problem+json".to_owned(), c);
                        }
                    }
                    if has_body {
                        for (code, what) in [
                            ("400", "the body is not JSON, or a header is malformed"),
                            ("408", "the body did not arrive in time"),
                            ("413", "the body is larger than the operation takes"),
                            (
                                "415",
                                "the body's Content-Type is not one the operation takes",
                            ),
                        ] {
                            responses
                                .entry(code.to_owned())
                                .or_insert_with(|| problem(what));
                        }
                    }
                    if path.starts_with("/v1/") {
                        responses.entry("503".to_owned()).or_insert_with(|| {
                            problem("shed under load, timed out, the database cannot be reached, or (`outcome-unknown`) a write it did not confirm; retry after `Retry-After`")
                        });
                    }
                }
            }
        }
        if let Ok(new) = serde_json::from_value(doc) {
            *openapi = new;
        }
    }
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an imvo API key: imvo_<id>_<secret>"))
                    .build(),
            ),
        );
    }
}

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

async fn not_found(uri: Uri) -> Problem {
    Problem::not_found(format!("no endpoint `{}`", uri.path()))
}

/// The `Idempotency-Key` header, if given: 1 to 255 visible ASCII characters.
pub(crate) fn idempotency_header(headers: &HeaderMap) -> Result<Option<&str>, Problem> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(Some)
        .ok_or_else(|| {
            Problem::bad_request(
                "bad-idempotency-key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
        })
}

pub(crate) async fn method_not_allowed(method: Method, uri: Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "method not allowed",
        format!("`{method}` is not allowed on `{}`", uri.path()),
    )
}

/// Records each request's route, status and latency.
pub(crate) async fn track(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let resp = next.run(req).await;
    state
        .metrics
        .request(&method, &route, resp.status().as_u16(), start.elapsed());
    resp
}

pub(crate) async fn overload(err: BoxError) -> Problem {
    if err.is::<tower::load_shed::error::Overloaded>() {
        Problem::unavailable("overloaded", "too many requests at once; retry shortly")
    } else {
        internal(err)
    }
}

/// Withdraws a request's ticket when the request is dropped (its client gone) before the writer
/// took its record.
struct WithdrawOnDrop(Ticket);

impl Drop for WithdrawOnDrop {
    fn drop(&mut self) {
        let _ = self.0.withdraw();
    }
}

/// The request deadline (`request_timeout`). A request still running then is cut off with
/// `503 timeout` if its record, if any, can still be withdrawn, so that nothing of it is ever
/// stored; a request whose record the writer has already taken waits for the outcome instead
/// (bounded by `write_timeout`), so that its answer never contradicts the record.
pub(crate) async fn deadline(
    State(state): State<Shared>,
    mut req: Request,
    next: Next,
) -> Response {
    let ticket = Ticket::default();
    req.extensions_mut().insert(ticket.clone());
    let _withdraw = WithdrawOnDrop(ticket.clone());
    let run = next.run(req);
    tokio::pin!(run);
    match tokio::time::timeout(state.settings.request_timeout, &mut run).await {
        Ok(resp) => resp,
        Err(_) if ticket.withdraw() => Problem::unavailable(
            "timeout",
            "the request took too long and was cut off; nothing of it was stored",
        )
        .into_response(),
        Err(_) => run.await,
    }
}

/// Reads a request's body before the request takes a concurrency slot, within
/// `body_read_timeout` (else `408 body-timeout`) and [`BODY_LIMIT`] (else `413`), so that bodies
/// trickling in hold no slot. Only requests with a valid API key are read here, at most
/// [`bodies_per_key`] at once per key (else `503 too-many-bodies`); any other request goes on
/// unread, to be refused by its handler before it reads anything.
pub(crate) async fn receive_body(
    State(state): State<Shared>,
    req: Request,
    next: Next,
) -> Response {
    if axum::body::HttpBody::size_hint(req.body()).exact() == Some(0) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(auth) = Auth::from_request_parts(&mut parts, &state).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let Some(_slot) = KeyBody::take(&state, &auth.0.id) else {
        return Problem::unavailable(
            "too-many-bodies",
            "this key is already sending as many request bodies as one key may at once; retry shortly",
        )
        .into_response();
    };
    let read = axum::body::to_bytes(body, BODY_LIMIT);
    match tokio::time::timeout(state.settings.body_read_timeout, read).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Ok(Err(_)) => too_large().into_response(),
        Err(_) => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "body-timeout",
            "request body too slow",
            format!(
                "the request body did not arrive within {} s",
                state.settings.body_read_timeout.as_secs()
            ),
        )
        .into_response(),
    }
}

/// Request bodies one API key may send at once: an eighth of the concurrency limit, at least 4.
#[must_use]
pub fn bodies_per_key(settings: &Settings) -> usize {
    (settings.concurrency / 8).max(4)
}

/// One key's share of the bodies being received, given back when dropped.
struct KeyBody {
    map: Arc<Mutex<HashMap<String, usize>>>,
    key: String,
}

impl KeyBody {
    fn take(state: &Shared, key: &str) -> Option<KeyBody> {
        let mut m = state.bodies_by_key.lock().ok()?;
        let n = m.entry(key.to_owned()).or_insert(0);
        if *n >= bodies_per_key(&state.settings) {
            return None;
        }
        *n += 1;
        Some(KeyBody {
            map: Arc::clone(&state.bodies_by_key),
            key: key.to_owned(),
        })
    }
}

impl Drop for KeyBody {
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

/// A client's `X-Request-Id` is kept only when it is a short, safe id (at most 64 characters of
/// letters, digits, `.`, `_`, `:` and `-`); anything else is dropped, and a new id is made.
async fn drop_unsafe_request_id(mut req: Request) -> Request {
    let safe = |v: &HeaderValue| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b':' | b'-'))
    };
    let headers = req.headers_mut();
    if headers.get_all("x-request-id").iter().count().ne(&1)
        || headers.get("x-request-id").is_some_and(|v| !safe(v))
    {
        headers.remove("x-request-id");
    }
    req
}

/// The full application: routes, limits, request ids, tracing, panics caught.
pub fn router(state: Shared) -> Router {
    let settings = state.settings.clone();
    let api = Router::new()
        .route("/v1/screenings", post(post_screening).get(list_screenings))
        .route("/v1/screenings/{id}", get(get_screening))
        .route("/v1/screenings/{id}/replay", post(replay))
        .route("/v1/screenings/{id}/review", post(post_review))
        .route(
            "/v1/applications/{reference}/screenings",
            get(application_history),
        )
        .route("/v1/simulate", post(simulate))
        .route("/v1/policies", get(list_policies))
        .route("/v1/policies/{pack}/{version}", get(get_policy))
        .route("/v1/audit/verify", get(verify))
        .route("/v1/keys", post(create_key).get(list_keys))
        .route("/v1/keys/{id}/revoke", post(revoke_key))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn_with_state(Arc::clone(&state), track))
        .with_state(Arc::clone(&state));
    // `Router::layer` gives each route its own instance of a layer; the concurrency limit must be
    // one for the whole API, so the API is nested as the only (fallback) service of a router and
    // the limits wrap that once.
    let limited = Router::new().fallback_service(api).layer(
        ServiceBuilder::new()
            // Outside the slots: a body trickles in without holding one.
            .layer(middleware::from_fn_with_state(
                Arc::clone(&state),
                receive_body,
            ))
            .layer(axum::error_handling::HandleErrorLayer::new(overload))
            .load_shed()
            .concurrency_limit(settings.concurrency)
            .layer(middleware::from_fn_with_state(Arc::clone(&state), deadline)),
    );
    // The operations endpoints stay outside the limits: a liveness probe must answer while the
    // API sheds load.
    let ops = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&state), track))
        .with_state(Arc::clone(&state))
        // Batches: uploads and result streams run longer than the request timeout.
        .merge(crate::batches::routes(state));
    let x_request_id = header::HeaderName::from_static("x-request-id");
    ops.fallback_service(limited).layer(
        ServiceBuilder::new()
            .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION]))
            .layer(middleware::map_request(drop_unsafe_request_id))
            .layer(SetRequestIdLayer::new(x_request_id.clone(), MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
            }))
            .layer(PropagateRequestIdLayer::new(x_request_id))
            .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
                tracing::error!("a handler panicked");
                Problem::internal().into_response()
            })),
    )
}

/// The limits the service compiles policy sets with (the engine's defaults).
#[must_use]
pub fn limits() -> Limits {
    Limits::default()
}
