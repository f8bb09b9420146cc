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
use crate::store::{Store, StoreError};

/// Rows read per query while a stream is sent.
const PAGE: i64 = 500;

/// A batch's lines as an NDJSON stream, read `PAGE` rows at a time after the last line sent:
/// `page(store, batch, after)` gives the next rows as (line, its JSON line). A database error
/// midway breaks the stream off (the client sees an incomplete body, never a wrong one).
fn paged<F, Fut>(
    state: Shared,
    id: String,
    what: &'static str,
    head: &'static str,
    page: F,
) -> Response
where
    F: Fn(Store, String, i64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Vec<(i64, String)>, StoreError>> + Send,
{
    let page = Arc::new(page);
    let head = futures_util::stream::iter(
        (!head.is_empty()).then(|| Ok::<_, std::io::Error>(Bytes::from(format!("{head}\n")))),
    );
    let stream = futures_util::stream::unfold(Some(0i64), move |after| {
        let (store, id, page) = (state.store.clone(), id.clone(), Arc::clone(&page));
        async move {
            let after = after?;
            match page(store, id.clone(), after).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map_or(after, |r| r.0);
                    let mut text = String::new();
                    for (_, line) in rows {
                        text.push_str(&line);
                        text.push('\n');
                    }
                    Some((Ok(Bytes::from(text)), Some(last)))
                }
                Err(e) => {
                    tracing::warn!(error = %e, batch = %id, "{what} stream broken off");
                    Some((Err(std::io::Error::other("database")), None))
                }
            }
        }
    });
    let mut resp = Body::from_stream(futures_util::StreamExt::chain(head, stream)).into_response();
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
    Ok(results_stream(state, id))
}

/// The decisions of batch `id` as JSON Lines (the caller checked it may see the batch).
pub(super) fn results_stream(state: Shared, id: String) -> Response {
    paged(state, id, "results", "", |store, id, after| async move {
        let rows = store.batch_results(&id, after, PAGE).await?;
        Ok(rows
            .into_iter()
            .map(|(line, rid, decision)| {
                let text = format!(
                    "{{\"line\":{line},\"screening_id\":\"{rid}\",\"decision\":{decision}}}"
                );
                (line, text)
            })
            .collect())
    })
}

/// The decisions of batch `id` as CSV, one row per screened line in the columns
/// `imvo batch --out-format csv` writes.
pub(super) fn csv_stream(state: Shared, id: String) -> Response {
    let mut resp = paged(
        state,
        id,
        "results",
        crate::batch::CSV_HEADER,
        |store, id, after| async move {
            let rows = store.batch_results(&id, after, PAGE).await?;
            Ok(rows
                .into_iter()
                .map(|(line, _, decision)| {
                    let row = serde_json::from_str::<imvo_engine::Decision>(&decision)
                        .map(|d| crate::batch::csv_row(u64::try_from(line).unwrap_or(0), &d))
                        .unwrap_or_else(|_| format!("{line}"));
                    (line, row)
                })
                .collect())
        },
    );
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    resp
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
    Ok(errors_stream(state, id))
}

/// The rejected lines of batch `id` as JSON Lines.
pub(super) fn errors_stream(state: Shared, id: String) -> Response {
    paged(state, id, "errors", "", |store, id, after| async move {
        store.batch_errors(&id, after, PAGE).await
    })
}
