//! The cases list (screenings with filters and paging, on the same function as
//! `GET /v1/screenings`) and one application's history (as
//! `GET /v1/applications/{reference}/screenings`), with every review's four-eyes status.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::{Who, problem_page, render, session};
use crate::http::extract::Auth;
use crate::http::history::application_records;
use crate::http::screenings::{ListQuery, find_screenings};
use crate::http::state::Shared;
use crate::store::{Record, RecordKind};

/// The filters as the form sends them (an empty field is no filter).
#[derive(Default, Deserialize)]
pub(super) struct CasesQuery {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    cursor: String,
}

/// The outcome filter's choices (value, words).
pub(super) const OUTCOMES: [(&str, &str); 6] = [
    ("", "any"),
    ("decline", "decline"),
    ("refer", "refer"),
    ("insufficient_information", "information missing"),
    ("proceed_with_conditions", "proceed with conditions"),
    ("proceed", "proceed"),
];

/// The category filter's choices.
pub(super) const CATEGORIES: [(&str, &str); 5] = [
    ("", "any"),
    ("A", "A"),
    ("B", "B"),
    ("C", "C"),
    ("none", "none"),
];

/// One row of the list.
struct Row {
    id: String,
    seq: i64,
    reference: String,
    reference_path: String,
    instrument: String,
    outcome: String,
    category: String,
    created_at: String,
    holder: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    who: Option<Who>,
    q: CasesQuery,
    outcomes: [(&'static str, &'static str); 6],
    categories: [(&'static str, &'static str); 5],
    instruments: [(&'static str, &'static str); 4],
    errors: Vec<(String, String)>,
    rows: Vec<Row>,
    next: Option<String>,
}

/// One record of an application's history.
struct Entry {
    id: String,
    seq: i64,
    screening: bool,
    what: String,
    outcome: String,
    category: String,
    status: String,
    created_at: String,
    holder: String,
    /// For a pending override: the base of its approve and reject actions.
    pending: Option<String>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    who: Option<Who>,
    reference: String,
    entries: Vec<Entry>,
    can_approve: bool,
    csrf: String,
    reference_path: String,
    /// The screenings (id, number), for the comparison form.
    screenings: Vec<(String, i64)>,
}

/// Percent-encodes everything but the unreserved characters (for a path segment or a query
/// value).
pub(super) fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn holder(r: &Record) -> String {
    r.acted_by().to_owned()
}

pub(super) async fn cases(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CasesQuery>,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    let list = ListQuery {
        reference: opt(&q.reference),
        applicant: opt(&q.applicant),
        instrument: opt(&q.instrument),
        outcome: opt(&q.outcome),
        category: opt(&q.category),
        from: opt(&q.from),
        to: opt(&q.to),
        cursor: opt(&q.cursor),
        limit: Some(50),
    };
    let (status, rows, next, errors) = match find_screenings(&state, &auth, &list, true).await {
        Ok((rows, next)) => (StatusCode::OK, rows, next, Vec::new()),
        Err(p) if p.status == 422 => {
            let errors = p.errors.into_iter().map(|e| (e.path, e.expected)).collect();
            (StatusCode::UNPROCESSABLE_ENTITY, Vec::new(), None, errors)
        }
        Err(p) => return problem_page(&p, s.who),
    };
    let next = next.map(|cursor| {
        format!(
            "/cases?reference={}&applicant={}&instrument={}&outcome={}&category={}&from={}&to={}&cursor={cursor}",
            enc(&q.reference),
            enc(&q.applicant),
            enc(&q.instrument),
            enc(&q.outcome),
            enc(&q.category),
            enc(&q.from),
            enc(&q.to)
        )
    });
    let rows = rows
        .iter()
        .map(|r| Row {
            id: r.id.clone(),
            seq: r.seq,
            reference: r.reference.clone(),
            reference_path: enc(&r.reference),
            instrument: r.instrument.clone(),
            outcome: r.outcome.clone().unwrap_or_default(),
            category: r.category.clone().unwrap_or_else(|| "none".into()),
            created_at: r.created_at.clone(),
            holder: holder(r),
        })
        .collect();
    render(
        status,
        &CasesPage {
            who: Some(s.who),
            q,
            outcomes: OUTCOMES,
            categories: CATEGORIES,
            instruments: [
                ("", "any"),
                ("export_credit", "export credit"),
                ("project_finance", "project finance"),
                ("trade_mission", "trade mission"),
            ],
            errors,
            rows,
            next,
        },
    )
}

/// What a review record did, in words (an approval names the override by its number).
fn review_words(r: &Record, rows: &[Record]) -> String {
    let v: Value = r
        .review
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let field = |name: &str| v.get(name).and_then(Value::as_str).unwrap_or_default();
    match field("verdict") {
        "override" => format!("override ({}): {}", field("reason_code"), field("text")),
        verdict @ ("approve" | "reject") => {
            let of = rows
                .iter()
                .find(|x| x.id == field("review_id"))
                .map_or_else(|| field("review_id").to_owned(), |x| format!("#{}", x.seq));
            let act = if verdict == "approve" {
                "approval"
            } else {
                "rejection"
            };
            format!("{act} of the override {of}")
        }
        other => other.to_owned(),
    }
}

pub(super) async fn case(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    let rows = match application_records(&state, &auth, &reference).await {
        Ok(rows) => rows,
        Err(p) => return problem_page(&p, s.who),
    };
    let statuses = crate::four_eyes::statuses(&rows);
    let entries = rows
        .iter()
        .map(|r| Entry {
            id: r.id.clone(),
            seq: r.seq,
            screening: r.kind == RecordKind::Screening,
            what: if r.kind == RecordKind::Review {
                review_words(r, &rows)
            } else {
                String::new()
            },
            outcome: r.outcome.clone().unwrap_or_default(),
            category: r.category.clone().unwrap_or_default(),
            status: statuses.get(&r.id).copied().unwrap_or_default().to_owned(),
            created_at: r.created_at.clone(),
            holder: holder(r),
            pending: (statuses.get(&r.id) == Some(&"pending")).then(|| {
                format!(
                    "/screenings/{}/review/{}",
                    r.review_of.clone().unwrap_or_default(),
                    r.id
                )
            }),
        })
        .collect();
    render(
        StatusCode::OK,
        &CasePage {
            can_approve: auth.allow(crate::access::Action::ApproveReview).is_ok(),
            reference_path: enc(&reference),
            screenings: rows
                .iter()
                .filter(|r| r.kind == RecordKind::Screening)
                .map(|r| (r.id.clone(), r.seq))
                .collect(),
            csrf: s.who.csrf.clone(),
            who: Some(s.who),
            reference,
            entries,
        },
    )
}
