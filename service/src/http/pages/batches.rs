//! Batches on the workbench: upload a portfolio (CSV or JSON Lines) on the same function as
//! `POST /v1/batches`, watch its progress (the page reloads itself while the batch runs; no
//! script), page through its lines with filters, and download the decisions (CSV as
//! `imvo batch --out-format csv` writes it, or JSON Lines as `/v1/batches/{id}/results`) and the
//! rejected lines.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::multipart::{FormHead, csrf_refused, text_field, unreadable_form};
use super::{Who, problem_page, render, same, session};
use crate::access::Action;
use crate::batch::input::Format;
use crate::http::batches::{BatchStatus, status, visible_batch};
use crate::http::extract::{Auth, parse_date_param};
use crate::http::problem::{Problem, unavailable};
use crate::http::state::Shared;
use crate::http::upload::{Upload, store_upload};
use crate::store::{LineFilter, LineRow};

/// Lines per page of results.
const PAGE: i64 = 50;

struct BatchItem {
    id: String,
    status: String,
    format: String,
    total: i64,
    created_at: String,
}

#[derive(Template)]
#[template(path = "batches.html")]
struct BatchesPage {
    who: Option<Who>,
    csrf: String,
    can_upload: bool,
    batches: Vec<BatchItem>,
    errors: Vec<(String, String)>,
}

/// The filters of the results (an empty field is no filter).
#[derive(Default, Deserialize)]
pub(super) struct LinesQuery {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    category: String,
    /// `screened` or `failed`.
    #[serde(default)]
    state: String,
    #[serde(default)]
    after: String,
}

/// One line of the results.
pub(super) struct LineView {
    pub(super) line: i64,
    pub(super) record_id: String,
    pub(super) reference: String,
    pub(super) outcome: String,
    pub(super) category: String,
    pub(super) risk: String,
    pub(super) missing: Vec<String>,
    pub(super) error: String,
}

#[derive(Template)]
#[template(path = "batch.html")]
struct BatchPage {
    who: Option<Who>,
    b: BatchStatus,
    running: bool,
    percent: i64,
    rate: String,
    left: String,
    by_outcome: Vec<(String, i64)>,
    by_category: Vec<(String, i64)>,
    q: LinesQuery,
    outcomes: [(&'static str, &'static str); 6],
    categories: [(&'static str, &'static str); 5],
    lines: Vec<LineView>,
    next: Option<String>,
    /// The participant view of a trade-mission list.
    participants: bool,
}

pub(super) async fn batches_page(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    list(
        &state,
        s.who,
        &Auth(s.principal),
        StatusCode::OK,
        Vec::new(),
    )
    .await
}

async fn list(
    state: &Shared,
    who: Who,
    auth: &Auth,
    code: StatusCode,
    errors: Vec<(String, String)>,
) -> Response {
    let scope = match auth.allow(Action::ReadBatches) {
        Ok(s) => s,
        Err(p) => return problem_page(&p, who),
    };
    let own = (scope != crate::access::Scope::All).then_some(auth.0.id.as_str());
    let rows = match state.store.batches(own, None, false, 50).await {
        Ok(r) => r,
        Err(e) => return problem_page(&unavailable(e), who),
    };
    render(
        code,
        &BatchesPage {
            csrf: who.csrf.clone(),
            who: Some(who),
            can_upload: auth.allow(Action::UploadBatch).is_ok(),
            batches: rows
                .into_iter()
                .map(|b| BatchItem {
                    status: b.state.as_str().to_owned(),
                    id: b.id,
                    format: b.format,
                    total: b.lines,
                    created_at: b.created_at,
                })
                .collect(),
            errors,
        },
    )
}

/// `POST /batches`: the upload form. Its text fields come before the file, so the session and
/// the CSRF token are checked before a byte of the file is stored.
pub(super) async fn upload(
    State(state): State<Shared>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut head = FormHead { fields: Vec::new() };
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            if let Err(r) = text_field(&mut head, name, field).await {
                return r;
            }
            continue;
        }
        if !same(head.get("csrf"), &s.who.csrf) {
            return csrf_refused();
        }
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let auth = Auth(s.principal);
        let format = match head.get("format") {
            "" => Format::from_path(&file_name),
            f => Format::from_name(f).unwrap_or(Format::Csv),
        };
        let as_of = match head.get("as_of").trim() {
            "" => None,
            d => match parse_date_param("as_of", d) {
                Ok(d) => Some(d),
                Err(_) => {
                    let e = vec![("as_of".into(), "a date YYYY-MM-DD, or nothing".into())];
                    return list(&state, s.who, &auth, StatusCode::UNPROCESSABLE_ENTITY, e).await;
                }
            },
        };
        let upload = Upload {
            format,
            as_of,
            idem: None,
            declared: None,
        };
        return match store_upload(&state, &auth, upload, field).await {
            Ok((row, _, _)) => Redirect::to(&format!("/batches/{}", row.id)).into_response(),
            Err(p) => refused(&state, s.who, &auth, &p).await,
        };
    }
    unreadable_form()
}

/// An upload refused: the list page with the problem and every field it names.
pub(super) async fn refused(state: &Shared, who: Who, auth: &Auth, p: &Problem) -> Response {
    if p.status == 403 {
        return problem_page(p, who);
    }
    let mut errors = vec![("upload".to_owned(), p.detail.clone())];
    errors.extend(
        p.errors
            .iter()
            .map(|e| (e.path.clone(), e.expected.clone())),
    );
    let code = StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST);
    list(state, who, auth, code, errors).await
}

/// What a line of the list shows of its decision (the rest of the JSON is skipped unread).
#[derive(Deserialize, Default)]
struct Brief {
    #[serde(default)]
    risk_level: Option<String>,
    #[serde(default)]
    missing: Vec<BriefMissing>,
}

#[derive(Deserialize)]
struct BriefMissing {
    path: String,
}

pub(super) fn line_view(r: LineRow) -> LineView {
    let brief: Brief = r
        .decision
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    let missing = brief.missing.into_iter().map(|m| m.path).collect();
    let error = r
        .error
        .as_deref()
        .and_then(|e| serde_json::from_str::<serde_json::Value>(e).ok())
        .and_then(|e| e.get("errors").cloned())
        .and_then(|e| e.as_array().cloned())
        .map(|es| {
            es.iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        e.get("path").and_then(|p| p.as_str()).unwrap_or("$"),
                        e.get("expected")
                            .and_then(|p| p.as_str())
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .or(r.error)
        .unwrap_or_default();
    LineView {
        line: r.line,
        record_id: r.record_id.unwrap_or_default(),
        reference: r.reference.unwrap_or_default(),
        outcome: r.outcome.unwrap_or_default(),
        category: r.category.unwrap_or_default(),
        risk: brief.risk_level.unwrap_or_default(),
        missing,
        error,
    }
}

fn seconds_since(t: Option<&str>, until: Option<&str>) -> Option<f64> {
    let start = chrono::DateTime::parse_from_rfc3339(t?).ok()?;
    let end = match until {
        Some(u) => chrono::DateTime::parse_from_rfc3339(u).ok()?.to_utc(),
        None => chrono::Utc::now(),
    };
    let ms = (end - start.to_utc()).num_milliseconds();
    (ms > 0).then(|| ms as f64 / 1000.0)
}

/// `GET /batches/{id}` (and `/missions/{id}`, the participant view).
pub(super) async fn batch_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LinesQuery>,
) -> Response {
    show(state, headers, id, q, false).await
}

pub(super) async fn show(
    state: Shared,
    headers: HeaderMap,
    id: String,
    q: LinesQuery,
    participants: bool,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    let b = match visible_batch(&state, &auth, &id).await {
        Ok(b) => b,
        Err(p) => return problem_page(&p, s.who),
    };
    let counts = match crate::http::batches::counts(&state, &b).await {
        Ok(c) => c,
        Err(p) => return problem_page(&p, s.who),
    };
    let filter = LineFilter {
        outcome: (!q.outcome.is_empty()).then(|| q.outcome.clone()),
        category: (!q.category.is_empty()).then(|| q.category.clone()),
        failed: match q.state.as_str() {
            "failed" => Some(true),
            "screened" => Some(false),
            _ => None,
        },
        after: q.after.parse().unwrap_or(0),
        limit: PAGE + 1,
        // Only the participant view shows what each decision misses; a portfolio's page stays
        // light (the CSV download has every line's missing facts).
        decisions: participants,
    };
    let mut rows = match state.store.batch_lines(&id, &filter).await {
        Ok(r) => r,
        Err(e) => return problem_page(&unavailable(e), s.who),
    };
    let more = rows.len() as i64 > PAGE;
    rows.truncate(usize::try_from(PAGE).unwrap_or(50));
    let next = (more)
        .then(|| rows.last().map(|r| r.line))
        .flatten()
        .map(|last| {
            format!(
                "?outcome={}&category={}&state={}&after={last}",
                super::cases::enc(&q.outcome),
                super::cases::enc(&q.category),
                super::cases::enc(&q.state)
            )
        });
    let b = status(b, counts);
    let running = matches!(b.status.as_str(), "receiving" | "queued" | "running");
    let secs = seconds_since(b.queued_at.as_deref(), b.finished_at.as_deref());
    let rate = secs.map(|s| b.done as f64 / s).filter(|r| *r > 0.0);
    render(
        StatusCode::OK,
        &BatchPage {
            who: Some(s.who),
            running,
            percent: if b.total > 0 {
                b.done * 100 / b.total
            } else {
                0
            },
            rate: rate.map_or_else(|| "-".into(), |r| format!("{r:.0} a second")),
            left: match (running, rate) {
                (true, Some(r)) => format!("about {:.0} s", (b.total - b.done) as f64 / r),
                (true, None) => "not known yet".into(),
                _ => "none".into(),
            },
            by_outcome: b.by_outcome.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            by_category: b.by_category.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            b,
            q,
            outcomes: super::cases::OUTCOMES,
            categories: super::cases::CATEGORIES,
            lines: rows
                .into_iter()
                .map(line_view)
                .map(|mut l| {
                    if participants {
                        l.missing = l.missing.iter().map(|m| super::form::question(m)).collect();
                    }
                    l
                })
                .collect(),
            next,
            participants,
        },
    )
}

/// `GET /batches/{id}/{file}`: `results.csv`, `results.jsonl` or `errors.jsonl`.
pub(super) async fn download(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    if let Err(p) = visible_batch(&state, &auth, &id).await {
        return problem_page(&p, s.who);
    }
    let mut resp = match file.as_str() {
        "results.jsonl" => crate::http::results::results_stream(state, id.clone()),
        "errors.jsonl" => crate::http::results::errors_stream(state, id.clone()),
        "results.csv" => crate::http::results::csv_stream(state, id.clone()),
        _ => return problem_page(&Problem::not_found(format!("no file `{file}`")), s.who),
    };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"batch-{}-{file}\"",
        id.get(..8).unwrap_or(&id)
    )) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}
