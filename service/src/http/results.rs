//! `GET /v1/batches/{id}/results` and `/errors`: line results as NDJSON streams.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::batches::visible_batch;
use super::extract::Auth;
use super::problem::Problem;
use super::state::Shared;

const PAGE: i64 = 500;

fn ndjson(
    stream: impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
) -> Response {
    let mut resp = Body::from_stream(stream).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    resp
}

/// The decisions of a batch in line order, as JSON Lines: `{"line", "screening_id",
/// "decision"}`. While a batch runs, the lines done so far.
#[utoipa::path(get, path = "/v1/batches/{id}/results", tag = "batches",
    params(("id" = String, Path, description = "batch id")),
    responses((status = 200, description = "JSON Lines", content_type = "application/x-ndjson"), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn batch_results(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    visible_batch(&state, &auth, &id).await?;
    let stream = futures_util::stream::unfold(Some(0i64), move |after| {
        let state = Arc::clone(&state);
        let id = id.clone();
        async move {
            let after = after?;
            match state.store.batch_results(&id, after, PAGE).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map_or(after, |r| r.0);
                    let mut text = String::new();
                    for (line, rid, decision) in rows {
                        text.push_str(&format!(
                            "{{\"line\":{line},\"screening_id\":\"{rid}\",\"decision\":{decision}}}\n"
                        ));
                    }
                    Some((Ok(Bytes::from(text)), Some(last)))
                }
                Err(e) => {
                    tracing::warn!(error = %e, batch = %id, "results stream broken off");
                    Some((Err(std::io::Error::other("database")), None))
                }
            }
        }
    });
    Ok(ndjson(stream))
}

/// The rejected lines of a batch in line order, as JSON Lines, each with its line number and
/// every bad field (the same form as `imvo batch --errors`).
#[utoipa::path(get, path = "/v1/batches/{id}/errors", tag = "batches",
    params(("id" = String, Path, description = "batch id")),
    responses((status = 200, description = "JSON Lines", content_type = "application/x-ndjson"), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn batch_errors(
    State(state): State<Shared>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    visible_batch(&state, &auth, &id).await?;
    let stream = futures_util::stream::unfold(Some(0i64), move |after| {
        let state = Arc::clone(&state);
        let id = id.clone();
        async move {
            let after = after?;
            match state.store.batch_errors(&id, after, PAGE).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map_or(after, |r| r.0);
                    let mut text = String::new();
                    for (_, error) in rows {
                        text.push_str(&error);
                        text.push('\n');
                    }
                    Some((Ok(Bytes::from(text)), Some(last)))
                }
                Err(e) => {
                    tracing::warn!(error = %e, batch = %id, "errors stream broken off");
                    Some((Err(std::io::Error::other("database")), None))
                }
            }
        }
    });
    Ok(ndjson(stream))
}
