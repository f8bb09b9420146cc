//! `imvo rescreen`: the impact of a policy change on a portfolio, or on the stored screenings.

use std::path::Path;

use imvo_service::screening::SetError;

use super::batch::{no_applications, open_input};
use super::error::{Failure, db_failure, exit, usage};
use super::{Cli, load, local_runtime, open_store};
use chrono::NaiveDate;
use imvo_engine::PolicySet;
use serde_json::json;

pub(super) struct RescreenArgs<'a> {
    pub(super) input: Option<&'a str>,
    pub(super) from: Option<&'a str>,
    pub(super) to: &'a str,
    pub(super) stored: bool,
    pub(super) full: bool,
    pub(super) format: Option<&'a str>,
    pub(super) as_of: Option<NaiveDate>,
    pub(super) threads: Option<usize>,
}

/// A policy set named on the command line: a folder, or the hash of a set kept in the store.
async fn policy_set(
    cli: &Cli,
    store: &mut Option<imvo_service::store::Store>,
    name: &str,
) -> Result<PolicySet, Failure> {
    if !name.starts_with("sha256:") {
        return load(Path::new(name));
    }
    if store.is_none() {
        *store = Some(open_store(&cli.database).await?);
    }
    let Some(s) = store.as_ref() else {
        return Err(usage("no database".into()));
    };
    let stored = imvo_service::screening::load_stored(s, name, imvo_service::http::limits())
        .await
        .map_err(|e| match e {
            SetError::Store(e) => db_failure(&e),
            e => Failure {
                code: exit::POLICIES,
                kind: "policies",
                message: e.to_string(),
                details: json!(null),
            },
        })?;
    stored.ok_or_else(|| {
        usage(format!(
            "no policy set `{name}` in the database `{}` (a set is kept once it decided something)",
            imvo_service::store::redact(&cli.database)
        ))
    })
}

pub(super) fn rescreen(cli: &Cli, args: &RescreenArgs<'_>) -> Result<u8, Failure> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get));
    local_runtime()?.block_on(async {
        let mut store = None;
        let to = policy_set(cli, &mut store, args.to).await?;
        let (report, from_name, as_of_text) = if args.stored {
            let s = match store.take() {
                Some(s) => s,
                None => open_store(&cli.database).await?,
            };
            let r = imvo_service::batch::rescreen::impact_stored(
                &s, &to, args.as_of, threads, args.full,
            )
            .await
            .map_err(|e| match e {
                imvo_service::batch::rescreen::ImpactError::Store(e) => db_failure(&e),
                other => Failure::io(format!("rescreen: {other}")),
            })?;
            s.close().await;
            let when = args.as_of.map_or_else(
                || "the date of each stored decision".to_owned(),
                |d| d.to_string(),
            );
            (r, "the stored decisions".to_owned(), when)
        } else {
            let (Some(input), Some(from)) = (args.input, args.from) else {
                return Err(usage(
                    "give INPUT and --from (or --stored to compare the stored decisions)".into(),
                ));
            };
            let from_set = policy_set(cli, &mut store, from).await?;
            let (_, items) = open_input(input, args.format)?;
            let as_of = args
                .as_of
                .unwrap_or_else(|| chrono::Local::now().date_naive());
            let r = imvo_service::batch::rescreen::impact(
                &from_set,
                &to,
                items,
                Some(as_of),
                threads,
                args.full,
            )
            .map_err(|e| match e {
                imvo_service::batch::rescreen::ImpactError::Read(e) => {
                    Failure::io(format!("cannot read `{input}`: {e}"))
                }
                other => Failure::io(format!("rescreen: {other}")),
            })?;
            if r.applications == 0 && r.rejected.is_empty() {
                return Err(no_applications(input));
            }
            (
                r,
                format!("{from} ({})", from_set.hash()),
                as_of.to_string(),
            )
        };
        if cli.json {
            outln!(
                "{}",
                json!({"as_of": as_of_text, "from": from_name, "to": to.hash(), "impact": report})
            )?;
        } else {
            // The JSON keeps the English words above; the text says them in `--lang`.
            let t = |id: &str| imvo_engine::render::t(cli.lang, id, &[]);
            let (from_name, as_of_text) = match (args.stored, args.as_of) {
                (true, None) => (
                    t("report-impact-stored-from"),
                    t("report-impact-stored-date"),
                ),
                (true, Some(_)) => (t("report-impact-stored-from"), as_of_text),
                (false, _) => (from_name, as_of_text),
            };
            let as_of_words = imvo_engine::render::t(
                cli.lang,
                "report-impact-as-of",
                &[("date", imvo_engine::messages::Arg::Text(as_of_text))],
            );
            outln!(
                "{as_of_words} {}",
                report.render(
                    &from_name,
                    &format!("{} ({})", args.to, to.hash()),
                    cli.lang
                )
            )?;
        }
        Ok(if report.rejected.is_empty() {
            exit::OK
        } else {
            exit::CHECK_FAILED
        })
    })
}
