//! Policy sets kept under their hashes, so every stored decision can be replayed.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Db, Store, StoreError, now};

impl Store {
    /// Keeps a policy set's files under its hash (once).
    ///
    /// # Errors
    /// Database errors; a file that is not UTF-8 text.
    pub async fn save_policy_set(
        &self,
        hash: &str,
        files: &BTreeMap<String, Vec<u8>>,
    ) -> Result<(), StoreError> {
        let mut map = serde_json::Map::new();
        for (path, bytes) in files {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| StoreError::Corrupt(format!("policy file `{path}` is not UTF-8")))?;
            map.insert(path.clone(), Value::String(text.to_owned()));
        }
        let files = Value::Object(map).to_string();
        let sql = "INSERT INTO policy_sets (hash, files, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING";
        let created = now();
        on_db!(self, |p| sqlx::query(sql)
            .bind(hash)
            .bind(&files)
            .bind(&created)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// A stored policy set's files.
    ///
    /// # Errors
    /// Database errors; a stored set that does not parse.
    pub async fn policy_set_files(
        &self,
        hash: &str,
    ) -> Result<Option<BTreeMap<String, Vec<u8>>>, StoreError> {
        let sql = "SELECT files FROM policy_sets WHERE hash = $1";
        let text: Option<String> = on_db!(self, |p| sqlx::query_scalar(sql)
            .bind(hash)
            .fetch_optional(p)
            .await)?;
        let Some(text) = text else { return Ok(None) };
        let map: BTreeMap<String, String> = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("policy set `{hash}`: {e}")))?;
        Ok(Some(
            map.into_iter().map(|(k, v)| (k, v.into_bytes())).collect(),
        ))
    }
}
