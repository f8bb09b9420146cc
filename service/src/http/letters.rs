//! `GET /v1/screenings/{id}/letter`: the letter to the applicant of a stored screening.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use imvo_engine::letter::{Letter, letter};
use imvo_engine::messages::Lang;
use imvo_engine::{Application, PolicySet};
use serde::Deserialize;

use super::extract::{Auth, Q, parse_date_param};
use super::problem::{FieldProblem, Problem, internal};
use super::screenings::{render_lang, visible_screening};
use super::state::Shared;
use crate::access::Action;
use crate::store::Record;

/// Query of `GET /v1/screenings/{id}/letter`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LetterQuery {
    /// `en`, `nl`, or `accept` for the best language of the `Accept-Language` header (the
    /// default).
    pub lang: Option<String>,
    /// `md` (Markdown, the default) or `html` (a page laid out for printing on A4).
    pub format: Option<String>,
    /// The letter's date (default: today).
    pub date: Option<String>,
}

/// The letter to the applicant, drafted from the stored screening: the missing facts as
/// questions, the steps to deliver with their due dates, and for a refusal why, with the sources.
#[utoipa::path(get, path = "/v1/screenings/{id}/letter", tag = "screenings",
    params(("id" = String, Path, description = "record id"), LetterQuery),
    responses(
        (status = 200, description = "the letter", content_type = "text/markdown"),
        (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn get_letter(
    State(state): State<Shared>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Q(q): Q<LetterQuery>,
) -> Result<Response, Problem> {
    let lang = render_lang(
        "lang",
        Some(q.lang.as_deref().unwrap_or("accept")),
        &headers,
    )?
    .unwrap_or(Lang::En);
    let html = match q.format.as_deref() {
        None | Some("md") => false,
        Some("html") => true,
        Some(other) => {
            return Err(Problem::invalid(
                "invalid-parameter",
                format!("`format` is not a letter format: `{other}`"),
                vec![FieldProblem {
                    path: "format".to_owned(),
                    expected: "`md` or `html`".into(),
                }],
            ));
        }
    };
    let date = q
        .date
        .as_deref()
        .map(|d| parse_date_param("date", d))
        .transpose()?
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let r = visible_screening(&state, &auth, Action::Read, &id).await?;
    let l = stored_letter(&r, &state.set, lang, date)?;
    let (body, kind) = if html {
        (l.to_html(), "text/html; charset=utf-8")
    } else {
        (l.to_markdown(), "text/markdown; charset=utf-8")
    };
    // A letter holds the applicant's data: never cached, never sniffed; and without `lang` it
    // depends on the caller's Accept-Language.
    Ok((
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::VARY, "accept-language"),
        ],
        body,
    )
        .into_response())
}

/// The letter drafted from a stored screening (its application and decision), for the API and
/// the workbench alike.
pub(crate) fn stored_letter(
    r: &Record,
    set: &PolicySet,
    lang: Lang,
    date: NaiveDate,
) -> Result<Letter, Problem> {
    let (Some(input), Some(decision)) = (r.input.as_deref(), r.decision.as_deref()) else {
        return Err(Problem::not_found(format!("no screening `{}`", r.id)));
    };
    let app = Application::parse(input).map_err(|e| internal(e.to_string()))?;
    let d: imvo_engine::Decision = serde_json::from_str(decision).map_err(internal)?;
    Ok(letter(&app, &d, Some(set), lang, date))
}
