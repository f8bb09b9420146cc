//! `imvo audit`: verify the decision record's chain and stored policy sets, and export a
//! checkpoint.

use std::path::PathBuf;

use super::error::{Failure, db_failure, exit};
use super::{Cli, local_runtime, open_store};
use clap::Subcommand;
use serde_json::json;

#[derive(Subcommand)]
pub(super) enum AuditCommand {
    /// Walk the record chain and report the first broken link; with `--checkpoint`, also check
    /// that the chain still holds that exported head (detects a rewrite of the whole chain).
    Verify {
        /// A checkpoint file written by `imvo audit checkpoint`.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Print the chain head (sequence number and hash) as JSON, to keep outside the database.
    Checkpoint,
}

pub(super) fn audit(cli: &Cli, command: &AuditCommand) -> Result<u8, Failure> {
    use imvo_service::store::Checkpoint;
    local_runtime()?.block_on(async {
        let store = open_store(&cli.database).await?;
        let code = match command {
            AuditCommand::Checkpoint => {
                let head = store.head().await.map_err(|e| db_failure(&e))?;
                let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                match head {
                    Some(h) => outln!(
                        "{}",
                        json!({"seq": h.seq, "hash": h.hash, "exported_at": at})
                    )?,
                    None => outln!(
                        "{}",
                        json!({"seq": 0, "hash": imvo_service::store::GENESIS, "exported_at": at})
                    )?,
                }
                exit::OK
            }
            AuditCommand::Verify { checkpoint } => {
                let cp: Option<Checkpoint> = match checkpoint {
                    None => None,
                    Some(path) => {
                        let text = std::fs::read_to_string(path).map_err(|e| {
                            Failure::io(format!("cannot read `{}`: {e}", path.display()))
                        })?;
                        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                            Failure::io(format!("`{}` is not a checkpoint: {e}", path.display()))
                        })?;
                        match (
                            v.get("seq").and_then(serde_json::Value::as_i64),
                            v.get("hash").and_then(serde_json::Value::as_str),
                        ) {
                            (Some(seq), Some(hash)) => Some(Checkpoint {
                                seq,
                                hash: hash.to_owned(),
                            }),
                            _ => {
                                return Err(Failure::io(format!(
                                    "`{}` is not a checkpoint: it needs `seq` and `hash`",
                                    path.display()
                                )));
                            }
                        }
                    }
                };
                let v = store
                    .verify(cp.as_ref())
                    .await
                    .map_err(|e| db_failure(&e))?;
                let ok = v.broken.is_none()
                    && v.checkpoint_matches != Some(false)
                    && v.policy_sets.mismatched.is_empty();
                if cli.json {
                    outln!("{}", json!(v))?;
                } else {
                    match &v.broken {
                        None => outln!(
                            "chain intact: {} record(s), head {}",
                            v.records,
                            v.head
                                .as_ref()
                                .map_or("(empty)".to_owned(), |h| format!("{} {}", h.seq, h.hash))
                        )?,
                        Some(b) => outln!("chain BROKEN at record {}: {}", b.seq, b.reason)?,
                    }
                    if let Some(c) = &cp {
                        match v.checkpoint_matches {
                            Some(true) => outln!("checkpoint {} matches", c.seq)?,
                            Some(false) => outln!(
                                "checkpoint {} does NOT match: the chain was rewritten or cut short",
                                c.seq
                            )?,
                            None => {}
                        }
                    }
                    if v.policy_sets.mismatched.is_empty() {
                        outln!(
                            "policy sets intact: {} checked against their hashes",
                            v.policy_sets.checked
                        )?;
                    } else {
                        outln!(
                            "policy sets CHANGED (their files no longer give their hash): {}",
                            v.policy_sets.mismatched.join(", ")
                        )?;
                    }
                }
                if ok { exit::OK } else { exit::CHECK_FAILED }
            }
        };
        store.close().await;
        Ok(code)
    })
}
