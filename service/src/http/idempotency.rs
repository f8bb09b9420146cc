//! `Idempotency-Key`: claiming a key for a request body, and releasing a claim whose request
//! ended before anything was stored.

use axum::http::HeaderMap;

use super::extract::Auth;
use super::problem::Problem;
use super::problem::unavailable;
use super::state::Shared;
use crate::store::{IdemKey, IdemState, Record, Store};
use crate::writer::Ticket;

/// The `Idempotency-Key` of a request that stores one record (a screening or a review).
pub(super) fn record_idem_key(
    headers: &HeaderMap,
    auth: &Auth,
) -> Result<Option<IdemKey>, Problem> {
    match idempotency_header(headers)? {
        None => Ok(None),
        // Batch uploads keep their keys as `batch:...` beside these: a record's key may not
        // look like one.
        Some(k) if k.starts_with("batch:") => Err(Problem::bad_request(
            "bad-idempotency-key",
            "an Idempotency-Key of a screening or review may not start with `batch:` (that prefix names batch uploads)",
        )),
        Some(k) => Ok(Some(IdemKey {
            principal: auth.0.id.clone(),
            key: k.to_owned(),
        })),
    }
}

/// What a request stores under its idempotency key, for the answers about a key.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stores {
    /// One record (a screening or a review).
    Record,
    /// A batch upload.
    Batch,
}

/// Claims an idempotency key for a request whose body hashes to `request_hash`: `None` when
/// this request may go on (the key is now held), the id of what the key already stored when it
/// is done (answer that again), a `409` when the key is in flight or was used with another
/// request. The one place that turns a key's state into an answer.
pub(super) async fn claim_key(
    state: &Shared,
    k: &IdemKey,
    request_hash: &str,
    stores: Stores,
) -> Result<Option<String>, Problem> {
    match state
        .store
        .claim_idempotency(&k.principal, &k.key, request_hash)
        .await
        .map_err(unavailable)?
    {
        IdemState::Claimed => Ok(None),
        IdemState::Done(id) => Ok(Some(id)),
        IdemState::InFlight => Err(Problem::conflict(
            "idempotency-in-flight",
            match stores {
                Stores::Record => "a request with this Idempotency-Key is still being processed",
                Stores::Batch => "an upload with this Idempotency-Key is being stored now",
            },
        )),
        IdemState::Mismatch => Err(Problem::conflict(
            "idempotency-mismatch",
            match stores {
                Stores::Record => "this Idempotency-Key was used with another request body",
                Stores::Batch => "this Idempotency-Key was used for an upload with other content",
            },
        )),
    }
}

/// [`claim_key`] for a request that stores one record: the stored record when the key is done.
pub(super) async fn claim(
    state: &Shared,
    k: &IdemKey,
    request_hash: &str,
) -> Result<Option<Record>, Problem> {
    let Some(id) = claim_key(state, k, request_hash, Stores::Record).await? else {
        return Ok(None);
    };
    state
        .store
        .record(&id)
        .await
        .map_err(unavailable)?
        .ok_or_else(Problem::internal)
        .map(Some)
}

/// Releases a claimed idempotency key unless disarmed, so a request that fails or is cut off
/// does not leave its key "in flight". Once the writer has taken the request's record, the key
/// is the writer's to release (if its group fails): the guard withdraws the ticket first and
/// releases only a key whose record will never be written.
pub(super) struct ClaimGuard {
    store: Store,
    principal: String,
    key: String,
    ticket: Ticket,
    pub(super) armed: bool,
}

impl ClaimGuard {
    /// A guard over the claim of `k`, armed: dropped before it is disarmed, it releases the key.
    pub(super) fn held(store: &Store, k: &IdemKey, ticket: &Ticket) -> ClaimGuard {
        ClaimGuard {
            store: store.clone(),
            principal: k.principal.clone(),
            key: k.key.clone(),
            ticket: ticket.clone(),
            armed: true,
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if self.armed && self.ticket.withdraw() {
            let (store, principal, key) = (
                self.store.clone(),
                std::mem::take(&mut self.principal),
                std::mem::take(&mut self.key),
            );
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = store.release_idempotency(&principal, &key).await;
                });
            }
        }
    }
}

/// The `Idempotency-Key` header, if given: 1 to 255 visible ASCII characters.
pub(crate) fn idempotency_header(headers: &HeaderMap) -> Result<Option<&str>, Problem> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(Some)
        .ok_or_else(|| {
            Problem::bad_request(
                "bad-idempotency-key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
        })
}
