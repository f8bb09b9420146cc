//! API keys and roles.
//!
//! A key is `imvo_<id>_<secret>`: a 12-hex-digit public id and a 64-hex-digit secret (32 random
//! bytes). Only SHA-256 of the secret is stored; it is compared in constant time. Verified keys
//! are cached for at most [`KEY_CACHE_TTL`]: a revocation takes effect at once on the process
//! that revoked the key, and within that time on the others.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::store::{Store, StoreError};

/// How long a verified key is trusted without asking the database again.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(30);

/// What a key may do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Screen, read, review.
    Analyst,
    /// Screen and read trade-mission applications only.
    MissionOrganiser,
    /// Read and verify.
    Auditor,
    /// Manage keys.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::Analyst,
        Role::MissionOrganiser,
        Role::Auditor,
        Role::Admin,
    ];

    /// The name used in keys and the API.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::MissionOrganiser => "mission_organiser",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// The role of a name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The key id (stored as `created_by`).
    pub id: String,
    /// Who holds the key (stored as `holder` with every act; a key created without one reads
    /// as its id).
    pub holder: String,
    /// Its roles.
    pub roles: Vec<Role>,
}

fn hex(bytes: &[u8]) -> String {
    imvo_engine::codes::hex(bytes)
}

/// `sha256:` of the secret part.
#[must_use]
pub fn secret_hash(secret: &str) -> String {
    format!("sha256:{}", hex(&Sha256::digest(secret.as_bytes())))
}

/// A new key: (id, the full key to hand out once, the hash to store).
#[must_use]
pub fn generate() -> (String, String, String) {
    let mut rng = rand::rng();
    let mut id = [0u8; 6];
    let mut secret = [0u8; 32];
    rng.fill_bytes(&mut id);
    rng.fill_bytes(&mut secret);
    let (id, secret) = (hex(&id), hex(&secret));
    let hash = secret_hash(&secret);
    (id.clone(), format!("imvo_{id}_{secret}"), hash)
}

/// Splits `imvo_<id>_<secret>`.
#[must_use]
pub fn parse_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("imvo_")?;
    let (id, secret) = rest.split_once('_')?;
    let ok = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (ok(id, 12) && ok(secret, 64)).then_some((id, secret))
}

/// Creates a key with `roles`, held by `holder` (a person's or a system's name; `None`: the key
/// reads as held by its id), in the store and returns the full key (shown once).
///
/// # Errors
/// Database errors.
pub async fn create_key(
    store: &Store,
    roles: &[Role],
    holder: Option<&str>,
) -> Result<(String, String), StoreError> {
    let (id, key, hash) = generate();
    let names: Vec<String> = normalise(roles)
        .iter()
        .map(|r| r.as_str().to_owned())
        .collect();
    store.insert_key(&id, &hash, &names, holder).await?;
    Ok((id, key))
}

/// What a holder's name may be: 1 to 100 characters, printable, no leading or trailing space.
#[must_use]
pub fn valid_holder(name: &str) -> bool {
    let n = name.chars().count();
    (1..=100).contains(&n) && name.trim() == name && !name.chars().any(char::is_control)
}

/// Roles sorted, each once: a key stores `[analyst, analyst]` as `[analyst]`.
#[must_use]
pub fn normalise(roles: &[Role]) -> Vec<Role> {
    let mut r = roles.to_vec();
    r.sort();
    r.dedup();
    r
}

/// A verified key: its stored hash, its roles, its holder, when it was read.
type CachedKey = (String, Vec<Role>, String, Instant);

/// Verifies keys against the store, with a short cache.
#[derive(Debug, Default)]
pub struct Keys {
    cache: Mutex<HashMap<String, CachedKey>>,
}

impl Keys {
    /// Forgets a key's cached verification, so that its revocation takes effect at once on this
    /// process (other processes trust their cache for at most [`KEY_CACHE_TTL`]).
    pub fn forget(&self, id: &str) {
        if let Ok(mut c) = self.cache.lock() {
            c.remove(id);
        }
    }

    /// The principal for a bearer key, or `None` for an unknown, malformed or revoked key.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verify(&self, store: &Store, key: &str) -> Result<Option<Principal>, StoreError> {
        let Some((id, secret)) = parse_key(key) else {
            return Ok(None);
        };
        let presented = secret_hash(secret);
        let cached = self
            .cache
            .lock()
            .ok()
            .and_then(|c| c.get(id).cloned())
            .filter(|(_, _, _, at)| at.elapsed() < KEY_CACHE_TTL);
        let (hash, roles, holder) = match cached {
            Some((hash, roles, holder, _)) => (hash, roles, holder),
            None => {
                let Some(row) = store.key(id).await? else {
                    return Ok(None);
                };
                if row.revoked_at.is_some() {
                    if let Ok(mut c) = self.cache.lock() {
                        c.remove(id);
                    }
                    return Ok(None);
                }
                let roles: Vec<Role> = row.roles.iter().filter_map(|r| Role::parse(r)).collect();
                if let Ok(mut c) = self.cache.lock() {
                    if c.len() > 10_000 {
                        c.clear();
                    }
                    c.insert(
                        id.to_owned(),
                        (
                            row.hash.clone(),
                            roles.clone(),
                            row.holder.clone(),
                            Instant::now(),
                        ),
                    );
                }
                (row.hash, roles, row.holder)
            }
        };
        if bool::from(hash.as_bytes().ct_eq(presented.as_bytes())) {
            Ok(Some(Principal {
                id: id.to_owned(),
                holder,
                roles,
            }))
        } else {
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_their_shape_and_parse_back() {
        let (id, key, hash) = generate();
        let (pid, secret) = parse_key(&key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(pid, id);
        assert_eq!(secret_hash(secret), hash);
        assert!(parse_key("imvo_123_abc").is_none());
        assert!(parse_key(&key.replace("imvo_", "ivmo_")).is_none());
        let (_, other, _) = generate();
        assert_ne!(key, other);
    }
}
