//! `GET /v1/audit/verify`: the chain walk, over HTTP.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::extract::{Auth, Q};
use super::problem::unavailable;
use super::problem::{FieldProblem, Problem};
use super::state::Shared;
use crate::access::Action;

/// Query of `GET /v1/audit/verify`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VerifyQuery {
    /// A checkpoint's sequence number (from `imvo audit checkpoint`).
    pub checkpoint_seq: Option<i64>,
    /// The checkpoint's hash.
    pub checkpoint_hash: Option<String>,
}

/// Walk the record chain and report the first broken link, if any.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit", params(VerifyQuery),
    responses((status = 200, description = "records checked, head, first broken link", body = Object), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn verify(
    State(state): State<Shared>,
    auth: Auth,
    Q(q): Q<VerifyQuery>,
) -> Result<Response, Problem> {
    let v = verify_chain(&state, &auth, q.checkpoint_seq, q.checkpoint_hash).await?;
    Ok(Json(v).into_response())
}

/// Walks the chain for an auditor, with a checkpoint when both its parts are given (for the
/// verify endpoint and the audit page); `422` for half a checkpoint.
pub(super) async fn verify_chain(
    state: &Shared,
    auth: &Auth,
    seq: Option<i64>,
    hash: Option<String>,
) -> Result<crate::store::Verification, Problem> {
    auth.allow(Action::VerifyAudit)?;
    let checkpoint = match (seq, hash) {
        (Some(seq), Some(hash)) => Some(crate::store::Checkpoint { seq, hash }),
        (None, None) => None,
        _ => {
            return Err(Problem::invalid(
                "invalid-parameter",
                "a checkpoint needs both its sequence number and its hash",
                vec![FieldProblem {
                    path: "checkpoint_hash".into(),
                    expected: "given together with checkpoint_seq".into(),
                }],
            ));
        }
    };
    state
        .store
        .verify_with(checkpoint.as_ref(), true)
        .await
        .map_err(unavailable)
}
