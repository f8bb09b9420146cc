//! `/v1/batches`: a batch's status and the list of batches; the routes of the batch resource.
//!
//! Architecture invariants (stored batches): a chunk's screenings, its per-line results and the
//! mark that it is done are one transaction, and `batch_lines` has one row per (batch, line), so
//! every line ends with exactly one result whatever crashes; claims are leases in the database,
//! so any number of replicas share the chunks of a batch; every line is screened under the
//! policy set in force when it was uploaded, loaded from the store by hash.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::extract::{Auth, Q};
use super::problem::unavailable;
use super::problem::{FieldProblem, Problem};
use super::state::Shared;
use crate::access::{Action, Scope};
use crate::store::BatchState;
use crate::store::{BatchCounts, BatchRow};

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

pub(super) fn status(b: BatchRow, c: BatchCounts) -> BatchStatus {
    let state = if b.state == BatchState::Queued && c.done > 0 {
        "running".to_owned()
    } else {
        b.state.as_str().to_owned()
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

/// A batch's counters: counted from its lines, or, for a batch that is done (its counters
/// final), kept from the first count.
pub(super) async fn counts(state: &Shared, b: &BatchRow) -> Result<BatchCounts, Problem> {
    let done = b.state == BatchState::Done;
    if done
        && let Some(c) = state
            .done_counts
            .lock()
            .ok()
            .and_then(|m| m.get(&b.id).cloned())
    {
        return Ok(c);
    }
    let c = state.store.batch_counts(&b.id).await.map_err(unavailable)?;
    if done && let Ok(mut m) = state.done_counts.lock() {
        if m.len() >= super::state::DONE_COUNTS {
            m.clear();
        }
        m.insert(b.id.clone(), c.clone());
    }
    Ok(c)
}

/// The batch `id` if this caller may see it: a mission organiser sees its own batches only.
pub(super) async fn visible_batch(
    state: &Shared,
    auth: &Auth,
    id: &str,
) -> Result<BatchRow, Problem> {
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
    let c = counts(&state, &b).await?;
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
