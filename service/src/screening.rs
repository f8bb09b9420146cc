//! From an application to a record: screening under a policy set, the record a screening
//! stores, and the policy sets that stored records name, loaded back by hash.
//!
//! Architecture invariant: every path that stores a screening (a single request, a chunk of a
//! stored batch) builds its record with [`record`], so a record's columns always come from its
//! decision in the same way; every stored policy set is loaded back through [`load_stored`],
//! which refuses a set whose files no longer give its hash.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use imvo_engine::script::Limits;
use imvo_engine::{Application, Decision, ENGINE_VERSION, LoadErrors, PolicySet, screen};

use crate::store::RecordKind;
use crate::store::{NewRecord, Store, StoreError};

/// The largest application, in bytes of JSON: one request body, one line of a batch, one file
/// for `imvo screen`.
pub const MAX_APPLICATION_BYTES: usize = 256 * 1024;

/// Screens `app` under `set` on `as_of` (the application's own date if none): the decision,
/// its JSON as stored, and the canonical JSON of the application.
#[must_use]
pub fn evaluate(
    set: &PolicySet,
    app: &Application,
    as_of: Option<NaiveDate>,
) -> (Decision, String, String) {
    let d = screen(set, app, as_of.unwrap_or(app.application_date));
    let text = imvo_engine::json::compact::to_string(&d).unwrap_or_default();
    (d, text, app.canonical_json())
}

/// The record that stores a screening: `decision` is the decision's JSON and `input` the
/// application's canonical JSON, as [`evaluate`] gives them; `created_by` the key and
/// `holder` who holds it.
#[must_use]
pub fn record(
    app: &Application,
    d: &Decision,
    decision: String,
    input: String,
    created_by: &str,
    holder: Option<&str>,
) -> NewRecord {
    NewRecord {
        kind: RecordKind::Screening,
        created_by: created_by.to_owned(),
        holder: holder.map(str::to_owned),
        reference: app.reference.clone(),
        instrument: app.instrument.as_str().to_owned(),
        outcome: Some(d.outcome.as_str().to_owned()),
        category: d.category.map(|c| c.as_str().to_owned()),
        as_of: Some(d.provenance.as_of.to_string()),
        policy_set: Some(d.provenance.policy_set.clone()),
        engine_version: ENGINE_VERSION.to_owned(),
        input: Some(input),
        decision: Some(decision),
        review_of: None,
        review: None,
    }
}

/// Why a stored policy set could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    /// The store could not be read.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The stored files no longer load.
    #[error("the stored policy set `{hash}` does not load:\n  {}", errors.join("\n  "))]
    Load {
        /// The hash it is stored under.
        hash: String,
        /// The loader's errors.
        errors: Vec<String>,
    },
    /// The stored files load, with another hash (tampered or damaged).
    #[error("the stored policy set `{hash}` loads with another hash, {loaded}")]
    Mismatch {
        /// The hash it is stored under.
        hash: String,
        /// The hash its files give.
        loaded: String,
    },
    /// Loading was cut off (the runtime is shutting down).
    #[error("loading a policy set: {0}")]
    Task(String),
}

/// The policy set stored under `hash`, loaded with `limits` and checked against its hash;
/// `None` if no set is stored under it.
///
/// # Errors
/// The store cannot be read, or the stored files do not load or give another hash.
pub async fn load_stored(
    store: &Store,
    hash: &str,
    limits: Limits,
) -> Result<Option<PolicySet>, SetError> {
    let Some(files) = store.policy_set_files(hash).await? else {
        return Ok(None);
    };
    let set = tokio::task::spawn_blocking(move || PolicySet::from_files(files, limits))
        .await
        .map_err(|e| SetError::Task(e.to_string()))?
        .map_err(|LoadErrors(errors)| SetError::Load {
            hash: hash.to_owned(),
            errors: errors.iter().map(ToString::to_string).collect(),
        })?;
    if set.hash() != hash {
        return Err(SetError::Mismatch {
            hash: hash.to_owned(),
            loaded: set.hash().to_owned(),
        });
    }
    Ok(Some(set))
}

/// Policy sets by hash: the one in force, and those loaded from the store for replay,
/// simulation and stored batches (a few kept in memory).
#[derive(Debug)]
pub struct PolicySets {
    current: Arc<PolicySet>,
    store: Store,
    cache: Mutex<HashMap<String, Arc<PolicySet>>>,
}

/// Stored sets kept in memory at most; past it the cache starts over.
const CACHED_SETS: usize = 16;

impl PolicySets {
    /// The sets of `store`, with `current` in force.
    #[must_use]
    pub fn new(store: Store, current: Arc<PolicySet>) -> PolicySets {
        PolicySets {
            current,
            store,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The policy set in force for new screenings.
    #[must_use]
    pub fn current(&self) -> &Arc<PolicySet> {
        &self.current
    }

    /// The policy set with `hash`: the one in force, a cached one, or one loaded from the store
    /// (with the limits of the set in force); `None` if no set is stored under it.
    ///
    /// # Errors
    /// As [`load_stored`].
    pub async fn by_hash(&self, hash: &str) -> Result<Option<Arc<PolicySet>>, SetError> {
        if self.current.hash() == hash {
            return Ok(Some(Arc::clone(&self.current)));
        }
        if let Some(s) = self.cache.lock().ok().and_then(|m| m.get(hash).cloned()) {
            return Ok(Some(s));
        }
        let limits = self.current.limits().clone();
        let Some(set) = load_stored(&self.store, hash, limits).await? else {
            return Ok(None);
        };
        let set = Arc::new(set);
        if let Ok(mut m) = self.cache.lock() {
            if m.len() >= CACHED_SETS {
                m.clear();
            }
            m.insert(hash.to_owned(), Arc::clone(&set));
        }
        Ok(Some(set))
    }
}
