//! The `imvo` command line: the grammar ([`Cli`], [`Command`]) and the dispatcher; each
//! command's code is in its own file (`screen`, `policies`, `scenarios`, `batch`, `rescreen`,
//! `serve`, `keys`, `audit`), output that survives a closed pipe in `output`, and failures with
//! their exit codes in `error`. A new command is a file here, a variant of [`Command`] and its
//! line in [`run`].

#[macro_use]
mod output;
mod audit;
mod batch;
mod error;
mod keys;
mod policies;
mod rescreen;
mod scenarios;
mod screen;
mod serve;

pub(crate) use self::error::exit;
pub(crate) use self::output::stdout_written;

use std::io::Read;
use std::path::{Path, PathBuf};

use self::audit::{AuditCommand, audit};
use self::batch::{BatchArgs, batch};
use self::error::Failure;
use self::keys::{KeysCommand, keys};
use self::policies::PoliciesCommand;
use self::rescreen::{RescreenArgs, rescreen};
use self::scenarios::ScenariosCommand;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use imvo_engine::{LoadErrors, PolicySet};
use serde_json::json;

/// `--threads`: from 1 to [`imvo_service::batch::MAX_THREADS`] (why that many at most is said
/// there); another value is a usage error naming the flag and the range.
fn threads_arg() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new()
        .range(1..=imvo_service::batch::MAX_THREADS as u64)
}

#[derive(Parser)]
#[command(
    name = "imvo",
    version,
    about = "Screen applications for government support against responsible business conduct policies"
)]
pub(crate) struct Cli {
    /// Policy folder.
    #[arg(long, env = "IMVO_POLICIES", global = true)]
    pub(crate) policies: Option<PathBuf>,
    /// Reference mode, for checking a rule's applicability gate against its script: every gate
    /// is forced open, so every rule runs. Decisions are the same, only slower.
    #[arg(long, env = "IMVO_NO_GATES", global = true)]
    pub(crate) no_gates: bool,
    /// Machine-readable output: the decision as JSON on stdout, errors as JSON on stderr.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Language of the explanations a person reads (`en`, `nl`, or `pseudo` to check that
    /// every sentence comes from a catalogue). The JSON decision is the same in every language.
    #[arg(long, env = "IMVO_LANG", default_value = "en", value_parser = parse_lang, global = true)]
    pub(crate) lang: imvo_engine::messages::Lang,
    /// The decision record: `sqlite:PATH` (created and migrated if missing) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:imvo.db",
        global = true
    )]
    pub(crate) database: String,
    #[command(subcommand)]
    command: Command,
}

/// `--lang`: a language imvo has catalogues for.
fn parse_lang(s: &str) -> Result<imvo_engine::messages::Lang, String> {
    imvo_engine::messages::Lang::parse(s)
        .ok_or_else(|| format!("`{s}` is not a language of imvo (expected `en`, `nl` or `pseudo`)"))
}

#[derive(Subcommand)]
enum Command {
    /// Screen one application (a file, or `-` for stdin) and explain the decision.
    Screen {
        /// Application JSON file, or `-`.
        file: String,
        /// Screen under the packs in force on this date (default: the application date).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
    },
    /// Screen one application (a file, or `-` for stdin) and write the letter to the applicant:
    /// the missing facts as questions, the steps to deliver with their due dates, and for a
    /// refusal why, with the sources (in the language of `--lang`).
    Letter {
        /// Application JSON file, or `-`.
        file: String,
        /// Screen under the packs in force on this date (default: the application date).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// The letter's date (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<NaiveDate>,
        /// `md` (Markdown) or `html` (a page laid out for printing on A4).
        #[arg(long, default_value = "md", value_parser = ["md", "html"])]
        format: String,
    },
    /// Inspect the policy packs.
    Policies {
        #[command(subcommand)]
        command: PoliciesCommand,
    },
    /// Golden scenarios.
    Scenarios {
        #[command(subcommand)]
        command: ScenariosCommand,
    },
    /// Screen every application of a portfolio (JSON Lines, or CSV with dotted v1 paths as
    /// columns), on every core, streaming; decisions in input order, bad lines reported and
    /// skipped.
    Batch {
        /// Input: JSON Lines or CSV (by extension or `--format`), or `-` for stdin.
        input: String,
        /// Where the decisions go (`-` for stdout).
        #[arg(long)]
        out: String,
        /// Where rejected lines go (JSON Lines with the line number and every bad field; `-`
        /// for stdout; without it, stderr).
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Screen under the packs in force on this date (default: each application's date).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Input format: `jsonl` or `csv` (default: from the input's extension; stdin is JSON
        /// Lines).
        #[arg(long)]
        format: Option<String>,
        /// Output format: `jsonl` (`{"line", "decision"}` per line) or `csv` (main columns);
        /// default from the output's extension.
        #[arg(long)]
        out_format: Option<String>,
        /// Only read each application and write it back (no screening): the I/O floor a batch
        /// is measured against (docs/performance.md).
        #[arg(long, hide = true)]
        floor: bool,
        /// Worker threads, 1 to 256 (default: the number of cores).
        #[arg(long, value_parser = threads_arg())]
        threads: Option<usize>,
    },
    /// The impact of a policy change: screen every application of a portfolio (JSON Lines or
    /// CSV) under two policy sets, or re-screen the latest stored decision of every application
    /// under another set (`--stored`), and report the category migration, outcome changes, the
    /// rules behind them and the exposure that moved.
    Rescreen {
        /// Input: JSON Lines or CSV (by extension or `--format`); not with `--stored`.
        input: Option<String>,
        /// The set before the change: a policy folder, or a stored set's hash (`sha256:...`).
        #[arg(long)]
        from: Option<String>,
        /// The set after the change: a policy folder, or a stored set's hash (`sha256:...`).
        #[arg(long)]
        to: String,
        /// Compare the latest stored decision of every application in `--database` with the
        /// same application screened under `--to`.
        #[arg(long, conflicts_with_all = ["input", "from"])]
        stored: bool,
        /// Screen every application under both sets, also those whose screening rests on the
        /// same packs, data and engine under both (by default such an application is screened
        /// once, and with `--stored` its stored decision stands, as it would be decided again).
        #[arg(long)]
        full: bool,
        /// Input format: `jsonl` or `csv` (default: from the input's extension).
        #[arg(long)]
        format: Option<String>,
        /// Screening date (default: today, read once and printed; with `--stored`, the date each
        /// decision was made on, so that only the policy change shows).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Worker threads, 1 to 256 (default: the number of cores).
        #[arg(long, value_parser = threads_arg())]
        threads: Option<usize>,
    },
    /// Run the HTTP service (decisions stored in `--database`).
    Serve(serve::ServeArgs),
    /// Manage API keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Check the decision record.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

/// The policy set in force for a command: `--policies` (or `IMVO_POLICIES`) if given, else
/// `./policies` if there is such a folder, else the set built into this binary. Returns the set
/// and where it came from, in words.
fn load_policies(cli: &Cli) -> Result<(PolicySet, String), Failure> {
    let (set, from) = load_policies_gated(cli)?;
    if cli.no_gates {
        return Ok((
            set.without_gates(),
            format!("{from}, in reference mode (--no-gates)"),
        ));
    }
    Ok((set, from))
}

fn load_policies_gated(cli: &Cli) -> Result<(PolicySet, String), Failure> {
    let dir = match &cli.policies {
        Some(dir) => dir.clone(),
        None if Path::new("policies").is_dir() => PathBuf::from("policies"),
        None => {
            let set = imvo_service::embedded::policy_set(imvo_service::http::limits()).map_err(
                |LoadErrors(errors)| Failure {
                    code: exit::POLICIES,
                    kind: "policies",
                    message: format!(
                        "the policies built into this binary failed to load:\n  {}",
                        errors
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("\n  ")
                    ),
                    details: json!(errors.iter().map(ToString::to_string).collect::<Vec<_>>()),
                },
            )?;
            return Ok((
                set,
                "the policies built into this binary (no --policies, no ./policies)".to_owned(),
            ));
        }
    };
    let set = load(&dir)?;
    Ok((set, format!("the folder `{}`", dir.display())))
}

/// [`load_policies`], without where the set came from.
fn policy_set(cli: &Cli) -> Result<PolicySet, Failure> {
    load_policies(cli).map(|(set, _)| set)
}

/// Loads the policy folder `dir`.
fn load(dir: &Path) -> Result<PolicySet, Failure> {
    PolicySet::load(dir).map_err(|LoadErrors(errors)| Failure {
        code: exit::POLICIES,
        kind: "policies",
        message: format!(
            "policies in `{}` failed to load:\n  {}",
            dir.display(),
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n  ")
        ),
        details: json!(errors.iter().map(ToString::to_string).collect::<Vec<_>>()),
    })
}

/// Reads one application (`-` for stdin): at most [`imvo_service::http::BODY_LIMIT`] bytes, the
/// most `POST /v1/screenings` takes. Reading stops one byte past the limit, so an endless input
/// (`imvo screen /dev/zero`) is refused at once instead of filling the memory.
fn read_input(file: &str) -> Result<String, Failure> {
    let limit = imvo_service::http::BODY_LIMIT;
    let take = u64::try_from(limit).map_or(u64::MAX, |l| l.saturating_add(1));
    let mut bytes = Vec::new();
    let (name, read) = if file == "-" {
        (
            "standard input".to_owned(),
            std::io::stdin().lock().take(take).read_to_end(&mut bytes),
        )
    } else {
        let f = std::fs::File::open(file)
            .map_err(|e| Failure::io(format!("cannot read `{file}`: {e}")))?;
        (format!("`{file}`"), f.take(take).read_to_end(&mut bytes))
    };
    read.map_err(|e| Failure::io(format!("cannot read {name}: {e}")))?;
    if bytes.len() > limit {
        return Err(Failure {
            code: exit::INVALID_INPUT,
            kind: "invalid_input",
            message: format!(
                "{name} is larger than {limit} bytes: expected one application of at most {limit} bytes ({} KiB, the limit of `POST /v1/screenings`); screen a portfolio with `imvo batch`",
                limit / 1024
            ),
            details: json!({"limit_bytes": limit}),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        Failure::io(format!(
            "cannot read {name}: it is not UTF-8 text (an invalid byte at offset {}); expected a JSON application in UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Runs one command: the dispatcher (each command's code is in its own file).
pub(crate) fn run(cli: Cli) -> Result<u8, Failure> {
    match &cli.command {
        Command::Screen { file, as_of } => screen::run(&cli, file, *as_of),
        Command::Letter {
            file,
            as_of,
            date,
            format,
        } => screen::letter(&cli, file, *as_of, *date, format == "html"),
        Command::Policies { command } => policies::run(&cli, command),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Keys { command } => keys(&cli, command),
        Command::Rescreen {
            input,
            from,
            to,
            stored,
            full,
            format,
            as_of,
            threads,
        } => rescreen(
            &cli,
            &RescreenArgs {
                input: input.as_deref(),
                from: from.as_deref(),
                to,
                stored: *stored,
                full: *full,
                format: format.as_deref(),
                as_of: *as_of,
                threads: *threads,
            },
        ),
        Command::Batch {
            input,
            out,
            errors,
            as_of,
            format,
            out_format,
            threads,
            floor,
        } => batch(
            &cli,
            &BatchArgs {
                input,
                out,
                errors: errors.as_deref(),
                as_of: *as_of,
                in_format: format.as_deref(),
                format: out_format.as_deref(),
                threads: *threads,
                floor: *floor,
            },
        ),
        Command::Audit { command } => audit(&cli, command),
        Command::Scenarios { command } => scenarios::run(&cli, command),
    }
}

/// The runtime of `imvo serve`: a worker thread per core.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::io(format!("cannot start the runtime: {e}")))
}

/// The runtime of the commands that only wait on the database in turn (`keys`, `audit`,
/// `rescreen`): on this thread. It starts no threads, so a system that refuses one fails where
/// the command reports it (tokio panics when it cannot start a worker thread).
fn local_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::io(format!("cannot start the runtime: {e}")))
}

async fn open_store(url: &str) -> Result<imvo_service::store::Store, Failure> {
    imvo_service::store::Store::connect(url)
        .await
        .map_err(|e| Failure {
            code: exit::USAGE_OR_IO,
            kind: "database",
            message: format!(
                "cannot open the database `{}`: {e}",
                imvo_service::store::redact(url)
            ),
            details: json!(null),
        })
}
