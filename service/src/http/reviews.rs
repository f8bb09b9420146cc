//! `POST /v1/screenings/{id}/review`: an analyst's final call on a screening (one that lowers
//! the category or softens a decline or refer waits for a second person: `approvals`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use imvo_engine::{ENGINE_VERSION, Instrument, Outcome};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::extract::{Auth, read_json};
use super::history::{ReviewRecord, review_record};
use super::idempotency::{ClaimGuard, claim, record_idem_key};
use super::problem::{FieldProblem, Problem};
use super::problem::{body_problem, internal, write_problem};
use super::screenings::{created, visible_screening};
use super::state::Shared;
use crate::access::Action;
use crate::store::NewRecord;
use crate::store::RecordKind;
use crate::writer::Ticket;

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

impl ReviewBody {
    /// What is wrong with the review on its own (its fit with the screening is checked once the
    /// screening is read).
    pub(super) fn problems(&self) -> Vec<FieldProblem> {
        let mut errors = Vec::new();
        match self.verdict.as_str() {
            "agree" => {
                if self.reason_code.is_some() {
                    errors.push(FieldProblem {
                        path: "reason_code".into(),
                        expected: "nothing: a reason code belongs to an override".into(),
                    });
                }
                if self.outcome.is_some() || self.category.is_some() {
                    errors.push(FieldProblem {
                        path: "outcome".into(),
                        expected: "nothing: an agreement keeps the decision's outcome and category"
                            .into(),
                    });
                }
            }
            "override" => {
                if !self
                    .reason_code
                    .as_deref()
                    .is_some_and(|c| REASON_CODES.contains(&c))
                {
                    errors.push(FieldProblem {
                        path: "reason_code".into(),
                        expected: REASON_CODES.join(", "),
                    });
                }
                if self.text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    errors.push(FieldProblem {
                        path: "text".into(),
                        expected: "the reason for the override, in words".into(),
                    });
                }
                if self.outcome.as_deref().and_then(Outcome::parse).is_none() {
                    errors.push(FieldProblem { path: "outcome".into(), expected: "the final outcome: decline, refer, insufficient_information, proceed_with_conditions or proceed".into() });
                }
                if self
                    .category
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
        if self.text.as_deref().is_some_and(|t| t.len() > 4000) {
            errors.push(FieldProblem {
                path: "text".into(),
                expected: "at most 4000 bytes".into(),
            });
        }
        errors
    }
}

/// Record an analyst's final call on a screening as a new record; the screening is never changed.
#[utoipa::path(post, path = "/v1/screenings/{id}/review", tag = "reviews", request_body = ReviewBody,
    params(("id" = String, Path, description = "record id of the screening")),
    responses((status = 201, body = ReviewRecord), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn post_review(
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
    check_review(&b, None)?;
    let screening = visible_screening(&state, &auth, Action::Review, &id).await?;
    check_review(&b, Some(&screening))?;
    if let Some(done) = claim_review(
        &state,
        idem.as_ref(),
        &[b"review", screening.id.as_bytes(), &body],
    )
    .await?
    {
        let status = status_of(&screening, &done);
        return Ok(created(
            format!("/v1/screenings/{}", screening.id),
            review_record(&done, Some(status))?,
        ));
    }
    // Released if this request ends without storing, also when it is cut off mid-way.
    let mut guard = idem
        .as_ref()
        .map(|k| ClaimGuard::held(&state.store, k, &ticket));
    let stored = append_review(&state, &auth, &screening, &b, idem, ticket).await?;
    if let Some(g) = guard.as_mut() {
        g.armed = false;
    }
    let status = status_of(&screening, &stored);
    Ok(created(
        format!("/v1/screenings/{}", screening.id),
        review_record(&stored, Some(status))?,
    ))
}

/// A review checked on its own and, once read, against the screening it reviews (a trade
/// mission has a risk level, no category): `422` naming every field that is wrong.
pub(super) fn check_review(
    b: &ReviewBody,
    screening: Option<&crate::store::Record>,
) -> Result<(), Problem> {
    let mut errors = b.problems();
    if b.category.is_some()
        && screening.is_some_and(|s| s.instrument == Instrument::TradeMission.as_str())
    {
        errors.push(FieldProblem {
            path: "category".into(),
            expected: "nothing: a trade mission is not categorised".into(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::invalid(
            "invalid-review",
            "the review is not valid",
            errors,
        ))
    }
}

/// Stores a checked review of `screening` by the caller.
pub(super) async fn append_review(
    state: &Shared,
    auth: &Auth,
    screening: &crate::store::Record,
    b: &ReviewBody,
    idem: Option<crate::store::IdemKey>,
    ticket: Ticket,
) -> Result<crate::store::Record, Problem> {
    let (outcome, category) = if b.verdict == "agree" {
        (screening.outcome.clone(), screening.category.clone())
    } else {
        (b.outcome.clone(), b.category.clone())
    };
    let review = imvo_engine::json::canonical(&serde_json::to_value(b).map_err(internal)?);
    let rec = review_of(auth, screening, (outcome, category), review);
    state
        .writer
        .append(rec, idem, ticket)
        .await
        .map_err(write_problem)
}

/// Under an `Idempotency-Key`: the review record already stored for it (`None` if this request
/// claimed the key and is to store one), or `409` where the key was used for another kind of
/// record. `parts` are what makes the request the same (joined by newlines and hashed).
pub(super) async fn claim_review(
    state: &Shared,
    idem: Option<&crate::store::IdemKey>,
    parts: &[&[u8]],
) -> Result<Option<crate::store::Record>, Problem> {
    let Some(k) = idem else { return Ok(None) };
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        h.update(p);
    }
    match claim(state, k, &imvo_engine::codes::hex(&h.finalize())).await? {
        Some(done) if done.kind != RecordKind::Review => Err(Problem::conflict(
            "idempotency-mismatch",
            "this Idempotency-Key was used with another request body",
        )),
        done => Ok(done),
    }
}

/// The record of a review-kind act (a review, an approval, a rejection) of `screening` by the
/// caller: the final call's outcome and category, and the act as canonical JSON.
pub(super) fn review_of(
    auth: &Auth,
    screening: &crate::store::Record,
    (outcome, category): (Option<String>, Option<String>),
    review: String,
) -> NewRecord {
    NewRecord {
        kind: RecordKind::Review,
        created_by: auth.0.id.clone(),
        holder: Some(auth.0.holder.clone()),
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
    }
}

/// A review just stored: `pending` where it needs a second person, else `final`.
fn status_of(screening: &crate::store::Record, review: &crate::store::Record) -> &'static str {
    let v: serde_json::Value = review
        .review
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    if crate::four_eyes::lowers(screening, &v) {
        "pending"
    } else {
        "final"
    }
}
