//! The screening form (paste the application's JSON; *Try* or *Screen and record*) and the
//! decision page, on the same functions as `POST /v1/simulate`, `POST /v1/screenings` and
//! `GET /v1/screenings/{id}`: the same roles, the same record.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use imvo_engine::letter::question_id;
use imvo_engine::messages::{Lang, date, render_engine};
use imvo_engine::render::{category_reason, finding_text, t};
use imvo_engine::{Application, Category, Decision, Instrument, Outcome, PolicySet};
use serde::Deserialize;

use super::{Who, form_session, problem_page, render, session};
use crate::access::Action;
use crate::http::extract::{Auth, parse_date_param};
use crate::http::letters::stored_letter;
use crate::http::problem::{Problem, input_problem};
use crate::http::screenings::{evaluate, screen_and_store, visible_screening};
use crate::http::state::Shared;
use crate::store::Record;
use crate::writer::Ticket;

#[derive(Template)]
#[template(path = "screen.html")]
struct ScreenPage {
    who: Option<Who>,
    csrf: String,
    application: String,
    as_of: String,
    errors: Vec<(String, String)>,
}

/// A finding as the decision page shows it.
struct FindingView {
    rule_id: String,
    effect: String,
    reason: String,
    source: String,
    evidence: String,
    verified: bool,
}

/// The findings of one pack.
struct Group {
    pack: String,
    findings: Vec<FindingView>,
}

struct StepView {
    step: String,
    provided: bool,
    due_by: Option<String>,
    note: Option<String>,
    rules: String,
}

/// A missing fact: the question to ask, the field, the rules that need it.
struct MissingView {
    question: String,
    path: String,
    rules: String,
}

/// A decision in an analyst's words.
struct DecisionView {
    reference: String,
    instrument: String,
    as_of: String,
    outcome_words: String,
    category_words: String,
    category_reason: Option<String>,
    category_status: String,
    stored: bool,
    errors: Vec<String>,
    steps: Vec<StepView>,
    missing: Vec<MissingView>,
    groups: Vec<Group>,
    policy_set: String,
    engine_version: String,
    input_hash: String,
}

/// Where a stored decision sits in the record.
struct RecordView {
    seq: i64,
    hash: String,
    created_at: String,
    holder: String,
}

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    who: Option<Who>,
    d: DecisionView,
    record: Option<RecordView>,
    /// The application's history page, for a stored decision (percent-encoded reference).
    stored_path: String,
    /// Whether the review form is shown (a stored decision, a caller who may review).
    can_review: bool,
    screening_id: String,
    csrf: String,
    review_errors: Vec<(String, String)>,
    /// Whether the replay button is shown (a stored decision, a caller who may replay).
    can_replay: bool,
    /// The result of a replay just asked for.
    replayed: Option<String>,
    /// The language of the explanations (`en`, `nl`).
    lang: &'static str,
    /// The page's own words in that language.
    tr: Tr,
}

/// The decision page's own words in its language (the engine's catalogue, `dp-*`).
struct Tr(Lang);

impl Tr {
    fn t(&self, id: &str) -> String {
        t(self.0, id, &[])
    }
}

fn outcome_words(o: Outcome, lang: Lang) -> String {
    t(lang, &format!("verdict-{}", o.as_str()), &[])
}

fn category_words(c: Option<Category>, instrument: Instrument, lang: Lang) -> String {
    let id = match (c, instrument) {
        (_, Instrument::TradeMission) => "verdict-category-trade-mission",
        (Some(Category::A), _) => "verdict-category-A",
        (Some(Category::B), _) => "verdict-category-B",
        (Some(Category::C), _) => "verdict-category-C",
        (None, _) => "verdict-category-none",
    };
    t(lang, id, &[])
}

fn view(d: &Decision, stored: bool, set: &PolicySet, lang: Lang) -> DecisionView {
    let mut groups: Vec<Group> = Vec::new();
    for f in &d.findings {
        let fv = FindingView {
            rule_id: f.rule_id.to_string(),
            effect: {
                let effect = serde_json::to_value(f.effect)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                match &f.value {
                    Some(v) => format!("{effect} {v}"),
                    None => effect,
                }
            },
            reason: finding_text(Some(set), f, lang),
            source: match &f.source.section {
                Some(s) => format!("{}, {s}", f.source.document),
                None => f.source.document.to_string(),
            },
            evidence: f.evidence_level.to_string(),
            verified: f.verified,
        };
        match groups.iter_mut().find(|g| *g.pack == *f.pack) {
            Some(g) => g.findings.push(fv),
            None => groups.push(Group {
                pack: f.pack.to_string(),
                findings: vec![fv],
            }),
        }
    }
    DecisionView {
        reference: d.reference.clone(),
        instrument: t(lang, &format!("instrument-{}", d.instrument.as_str()), &[]),
        as_of: date(lang, d.provenance.as_of),
        outcome_words: outcome_words(d.outcome, lang),
        category_words: category_words(d.category, d.instrument, lang),
        category_reason: d
            .category_reason
            .as_deref()
            .map(|r| category_reason(d, r, Some(set), lang)),
        category_status: t(
            lang,
            &format!("category-status-{}", d.category_status.as_str()),
            &[],
        ),
        stored,
        errors: d
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.rule_id.as_deref().unwrap_or("-"), e.message))
            .collect(),
        steps: d
            .required_steps
            .iter()
            .map(|s| StepView {
                step: t(lang, &format!("step-{}", s.step), &[]),
                provided: s.provided,
                due_by: s.due_by.map(|d| date(lang, d)),
                note: s
                    .message
                    .as_ref()
                    .and_then(|m| render_engine(lang, m).ok())
                    .or_else(|| s.note.clone()),
                rules: s.rule_ids.join(", "),
            })
            .collect(),
        missing: d
            .missing
            .iter()
            .map(|m| MissingView {
                question: t(lang, &question_id(&m.path), &[]),
                path: m.path.clone(),
                rules: m.needed_by.join(", "),
            })
            .collect(),
        groups,
        policy_set: d.provenance.policy_set.clone(),
        engine_version: d.provenance.engine_version.clone(),
        input_hash: d.provenance.input_hash.clone(),
    }
}

fn form_page(
    status: StatusCode,
    who: Who,
    f: ScreenForm,
    errors: Vec<(String, String)>,
) -> Response {
    render(
        status,
        &ScreenPage {
            csrf: who.csrf.clone(),
            who: Some(who),
            application: f.application,
            as_of: f.as_of,
            errors,
        },
    )
}

pub(super) async fn screen_page(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(p) = Auth(s.principal.clone()).allow(Action::Simulate) {
        return problem_page(&p, s.who);
    }
    form_page(StatusCode::OK, s.who, ScreenForm::default(), Vec::new())
}

/// The screening form.
#[derive(Default, Deserialize)]
pub(super) struct ScreenForm {
    #[serde(default)]
    application: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    csrf: String,
}

/// The screening form as posted: URL-encoded, or multipart with the application as an uploaded
/// JSON file (a file, when one is chosen, takes the place of the pasted text).
async fn screen_form(state: &Shared, req: axum::extract::Request) -> Result<ScreenForm, Response> {
    use axum::extract::FromRequest;
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if !multipart {
        return match Form::<ScreenForm>::from_request(req, state).await {
            Ok(Form(f)) => Ok(f),
            Err(e) => Err(e.into_response()),
        };
    }
    let mut m = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let mut f = ScreenForm::default();
    let mut file = String::new();
    while let Ok(Some(field)) = m.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let Ok(text) = field.text().await else {
            return Err(super::multipart::unreadable_form());
        };
        match name.as_str() {
            "application" => f.application = text,
            "file" => file = text,
            "as_of" => f.as_of = text,
            "action" => f.action = text,
            "csrf" => f.csrf = text,
            _ => {}
        }
    }
    if !file.trim().is_empty() {
        f.application = file;
    }
    Ok(f)
}

pub(super) async fn screen(
    State(state): State<Shared>,
    headers: HeaderMap,
    req: axum::extract::Request,
) -> Response {
    let f = match screen_form(&state, req).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let s = match form_session(&state, &headers, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let record = f.action == "record";
    let action = if record {
        Action::Screen
    } else {
        Action::Simulate
    };
    let auth = Auth(s.principal);
    if let Err(p) = auth.allow(action) {
        return problem_page(&p, s.who);
    }
    let as_of = match f.as_of.trim() {
        "" => None,
        text => match parse_date_param("as_of", text) {
            Ok(d) => Some(d),
            Err(p) => {
                let errors = p.errors.into_iter().map(|e| (e.path, e.expected)).collect();
                return form_page(StatusCode::UNPROCESSABLE_ENTITY, s.who, f, errors);
            }
        },
    };
    // The same limit as the API's body: a larger application is refused, as it would be there.
    if f.application.len() > crate::http::BODY_LIMIT {
        let errors = vec![(
            "application".to_owned(),
            format!(
                "at most {} KiB of JSON, as POST /v1/screenings takes",
                crate::http::BODY_LIMIT / 1024
            ),
        )];
        return form_page(StatusCode::UNPROCESSABLE_ENTITY, s.who, f, errors);
    }
    // The same parse as the API: every field the contract refuses is listed with its path.
    let app = match Application::parse(&f.application) {
        Ok(app) => app,
        Err(e) => {
            let p = input_problem(&e);
            let errors: Vec<(String, String)> = if p.errors.is_empty() {
                vec![("application".to_owned(), p.detail)]
            } else {
                p.errors.into_iter().map(|e| (e.path, e.expected)).collect()
            };
            return form_page(StatusCode::UNPROCESSABLE_ENTITY, s.who, f, errors);
        }
    };
    outcome(&state, s.who, &auth, app, as_of, record).await
}

/// Screens a valid application from a page, as the API would: stored and shown on its own
/// page (`record`), or only shown (*Try*). The caller's role is checked for the instrument.
pub(super) async fn outcome(
    state: &Shared,
    who: Who,
    auth: &Auth,
    app: Application,
    as_of: Option<chrono::NaiveDate>,
    record: bool,
) -> Response {
    let action = if record {
        Action::Screen
    } else {
        Action::Simulate
    };
    if let Err(p) = auth.allow_instrument(action, app.instrument) {
        return problem_page(&p, who);
    }
    if record {
        return match screen_and_store(state, app, as_of, &auth.0, None, Ticket::default()).await {
            Ok(r) => Redirect::to(&format!("/screenings/{}", r.id)).into_response(),
            Err(p) => problem_page(&p, who),
        };
    }
    match evaluate(state, Arc::clone(&state.set), app, as_of).await {
        Ok((d, _, _)) => render(
            StatusCode::OK,
            &DecisionPage {
                who: Some(who),
                d: view(&d, false, &state.set, Lang::En),
                record: None,
                stored_path: String::new(),
                can_review: false,
                screening_id: String::new(),
                csrf: String::new(),
                review_errors: Vec::new(),
                can_replay: false,
                replayed: None,
                lang: Lang::En.as_str(),
                tr: Tr(Lang::En),
            },
        ),
        Err(p) => problem_page(&p, who),
    }
}

/// `?lang=` of the decision page and the letter.
#[derive(Default, Deserialize)]
pub(super) struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    format: Option<String>,
}

/// The language of a page: `?lang=` (`en` or `nl`), else the browser's `Accept-Language`, else
/// English.
fn page_lang(q: Option<&str>, headers: &HeaderMap) -> Lang {
    q.and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .filter(|l| *l != Lang::Pseudo)
        .unwrap_or(Lang::En)
}

/// The signed-in caller and the screening `id`, if they may read it; else the page to show.
async fn readable(
    state: &Shared,
    headers: &HeaderMap,
    id: &str,
) -> Result<(Who, Auth, Record), Response> {
    let s = session(state, headers).await?;
    let auth = Auth(s.principal);
    match visible_screening(state, &auth, Action::Read, id).await {
        Ok(r) => Ok((s.who, auth, r)),
        Err(p) => Err(problem_page(&p, s.who)),
    }
}

pub(super) async fn decision_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let (who, auth, r) = match readable(&state, &headers, &id).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = page_lang(q.lang.as_deref(), &headers);
    let view = StoredView {
        set: &state.set,
        lang,
    };
    stored_decision(StatusCode::OK, who, &auth, &r, Vec::new(), None, &view)
}

/// `GET /screenings/{id}/letter?lang=&format=`: the letter to the applicant, as
/// `GET /v1/screenings/{id}/letter` writes it (a page to print, or Markdown to edit).
pub(super) async fn letter_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let (who, _, r) = match readable(&state, &headers, &id).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let lang = page_lang(q.lang.as_deref(), &headers);
    let today = chrono::Utc::now().date_naive();
    let l = match stored_letter(&r, &state.set, lang, today) {
        Ok(l) => l,
        Err(p) => return problem_page(&p, who),
    };
    let (body, kind) = if q.format.as_deref() == Some("md") {
        (l.to_markdown(), "text/markdown; charset=utf-8")
    } else {
        // The pages allow no inline style: the layout comes from a stylesheet of the site.
        (
            l.to_html_linking("/static/letter.css"),
            "text/html; charset=utf-8",
        )
    };
    ([(axum::http::header::CONTENT_TYPE, kind)], body).into_response()
}

/// How a stored decision is shown: the policy set for the packs' messages, and the language.
pub(super) struct StoredView<'a> {
    pub(super) set: &'a PolicySet,
    pub(super) lang: Lang,
}

/// `POST /screenings/{id}/replay`: the decision page with the replay's result (as
/// `POST /v1/screenings/{id}/replay`).
pub(super) async fn replay(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ReplayForm>,
) -> Response {
    let s = match form_session(&state, &headers, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    let r: Record = match visible_screening(&state, &auth, Action::Replay, &id).await {
        Ok(r) => r,
        Err(p) => return problem_page(&p, s.who),
    };
    let result = match crate::http::history::replay_record(&state, &r).await {
        Ok(x) => x,
        Err(p) => return problem_page(&p, s.who),
    };
    let words = match (result.identical, result.reproducible, result.engine_changed) {
        (true, _, _) => format!(
            "Replayed under policy set {} with engine {}: the decision is byte-identical to the stored one.",
            result.policy_set, result.engine_version_now
        ),
        (false, false, _) => "Replayed: the decision differs, but one of the two runs hit the time limit, so the difference depends on the machine's speed, not on the data.".to_owned(),
        (false, true, true) => format!(
            "Replayed: the decision differs. The engine changed since ({} then, {} now), which may explain it.",
            result.engine_version_then, result.engine_version_now
        ),
        (false, true, false) => "Replayed: the decision DIFFERS from the stored one under the same policy set and engine. Report this: a stored decision should always replay identically.".to_owned(),
    };
    let view = StoredView {
        set: &state.set,
        lang: Lang::En,
    };
    stored_decision(
        StatusCode::OK,
        s.who,
        &auth,
        &r,
        Vec::new(),
        Some(words),
        &view,
    )
}

/// The replay form.
#[derive(Deserialize)]
pub(super) struct ReplayForm {
    #[serde(default)]
    csrf: String,
}

/// The decision page of a stored screening, with the review form for a caller who may review
/// (and the errors of a review just refused).
pub(super) fn stored_decision(
    status: StatusCode,
    who: Who,
    auth: &Auth,
    r: &Record,
    review_errors: Vec<(String, String)>,
    replayed: Option<String>,
    shown: &StoredView<'_>,
) -> Response {
    let Some(d) = r
        .decision
        .as_deref()
        .and_then(|t| serde_json::from_str::<Decision>(t).ok())
    else {
        return problem_page(&Problem::internal(), who);
    };
    render(
        status,
        &DecisionPage {
            stored_path: super::cases::enc(&d.reference),
            can_review: auth.allow(Action::Review).is_ok(),
            screening_id: r.id.clone(),
            csrf: who.csrf.clone(),
            review_errors,
            can_replay: auth.allow(Action::Replay).is_ok(),
            replayed,
            who: Some(who),
            d: view(&d, true, shown.set, shown.lang),
            lang: shown.lang.as_str(),
            tr: Tr(shown.lang),
            record: Some(RecordView {
                seq: r.seq,
                hash: r.hash.clone(),
                created_at: r.created_at.clone(),
                holder: r.acted_by().to_owned(),
            }),
        },
    )
}
