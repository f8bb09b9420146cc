//! Group commit: one task owns the write side of the record chain. Requests hand it their
//! record and wait; it takes every record waiting, appends them in one transaction and answers
//! each only after the commit. Concurrent requests thus share one commit (one fsync) without any
//! request being acknowledged before its record is durable.
//!
//! No answer may contradict the record. Each request carries a [`Ticket`]: the writer *takes* it
//! when it puts the record into a group, and a request that runs out of time (or whose client is
//! gone) *withdraws* it. Exactly one of the two wins. A withdrawn record is never written, so a
//! `503` for it is true; a taken record is written or not by its group, and the request waits for
//! that outcome, which the writer bounds ([`Writer::start`]'s `bound`). When even the group cannot
//! tell (its commit was sent and the connection was lost, or the bound ran out while the write
//! goes on), the answer says the outcome is unknown ([`WriteError::Unknown`]), never that nothing
//! was stored. The idempotency key then decides: the write completes it in its transaction, and a
//! record whose claim was released or taken over meanwhile is not written
//! ([`Store::append_claimed`]), so a retry with the same key finds the one record or makes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::store::{Digested, IdemKey, NewRecord, Record, Store, StoreError};

/// Most records in one transaction.
pub const MAX_GROUP: usize = 512;

const OPEN: u8 = 0;
const TAKEN: u8 = 1;
const WITHDRAWN: u8 = 2;

/// Who decides whether a request's record is written: the writer, by taking it into a group, or
/// the request, by withdrawing it first. Clones share the state.
#[derive(Clone, Debug, Default)]
pub struct Ticket(Arc<AtomicU8>);

impl Ticket {
    /// The writer takes the record into a group: `false` when the request withdrew it first.
    fn take(&self) -> bool {
        self.0
            .compare_exchange(OPEN, TAKEN, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// The request gives up: `true` when its record will never be written (withdrawn now or
    /// before), `false` when the writer has already taken it (the outcome is the group's).
    pub fn withdraw(&self) -> bool {
        match self
            .0
            .compare_exchange(OPEN, WITHDRAWN, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => true,
            Err(state) => state == WITHDRAWN,
        }
    }

    /// Whether the writer has taken the record.
    #[must_use]
    pub fn taken(&self) -> bool {
        self.0.load(Ordering::Acquire) == TAKEN
    }
}

/// Why a record was not acknowledged.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// Certainly not stored.
    #[error("not stored: {0}")]
    NotStored(String),
    /// Perhaps stored: the commit was sent but its answer was lost, or the write did not finish
    /// within the writer's bound.
    #[error("outcome unknown: {0}")]
    Unknown(String),
}

struct Job {
    record: Digested,
    idem: Option<IdemKey>,
    ticket: Ticket,
    reply: oneshot::Sender<Result<Record, WriteError>>,
}

/// The handle requests use; the task ends when every handle is dropped.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl Writer {
    /// Starts the writer task. A group that has not committed within `bound` is given up, and
    /// its requests are told the outcome is unknown.
    #[must_use]
    pub fn start(store: Store, bound: Duration) -> (Writer, JoinHandle<()>) {
        let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_GROUP);
        let task = tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut jobs = vec![first];
                while jobs.len() < MAX_GROUP {
                    match rx.try_recv() {
                        Ok(j) => jobs.push(j),
                        Err(_) => break,
                    }
                }
                // A request that gave up (out of time, or its client gone) before its group began
                // is not stored: it was not acknowledged and must not be. Its own guard releases
                // its idempotency key.
                jobs.retain(|j| j.ticket.take());
                if jobs.is_empty() {
                    continue;
                }
                let mut replies = Vec::with_capacity(jobs.len());
                let mut batch = Vec::with_capacity(jobs.len());
                let mut keys = Vec::new();
                for j in jobs {
                    if let Some(k) = &j.idem {
                        keys.push(k.clone());
                    }
                    batch.push((j.record, j.idem));
                    replies.push(j.reply);
                }
                let append = store.append_claimed(batch);
                tokio::pin!(append);
                let done = tokio::select! {
                    r = &mut append => r,
                    () = tokio::time::sleep(bound) => {
                        // Too long: the requests are told now that the outcome is unknown. The
                        // write itself is never dropped half-way (a connection given back mid-
                        // transaction would be worse): it is finished before the next group.
                        let e = WriteError::Unknown(format!(
                            "the write did not finish within {} s",
                            bound.as_secs()
                        ));
                        tracing::error!(error = %e, "group commit late");
                        for reply in replies.drain(..) {
                            let _ = reply.send(Err(e.clone()));
                        }
                        let r = append.await;
                        tracing::warn!(committed = r.is_ok(), "late group commit finished");
                        r
                    }
                };
                match done {
                    Ok(records) => {
                        for (reply, rec) in replies.into_iter().zip(records) {
                            let _ = reply.send(rec.ok_or_else(|| {
                                WriteError::NotStored(
                                    "its idempotency key was released or taken over before the commit"
                                        .to_owned(),
                                )
                            }));
                        }
                    }
                    Err(e) => {
                        let e = match e {
                            StoreError::CommitUnknown(e) => WriteError::Unknown(format!(
                                "the commit was sent but its answer was lost: {e}"
                            )),
                            e => WriteError::NotStored(e.to_string()),
                        };
                        tracing::error!(error = %e, "group commit failed");
                        for reply in replies {
                            let _ = reply.send(Err(e.clone()));
                        }
                        // The group's idempotency keys were handed over with their records:
                        // release them here. Always safe: a release removes only a key that no
                        // committed record completed. Off the writer's path: the release may wait
                        // for the database.
                        if !keys.is_empty() {
                            let store = store.clone();
                            tokio::spawn(async move {
                                for k in keys {
                                    let _ = store.release_idempotency(&k.principal, &k.key).await;
                                }
                            });
                        }
                    }
                }
            }
        });
        (Writer { tx }, task)
    }

    /// Appends one record under `ticket` and returns it once committed. The caller gives up by
    /// withdrawing the ticket; once the writer has taken it, this waits for the group's outcome.
    ///
    /// # Errors
    /// Not stored (the commit failed, or the writer has stopped), or the outcome is unknown.
    pub async fn append(
        &self,
        record: NewRecord,
        idem: Option<IdemKey>,
        ticket: Ticket,
    ) -> Result<Record, WriteError> {
        let (reply, rx) = oneshot::channel();
        let stopped = || WriteError::NotStored("the writer has stopped".to_owned());
        // The texts are digested here, by the request, not in the writer's group.
        let record = Digested::new(record);
        self.tx
            .send(Job {
                record,
                idem,
                ticket,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }
}
