//! Group commit: one task owns the write side of the record chain. Requests hand it their
//! record and wait; it takes every record waiting, appends them in one transaction and answers
//! each only after the commit. Concurrent requests thus share one commit (one fsync) without any
//! request being acknowledged before its record is durable.

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::store::{IdemKey, NewRecord, Record, Store};

/// Most records in one transaction.
pub const MAX_GROUP: usize = 512;

struct Job {
    record: NewRecord,
    idem: Option<IdemKey>,
    reply: oneshot::Sender<Result<Record, String>>,
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
    /// Starts the writer task.
    #[must_use]
    pub fn start(store: Store) -> (Writer, JoinHandle<()>) {
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
                // A request that gave up (cut off by the timeout, or its client gone) before its
                // group began is not stored: it was not acknowledged and must not be.
                jobs.retain(|j| !j.reply.is_closed());
                if jobs.is_empty() {
                    continue;
                }
                let (batch, replies): (Vec<_>, Vec<_>) = jobs
                    .into_iter()
                    .map(|j| ((j.record, j.idem), j.reply))
                    .unzip();
                match store.append(batch).await {
                    Ok(records) => {
                        for (reply, rec) in replies.into_iter().zip(records) {
                            let _ = reply.send(Ok(rec));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "group commit failed: nothing of the group was stored");
                        for reply in replies {
                            let _ = reply.send(Err(e.to_string()));
                        }
                    }
                }
            }
        });
        (Writer { tx }, task)
    }

    /// Appends one record and returns it once committed.
    ///
    /// # Errors
    /// The commit failed (nothing was stored), or the writer has stopped.
    pub async fn append(&self, record: NewRecord, idem: Option<IdemKey>) -> Result<Record, String> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job {
                record,
                idem,
                reply,
            })
            .await
            .map_err(|_| "the writer has stopped".to_owned())?;
        rx.await.map_err(|_| "the writer has stopped".to_owned())?
    }
}
