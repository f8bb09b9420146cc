//! The service's settings and the state every handler shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use imvo_engine::PolicySet;
use imvo_engine::script::Limits;
use tokio::sync::Semaphore;

use super::problem::Problem;
use crate::auth::Keys;
use crate::batch::workers;
use crate::metrics::Metrics;
use crate::screening::PolicySets;
use crate::store::Store;
use crate::writer::Writer;

/// Largest request body (one application, a review, a simulation).
pub const BODY_LIMIT: usize = crate::screening::MAX_APPLICATION_BYTES;

/// Settings of the service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Requests handled at once; more are shed with 503.
    pub concurrency: usize,
    /// Screenings evaluated at once (on the blocking pool; default twice the cores).
    pub screening_slots: usize,
    /// A request that runs longer is cut off with 503 (one whose record the writer has already
    /// taken waits for its outcome instead: see `write_timeout`).
    pub request_timeout: Duration,
    /// A request body (not a batch upload) must arrive within this time, or it is answered 408;
    /// it is read before the request takes one of the `concurrency` slots.
    pub body_read_timeout: Duration,
    /// A group commit that has not finished within this time is given up, and its requests are
    /// told the outcome is unknown (`503 outcome-unknown`).
    pub write_timeout: Duration,
    /// A client must send its request headers within this time, or the connection is closed.
    pub header_read_timeout: Duration,
    /// Batch workers in this process (0: this process takes no batch work).
    pub batch_workers: usize,
    /// How long a worker holds a claimed chunk before another worker may take it over.
    pub batch_lease: Duration,
    /// Largest batch upload, in bytes.
    pub batch_max_bytes: u64,
    /// An upload that sends nothing for this long is cut off.
    pub batch_idle_timeout: Duration,
    /// An upload that takes longer than this in all is cut off.
    pub batch_upload_timeout: Duration,
    /// Uploads received at once by this process; more are answered 503.
    pub batch_uploads: usize,
    /// The address people reach the service at (`--public-url`): an `https` one makes the
    /// session cookie `Secure`.
    pub public_url: Option<String>,
    /// A page session unused for this long ends (8 hours).
    pub session_idle: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Settings {
            concurrency: 512,
            // Twice the cores: a screening is handed to the blocking pool and its result back to
            // an async worker, and with one slot a core that core idles during each handoff; a
            // second screening ready per core keeps it busy (docs/performance.md, "The service's
            // write path, and screening slots").
            screening_slots: 2 * cores,
            request_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(20),
            header_read_timeout: Duration::from_secs(10),
            // Twice the cores: while one worker commits its chunk, another screens. A worker holds
            // a screening slot only while it screens (the slots bound the CPU, shared with the
            // API); one waiting to commit holds none.
            batch_workers: 2 * cores,
            batch_lease: Duration::from_secs(60),
            batch_max_bytes: 2 << 30,
            batch_idle_timeout: Duration::from_secs(30),
            batch_upload_timeout: Duration::from_secs(3600),
            batch_uploads: 4,
            public_url: None,
            session_idle: Duration::from_secs(8 * 3600),
        }
    }
}

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The decision record.
    pub store: Store,
    /// The policy set in force for new screenings.
    pub set: Arc<PolicySet>,
    /// Policy sets by hash, for replay, simulation and stored batches.
    pub sets: Arc<PolicySets>,
    /// The group-commit writer.
    pub writer: Writer,
    /// Screenings evaluated at once.
    pub slots: Arc<Semaphore>,
    /// Key verification.
    pub keys: Keys,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Settings.
    pub settings: Settings,
    /// Wakes this process's batch workers when an upload is queued.
    pub batch_wakeup: Arc<tokio::sync::Notify>,
    /// Batch uploads being received.
    pub uploads: Arc<Semaphore>,
    /// Batch uploads being received, per API key: one key cannot hold every upload slot.
    pub uploads_by_key: Arc<Mutex<HashMap<String, usize>>>,
    /// Request bodies being received, per API key ([`bodies_per_key`]).
    pub bodies_by_key: Arc<Mutex<HashMap<String, usize>>>,
    /// Batch chunks being committed (one at a time: the chain takes one writer anyway, and
    /// waiting workers would only hold database connections that requests need).
    pub batch_commits: Arc<Semaphore>,
    /// The counters of batches that are done (final, so counted once), at most
    /// [`DONE_COUNTS`] of them.
    pub done_counts: Arc<Mutex<HashMap<String, crate::store::BatchCounts>>>,
}

/// Done batches whose counters are kept in memory.
pub const DONE_COUNTS: usize = 256;

pub(crate) type Shared = Arc<AppState>;

impl AppState {
    /// The state for `store` and `set`; saves the set in the store so every decision it makes
    /// can be replayed later. Returns the writer task too (it ends when the state is dropped).
    ///
    /// # Errors
    /// The set cannot be saved.
    pub async fn new(
        store: Store,
        set: PolicySet,
        settings: Settings,
    ) -> Result<(Arc<AppState>, tokio::task::JoinHandle<()>), crate::store::StoreError> {
        store.save_policy_set(set.hash(), set.files()).await?;
        let (writer, task) = Writer::start(store.clone(), settings.write_timeout);
        let settings_uploads = settings.batch_uploads.max(1);
        let set = Arc::new(set);
        let state = AppState {
            sets: Arc::new(PolicySets::new(store.clone(), Arc::clone(&set))),
            store,
            set,
            writer,
            slots: Arc::new(Semaphore::new(settings.screening_slots.max(1))),
            keys: Keys::default(),
            metrics: Arc::new(Metrics::default()),
            settings,
            batch_wakeup: Arc::new(tokio::sync::Notify::new()),
            uploads: Arc::new(Semaphore::new(settings_uploads)),
            uploads_by_key: Arc::new(Mutex::new(HashMap::new())),
            bodies_by_key: Arc::new(Mutex::new(HashMap::new())),
            batch_commits: Arc::new(Semaphore::new(1)),
            done_counts: Arc::new(Mutex::new(HashMap::new())),
        };
        Ok((Arc::new(state), task))
    }

    /// The policy set with `hash` ([`PolicySets::by_hash`]); a stored set that no longer loads
    /// or matches its hash is a 500 (and an error in the log).
    pub(crate) async fn set_by_hash(&self, hash: &str) -> Result<Option<Arc<PolicySet>>, Problem> {
        self.sets.by_hash(hash).await.map_err(|e| {
            tracing::error!(error = %e, %hash, "a stored policy set cannot be used");
            Problem::internal()
        })
    }

    /// What this process's stored-batch workers share with the API.
    #[must_use]
    pub fn batch_context(&self) -> workers::Context {
        workers::Context {
            store: self.store.clone(),
            sets: Arc::clone(&self.sets),
            slots: Arc::clone(&self.slots),
            commits: Arc::clone(&self.batch_commits),
            wakeup: Arc::clone(&self.batch_wakeup),
            metrics: Arc::clone(&self.metrics),
            workers: self.settings.batch_workers,
            lease: self.settings.batch_lease,
        }
    }
}

/// The limits the service compiles policy sets with (the engine's defaults).
#[must_use]
pub fn limits() -> Limits {
    Limits::default()
}
