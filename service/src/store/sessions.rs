//! Sessions of the workbench's pages: the hash of the cookie's secret, the key it was opened
//! with, the CSRF token of its forms, and when it was last used.

use super::{Db, Store, StoreError, now};

/// A stored session.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// The API key the person signed in with.
    pub key_id: String,
    /// The token every form of the session carries.
    pub csrf: String,
    /// When it was last used (RFC 3339, UTC).
    pub last_seen: String,
    /// When it ended (sign-out), if it did.
    pub ended_at: Option<String>,
}

impl Store {
    /// Opens a session.
    ///
    /// # Errors
    /// Database errors.
    pub async fn insert_session(
        &self,
        id_hash: &str,
        key_id: &str,
        csrf: &str,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO sessions (id_hash, key_id, csrf, created_at, last_seen, ended_at) VALUES ($1, $2, $3, $4, $4, NULL)";
        let at = now();
        on_db!(self, |p| sqlx::query(sql)
            .bind(id_hash)
            .bind(key_id)
            .bind(csrf)
            .bind(&at)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// One session by the hash of its secret.
    ///
    /// # Errors
    /// Database errors.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let sql = "SELECT key_id, csrf, last_seen, ended_at FROM sessions WHERE id_hash = $1";
        let row: Option<(String, String, String, Option<String>)> =
            on_db!(self, |p| sqlx::query_as(sql)
                .bind(id_hash)
                .fetch_optional(p)
                .await)?;
        Ok(row.map(|(key_id, csrf, last_seen, ended_at)| SessionRow {
            key_id,
            csrf,
            last_seen,
            ended_at,
        }))
    }

    /// Marks a session as used now.
    ///
    /// # Errors
    /// Database errors.
    pub async fn touch_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let sql = "UPDATE sessions SET last_seen = $1 WHERE id_hash = $2 AND ended_at IS NULL";
        let at = now();
        on_db!(self, |p| sqlx::query(sql)
            .bind(&at)
            .bind(id_hash)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Ends a session (sign-out, or its key was revoked).
    ///
    /// # Errors
    /// Database errors.
    pub async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let sql = "UPDATE sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL";
        let at = now();
        on_db!(self, |p| sqlx::query(sql)
            .bind(&at)
            .bind(id_hash)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
