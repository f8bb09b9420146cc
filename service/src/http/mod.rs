//! The HTTP API (`/v1`): one router over shared state, so tests drive it with
//! `tower::ServiceExt::oneshot` and the server serves the same router.
//!
//! Code map: `state` (settings and shared state), `extract` (the caller, bodies, queries),
//! `problem` (every error answer), `idempotency` (claims of `Idempotency-Key`), `layers`
//! (limits, deadlines, tracking), `openapi` (the document); one file per resource: `screenings`,
//! `history` (an application's screenings, replay, simulation), `reviews`, `policies`, `audit`,
//! `keys`, `ops` (probes, metrics), `batches` with `upload` and `results`; `server` (the listener).
//! A new endpoint is a handler in its resource's file, one `route` line in [`router`] and its
//! path in `openapi`.
//!
//! Architecture invariants: screening runs on the blocking pool behind a semaphore, never on the
//! async workers, so a slow policy cannot starve `/healthz`; a stored screening is answered only
//! after the group commit that holds it; status codes are chosen here and nowhere else.

mod approvals;
mod audit;
mod batches;
mod extract;
mod history;
mod idempotency;
mod keys;
mod layers;
mod letters;
mod openapi;
mod ops;
mod pages;
mod policies;
pub mod problem;
mod results;
mod reviews;
mod screenings;
pub mod server;
mod state;
mod upload;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::{self};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;

use self::audit::verify;
use self::history::{application_history, replay, simulate};
use self::keys::{create_key, list_keys, revoke_key};
use self::layers::{deadline, drop_unsafe_request_id, overload, receive_body, track};
use self::openapi::openapi;
use self::ops::{healthz, metrics, readyz};
use self::policies::{get_policy, list_policies};
use self::problem::Problem;
use self::reviews::post_review;
use self::screenings::{get_screening, list_screenings, post_screening};

pub use layers::bodies_per_key;
pub use openapi::ApiDoc;
pub(crate) use state::Shared;
pub use state::{AppState, BODY_LIMIT, Settings, limits};

async fn not_found(uri: Uri) -> Problem {
    Problem::not_found(format!("no endpoint `{}`", uri.path()))
}

pub(crate) async fn method_not_allowed(method: Method, uri: Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "method not allowed",
        format!("`{method}` is not allowed on `{}`", uri.path()),
    )
}

/// The full application: routes, limits, request ids, tracing, panics caught.
pub fn router(state: Shared) -> Router {
    let settings = state.settings.clone();
    let api = Router::new()
        .route("/v1/screenings", post(post_screening).get(list_screenings))
        .route("/v1/screenings/{id}", get(get_screening))
        .route("/v1/screenings/{id}/replay", post(replay))
        .route("/v1/screenings/{id}/letter", get(letters::get_letter))
        .route("/v1/screenings/{id}/review", post(post_review))
        .route(
            "/v1/screenings/{id}/review/{review_id}/approve",
            post(approvals::approve),
        )
        .route(
            "/v1/screenings/{id}/review/{review_id}/reject",
            post(approvals::reject),
        )
        .route(
            "/v1/applications/{reference}/screenings",
            get(application_history),
        )
        .route("/v1/simulate", post(simulate))
        .route("/v1/policies", get(list_policies))
        .route("/v1/policies/{pack}/{version}", get(get_policy))
        .route("/v1/audit/verify", get(verify))
        .route("/v1/keys", post(create_key).get(list_keys))
        .route("/v1/keys/{id}/revoke", post(revoke_key))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn_with_state(Arc::clone(&state), track))
        .with_state(Arc::clone(&state));
    // `Router::layer` gives each route its own instance of a layer; the concurrency limit must be
    // one for the whole API, so the API is nested as the only (fallback) service of a router and
    // the limits wrap that once.
    let limited = Router::new().fallback_service(api).layer(
        ServiceBuilder::new()
            // Outside the slots: a body trickles in without holding one.
            .layer(middleware::from_fn_with_state(
                Arc::clone(&state),
                receive_body,
            ))
            .layer(axum::error_handling::HandleErrorLayer::new(overload))
            .load_shed()
            .concurrency_limit(settings.concurrency)
            .layer(middleware::from_fn_with_state(Arc::clone(&state), deadline)),
    );
    // The operations endpoints stay outside the limits: a liveness probe must answer while the
    // API sheds load.
    let ops = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&state), track))
        .with_state(Arc::clone(&state))
        // The workbench's pages (sign-in for now), with their own security headers.
        .merge(pages::routes(Arc::clone(&state)))
        // Batches: uploads and result streams run longer than the request timeout.
        .merge(batch_routes(state));
    let x_request_id = header::HeaderName::from_static("x-request-id");
    ops.fallback_service(limited).layer(
        ServiceBuilder::new()
            .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION]))
            .layer(middleware::map_request(drop_unsafe_request_id))
            .layer(SetRequestIdLayer::new(x_request_id.clone(), MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
            }))
            .layer(PropagateRequestIdLayer::new(x_request_id))
            .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
                tracing::error!("a handler panicked");
                Problem::internal().into_response()
            })),
    )
}

/// The batch routes: outside the request timeout (an upload or a results stream may take
/// minutes) but under a concurrency limit of their own.
fn batch_routes(state: Shared) -> Router {
    let limit = state.settings.concurrency;
    Router::new()
        .route(
            "/v1/batches",
            post(upload::post_batch).get(batches::list_batches),
        )
        .route("/v1/batches/{id}", get(batches::get_batch))
        .route("/v1/batches/{id}/results", get(results::batch_results))
        .route("/v1/batches/{id}/errors", get(results::batch_errors))
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn_with_state(Arc::clone(&state), track))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(overload))
                .load_shed()
                .concurrency_limit(limit),
        )
}
