//! The workbench's pages (issue 17), served by `imvo serve` beside the API: server-rendered HTML
//! from templates compiled into the binary (askama, escaping by default), one embedded
//! stylesheet, no script. This part holds sign-in and sign-out: a person signs in with an API
//! key once; the service keeps the session server-side (only the cookie secret's hash is stored)
//! and ends it at sign-out, when the key is revoked, or after `Settings::session_idle`. Every
//! form carries a CSRF token; every page carries the security headers (`page_headers`).
//! `screening.rs` holds the screening form and the decision page.

mod batches;
mod cases;
mod compare;
mod form;
mod missions;
mod multipart;
mod reference;
mod reviews;
mod screening;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rand::RngCore;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::problem::Problem;
use super::state::Shared;
use crate::auth::{Principal, Role};

const SESSION_COOKIE: &str = "imvo_session";
const SIGN_IN_COOKIE: &str = "imvo_sign_in";

/// The pages' routes.
pub(super) fn routes(state: Shared) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route(
            "/screen",
            get(screening::screen_page).post(screening::screen),
        )
        .route(
            "/screen/{instrument}",
            get(form::form_page).post(form::form_post),
        )
        .route("/screenings/{id}", get(screening::decision_page))
        .route("/screenings/{id}/letter", get(screening::letter_page))
        .route("/cases", get(cases::cases))
        .route("/cases/{reference}", get(cases::case))
        .route("/cases/{reference}/compare", get(compare::compare))
        .route(
            "/batches",
            get(batches::batches_page)
                // The upload counts its own bytes against the batch limit.
                .post(batches::upload.layer(DefaultBodyLimit::disable())),
        )
        .route(
            "/missions",
            get(missions::missions_page).post(missions::upload.layer(DefaultBodyLimit::disable())),
        )
        .route("/missions/{id}", get(missions::participants))
        .route(
            "/missions/{id}/participants.csv",
            get(missions::participants_csv),
        )
        .route("/batches/{id}", get(batches::batch_page))
        .route("/batches/{id}/{file}", get(batches::download))
        .route("/policies", get(reference::policies))
        .route("/audit", get(reference::audit))
        .route("/screenings/{id}/review", post(reviews::review))
        .route("/screenings/{id}/replay", post(screening::replay))
        .route(
            "/screenings/{id}/review/{review_id}/{verb}",
            post(reviews::decide),
        )
        .route("/static/style.css", get(style))
        .route("/static/letter.css", get(letter_style))
        // A pasted application may be as large as the API takes, encoded as a form.
        .layer(DefaultBodyLimit::max(4 * super::BODY_LIMIT))
        .layer(middleware::map_response(page_headers))
        .with_state(state)
}

/// On every page: no script at all, nothing from elsewhere, never in a frame, no referrer, no
/// caching of what a signed-in person saw.
async fn page_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    resp
}

/// Who is signed in, as the pages show it.
pub(super) struct Who {
    key_id: String,
    holder: String,
    roles: String,
    pub(super) csrf: String,
}

/// A session that is in force: the person, the page header's view of them, the session's id.
pub(super) struct Signed {
    pub(super) principal: Principal,
    pub(super) who: Who,
    id_hash: String,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    who: Option<Who>,
    csrf: String,
    problem: Option<String>,
    idle_hours: u64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    who: Option<Who>,
    holder: String,
    roles: String,
    plural: bool,
    can: Vec<&'static str>,
    auditor: bool,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(super) struct MessagePage {
    who: Option<Who>,
    title: String,
    text: String,
    back: &'static str,
    back_label: &'static str,
}

pub(super) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page did not render");
            Problem::internal().into_response()
        }
    }
}

pub(super) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    render(
        status,
        &MessagePage {
            who: None,
            title: title.to_owned(),
            text: text.to_owned(),
            back: "/sign-in",
            back_label: "Sign in",
        },
    )
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    imvo_engine::codes::hex(&bytes)
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: host-only, `HttpOnly`, `SameSite=Strict`, `Secure` where the service
/// is reached over HTTPS; `max_age` 0 removes it.
fn set_cookie(state: &Shared, name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let secure = state
        .settings
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict{}{}",
        max_age
            .map(|a| format!("; Max-Age={a}"))
            .unwrap_or_default(),
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub(super) fn same(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

pub(super) fn unavailable() -> Response {
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Not available",
        "The record cannot be reached just now. Try again in a moment.",
    )
}

/// The session the request's cookie names, if it is in force: not ended, used within the idle
/// time, and its key not revoked. A session found stale or orphaned is ended here.
pub(super) async fn signed_in(
    state: &Shared,
    headers: &HeaderMap,
) -> Result<Option<Signed>, Response> {
    let Some(secret) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let id_hash = crate::auth::secret_hash(secret);
    let row = state
        .store
        .session(&id_hash)
        .await
        .map_err(|_| unavailable())?;
    let Some(row) = row.filter(|r| r.ended_at.is_none()) else {
        return Ok(None);
    };
    let idle = chrono::DateTime::parse_from_rfc3339(&row.last_seen)
        .map(|t| chrono::Utc::now().signed_duration_since(t))
        .ok();
    let limit = chrono::Duration::from_std(state.settings.session_idle).unwrap_or_default();
    let key = state
        .store
        .key(&row.key_id)
        .await
        .map_err(|_| unavailable())?;
    let live = key.filter(|k| k.revoked_at.is_none());
    let (Some(key), Some(idle)) = (live, idle.filter(|i| *i <= limit)) else {
        state
            .store
            .end_session(&id_hash)
            .await
            .map_err(|_| unavailable())?;
        return Ok(None);
    };
    if idle > chrono::Duration::seconds(60) {
        state
            .store
            .touch_session(&id_hash)
            .await
            .map_err(|_| unavailable())?;
    }
    let roles: Vec<Role> = key.roles.iter().filter_map(|r| Role::parse(r)).collect();
    let who = Who {
        key_id: key.id.clone(),
        holder: key.holder.clone(),
        roles: key.roles.join(", "),
        csrf: row.csrf,
    };
    Ok(Some(Signed {
        principal: Principal {
            id: key.id,
            holder: key.holder,
            roles,
        },
        who,
        id_hash,
    }))
}

/// What each role may do, in the words of the start page.
fn abilities(roles: &[Role]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for r in roles {
        out.extend_from_slice(match r {
            Role::Analyst => &[
                "screen export-credit, project-finance and trade-mission applications, and try them without recording",
                "read, replay and review every screening; approve or reject another person's override",
                "upload portfolios as batches and read every batch",
            ][..],
            Role::MissionOrganiser => &[
                "screen and read trade-mission participants only",
                "upload participant lists as batches and read your own batches",
            ][..],
            Role::Auditor => &[
                "read and replay every screening and batch",
                "verify the record chain",
            ][..],
            Role::Admin => &[
                "create, list and revoke API keys",
                "approve or reject another person's override",
            ][..],
        });
    }
    out.push("read the policy packs in force");
    out
}

async fn home(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let signed = match signed_in(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return Redirect::to("/sign-in").into_response(),
        Err(page) => return page,
    };
    let p = &signed.principal;
    render(
        StatusCode::OK,
        &HomePage {
            holder: p.holder.clone(),
            roles: signed.who.roles.clone(),
            plural: p.roles.len() > 1,
            can: abilities(&p.roles),
            auditor: crate::access::scope(&p.roles, crate::access::Action::VerifyAudit).is_some(),
            who: Some(signed.who),
        },
    )
}

fn sign_in_form(state: &Shared, status: StatusCode, problem: Option<String>) -> Response {
    let token = random_hex();
    let mut resp = render(
        status,
        &SignInPage {
            who: None,
            csrf: token.clone(),
            problem,
            idle_hours: state.settings.session_idle.as_secs() / 3600,
        },
    );
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, SIGN_IN_COOKIE, &token, Some(3600)),
    );
    resp
}

async fn sign_in_page(State(state): State<Shared>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Ok(Some(_)) => Redirect::to("/").into_response(),
        Ok(None) => sign_in_form(&state, StatusCode::OK, None),
        Err(page) => page,
    }
}

/// The sign-in form.
#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    csrf: String,
}

async fn sign_in(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    // The form's token must be the one this browser was given with the form (double submit):
    // another site cannot sign a visitor in under its own key.
    if !cookie(&headers, SIGN_IN_COOKIE).is_some_and(|c| same(&form.csrf, c)) {
        return sign_in_form(
            &state,
            StatusCode::FORBIDDEN,
            Some("The sign-in form had expired. Please enter your key again.".to_owned()),
        );
    }
    let principal = match state.keys.verify(&state.store, form.key.trim()).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return sign_in_form(
                &state,
                StatusCode::UNAUTHORIZED,
                Some("That key is not valid, or it was revoked.".to_owned()),
            );
        }
        Err(_) => return unavailable(),
    };
    let secret = random_hex();
    let id_hash = crate::auth::secret_hash(&secret);
    if state
        .store
        .insert_session(&id_hash, &principal.id, &random_hex())
        .await
        .is_err()
    {
        return unavailable();
    }
    tracing::info!(principal = %principal.id, holder = %principal.holder, "signed in");
    let mut resp = Redirect::to("/").into_response();
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, &secret, None),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(&state, SIGN_IN_COOKIE, "", Some(0)),
    );
    resp
}

/// The sign-out form.
#[derive(Deserialize)]
struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Response {
    let signed = match signed_in(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return Redirect::to("/sign-in").into_response(),
        Err(page) => return page,
    };
    if !same(&form.csrf, &signed.who.csrf) {
        return message(
            StatusCode::FORBIDDEN,
            "Not signed out",
            "This request did not come from one of this service's own pages, so it was refused.",
        );
    }
    if state.store.end_session(&signed.id_hash).await.is_err() {
        return unavailable();
    }
    tracing::info!(principal = %signed.principal.id, "signed out");
    let mut resp = Redirect::to("/sign-in").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    resp
}

async fn letter_style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        imvo_engine::letter::LETTER_CSS,
    )
        .into_response()
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../../static/style.css"),
    )
        .into_response()
}

/// A problem of the shared functions as a page: its status, title and detail.
fn problem_page(p: &Problem, who: Who) -> Response {
    render(
        StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        &MessagePage {
            who: Some(who),
            title: p.title.clone(),
            text: p.detail.clone(),
            back: "/",
            back_label: "Back to the start page",
        },
    )
}

async fn session(state: &Shared, headers: &HeaderMap) -> Result<Signed, Response> {
    match signed_in(state, headers).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(Redirect::to("/sign-in").into_response()),
        Err(page) => Err(page),
    }
}

/// A form posted by a signed-in person: the session, with the form's CSRF token checked against
/// it (`403` page otherwise).
async fn form_session(state: &Shared, headers: &HeaderMap, csrf: &str) -> Result<Signed, Response> {
    let s = session(state, headers).await?;
    if !same(csrf, &s.who.csrf) {
        return Err(multipart::csrf_refused());
    }
    Ok(s)
}
