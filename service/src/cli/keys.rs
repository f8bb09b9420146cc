//! `imvo keys`: create, list and revoke API keys in the database.

use std::io::Write;

use super::error::{Failure, db_failure, exit};
use super::{Cli, local_runtime, open_store};
use clap::Subcommand;
use serde_json::json;

#[derive(Subcommand)]
pub(super) enum KeysCommand {
    /// Create a key and print it once, alone on one line of stdout.
    Create {
        /// A role of the key: analyst, mission_organiser, auditor or admin (repeatable).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Who holds the key: a person's or a system's name (recorded with every act stored
        /// under it; four-eyes checks compare holders). Without it the key is held by its id.
        #[arg(long)]
        holder: Option<String>,
    },
    /// List the keys (ids, roles, dates; secrets are never stored).
    List,
    /// Revoke a key by id.
    Revoke {
        /// Key id.
        id: String,
    },
}

pub(super) fn keys(cli: &Cli, command: &KeysCommand) -> Result<u8, Failure> {
    use imvo_service::auth::Role;
    local_runtime()?.block_on(async {
        let store = open_store(&cli.database).await?;
        match command {
            KeysCommand::Create { roles, holder } => {
                if let Some(h) = holder.as_deref()
                    && !imvo_service::auth::valid_holder(h)
                {
                    return Err(Failure {
                        code: exit::USAGE_OR_IO,
                        kind: "usage",
                        message: format!("`{h}` is not a holder's name: expected 1 to 100 characters, without control characters or leading or trailing spaces"),
                        details: json!(null),
                    });
                }
                let mut parsed = Vec::new();
                for r in roles {
                    let role = Role::parse(r).ok_or_else(|| Failure {
                        code: exit::USAGE_OR_IO,
                        kind: "usage",
                        message: format!("`{r}` is not a role: expected analyst, mission_organiser, auditor or admin"),
                        details: json!(null),
                    })?;
                    if !parsed.contains(&role) {
                        parsed.push(role);
                    }
                }
                let (id, key) = imvo_service::auth::create_key(&store, &parsed, holder.as_deref()).await.map_err(|e| db_failure(&e))?;
                // The key alone on stdout, so `KEY=$(imvo keys create --role analyst)` works;
                // what it is, on stderr.
                outln!("{key}")?;
                errln!(
                    "created key {id} held by {} with role(s) {}; it is shown only this once",
                    holder.as_deref().unwrap_or(&id),
                    parsed.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
                );
            }
            KeysCommand::List => {
                let keys = store.keys().await.map_err(|e| db_failure(&e))?;
                if cli.json {
                    outln!("{}", json!({"keys": keys}))?;
                } else {
                    for k in keys {
                        outln!(
                            "{}  {:<24} {:<28} created {}{}",
                            k.id,
                            k.holder,
                            k.roles.join(","),
                            k.created_at,
                            k.revoked_at.map(|r| format!(", revoked {r}")).unwrap_or_default()
                        )?;
                    }
                }
            }
            KeysCommand::Revoke { id } => {
                if !store.revoke_key(id).await.map_err(|e| db_failure(&e))? {
                    return Err(Failure {
                        code: exit::CHECK_FAILED,
                        kind: "not_found",
                        message: format!("no active key `{id}`"),
                        details: json!(null),
                    });
                }
                outln!("revoked {id}")?;
            }
        }
        store.close().await;
        Ok(exit::OK)
    })
}
