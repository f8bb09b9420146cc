//! Extractors: the authenticated caller, JSON bodies within the limit, query strings with
//! field-level errors.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::NaiveDate;
use imvo_engine::Instrument;

use super::problem::{FieldProblem, Problem};
use super::problem::{too_large, unavailable};
use super::state::{BODY_LIMIT, Shared};
use crate::access::{self, Action, Scope};
use crate::auth::{Principal, Role};
use crate::writer::Ticket;

/// The caller, from `Authorization: Bearer <key>`.
pub struct Auth(pub Principal);

impl FromRequestParts<Shared> for Auth {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Auth, Problem> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Problem::unauthorized(
                "send an API key as `Authorization: Bearer <key>`",
            ));
        };
        let key = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.get(..7)
                    .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
                    .and_then(|_| v.get(7..))
            })
            .map(str::trim)
            .ok_or_else(|| {
                Problem::unauthorized("the Authorization header must be `Bearer <key>`")
            })?;
        match state.keys.verify(&state.store, key).await {
            Ok(Some(p)) => {
                tracing::debug!(principal = %p.id, "authenticated");
                Ok(Auth(p))
            }
            Ok(None) => Err(Problem::unauthorized("unknown or revoked API key")),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// The request's ticket, put there by [`deadline`] (a fresh one outside it).
impl<S: Send + Sync> FromRequestParts<S> for Ticket {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Ticket, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Ticket>()
            .cloned()
            .unwrap_or_default())
    }
}

impl Auth {
    /// The scope this key has for `action` (the union of its roles' grants), or `403`.
    pub(crate) fn allow(&self, action: Action) -> Result<Scope, Problem> {
        match access::scope(&self.0.roles, action) {
            Some(scope) => Ok(scope),
            None => Err(self.forbidden(&access::roles_for(action))),
        }
    }

    /// `403` unless the key may do `action` to an application of `instrument`.
    pub(crate) fn allow_instrument(
        &self,
        action: Action,
        instrument: Instrument,
    ) -> Result<(), Problem> {
        if access::covers(self.allow(action)?, instrument) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "this key may do this to trade-mission applications only, not to `{instrument}`"
            )))
        }
    }

    fn forbidden(&self, roles: &[Role]) -> Problem {
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Problem::forbidden(format!(
            "this needs one of the roles {}; the key has {}",
            names.join(", "),
            self.0
                .roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// Reads a JSON body after the caller's role was checked: `Content-Type: application/json`
/// required, at most [`BODY_LIMIT`] bytes.
pub(super) async fn read_json(
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<Bytes, Problem> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("application/json") || v.ends_with("+json")
        });
    if !json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "unsupported media type",
            "send the body as `Content-Type: application/json`",
        ));
    }
    axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| too_large())
}

/// Query parameters with a problem+json rejection.
pub struct Q<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Q<T>, Problem> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| Q(t))
            .map_err(|e| Problem::bad_request("bad-query", e.body_text()))
    }
}

pub(crate) fn parse_date_param(name: &str, s: &str) -> Result<NaiveDate, Problem> {
    imvo_engine::application::parse_date(s).ok_or_else(|| {
        Problem::invalid(
            "invalid-parameter",
            format!("`{name}` is not a date"),
            vec![FieldProblem {
                path: name.to_owned(),
                expected: "a date YYYY-MM-DD".into(),
            }],
        )
    })
}
