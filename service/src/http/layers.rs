//! Middleware: request tracking, load shedding, the request deadline, body reception outside
//! the screening slots, and request ids.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::BoxError;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::extract::Auth;
use super::problem::Problem;
use super::problem::{internal, too_large};
use super::state::{BODY_LIMIT, Settings, Shared};
use crate::writer::Ticket;

/// Records each request's route, status and latency.
pub(crate) async fn track(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let resp = next.run(req).await;
    state
        .metrics
        .request(&method, &route, resp.status().as_u16(), start.elapsed());
    resp
}

pub(crate) async fn overload(err: BoxError) -> Problem {
    if err.is::<tower::load_shed::error::Overloaded>() {
        Problem::unavailable("overloaded", "too many requests at once; retry shortly")
    } else {
        internal(err)
    }
}

/// Withdraws a request's ticket when the request is dropped (its client gone) before the writer
/// took its record.
struct WithdrawOnDrop(Ticket);

impl Drop for WithdrawOnDrop {
    fn drop(&mut self) {
        let _ = self.0.withdraw();
    }
}

/// The request deadline (`request_timeout`). A request still running then is cut off with
/// `503 timeout` if its record, if any, can still be withdrawn, so that nothing of it is ever
/// stored; a request whose record the writer has already taken waits for the outcome instead
/// (bounded by `write_timeout`), so that its answer never contradicts the record.
pub(crate) async fn deadline(
    State(state): State<Shared>,
    mut req: Request,
    next: Next,
) -> Response {
    let ticket = Ticket::default();
    req.extensions_mut().insert(ticket.clone());
    let _withdraw = WithdrawOnDrop(ticket.clone());
    let run = next.run(req);
    tokio::pin!(run);
    match tokio::time::timeout(state.settings.request_timeout, &mut run).await {
        Ok(resp) => resp,
        Err(_) if ticket.withdraw() => Problem::unavailable(
            "timeout",
            "the request took too long and was cut off; nothing of it was stored",
        )
        .into_response(),
        Err(_) => run.await,
    }
}

/// Reads a request's body before the request takes a concurrency slot, within
/// `body_read_timeout` (else `408 body-timeout`) and [`BODY_LIMIT`] (else `413`), so that bodies
/// trickling in hold no slot. Only requests with a valid API key are read here, at most
/// [`bodies_per_key`] at once per key (else `503 too-many-bodies`); any other request goes on
/// unread, to be refused by its handler before it reads anything.
pub(crate) async fn receive_body(
    State(state): State<Shared>,
    req: Request,
    next: Next,
) -> Response {
    if axum::body::HttpBody::size_hint(req.body()).exact() == Some(0) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(auth) = Auth::from_request_parts(&mut parts, &state).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let Some(_slot) = KeyBody::take(&state, &auth.0.id) else {
        return Problem::unavailable(
            "too-many-bodies",
            "this key is already sending as many request bodies as one key may at once; retry shortly",
        )
        .into_response();
    };
    let read = axum::body::to_bytes(body, BODY_LIMIT);
    match tokio::time::timeout(state.settings.body_read_timeout, read).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Ok(Err(_)) => too_large().into_response(),
        Err(_) => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "body-timeout",
            "request body too slow",
            format!(
                "the request body did not arrive within {} s",
                state.settings.body_read_timeout.as_secs()
            ),
        )
        .into_response(),
    }
}

/// Request bodies one API key may send at once: an eighth of the concurrency limit, at least 4.
#[must_use]
pub fn bodies_per_key(settings: &Settings) -> usize {
    (settings.concurrency / 8).max(4)
}

/// One key's share of the bodies being received, given back when dropped.
struct KeyBody {
    map: Arc<Mutex<HashMap<String, usize>>>,
    key: String,
}

impl KeyBody {
    fn take(state: &Shared, key: &str) -> Option<KeyBody> {
        let mut m = state.bodies_by_key.lock().ok()?;
        let n = m.entry(key.to_owned()).or_insert(0);
        if *n >= bodies_per_key(&state.settings) {
            return None;
        }
        *n += 1;
        Some(KeyBody {
            map: Arc::clone(&state.bodies_by_key),
            key: key.to_owned(),
        })
    }
}

impl Drop for KeyBody {
    fn drop(&mut self) {
        if let Ok(mut m) = self.map.lock()
            && let Some(n) = m.get_mut(&self.key)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.key);
            }
        }
    }
}

/// A client's `X-Request-Id` is kept only when it is a short, safe id (at most 64 characters of
/// letters, digits, `.`, `_`, `:` and `-`); anything else is dropped, and a new id is made.
pub(super) async fn drop_unsafe_request_id(mut req: Request) -> Request {
    let safe = |v: &HeaderValue| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b':' | b'-'))
    };
    let headers = req.headers_mut();
    if headers.get_all("x-request-id").iter().count().ne(&1)
        || headers.get("x-request-id").is_some_and(|v| !safe(v))
    {
        headers.remove("x-request-id");
    }
    req
}
