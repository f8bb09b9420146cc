//! Reviews from the pages: an analyst's agreement or override from the decision page, and a
//! second person's approval or rejection of a pending override from the application's history,
//! on the same functions as `POST /v1/screenings/{id}/review` and `.../approve`, `.../reject`.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{form_session, message, problem_page};
use crate::access::Action;
use crate::http::approvals::{append_decision, pending_review};
use crate::http::extract::Auth;
use crate::http::reviews::{ReviewBody, append_review, check_review};
use crate::http::screenings::visible_screening;
use crate::http::state::Shared;
use crate::writer::Ticket;

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The review form of the decision page.
#[derive(Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    reason_code: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    csrf: String,
}

pub(super) async fn review(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Response {
    let s = match form_session(&state, &headers, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    if let Err(p) = auth.allow(Action::Review) {
        return problem_page(&p, s.who);
    }
    let screening = match visible_screening(&state, &auth, Action::Review, &id).await {
        Ok(r) => r,
        Err(p) => return problem_page(&p, s.who),
    };
    let b = ReviewBody {
        verdict: f.verdict,
        reason_code: opt(&f.reason_code),
        text: opt(&f.text),
        outcome: opt(&f.outcome),
        category: opt(&f.category),
    };
    if let Err(p) = check_review(&b, Some(&screening)) {
        let errors = p.errors.into_iter().map(|e| (e.path, e.expected)).collect();
        return super::screening::stored_decision(
            StatusCode::UNPROCESSABLE_ENTITY,
            s.who,
            &auth,
            &screening,
            errors,
            None,
            &super::screening::StoredView {
                set: &state.set,
                lang: imvo_engine::messages::Lang::En,
            },
        );
    }
    match append_review(&state, &auth, &screening, &b, None, Ticket::default()).await {
        Ok(_) => Redirect::to(&format!(
            "/cases/{}",
            super::cases::enc(&screening.reference)
        ))
        .into_response(),
        Err(p) => problem_page(&p, s.who),
    }
}

/// The approve and reject buttons of a pending override.
#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    csrf: String,
}

pub(super) async fn decide(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, review_id, verb)): Path<(String, String, String)>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let s = match form_session(&state, &headers, &f.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let verdict = match verb.as_str() {
        "approve" => "approve",
        "reject" => "reject",
        _ => {
            return message(StatusCode::NOT_FOUND, "Not found", "There is no such page.");
        }
    };
    let auth = Auth(s.principal);
    if let Err(p) = auth.allow(Action::ApproveReview) {
        return problem_page(&p, s.who);
    }
    let screening = match visible_screening(&state, &auth, Action::ApproveReview, &id).await {
        Ok(r) => r,
        Err(p) => return problem_page(&p, s.who),
    };
    let review = match pending_review(&state, &auth, &screening, &review_id).await {
        Ok(r) => r,
        Err(p) => return problem_page(&p, s.who),
    };
    let stored = append_decision(
        &state,
        &auth,
        (&screening, &review),
        (verdict, opt(&f.text)),
        None,
        Ticket::default(),
    )
    .await;
    match stored {
        Ok(_) => Redirect::to(&format!(
            "/cases/{}",
            super::cases::enc(&screening.reference)
        ))
        .into_response(),
        Err(p) => problem_page(&p, s.who),
    }
}
