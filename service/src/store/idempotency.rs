//! Idempotency keys: a claim per key and request body, completed with what it stored.

use super::{Db, Store, StoreError, now};

/// After this many seconds an unfinished idempotency claim is taken over by the next request
/// with the same key (no request runs this long: the request timeout is 10 s).
pub const IDEMPOTENCY_STALE_SECS: i64 = 60;

/// An idempotency key to complete in the transaction that stores its record.
#[derive(Debug, Clone)]
pub struct IdemKey {
    /// The API key id.
    pub principal: String,
    /// The client's key.
    pub key: String,
}

/// What an idempotency key already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdemState {
    /// Newly claimed: go ahead.
    Claimed,
    /// The first request with this key is still running.
    InFlight,
    /// Done with this body: the record to return.
    Done(String),
    /// Used with another body.
    Mismatch,
}

impl Store {
    /// Claims an idempotency key for a request body hash, or says what it already holds.
    ///
    /// # Errors
    /// Database errors.
    pub async fn claim_idempotency(
        &self,
        principal: &str,
        key: &str,
        request_hash: &str,
    ) -> Result<IdemState, StoreError> {
        let insert = "INSERT INTO idempotency (principal, key, request_hash, record_id, created_at) VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (principal, key) DO NOTHING";
        let created = now();
        let inserted = on_db!(self, |p| sqlx::query(insert)
            .bind(principal)
            .bind(key)
            .bind(request_hash)
            .bind(&created)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if inserted == 1 {
            return Ok(IdemState::Claimed);
        }
        let select =
            "SELECT request_hash, record_id FROM idempotency WHERE principal = $1 AND key = $2";
        let row: Option<(String, Option<String>)> = on_db!(self, |p| sqlx::query_as(select)
            .bind(principal)
            .bind(key)
            .fetch_optional(p)
            .await)?;
        // A claim left by a request that never finished (a crash, a cut-off) is taken over once
        // it is older than any request can run.
        if let Some((_, None)) = &row {
            let cutoff = (chrono::Utc::now() - chrono::Duration::seconds(IDEMPOTENCY_STALE_SECS))
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            let take = "UPDATE idempotency SET request_hash = $1, created_at = $2 WHERE principal = $3 AND key = $4 AND record_id IS NULL AND created_at < $5";
            let taken = on_db!(self, |p| sqlx::query(take)
                .bind(request_hash)
                .bind(&created)
                .bind(principal)
                .bind(key)
                .bind(&cutoff)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
            if taken == 1 {
                return Ok(IdemState::Claimed);
            }
        }
        Ok(match row {
            None => IdemState::InFlight,
            Some((hash, _)) if hash != request_hash => IdemState::Mismatch,
            Some((_, None)) => IdemState::InFlight,
            Some((_, Some(id))) => IdemState::Done(id),
        })
    }

    /// What a completed idempotency key holds (a record or batch id), if anything.
    ///
    /// # Errors
    /// Database errors.
    pub async fn idempotency_record(
        &self,
        principal: &str,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        let sql = "SELECT record_id FROM idempotency WHERE principal = $1 AND key = $2";
        let row: Option<Option<String>> = on_db!(self, |p| sqlx::query_scalar(sql)
            .bind(principal)
            .bind(key)
            .fetch_optional(p)
            .await)?;
        Ok(row.flatten())
    }

    /// Releases a claimed key whose request failed before anything was stored, so a retry can
    /// run it.
    ///
    /// # Errors
    /// Database errors.
    pub async fn release_idempotency(&self, principal: &str, key: &str) -> Result<(), StoreError> {
        let sql = "DELETE FROM idempotency WHERE principal = $1 AND key = $2 AND record_id IS NULL";
        on_db!(self, |p| sqlx::query(sql)
            .bind(principal)
            .bind(key)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
