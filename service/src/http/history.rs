//! An application's history, replay of a stored screening, and simulation (nothing stored).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use imvo_engine::decision::ErrorKind;
use imvo_engine::{Application, ENGINE_VERSION};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::extract::{Auth, parse_date_param, read_json};
use super::problem::Problem;
use super::problem::{body_problem, input_problem, internal, unavailable};
use super::screenings::{ScreeningRecord, evaluate, raw_json, screening_record, visible_screening};
use super::state::Shared;
use crate::access::{Action, Scope};
use crate::store::Record;
use crate::store::RecordKind;

/// A review as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewRecord {
    /// Record id.
    pub id: String,
    /// When it was stored.
    pub created_at: String,
    /// The analyst's key.
    pub created_by: String,
    /// Who holds that key (the key's id for a record stored before keys had holders).
    pub holder: String,
    /// The screening reviewed.
    pub review_of: String,
    /// The call: `{"verdict": "agree"}`, an override (`verdict`, `reason_code`, `text`,
    /// `outcome`, `category`), or a second person's `{"verdict": "approve" | "reject",
    /// "review_id", "text"}` of a pending override.
    #[schema(value_type = Object)]
    pub review: Box<RawValue>,
    /// For an agreement or override: `final`, `pending` (an override that lowers the category
    /// or softens a decline or refer, until another person approves or rejects it), `approved`
    /// or `rejected`. Absent on an approval or rejection itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Position in the record chain.
    pub seq: i64,
    /// The record's hash.
    pub hash: String,
}

pub(super) fn review_record(r: &Record, status: Option<&str>) -> Result<ReviewRecord, Problem> {
    Ok(ReviewRecord {
        id: r.id.clone(),
        created_at: r.created_at.clone(),
        created_by: r.created_by.clone(),
        holder: r.acted_by().to_owned(),
        review_of: r.review_of.clone().unwrap_or_default(),
        review: raw_json(r.review.as_ref())?,
        status: status.map(str::to_owned),
        seq: r.seq,
        hash: r.hash.clone(),
    })
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
pub(super) async fn application_history(
    State(state): State<Shared>,
    auth: Auth,
    Path(reference): Path<String>,
) -> Result<Response, Problem> {
    let rows = application_records(&state, &auth, &reference).await?;
    let statuses = crate::four_eyes::statuses(&rows);
    let records = rows
        .iter()
        .map(|r| {
            if r.kind == RecordKind::Review {
                review_record(r, statuses.get(&r.id).copied()).map(HistoryEntry::Review)
            } else {
                screening_record(r).map(HistoryEntry::Screening)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(History { reference, records }).into_response())
}

/// Every record of one application the caller may read, oldest first (for the history endpoint
/// and the case page); `404` where there is none.
pub(super) async fn application_records(
    state: &Shared,
    auth: &Auth,
    reference: &str,
) -> Result<Vec<Record>, Problem> {
    let only = (auth.allow(Action::Read)? == Scope::TradeMissions).then_some("trade_mission");
    let rows = state
        .store
        .history(reference, only)
        .await
        .map_err(unavailable)?;
    if rows.is_empty() {
        return Err(Problem::not_found(format!(
            "no screening of application `{reference}`"
        )));
    }
    Ok(rows)
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
pub(super) async fn replay(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let r = visible_screening(&state, &auth, Action::Replay, &id).await?;
    Ok(Json(replay_record(&state, &r).await?).into_response())
}

/// Re-runs stored screening `r` under the policy set it recorded (the caller checked it may).
pub(super) async fn replay_record(state: &Shared, r: &Record) -> Result<Replay, Problem> {
    let id = &r.id;
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
    let (decision, text, _) = evaluate(state, set, app, Some(as_of)).await?;
    let identical = &text == stored;
    // The stored decision read back as typed (fields added since are defaulted); its bytes,
    // not a re-serialisation, are what `identical` compared.
    let then: imvo_engine::Decision = serde_json::from_str(stored).map_err(internal)?;
    let deadline_then = then.errors.iter().any(|e| e.kind == ErrorKind::Deadline);
    let deadline_now = decision
        .errors
        .iter()
        .any(|e| e.kind == ErrorKind::Deadline);
    Ok(Replay {
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
pub(super) async fn simulate(
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
