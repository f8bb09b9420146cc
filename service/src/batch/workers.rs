//! Stored-batch workers: every serving process runs some; each claims a chunk of a queued
//! batch (a lease in the database), screens its lines under the batch's policy set and stores
//! the decisions, the line results and the chunk's end in one transaction.
//!
//! Architecture invariant: workers know nothing of HTTP; what they share with the API (the
//! store, the policy sets, the screening slots, the metrics) comes in a [`Context`].

use std::sync::Arc;
use std::time::Duration;

use imvo_engine::{Application, Instrument};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::{Notify, Semaphore, watch};

use crate::batch::input::Item;
use crate::batch::rejection_json;
use crate::metrics::Metrics;
use crate::screening::{self, PolicySets, SetError};
use crate::store::{ClaimedChunk, Digested, LineOutcome, Store, StoreError};

/// One input line as stored in a chunk.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChunkItem {
    line: u64,
    /// The application's JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    json: Option<String>,
    /// Why the line is not an application (the error file's JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl From<Item> for ChunkItem {
    fn from(i: Item) -> ChunkItem {
        match i.json {
            Ok(json) => ChunkItem {
                line: i.line,
                json: Some(json),
                error: None,
            },
            Err(e) => ChunkItem {
                line: i.line,
                json: None,
                error: Some(rejection_json(i.line, &e)),
            },
        }
    }
}

/// What the workers share with the rest of the process.
#[derive(Debug, Clone)]
pub struct Context {
    /// The decision record.
    pub store: Store,
    /// Policy sets by hash (each batch names the set it is screened under).
    pub sets: Arc<PolicySets>,
    /// Screenings evaluated at once, shared with the API.
    pub slots: Arc<Semaphore>,
    /// Chunks being committed (one at a time: the chain takes one writer anyway).
    pub commits: Arc<Semaphore>,
    /// Notified when an upload is queued.
    pub wakeup: Arc<Notify>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Workers to start.
    pub workers: usize,
    /// How long a claim holds a chunk without being renewed.
    pub lease: Duration,
}

/// Why a chunk could not be finished (it is taken again when its lease runs out).
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// The store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The batch's policy set cannot be used.
    #[error("{0}")]
    Set(#[from] SetError),
    /// The batch's policy set is not stored.
    #[error("policy set {0} is not stored")]
    NoSet(String),
    /// The stored chunk does not read back.
    #[error("stored chunk: {0}")]
    Chunk(#[from] serde_json::Error),
    /// The screening task failed or the process is shutting down.
    #[error("{0}")]
    Stopped(String),
}

/// The batch workers of this process.
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// Starts `ctx.workers` workers, named after this process.
    #[must_use]
    pub fn start(ctx: Context) -> Workers {
        let (stop, rx) = watch::channel(false);
        let process = format!(
            "{}:{}:{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "host".to_owned()),
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        );
        let tasks = (0..ctx.workers)
            .map(|i| {
                let owner = format!("{process}:{i}");
                tokio::spawn(work(ctx.clone(), owner, rx.clone()))
            })
            .collect();
        Workers { stop, tasks }
    }

    /// Stops taking chunks and waits for the chunks in hand (their leases would otherwise
    /// hold them until they run out).
    pub async fn stop(self, wait: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + wait;
        for t in self.tasks {
            let _ = tokio::time::timeout_at(deadline, t).await;
        }
    }
}

async fn work(state: Context, owner: String, mut stop: watch::Receiver<bool>) {
    let lease_ms = i64::try_from(state.lease.as_millis()).unwrap_or(60_000);
    loop {
        if *stop.borrow() {
            break;
        }
        // A screening slot first, then the claim: a worker never holds a lease while it waits
        // for the CPU.
        let Ok(permit) = Arc::clone(&state.slots).acquire_owned().await else {
            break;
        };
        match state.store.claim_chunk(&owner, lease_ms).await {
            Ok(Some(c)) => {
                let (batch, chunk) = (c.batch_id.clone(), c.chunk);
                // The lease is renewed while the chunk is in hand (screening, waiting for the
                // commit), so only a worker that stopped loses it.
                let renew = {
                    let (store, owner, batch, every) = (
                        state.store.clone(),
                        owner.clone(),
                        batch.clone(),
                        state.lease / 3,
                    );
                    tokio::spawn(async move {
                        loop {
                            tokio::time::sleep(every).await;
                            if let Err(e) = store.renew_lease(&owner, &batch, chunk, lease_ms).await
                            {
                                tracing::warn!(error = %e, %batch, chunk, "cannot renew a chunk lease");
                            }
                        }
                    })
                };
                let result = if c.attempts > MAX_ATTEMPTS {
                    drop(permit);
                    give_up(&state, &owner, &c).await
                } else {
                    process(&state, &owner, c, permit).await
                };
                renew.abort();
                match result {
                    Ok(true) => tracing::debug!(%batch, chunk, "chunk done"),
                    Ok(false) => {
                        tracing::warn!(%batch, chunk, "chunk lease lost to another worker: its results were not stored here")
                    }
                    Err(e) => {
                        tracing::warn!(%batch, chunk, error = %e, "chunk failed; it is taken again when its lease runs out");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
            Ok(None) => {
                drop(permit);
                tokio::select! {
                    () = state.wakeup.notified() => {}
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim batch work");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Claims of one chunk before its lines are given up as errors (so a chunk that fails every
/// time, for example under a policy set that no longer loads, cannot hold its batch forever).
const MAX_ATTEMPTS: i64 = 5;

/// Finishes a chunk that failed [`MAX_ATTEMPTS`] times: every line gets an error result
/// (`not_screened`), in the same exactly-once transaction as a screened chunk.
async fn give_up(state: &Context, owner: &str, c: &ClaimedChunk) -> Result<bool, WorkError> {
    let items: Vec<ChunkItem> = serde_json::from_str(&c.items)?;
    tracing::error!(batch = %c.batch_id, chunk = c.chunk, attempts = c.attempts, "a chunk failed every attempt: its lines are recorded as not screened");
    let lines = items
        .into_iter()
        .map(|it| {
            let e = json!({
                "line": it.line, "error": "not_screened",
                "detail": format!("screening this part of the batch failed {MAX_ATTEMPTS} times; the service log has the cause; upload these lines again"),
            });
            (
                i64::try_from(it.line).unwrap_or(i64::MAX),
                LineOutcome::Rejected(e.to_string()),
            )
        })
        .collect();
    let _commit = Arc::clone(&state.commits)
        .acquire_owned()
        .await
        .map_err(|_| WorkError::Stopped("shutting down".to_owned()))?;
    Ok(state
        .store
        .complete_chunk(owner, &c.batch_id, c.chunk, lines)
        .await?)
}

/// Screens one claimed chunk and stores it; false if the lease was lost.
async fn process(
    state: &Context,
    owner: &str,
    c: ClaimedChunk,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<bool, WorkError> {
    let set = state
        .sets
        .by_hash(&c.policy_set)
        .await?
        .ok_or_else(|| WorkError::NoSet(c.policy_set.clone()))?;
    let as_of = c
        .as_of
        .as_deref()
        .and_then(imvo_engine::application::parse_date);
    let items: Vec<ChunkItem> = serde_json::from_str(&c.items)?;
    // The records name the holder of the key that uploaded the batch (a revoked key keeps its
    // holder); a key that no longer exists is left without one.
    let holder = state.store.key(&c.created_by).await?.map(|k| k.holder);
    let (created_by, missions_only) = (c.created_by.clone(), c.missions_only);
    let lines = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        items
            .into_iter()
            .map(|it| {
                let line = it.line;
                let outcome = match it.json {
                    None => LineOutcome::Rejected(it.error.unwrap_or_default()),
                    Some(text) => match Application::parse(&text) {
                        Err(e) => LineOutcome::Rejected(rejection_json(line, &e)),
                        Ok(app) if missions_only && app.instrument != Instrument::TradeMission => {
                            LineOutcome::Rejected(json!({
                                "line": line, "error": "forbidden_instrument",
                                "detail": "a mission organiser may screen trade-mission applications only",
                                "errors": [{"path": "instrument", "expected": "trade_mission (the batch was uploaded by a mission organiser)", "found": app.instrument.as_str()}]
                            }).to_string())
                        }
                        Ok(app) => {
                            let (d, decision, input) = screening::evaluate(&set, &app, as_of);
                            LineOutcome::Screened(Box::new(Digested::new(screening::record(
                                &app,
                                &d,
                                decision,
                                input,
                                &created_by,
                                holder.as_deref(),
                            ))))
                        }
                    },
                };
                (i64::try_from(line).unwrap_or(i64::MAX), outcome)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| WorkError::Stopped(format!("screening task: {e}")))?;
    let counts: Vec<(String, Option<String>)> = lines
        .iter()
        .filter_map(|(_, o)| match o {
            LineOutcome::Screened(r) => {
                let r = r.record();
                Some((r.outcome.clone().unwrap_or_default(), r.category.clone()))
            }
            LineOutcome::Rejected(_) => None,
        })
        .collect();
    let _commit = Arc::clone(&state.commits)
        .acquire_owned()
        .await
        .map_err(|_| WorkError::Stopped("shutting down".to_owned()))?;
    let done = state
        .store
        .complete_chunk(owner, &c.batch_id, c.chunk, lines)
        .await?;
    if done {
        for (outcome, category) in counts {
            state.metrics.screening(&outcome, category.as_deref());
        }
    }
    Ok(done)
}
