//! Walking the chain, and checking the stored policy sets against their hashes.

use serde::Serialize;
use sqlx::Row;

use super::records::RECORD_COLUMNS;
use super::{Db, GENESIS, Store, StoreError};

/// The result of walking the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Records checked.
    pub records: i64,
    /// The last record's sequence number and hash.
    pub head: Option<Checkpoint>,
    /// The first broken link, if any.
    pub broken: Option<Broken>,
    /// Whether the checkpoint given (if any) matches the chain: `false` for one whose record is
    /// not in the chain or has another hash (a mismatch, not a break of the chain).
    pub checkpoint_matches: Option<bool>,
    /// The stored policy sets checked against their hashes.
    pub policy_sets: PolicySetCheck,
}

/// Stored policy sets checked against the hashes they are kept under.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PolicySetCheck {
    /// Sets checked.
    pub checked: i64,
    /// Sets whose files no longer give their hash (tampered or damaged).
    pub mismatched: Vec<String>,
}

/// A chain head, exported so a rewrite of the whole chain can be detected against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// Sequence number.
    pub seq: i64,
    /// Hash of that record.
    pub hash: String,
}

/// Where and why the chain breaks.
#[derive(Debug, Clone, Serialize)]
pub struct Broken {
    /// The first record that does not verify.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

impl Store {
    /// The last record's sequence number and hash.
    ///
    /// # Errors
    /// Database errors.
    pub async fn head(&self) -> Result<Option<Checkpoint>, StoreError> {
        let sql = "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1";
        let row: Option<(i64, String)> =
            on_db!(self, |p| sqlx::query_as(sql).fetch_optional(p).await)?;
        Ok(row.map(|(seq, hash)| Checkpoint { seq, hash }))
    }

    /// Walks the whole chain in order and reports the first broken link; with a checkpoint,
    /// also whether the record at its sequence number still has its hash.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verify(
        &self,
        checkpoint: Option<&Checkpoint>,
    ) -> Result<Verification, StoreError> {
        self.verify_with(checkpoint, false).await
    }

    /// As [`Store::verify`]; with `incremental`, only the records after the checkpoint are
    /// walked (the checkpoint record must still have its hash), so a nightly check costs the
    /// day's records, not the whole history.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verify_with(
        &self,
        checkpoint: Option<&Checkpoint>,
        incremental: bool,
    ) -> Result<Verification, StoreError> {
        let sql =
            format!("SELECT {RECORD_COLUMNS} FROM records WHERE seq > $1 ORDER BY seq LIMIT 200");
        let mut prev_hash = GENESIS.to_owned();
        let mut expected_seq = 1i64;
        let mut last: Option<Checkpoint> = None;
        let mut count = 0i64;
        let mut broken = None;
        // The empty chain's head is the genesis hash; a later checkpoint must be found.
        // A checkpoint matches only if the chain holds a record with its sequence number and
        // hash; one that does not is reported as a mismatch, never taken as the head.
        let mut checkpoint_matches = checkpoint.map(|c| c.seq == 0 && c.hash == GENESIS);
        if let (true, Some(c)) = (incremental, checkpoint)
            && c.seq > 0
        {
            let sql = "SELECT hash FROM records WHERE seq = $1";
            let h: Option<String> = on_db!(self, |p| sqlx::query_scalar(sql)
                .bind(c.seq)
                .fetch_optional(p)
                .await)?;
            // Only a checkpoint the chain holds is a place to start from; otherwise the whole
            // chain is walked, so the head and any break reported are the chain's own.
            if h.as_deref() == Some(c.hash.as_str()) {
                checkpoint_matches = Some(true);
                prev_hash = c.hash.clone();
                expected_seq = c.seq + 1;
                last = Some(c.clone());
            }
        }
        'pages: loop {
            let after = last.as_ref().map_or(0, |c| c.seq);
            let page = on_db!(self, |p| {
                let rows = sqlx::query(&sql).bind(after).fetch_all(p).await?;
                rows.iter()
                    .map(|r| record_from!(r))
                    .collect::<Result<Vec<_>, _>>()?
            });
            if page.is_empty() {
                break;
            }
            for r in page {
                count += 1;
                if broken.is_none() {
                    let reason = if r.seq != expected_seq {
                        Some(format!("expected record {expected_seq}, found {}", r.seq))
                    } else if r.prev_hash != prev_hash {
                        Some("its previous hash is not the hash of the record before".to_owned())
                    } else if r.compute_hash() != r.hash {
                        Some("its content does not match its hash".to_owned())
                    } else {
                        None
                    };
                    if let Some(reason) = reason {
                        broken = Some(Broken { seq: r.seq, reason });
                    }
                }
                if let Some(c) = checkpoint
                    && c.seq == r.seq
                {
                    checkpoint_matches = Some(c.hash == r.hash);
                }
                expected_seq = r.seq + 1;
                prev_hash = r.hash.clone();
                last = Some(Checkpoint {
                    seq: r.seq,
                    hash: r.hash,
                });
                if count > i64::MAX - 2 {
                    break 'pages;
                }
            }
        }
        Ok(Verification {
            records: count,
            head: last,
            broken,
            checkpoint_matches,
            policy_sets: self.verify_policy_sets().await?,
        })
    }

    /// Checks every stored policy set against the hash it is kept under.
    ///
    /// # Errors
    /// Database errors.
    pub async fn verify_policy_sets(&self) -> Result<PolicySetCheck, StoreError> {
        let sql = "SELECT hash FROM policy_sets ORDER BY hash";
        let hashes: Vec<String> = on_db!(self, |p| sqlx::query_scalar(sql).fetch_all(p).await)?;
        let mut check = PolicySetCheck::default();
        for hash in hashes {
            check.checked += 1;
            let ok = match self.policy_set_files(&hash).await {
                Ok(Some(files)) => imvo_engine::policy::hash_of_files(&files) == hash,
                Ok(None) => true,
                Err(StoreError::Corrupt(_)) => false,
                Err(e) => return Err(e),
            };
            if !ok {
                check.mismatched.push(hash);
            }
        }
        Ok(check)
    }
}
