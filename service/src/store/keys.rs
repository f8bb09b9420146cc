//! API keys: the secret's hash, the roles, revocation.

use serde::Serialize;

use super::{Db, Store, StoreError, now};

/// An API key row.
#[derive(Debug, Clone, Serialize)]
pub struct KeyRow {
    /// Key id.
    pub id: String,
    /// Who holds it (its id where it was created without a holder).
    pub holder: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Created.
    pub created_at: String,
    /// Revoked, if it was.
    pub revoked_at: Option<String>,
    /// SHA-256 of the secret.
    #[serde(skip)]
    pub hash: String,
}

impl Store {
    /// Stores a new API key (the secret's hash only).
    ///
    /// # Errors
    /// Database errors.
    pub async fn insert_key(
        &self,
        id: &str,
        hash: &str,
        roles: &[String],
        holder: Option<&str>,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO api_keys (id, hash, roles, created_at, revoked_at, holder) VALUES ($1, $2, $3, $4, NULL, $5)";
        let created = now();
        let roles = roles.join(",");
        on_db!(self, |p| sqlx::query(sql)
            .bind(id)
            .bind(hash)
            .bind(&roles)
            .bind(&created)
            .bind(holder)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// One key by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn key(&self, id: &str) -> Result<Option<KeyRow>, StoreError> {
        let sql =
            "SELECT id, hash, roles, created_at, revoked_at, holder FROM api_keys WHERE id = $1";
        let row: Option<KeyColumns> = on_db!(self, |p| sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(p)
            .await)?;
        Ok(row.map(key_row))
    }

    /// Every key.
    ///
    /// # Errors
    /// Database errors.
    pub async fn keys(&self) -> Result<Vec<KeyRow>, StoreError> {
        let sql = "SELECT id, hash, roles, created_at, revoked_at, holder FROM api_keys ORDER BY created_at, id";
        let rows: Vec<KeyColumns> = on_db!(self, |p| sqlx::query_as(sql).fetch_all(p).await)?;
        Ok(rows.into_iter().map(key_row).collect())
    }

    /// Revokes a key; false if there is no such active key.
    ///
    /// # Errors
    /// Database errors.
    pub async fn revoke_key(&self, id: &str) -> Result<bool, StoreError> {
        let sql = "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
        let at = now();
        let n = on_db!(self, |p| sqlx::query(sql)
            .bind(&at)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}

/// The columns of `api_keys` as read: id, hash, roles, created, revoked, holder.
type KeyColumns = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn key_row((id, hash, roles, created_at, revoked_at, holder): KeyColumns) -> KeyRow {
    KeyRow {
        holder: holder.unwrap_or_else(|| id.clone()),
        id,
        hash,
        roles: roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect(),
        created_at,
        revoked_at,
    }
}
