//! `POST /v1/screenings`, `GET /v1/screenings`, `GET /v1/screenings/{id}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use imvo_engine::messages::Lang;
use imvo_engine::render::explain;
use imvo_engine::{Application, Category, Instrument, Outcome, PolicySet};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::extract::{Auth, Q, parse_date_param, read_json};
use super::idempotency::{ClaimGuard, claim, record_idem_key};
use super::problem::{FieldProblem, Problem};
use super::problem::{input_problem, internal, unavailable, write_problem};
use super::state::Shared;
use crate::access::{self, Action, Scope};
use crate::auth::Principal;
use crate::screening;
use crate::store::RecordKind;
use crate::store::{IdemKey, ListFilter, Record};
use crate::writer::Ticket;

/// A stored screening as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScreeningRecord {
    /// Record id.
    pub id: String,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
    /// The API key that stored it.
    pub created_by: String,
    /// Who holds that key (the key's id for a record stored before keys had holders).
    pub holder: String,
    /// The decision, exactly as the engine made it (stored bytes; a decision made before engine
    /// 0.2.0 has no `category_status` or `indicative`).
    #[schema(value_type = imvo_engine::Decision)]
    pub decision: Box<RawValue>,
    /// Position in the record chain.
    pub seq: i64,
    /// The record's hash (SHA-256 over the previous hash and its content).
    pub hash: String,
    /// The decision explained for a person, in the language asked with `?render=` (absent
    /// otherwise). Rendered on each request, never stored: the decision and its hash are the same
    /// in every language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Query of `GET /v1/screenings/{id}`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RenderQuery {
    /// Add the decision explained as `text`: `en`, `nl`, or `accept` for the best language of
    /// the `Accept-Language` header (English when it names none imvo has).
    pub render: Option<String>,
}

/// The language the query parameter `param` (`render`, `lang`) asks for, if any; a value that
/// is not a language is a 422 naming the parameter.
pub(super) fn render_lang(
    param: &str,
    render: Option<&str>,
    headers: &HeaderMap,
) -> Result<Option<Lang>, Problem> {
    let Some(r) = render else {
        return Ok(None);
    };
    if r == "accept" {
        let header = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        return Ok(Some(Lang::from_accept_language(header).unwrap_or(Lang::En)));
    }
    Lang::parse(r).map(Some).ok_or_else(|| {
        Problem::invalid(
            "invalid-parameter",
            format!("`{param}` is not a language: `{r}`"),
            vec![FieldProblem {
                path: param.to_owned(),
                expected: "`en`, `nl`, `pseudo`, or `accept` (the Accept-Language header)".into(),
            }],
        )
    })
}

/// Adds the rendered explanation of `r`'s decision in `lang` (with the packs' catalogues of the
/// policy set in force; a pack version no longer loaded shows its stored English reasons).
pub(super) fn with_text(
    mut rec: ScreeningRecord,
    r: &Record,
    set: &PolicySet,
    lang: Option<Lang>,
) -> ScreeningRecord {
    if let (Some(lang), Some(json)) = (lang, r.decision.as_ref())
        && let Ok(d) = serde_json::from_str::<imvo_engine::Decision>(json)
    {
        rec.text = Some(explain(&d, Some(set), lang));
    }
    rec
}

/// A stored JSON text, returned as it is (`null` where there is none).
pub(super) fn raw_json(text: Option<&String>) -> Result<Box<RawValue>, Problem> {
    RawValue::from_string(text.cloned().unwrap_or_else(|| "null".into())).map_err(internal)
}

pub(super) fn screening_record(r: &Record) -> Result<ScreeningRecord, Problem> {
    Ok(ScreeningRecord {
        id: r.id.clone(),
        created_at: r.created_at.clone(),
        created_by: r.created_by.clone(),
        holder: r.acted_by().to_owned(),
        decision: raw_json(r.decision.as_ref())?,
        seq: r.seq,
        hash: r.hash.clone(),
        text: None,
    })
}

pub(super) fn created(location: String, body: impl Serialize) -> Response {
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// Query of `POST /v1/screenings`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ScreenQuery {
    /// Screening date (default: the application date).
    pub as_of: Option<String>,
    /// Add the decision explained as `text` (see `GET /v1/screenings/{id}`).
    pub render: Option<String>,
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
pub(super) async fn post_screening(
    State(state): State<Shared>,
    auth: Auth,
    ticket: Ticket,
    headers: HeaderMap,
    Q(q): Q<ScreenQuery>,
    raw: axum::body::Body,
) -> Result<Response, Problem> {
    auth.allow(Action::Screen)?;
    let lang = render_lang("render", q.render.as_deref(), &headers)?;
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
                with_text(screening_record(&done)?, &done, &state.set, lang),
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
        with_text(screening_record(&r)?, &r, &state.set, lang),
    ))
}

/// Screens on the blocking pool (bounded by the screening slots) and stores the result.
pub(super) async fn screen_and_store(
    state: &Shared,
    app: Application,
    as_of: Option<NaiveDate>,
    who: &Principal,
    idem: Option<IdemKey>,
    ticket: Ticket,
) -> Result<Record, Problem> {
    let set = Arc::clone(&state.set);
    let (decision, text, input) = evaluate(state, set, app.clone(), as_of).await?;
    let rec = screening::record(&app, &decision, text, input, &who.id, Some(&who.holder));
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
pub(super) async fn evaluate(
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
        screening::evaluate(&set, &app, as_of)
    })
    .await
    .map_err(internal)
}

/// A stored screening, exactly as it was returned when made (its reviews are in the history).
#[utoipa::path(get, path = "/v1/screenings/{id}", tag = "screenings",
    params(("id" = String, Path, description = "record id"), RenderQuery),
    responses((status = 200, body = ScreeningRecord), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn get_screening(
    State(state): State<Shared>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Q(q): Q<RenderQuery>,
) -> Result<Response, Problem> {
    let lang = render_lang("render", q.render.as_deref(), &headers)?;
    let r = visible_screening(&state, &auth, Action::Read, &id).await?;
    let rec = with_text(screening_record(&r)?, &r, &state.set, lang);
    let mut resp = Json(rec).into_response();
    if q.render.as_deref() == Some("accept") {
        // The text depends on the caller's Accept-Language: a cache must not share it.
        resp.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-language"));
    }
    Ok(resp)
}

/// The screening `id` if this caller may do `action` to it: `403` without the action at all,
/// `404` for a screening outside the key's scope (a mission organiser sees trade missions only).
pub(super) async fn visible_screening(
    state: &Shared,
    auth: &Auth,
    action: Action,
    id: &str,
) -> Result<Record, Problem> {
    let scope = auth.allow(action)?;
    let r = state.store.record(id).await.map_err(unavailable)?;
    match r {
        Some(r)
            if r.kind == RecordKind::Screening
                && Instrument::from_name(&r.instrument)
                    .is_some_and(|i| access::covers(scope, i)) =>
        {
            Ok(r)
        }
        _ => Err(Problem::not_found(format!("no screening `{id}`"))),
    }
}

/// Query of `GET /v1/screenings`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Application reference.
    pub reference: Option<String>,
    /// `decline`, `refer`, `insufficient_information`, `proceed_with_conditions` or `proceed`.
    pub outcome: Option<String>,
    /// `A`, `B`, `C`, or `none`.
    pub category: Option<String>,
    /// `export_credit`, `project_finance` or `trade_mission`.
    pub instrument: Option<String>,
    /// The applicant's name contains this (case-insensitive; read from every stored application,
    /// so slower than the other filters).
    pub applicant: Option<String>,
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
pub(super) async fn list_screenings(
    State(state): State<Shared>,
    auth: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Response, Problem> {
    let (rows, next_cursor) = find_screenings(&state, &auth, &q, false).await?;
    let items = rows
        .iter()
        .map(screening_record)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ScreeningPage { items, next_cursor }).into_response())
}

/// The screenings the caller may read that match `q`, newest first, and the cursor of the next
/// page (for `GET /v1/screenings` and the cases page); `422` naming every bad parameter.
pub(super) async fn find_screenings(
    state: &Shared,
    auth: &Auth,
    q: &ListQuery,
    summary: bool,
) -> Result<(Vec<Record>, Option<String>), Problem> {
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
    if let Some(i) = &q.instrument
        && imvo_engine::Instrument::from_name(i).is_none()
    {
        errors.push(FieldProblem {
            path: "instrument".into(),
            expected: "export_credit, project_finance or trade_mission".into(),
        });
    }
    if q.applicant
        .as_ref()
        .is_some_and(|a| a.chars().count() > 200)
    {
        errors.push(FieldProblem {
            path: "applicant".into(),
            expected: "at most 200 characters of the applicant's name".into(),
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
        instrument: if scope == Scope::TradeMissions {
            // A mission organiser asking for another instrument sees none.
            match q.instrument.as_deref() {
                None | Some("trade_mission") => Some("trade_mission".to_owned()),
                Some(_) => return Ok((Vec::new(), None)),
            }
        } else {
            q.instrument.clone()
        },
        applicant: q.applicant.clone().filter(|a| !a.trim().is_empty()),
        before,
        limit,
        summary,
    };
    let rows = state.store.list(&filter).await.map_err(unavailable)?;
    let next_cursor = (rows.len() == usize::try_from(limit).unwrap_or(0))
        .then(|| rows.last().map(|r| r.seq.to_string()))
        .flatten();
    Ok((rows, next_cursor))
}
