//! `/v1/keys`: creating, listing and revoking API keys (admins only).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::extract::{Auth, read_json};
use super::problem::{FieldProblem, Problem};
use super::problem::{body_problem, unavailable};
use super::screenings::created;
use super::state::Shared;
use crate::access::Action;
use crate::auth::Role;

/// Body of `POST /v1/keys`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// Roles of the new key.
    pub roles: Vec<Role>,
    /// Who holds it: a person's or a system's name, 1 to 100 characters (recorded with every act
    /// stored under the key; four-eyes checks compare holders). Without one the key is held by
    /// its id.
    pub holder: Option<String>,
}

/// A new key, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    /// Key id (public; it appears as `created_by`).
    pub id: String,
    /// The key: send it as `Authorization: Bearer <key>`. It is not stored and cannot be shown again.
    pub key: String,
    /// Its roles.
    pub roles: Vec<Role>,
    /// Who holds it (its id where none was given).
    pub holder: String,
}

/// Create an API key.
#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = NewKey,
    responses((status = 201, body = CreatedKey), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn create_key(
    State(state): State<Shared>,
    auth: Auth,
    headers: HeaderMap,
    raw: axum::body::Body,
) -> Result<Response, Problem> {
    auth.allow(Action::ManageKeys)?;
    let body = read_json(&headers, raw).await?;
    let req: NewKey =
        serde_json::from_slice(&body).map_err(|e| body_problem("invalid-key-request", &e))?;
    if req.roles.is_empty() {
        return Err(Problem::invalid(
            "invalid-key-request",
            "a key needs at least one role",
            vec![FieldProblem {
                path: "roles".into(),
                expected: "one or more of analyst, mission_organiser, auditor, admin".into(),
            }],
        ));
    }
    if let Some(h) = req.holder.as_deref()
        && !crate::auth::valid_holder(h)
    {
        return Err(Problem::invalid(
            "invalid-key-request",
            "the holder's name is not valid",
            vec![FieldProblem {
                path: "holder".into(),
                expected: "a name of 1 to 100 characters, without control characters or leading or trailing spaces".into(),
            }],
        ));
    }
    let roles = crate::auth::normalise(&req.roles);
    let (id, key) = crate::auth::create_key(&state.store, &roles, req.holder.as_deref())
        .await
        .map_err(unavailable)?;
    tracing::info!(principal = %auth.0.id, new_key = %id, "API key created");
    let holder = req.holder.unwrap_or_else(|| id.clone());
    Ok(created(
        format!("/v1/keys/{id}"),
        CreatedKey {
            id,
            key,
            roles,
            holder,
        },
    ))
}

/// Every API key (ids and roles; secrets are never stored).
#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    responses((status = 200, description = "the keys", body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn list_keys(
    State(state): State<Shared>,
    auth: Auth,
) -> Result<Response, Problem> {
    auth.allow(Action::ManageKeys)?;
    let keys = state.store.keys().await.map_err(unavailable)?;
    Ok(Json(serde_json::json!({ "keys": keys })).into_response())
}

/// Revoke an API key (effective within 30 seconds on every replica).
#[utoipa::path(post, path = "/v1/keys/{id}/revoke", tag = "keys",
    params(("id" = String, Path)),
    responses((status = 200, description = "revoked", body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn revoke_key(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    auth.allow(Action::ManageKeys)?;
    // The last active admin key is kept: without it no key could be made or revoked again
    // except from the command line on the database's host.
    let keys = state.store.keys().await.map_err(unavailable)?;
    let admin = |k: &crate::store::KeyRow| {
        k.revoked_at.is_none() && k.roles.iter().any(|r| r == Role::Admin.as_str())
    };
    if keys.iter().any(|k| k.id == id && admin(k)) && keys.iter().filter(|k| admin(k)).count() == 1
    {
        return Err(Problem::conflict(
            "last-admin-key",
            format!(
                "`{id}` is the last active admin key: create another admin key before revoking it"
            ),
        ));
    }
    if state.store.revoke_key(&id).await.map_err(unavailable)? {
        state.keys.forget(&id);
        tracing::info!(principal = %auth.0.id, revoked = %id, "API key revoked");
        Ok(Json(serde_json::json!({ "id": id, "revoked": true })).into_response())
    } else {
        Err(Problem::not_found(format!("no active key `{id}`")))
    }
}
