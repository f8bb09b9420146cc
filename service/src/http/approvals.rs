//! Four eyes on reviews: an override that lowers the category or softens a `decline` or `refer`
//! is *pending* until a second person approves or rejects it
//! (`POST /v1/screenings/{id}/review/{review_id}/approve` and `/reject`). "Second person" means
//! another holder than the override's author, not merely another key, with the analyst or admin
//! role. Both acts are new records in the chain; nothing is ever changed.
//! The status of a review is derived from the records (`crate::four_eyes`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::extract::{Auth, read_json};
use super::history::review_record;
use super::idempotency::{ClaimGuard, record_idem_key};
use super::problem::{FieldProblem, Problem};
use super::problem::{body_problem, unavailable, write_problem};
use super::reviews::{claim_review, review_of};
use super::screenings::{created, visible_screening};
use super::state::Shared;
use crate::access::Action;
use crate::four_eyes::statuses;
use crate::store::{Record, RecordKind};
use crate::writer::Ticket;

/// Body of `.../approve` and `.../reject`.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondOpinion {
    /// Why, in words (optional; at most 4000 bytes).
    pub text: Option<String>,
}

/// A second person approves a pending override: it becomes the final call.
#[utoipa::path(post, path = "/v1/screenings/{id}/review/{review_id}/approve", tag = "reviews",
    request_body = SecondOpinion,
    params(("id" = String, Path, description = "record id of the screening"),
           ("review_id" = String, Path, description = "record id of the pending override")),
    responses((status = 201, body = super::history::ReviewRecord), (status = 401, body = Problem),
        (status = 403, description = "no role that may approve, or the override's own author", body = Problem),
        (status = 404, body = Problem), (status = 409, description = "the review is not pending", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn approve(
    state: State<Shared>,
    auth: Auth,
    ticket: Ticket,
    headers: HeaderMap,
    Path((id, review_id)): Path<(String, String)>,
    raw: axum::body::Body,
) -> Result<Response, Problem> {
    decide(
        state,
        auth,
        ticket,
        headers,
        (id, review_id),
        raw,
        "approve",
    )
    .await
}

/// A second person rejects a pending override: the screening's decision stands.
#[utoipa::path(post, path = "/v1/screenings/{id}/review/{review_id}/reject", tag = "reviews",
    request_body = SecondOpinion,
    params(("id" = String, Path, description = "record id of the screening"),
           ("review_id" = String, Path, description = "record id of the pending override")),
    responses((status = 201, body = super::history::ReviewRecord), (status = 401, body = Problem),
        (status = 403, description = "no role that may reject, or the override's own author", body = Problem),
        (status = 404, body = Problem), (status = 409, description = "the review is not pending", body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn reject(
    state: State<Shared>,
    auth: Auth,
    ticket: Ticket,
    headers: HeaderMap,
    Path((id, review_id)): Path<(String, String)>,
    raw: axum::body::Body,
) -> Result<Response, Problem> {
    decide(state, auth, ticket, headers, (id, review_id), raw, "reject").await
}

async fn decide(
    State(state): State<Shared>,
    auth: Auth,
    ticket: Ticket,
    headers: HeaderMap,
    (id, review_id): (String, String),
    raw: axum::body::Body,
    verdict: &'static str,
) -> Result<Response, Problem> {
    auth.allow(Action::ApproveReview)?;
    let idem = record_idem_key(&headers, &auth)?;
    let body = read_json(&headers, raw).await?;
    let b: SecondOpinion =
        serde_json::from_slice(&body).map_err(|e| body_problem("invalid-approval", &e))?;
    if b.text.as_deref().is_some_and(|t| t.len() > 4000) {
        return Err(Problem::invalid(
            "invalid-approval",
            "the approval is not valid",
            vec![FieldProblem {
                path: "text".into(),
                expected: "at most 4000 bytes".into(),
            }],
        ));
    }
    let screening = visible_screening(&state, &auth, Action::ApproveReview, &id).await?;
    let parts: [&[u8]; 3] = [verdict.as_bytes(), review_id.as_bytes(), &body];
    if let Some(done) = claim_review(&state, idem.as_ref(), &parts).await? {
        return Ok(created(
            format!("/v1/screenings/{}", screening.id),
            review_record(&done, None)?,
        ));
    }
    // Released if this request ends without storing, also when it is cut off mid-way.
    let mut guard = idem
        .as_ref()
        .map(|k| ClaimGuard::held(&state.store, k, &ticket));
    let review = pending_review(&state, &auth, &screening, &review_id).await?;
    let stored = append_decision(
        &state,
        &auth,
        (&screening, &review),
        (verdict, b.text),
        idem,
        ticket,
    )
    .await?;
    if let Some(g) = guard.as_mut() {
        g.armed = false;
    }
    tracing::info!(principal = %auth.0.id, review = %review_id, verdict, "override decided");
    Ok(created(
        format!("/v1/screenings/{}", screening.id),
        review_record(&stored, None)?,
    ))
}

/// The override `review_id` of `screening`, if it waits for a second person and the caller is
/// another holder than its author: `404`, `409 not-pending` or `403` otherwise.
pub(super) async fn pending_review(
    state: &Shared,
    auth: &Auth,
    screening: &Record,
    review_id: &str,
) -> Result<Record, Problem> {
    let rows = state
        .store
        .history(&screening.reference, Some(&screening.instrument))
        .await
        .map_err(unavailable)?;
    let Some(review) = rows.iter().find(|r| {
        r.id == review_id
            && r.kind == RecordKind::Review
            && r.review_of.as_deref() == Some(screening.id.as_str())
    }) else {
        return Err(Problem::not_found(format!(
            "no review `{review_id}` of screening `{}`",
            screening.id
        )));
    };
    match statuses(&rows).get(&review.id).copied() {
        Some("pending") => {}
        Some(status) => {
            return Err(Problem::conflict(
                "not-pending",
                format!(
                    "review `{review_id}` is {status}: only an override that lowers the category or softens a decline or refer waits for a second person, once"
                ),
            ));
        }
        None => {
            return Err(Problem::not_found(format!(
                "no review `{review_id}` of screening `{}`",
                screening.id
            )));
        }
    }
    let author = review.acted_by();
    if author == auth.0.holder {
        return Err(Problem::forbidden(format!(
            "four eyes: the override of `{author}` must be approved or rejected by another person (another holder, not merely another key)"
        )));
    }
    Ok(review.clone())
}

/// Stores a second person's approval or rejection of the pending override `review`.
pub(super) async fn append_decision(
    state: &Shared,
    auth: &Auth,
    (screening, review): (&Record, &Record),
    (verdict, text): (&'static str, Option<String>),
    idem: Option<crate::store::IdemKey>,
    ticket: Ticket,
) -> Result<Record, Problem> {
    let review_id = review.id.clone();
    let (outcome, category) = if verdict == "approve" {
        (review.outcome.clone(), review.category.clone())
    } else {
        (screening.outcome.clone(), screening.category.clone())
    };
    let text = json!({"verdict": verdict, "review_id": review_id, "text": text});
    let rec = review_of(
        auth,
        screening,
        (outcome, category),
        imvo_engine::json::canonical(&text),
    );
    state
        .writer
        .append(rec, idem, ticket)
        .await
        .map_err(write_problem)
}
