//! Probes, metrics and the OpenAPI document: outside the API's limits.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::state::Shared;

/// Liveness.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "alive")))]
pub(super) async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the database answers and the policies are loaded.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready", body = Object), (status = 503, description = "not ready", body = Object)))]
pub(super) async fn readyz(State(state): State<Shared>) -> Response {
    // A database that does not answer within a second is unreachable for readiness: a load
    // balancer asking must not wait for the connection pool's own timeout.
    let db = tokio::time::timeout(Duration::from_millis(900), state.store.ping())
        .await
        .unwrap_or(false);
    let body = serde_json::json!({
        "database": if db { "ok" } else { "unreachable" },
        "backend": state.store.backend(),
        "policy_set": state.set.hash(),
        "packs": state.set.packs().len(),
    });
    let status = if db {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text", body = String)))]
pub(super) async fn metrics(State(state): State<Shared>) -> Response {
    let mut resp = state.metrics.render().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    resp
}
