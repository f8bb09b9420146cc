//! `imvo`: screen applications, inspect policies, run golden scenarios, serve the HTTP API,
//! manage API keys and check the decision record.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use imvo_engine::{Application, InputError, LoadErrors, PolicySet, screen};
use imvo_service::{explain, scenarios};
use serde_json::json;

/// The rhai interpreter allocates for nearly every value it touches; mimalloc's thread-local
/// free lists take about a fifth off a screening and avoid glibc's arena lock between the batch
/// threads (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes, as documented in the README.
mod exit {
    pub const OK: u8 = 0;
    pub const CHECK_FAILED: u8 = 1;
    pub const INVALID_INPUT: u8 = 2;
    pub const POLICIES: u8 = 3;
    pub const USAGE_OR_IO: u8 = 4;
}

/// Whether the reader of stdout has gone (`imvo scenarios run | head -1`): the rest of the
/// output is dropped.
static STDOUT_GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `println!` for the commands' output, returning `Result<(), Failure>`. `println!` panics when
/// the reader of stdout has gone ("failed printing to stdout: Broken pipe", exit 101), and the
/// usual cure, restoring the default SIGPIPE action, needs `unsafe`, which this workspace
/// forbids. So the output goes through a locked stdout, and a broken pipe ends it quietly: the
/// command finishes with its own exit code. Any other write error (a full disk) is a failure.
macro_rules! outln {
    ($($arg:tt)*) => {
        write_stdout(format_args!($($arg)*), true)
    };
}

/// [`outln!`] without the line break.
macro_rules! out {
    ($($arg:tt)*) => {
        write_stdout(format_args!($($arg)*), false)
    };
}

/// `eprintln!` that never panics: with stderr closed (`2>&1 | head -1`) the message is lost,
/// and the exit code still tells.
macro_rules! errln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// Writes to stdout for [`outln!`] and [`out!`].
fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) -> Result<(), Failure> {
    if STDOUT_GONE.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    let mut w = std::io::stdout().lock();
    let written = w
        .write_fmt(args)
        .and_then(|()| if newline { w.write_all(b"\n") } else { Ok(()) });
    stdout_written(written)
}

/// The result of a write to stdout: a broken pipe marks stdout gone and is not an error.
fn stdout_written(result: std::io::Result<()>) -> Result<(), Failure> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_GONE.store(true, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Failure::io(format!("cannot write to standard output: {e}"))),
    }
}

/// A stream whose reader may go away (`imvo batch --errors - | head`): after a broken pipe what
/// is written to it is dropped, and the writer goes on (the batch still writes its decisions).
struct UntilClosed<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> UntilClosed<W> {
    fn new(inner: W) -> UntilClosed<W> {
        UntilClosed {
            inner,
            closed: false,
        }
    }
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

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
struct Cli {
    /// Policy folder.
    #[arg(long, env = "IMVO_POLICIES", default_value = "policies", global = true)]
    policies: PathBuf,
    /// Machine-readable output: the decision as JSON on stdout, errors as JSON on stderr.
    #[arg(long, global = true)]
    json: bool,
    /// The decision record: `sqlite:PATH` (created and migrated if missing) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:imvo.db",
        global = true
    )]
    database: String,
    #[command(subcommand)]
    command: Command,
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
    Serve {
        /// Address to listen on.
        #[arg(long, env = "IMVO_LISTEN", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Requests handled at once; more are answered 503 at once.
        #[arg(long, env = "IMVO_CONCURRENCY", default_value_t = 512)]
        concurrency: usize,
        /// Screenings evaluated at once (default: the number of cores).
        #[arg(long, env = "IMVO_SCREENING_SLOTS")]
        screening_slots: Option<usize>,
        /// Batch workers in this process (default: twice the number of cores, so that one commits
        /// while another screens; 0: take no batch work).
        #[arg(long, env = "IMVO_BATCH_WORKERS")]
        batch_workers: Option<usize>,
        /// Seconds a worker holds a claimed chunk of a batch before another may take it over
        /// (after a crash, the chunk waits this long).
        #[arg(long, env = "IMVO_BATCH_LEASE_SECS", default_value_t = 60)]
        batch_lease_secs: u64,
        /// Largest batch upload in bytes.
        #[arg(long, env = "IMVO_BATCH_MAX_BYTES", default_value_t = 2 << 30)]
        batch_max_bytes: u64,
        /// Batch uploads received at once by this process (more are answered 503).
        #[arg(long, env = "IMVO_BATCH_UPLOADS", default_value_t = 4)]
        batch_uploads: usize,
    },
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

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a key and print it once, alone on one line of stdout.
    Create {
        /// A role of the key: analyst, mission_organiser, auditor or admin (repeatable).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// List the keys (ids, roles, dates; secrets are never stored).
    List,
    /// Revoke a key by id.
    Revoke {
        /// Key id.
        id: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
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

#[derive(Subcommand)]
enum PoliciesCommand {
    /// List the packs with their versions, dates and hashes.
    List,
    /// Load and validate every pack and table.
    Check,
    /// Show one pack: sources, rule table and parameters (`ID` or `ID@VERSION`).
    Show {
        /// Pack id, optionally with `@version`.
        pack: String,
    },
}

#[derive(Subcommand)]
enum ScenariosCommand {
    /// Run every scenario under DIR and report pass or fail with the differences.
    Run {
        /// Scenario folder.
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
        /// Also list every rule of the packs with the number of scenarios it fired in; a rule
        /// that fires in none fails the run.
        #[arg(long)]
        coverage: bool,
    },
    /// Screen the calibration cases (real projects with a published category) and print the
    /// confusion matrix of published A/B/C against the engine's A/B/C/none, per institution and
    /// overall. The published category is never given to the engine.
    Agreement {
        /// Folder of calibration cases.
        #[arg(default_value = "scenarios/calibration")]
        dir: PathBuf,
        /// Screening date for every case: the rules in force that day (default: today, read
        /// from the clock once and printed).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// Also list every case with its published and engine category.
        #[arg(long)]
        cases: bool,
    },
}

struct Failure {
    code: u8,
    kind: &'static str,
    message: String,
    details: serde_json::Value,
}

impl Failure {
    fn io(message: String) -> Failure {
        Failure {
            code: exit::USAGE_OR_IO,
            kind: "io",
            message,
            details: json!(null),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE_OR_IO
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let json = cli.json;
    // What is still buffered for stdout is written here, where a failure can be reported.
    let result = run(cli).and_then(|code| {
        stdout_written(std::io::stdout().lock().flush())?;
        Ok(code)
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            if json {
                errln!(
                    "{}",
                    json!({"error": {"kind": f.kind, "message": f.message, "details": f.details}})
                );
            } else {
                errln!("imvo: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

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

/// Reads one application (`-` for stdin): at most [`imvo_service::api::BODY_LIMIT`] bytes, the
/// most `POST /v1/screenings` takes. Reading stops one byte past the limit, so an endless input
/// (`imvo screen /dev/zero`) is refused at once instead of filling the memory.
fn read_input(file: &str) -> Result<String, Failure> {
    let limit = imvo_service::api::BODY_LIMIT;
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

fn run(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Screen { file, as_of } => {
            let text = read_input(&file)?;
            let app = Application::parse(&text).map_err(|e| input_failure(&file, &e))?;
            let set = load(&cli.policies)?;
            let decision = screen(&set, &app, as_of.unwrap_or(app.application_date));
            if cli.json {
                outln!("{}", decision.to_json_pretty())?;
            } else {
                out!("{}", explain::explain(&decision))?;
            }
            Ok(exit::OK)
        }
        Command::Policies { command } => {
            let set = load(&cli.policies)?;
            match command {
                PoliciesCommand::List => list(&set, cli.json),
                PoliciesCommand::Check => {
                    let rules: usize = set.packs().iter().map(|p| p.rules.len()).sum();
                    if cli.json {
                        outln!(
                            "{}",
                            json!({"ok": true, "policy_set": set.hash(), "packs": set.packs().len(), "rules": rules, "tables": set.tables().len() + usize::from(set.rates().is_some())})
                        )?;
                    } else {
                        outln!(
                            "ok: {} pack version(s), {rules} rules, {} shared table(s); policy set {}",
                            set.packs().len(),
                            set.tables().len() + usize::from(set.rates().is_some()),
                            set.hash()
                        )?;
                    }
                    Ok(exit::OK)
                }
                PoliciesCommand::Show { pack } => show(&set, &pack, cli.json),
            }
        }
        Command::Serve {
            listen,
            concurrency,
            screening_slots,
            batch_workers,
            batch_lease_secs,
            batch_max_bytes,
            batch_uploads,
        } => {
            let defaults = imvo_service::api::Settings::default();
            let settings = imvo_service::api::Settings {
                concurrency: concurrency.max(1),
                screening_slots: screening_slots.map_or(defaults.screening_slots, |n| n.max(1)),
                batch_workers: batch_workers.unwrap_or(defaults.batch_workers),
                batch_lease: std::time::Duration::from_secs(batch_lease_secs.max(1)),
                batch_max_bytes,
                batch_uploads: batch_uploads.max(1),
                ..defaults
            };
            serve(&cli, listen, settings)
        }
        Command::Keys { ref command } => keys(&cli, command),
        Command::Rescreen {
            ref input,
            ref from,
            ref to,
            stored,
            ref format,
            as_of,
            threads,
        } => rescreen(
            &cli,
            &RescreenArgs {
                input: input.as_deref(),
                from: from.as_deref(),
                to,
                stored,
                format: format.as_deref(),
                as_of,
                threads,
            },
        ),
        Command::Batch {
            ref input,
            ref out,
            ref errors,
            as_of,
            ref format,
            ref out_format,
            threads,
            floor,
        } => batch(
            &cli,
            &BatchArgs {
                input,
                out,
                errors: errors.as_deref(),
                as_of,
                in_format: format.as_deref(),
                format: out_format.as_deref(),
                threads,
                floor,
            },
        ),
        Command::Audit { ref command } => audit(&cli, command),
        Command::Scenarios {
            command: ScenariosCommand::Agreement { dir, as_of, cases },
        } => agreement(&cli.policies, cli.json, &dir, as_of, cases),
        Command::Scenarios {
            command: ScenariosCommand::Run { dir, coverage },
        } => {
            let set = load(&cli.policies)?;
            let files = scenarios::files(&dir)
                .map_err(|e| Failure::io(format!("cannot read `{}`: {e}", dir.display())))?;
            let (mut passed, mut failed) = (0usize, 0usize);
            let mut report = Vec::new();
            // Rule id to the number of scenarios in which it reported a finding.
            let mut fired: std::collections::BTreeMap<String, usize> =
                std::collections::BTreeMap::new();
            for path in files {
                let r = scenarios::run_file(&set, &path);
                if let Some(d) = &r.decision {
                    let ids: std::collections::BTreeSet<&str> =
                        d.findings.iter().map(|f| f.rule_id.as_str()).collect();
                    for id in ids {
                        *fired.entry(id.to_owned()).or_default() += 1;
                    }
                }
                if r.problems.is_empty() {
                    passed += 1;
                    if !cli.json {
                        outln!("PASS {}  {}", path.display(), r.description)?;
                    }
                } else {
                    failed += 1;
                    if !cli.json {
                        outln!("FAIL {}  {}", path.display(), r.description)?;
                        for p in &r.problems {
                            outln!("     {p}")?;
                        }
                    }
                }
                report.push(json!({"file": path.display().to_string(), "description": r.description, "passed": r.problems.is_empty(), "problems": r.problems}));
            }
            let mut uncovered = Vec::new();
            let mut rules = Vec::new();
            if coverage {
                for pack in set.packs() {
                    for rule in &pack.rules {
                        let n = fired.get(&rule.id).copied().unwrap_or(0);
                        // A rule whose data cannot be shipped is listed as such, not failed.
                        if n == 0 && !rule.data_unavailable {
                            uncovered.push(rule.id.clone());
                        }
                        rules.push(json!({"pack": pack.manifest.id, "version": pack.manifest.version, "rule_id": rule.id, "scenarios": n, "data_unavailable": rule.data_unavailable}));
                    }
                }
            }
            if cli.json {
                outln!(
                    "{}",
                    json!({"passed": passed, "failed": failed, "scenarios": report, "coverage": rules, "uncovered": uncovered})
                )?;
            } else {
                if coverage {
                    outln!("\nRule coverage (scenarios in which each rule reported a finding)")?;
                    for r in &rules {
                        let n = r["scenarios"].as_u64().unwrap_or(0);
                        let mark = match (n, r["data_unavailable"].as_bool() == Some(true)) {
                            (_, true) => "  data unavailable",
                            (0, false) => "  NOT COVERED",
                            _ => "",
                        };
                        outln!(
                            "  {:<12} {:>4}  {} {}{mark}",
                            r["rule_id"].as_str().unwrap_or(""),
                            n,
                            r["pack"].as_str().unwrap_or(""),
                            r["version"].as_str().unwrap_or("")
                        )?;
                    }
                    let unavailable = rules
                        .iter()
                        .filter(|r| r["data_unavailable"].as_bool() == Some(true))
                        .count();
                    outln!(
                        "{} rules, {} not covered, {unavailable} marked data_unavailable",
                        rules.len(),
                        uncovered.len()
                    )?;
                }
                outln!("{passed} passed, {failed} failed")?;
            }
            Ok(if failed == 0 && uncovered.is_empty() {
                exit::OK
            } else {
                exit::CHECK_FAILED
            })
        }
    }
}

fn agreement(
    policies: &Path,
    as_json: bool,
    dir: &std::path::Path,
    as_of: Option<NaiveDate>,
    list_cases: bool,
) -> Result<u8, Failure> {
    let set = load(policies)?;
    let files = imvo_service::calibration::files(dir)
        .map_err(|e| Failure::io(format!("cannot read `{}`: {e}", dir.display())))?;
    // The only clock read: the default screening date, printed with the report.
    let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let (report, problems) = imvo_service::calibration::agreement(&set, &files, as_of);
    if as_json {
        outln!(
            "{}",
            json!({"report": report, "problems": problems.iter().map(|(f, m)| json!({"file": f, "problem": m})).collect::<Vec<_>>()})
        )?;
    } else {
        outln!(
            "Agreement with published categories: {} cases in {}, screened as of {} (policy set {})\n",
            report.all.indicative_overall.total(),
            dir.display(),
            report.as_of,
            report.policy_set
        )?;
        outln!(
            "{}",
            report.held_out.render(
                "Held-out half: encoded blind, before any rule change, never read while rules changed"
            )
        )?;
        outln!(
            "{}",
            report
                .tuning
                .render("Tuning half: read case by case while rules were reviewed")
        )?;
        outln!("{}", report.all.render("Both halves"))?;
        if list_cases {
            outln!(
                "\n  {:<14} {:<9} {:<9} {:<6} {:<14} {:<10} rules / reason",
                "case",
                "half",
                "published",
                "engine",
                "status",
                "indicative"
            )?;
            for c in &report.cases {
                outln!(
                    "  {:<14} {:<9} {:<9} {:<6} {:<14} {:<10} {}",
                    c.source_id,
                    match c.half {
                        imvo_service::calibration::Half::HeldOut => "held_out",
                        imvo_service::calibration::Half::Tuning => "tuning",
                    },
                    c.published.as_str(),
                    c.engine.map_or("none", |e| e.as_str()),
                    c.status.as_str(),
                    c.indicative.map_or("", |e| e.as_str()),
                    if c.floor_rules.is_empty() {
                        c.category_reason.clone().unwrap_or_default()
                    } else {
                        c.floor_rules.join(", ")
                    }
                )?;
            }
        }
        for (file, problem) in &problems {
            errln!("{file}: {problem}");
        }
    }
    Ok(if problems.is_empty() {
        exit::OK
    } else {
        exit::CHECK_FAILED
    })
}

struct RescreenArgs<'a> {
    input: Option<&'a str>,
    from: Option<&'a str>,
    to: &'a str,
    stored: bool,
    format: Option<&'a str>,
    as_of: Option<NaiveDate>,
    threads: Option<usize>,
}

fn usage(message: String) -> Failure {
    Failure {
        code: exit::USAGE_OR_IO,
        kind: "usage",
        message,
        details: json!(null),
    }
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
    let files = s
        .policy_set_files(name)
        .await
        .map_err(|e| db_failure(&e))?
        .ok_or_else(|| {
            usage(format!(
                "no policy set `{name}` in the database `{}` (a set is kept once it decided something)",
                imvo_service::store::redact(&cli.database)
            ))
        })?;
    let set = PolicySet::from_files(files, imvo_service::api::limits()).map_err(
        |LoadErrors(errors)| Failure {
            code: exit::POLICIES,
            kind: "policies",
            message: format!(
                "the stored policy set `{name}` does not load:\n  {}",
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ),
            details: json!(null),
        },
    )?;
    if set.hash() != name {
        return Err(Failure {
            code: exit::POLICIES,
            kind: "policies",
            message: format!(
                "the stored policy set `{name}` loads with another hash, {}",
                set.hash()
            ),
            details: json!(null),
        });
    }
    Ok(set)
}

fn rescreen(cli: &Cli, args: &RescreenArgs<'_>) -> Result<u8, Failure> {
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
            let r = imvo_service::rescreen::impact_stored(&s, &to, args.as_of, threads)
                .await
                .map_err(|e| match e {
                    imvo_service::rescreen::ImpactError::Store(e) => db_failure(&e),
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
            let r = imvo_service::rescreen::impact(&from_set, &to, items, Some(as_of), threads)
                .map_err(|e| match e {
                    imvo_service::rescreen::ImpactError::Read(e) => {
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
            outln!(
                "as of {as_of_text}: {}",
                report.render(&from_name, &format!("{} ({})", args.to, to.hash()))
            )?;
        }
        Ok(if report.rejected.is_empty() {
            exit::OK
        } else {
            exit::CHECK_FAILED
        })
    })
}

struct BatchArgs<'a> {
    input: &'a str,
    out: &'a str,
    errors: Option<&'a Path>,
    as_of: Option<NaiveDate>,
    in_format: Option<&'a str>,
    format: Option<&'a str>,
    threads: Option<usize>,
    floor: bool,
}

fn batch(cli: &Cli, args: &BatchArgs<'_>) -> Result<u8, Failure> {
    let &BatchArgs {
        input,
        out,
        errors,
        as_of,
        in_format,
        format,
        threads,
        floor,
    } = args;
    use imvo_service::batch::{Options, OutFormat, Sinks};
    use imvo_service::input::Format;
    use std::io::{BufWriter, IsTerminal};
    let format = match format {
        Some("jsonl") => OutFormat::JsonLines,
        Some("csv") => OutFormat::Csv,
        Some(other) => {
            return Err(Failure {
                code: exit::USAGE_OR_IO,
                kind: "usage",
                message: format!("`--out-format {other}`: expected jsonl or csv"),
                details: json!(null),
            });
        }
        None if Path::new(out)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
        {
            OutFormat::Csv
        }
        None => OutFormat::JsonLines,
    };
    // Writing over the input (or the decisions and the errors into one file) would destroy what
    // is being read: refuse before anything is opened for writing.
    let mut targets: Vec<(&str, &Path)> = Vec::new();
    if out != "-" {
        targets.push(("--out", Path::new(out)));
    }
    let errors_to_stdout = errors.is_some_and(|p| p == Path::new("-"));
    if errors_to_stdout && out == "-" {
        return Err(usage(
            "`--out -` and `--errors -` both name stdout: decisions and errors need a stream each"
                .into(),
        ));
    }
    if let Some(p) = errors.filter(|_| !errors_to_stdout) {
        targets.push(("--errors", p));
    }
    // Stdin redirected from a file is that file (`/dev/stdin` resolves to it on Linux).
    let input_path = if input == "-" {
        Path::new("/dev/stdin")
    } else {
        Path::new(input)
    };
    for (i, (flag, path)) in targets.iter().enumerate() {
        if same_file(input_path, path) {
            return Err(usage(format!(
                "`{flag} {}` is the input file: the batch would write over what it reads; name another file",
                path.display()
            )));
        }
        if let Some((other, _)) = targets.iter().skip(i + 1).find(|(_, q)| same_file(path, q)) {
            return Err(usage(format!(
                "`{flag}` and `{other}` name the same file `{}`: decisions and errors need a file each",
                path.display()
            )));
        }
    }
    let set = load(&cli.policies)?;
    // A header that does not fit the contract, or a file in another encoding, stops the batch
    // before anything is screened or written.
    let (in_format, items) = open_input(input, in_format)?;
    // An empty input stops here, before an existing output file is emptied.
    let mut items = items.peekable();
    if items.peek().is_none() {
        return Err(no_applications(input));
    }
    // A broken pipe on the decisions' stream stops the batch (below); the rejected lines' stream
    // may close and the batch goes on.
    let mut out_w: Box<dyn Write> = if out == "-" {
        Box::new(BufWriter::new(std::io::stdout()))
    } else {
        let f = std::fs::File::create(out)
            .map_err(|e| Failure::io(format!("cannot write `{out}`: {e}")))?;
        Box::new(BufWriter::with_capacity(1 << 20, f))
    };
    let mut err_w: Option<Box<dyn Write>> = match errors {
        None => None,
        Some(_) if errors_to_stdout => Some(Box::new(BufWriter::new(UntilClosed::new(
            std::io::stdout(),
        )))),
        Some(p) => Some(Box::new(BufWriter::new(UntilClosed::new(
            std::fs::File::create(p)
                .map_err(|e| Failure::io(format!("cannot write `{}`: {e}", p.display())))?,
        )))),
    };
    // A progress bar with rate and time left on a terminal; nothing when piped.
    // The total for the bar: the file's lines counted in a first pass of 1 MiB reads (memory
    // stays flat), less the CSV header.
    let total = if input != "-" && std::io::stderr().is_terminal() {
        count_lines(input).map(|n| {
            if in_format == Format::Csv {
                n.saturating_sub(1)
            } else {
                n
            }
        })
    } else {
        None
    };
    let bar = if std::io::stderr().is_terminal() && !cli.json {
        let b = indicatif::ProgressBar::new(total.unwrap_or(0));
        let style = if total.is_some() {
            "{bar:40} {pos}/{len} lines, {per_sec}, {eta} left"
        } else {
            "{spinner} {pos} lines, {per_sec}"
        };
        if let Ok(s) = indicatif::ProgressStyle::with_template(style) {
            b.set_style(s);
        }
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    // Without `--errors` the rejected lines go to stderr (between redraws of the bar): a bad
    // line is never reported only as a count.
    if err_w.is_none() {
        err_w = Some(Box::new(std::io::LineWriter::new(UntilClosed::new(
            BarWriter(bar.clone()),
        ))));
    }
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get));
    let mut progress = |n: u64| bar.set_position(n);
    let summary = match imvo_service::batch::run(
        &set,
        items,
        Options {
            as_of,
            threads,
            format,
            floor,
        },
        Sinks {
            out: &mut out_w,
            errors: err_w.as_mut().map(|w| w as &mut dyn Write),
            progress: &mut progress,
        },
    ) {
        Ok(summary) => summary,
        // The reader of the decisions went away (`--out - | head`): stop quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            bar.finish_and_clear();
            STDOUT_GONE.store(true, std::sync::atomic::Ordering::Relaxed);
            return Ok(exit::OK);
        }
        Err(e) => {
            bar.finish_and_clear();
            return Err(Failure::io(format!("batch: {e}")));
        }
    };
    bar.finish_and_clear();
    if cli.json {
        errln!("{}", json!({"summary": summary}));
    } else {
        errln!("{}", summary.render());
    }
    if summary.lines == 0 {
        return Err(no_applications(input));
    }
    Ok(if summary.rejected > 0 {
        exit::CHECK_FAILED
    } else {
        exit::OK
    })
}

/// Opens a portfolio (`-` for stdin) in `format` (`jsonl` or `csv`; by default from the name):
/// the format and its items. An encoding or a CSV header the reader cannot take is refused
/// here, before anything is screened.
fn open_input(
    input: &str,
    format: Option<&str>,
) -> Result<
    (
        imvo_service::input::Format,
        imvo_service::input::Items<Box<dyn std::io::BufRead + Send>>,
    ),
    Failure,
> {
    use imvo_service::input::Format;
    let format = match format {
        Some(n) => Format::from_name(n)
            .ok_or_else(|| usage(format!("`--format {n}`: expected jsonl or csv")))?,
        None => Format::from_path(input),
    };
    let reader: Box<dyn std::io::BufRead + Send> = if input == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(input)
            .map_err(|e| Failure::io(format!("cannot read `{input}`: {e}")))?;
        // A directory opens, and fails only at the first read: say what it is.
        if f.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(Failure::io(format!(
                "cannot read `{input}`: it is a directory; expected a JSON Lines or CSV file, or `-` for stdin"
            )));
        }
        Box::new(std::io::BufReader::with_capacity(1 << 20, f))
    };
    let items = imvo_service::input::open(format, reader).map_err(|e| {
        if e.unreadable {
            Failure::io(format!("`{input}`: {e}"))
        } else {
            Failure {
                code: exit::INVALID_INPUT,
                kind: "invalid_input",
                message: format!("`{input}`: {e}"),
                details: json!(e.columns),
            }
        }
    })?;
    Ok((format, items))
}

fn no_applications(input: &str) -> Failure {
    Failure {
        code: exit::INVALID_INPUT,
        kind: "invalid_input",
        message: format!("`{input}` holds no applications"),
        details: json!(null),
    }
}

/// Writes to stderr without tearing the progress bar.
struct BarWriter(indicatif::ProgressBar);

impl Write for BarWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.suspend(|| std::io::stderr().write_all(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Whether two paths name the same regular file; the second need not exist yet. Devices,
/// pipes and terminals (`/dev/null`, a shared terminal) are never "the same file".
fn same_file(a: &Path, b: &Path) -> bool {
    fn resolve(p: &Path) -> Option<PathBuf> {
        if let Ok(c) = std::fs::canonicalize(p) {
            return Some(c);
        }
        let parent = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Some(std::fs::canonicalize(parent).ok()?.join(p.file_name()?))
    }
    let special = |p: &Path| std::fs::metadata(p).is_ok_and(|m| !m.is_file());
    if special(a) || special(b) {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b))
            && x.dev() == y.dev()
            && x.ino() == y.ino()
        {
            return true;
        }
    }
    matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

/// Newlines in a file, read in 1 MiB blocks.
fn count_lines(path: &str) -> Option<u64> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let got = f.read(&mut buf).ok()?;
        if got == 0 {
            return Some(n);
        }
        n += buf.iter().take(got).filter(|&&c| c == b'\n').count() as u64;
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

fn db_failure(e: &imvo_service::store::StoreError) -> Failure {
    Failure {
        code: exit::USAGE_OR_IO,
        kind: "database",
        message: e.to_string(),
        details: json!(null),
    }
}

fn serve(
    cli: &Cli,
    listen: std::net::SocketAddr,
    settings: imvo_service::api::Settings,
) -> Result<u8, Failure> {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("IMVO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let set = load(&cli.policies)?;
    runtime()?.block_on(async {
        let store = open_store(&cli.database).await?;
        imvo_service::serve::serve(
            listen,
            store,
            set,
            settings,
            imvo_service::serve::shutdown_signal(),
        )
        .await
        .map_err(|e| Failure::io(format!("the service stopped: {e}")))?;
        Ok(exit::OK)
    })
}

fn keys(cli: &Cli, command: &KeysCommand) -> Result<u8, Failure> {
    use imvo_service::auth::Role;
    local_runtime()?.block_on(async {
        let store = open_store(&cli.database).await?;
        match command {
            KeysCommand::Create { roles } => {
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
                let (id, key) = imvo_service::auth::create_key(&store, &parsed).await.map_err(|e| db_failure(&e))?;
                // The key alone on stdout, so `KEY=$(imvo keys create --role analyst)` works;
                // what it is, on stderr.
                outln!("{key}")?;
                errln!(
                    "created key {id} with role(s) {}; it is shown only this once",
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
                            "{}  {:<28} created {}{}",
                            k.id,
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

fn audit(cli: &Cli, command: &AuditCommand) -> Result<u8, Failure> {
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

fn input_failure(file: &str, e: &InputError) -> Failure {
    let (message, details) = match e {
        InputError::Syntax {
            line,
            column,
            message,
        } => (
            format!("`{file}` is not valid JSON: line {line}, column {column}: {message}"),
            json!({"line": line, "column": column}),
        ),
        InputError::Invalid(errors) => (
            format!(
                "`{file}` is not a valid application ({} problem{}):\n  {}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ),
            json!(errors),
        ),
    };
    Failure {
        code: exit::INVALID_INPUT,
        kind: "invalid_input",
        message,
        details,
    }
}

fn list(set: &PolicySet, as_json: bool) -> Result<u8, Failure> {
    if as_json {
        let packs: Vec<_> = set
            .packs()
            .iter()
            .map(|p| json!({"id": p.manifest.id, "version": p.manifest.version, "title": p.manifest.title, "instruments": p.manifest.instruments, "effective_from": p.manifest.effective_from, "effective_to": p.manifest.effective_to, "rules": p.rules.len(), "hash": p.hash}))
            .collect();
        outln!("{}", json!({"policy_set": set.hash(), "packs": packs}))?;
        return Ok(exit::OK);
    }
    outln!("policy set {}", set.hash())?;
    outln!(
        "{:<32} {:<10} {:<32} {:<10} {:<10} {:>5}  hash",
        "pack",
        "version",
        "instruments",
        "from",
        "to",
        "rules"
    )?;
    for p in set.packs() {
        let m = &p.manifest;
        let inst: Vec<&str> = m.instruments.iter().map(|i| i.as_str()).collect();
        let to = m.effective_to.map_or("-".to_owned(), |d| d.to_string());
        outln!(
            "{:<32} {:<10} {:<32} {:<10} {:<10} {:>5}  {}",
            m.id,
            m.version,
            inst.join(","),
            m.effective_from,
            to,
            p.rules.len(),
            p.hash.get(..19).unwrap_or(&p.hash)
        )?;
    }
    for t in set.tables().values() {
        outln!(
            "table {:<26} {:<10} {}",
            t.name,
            t.version,
            t.hash.get(..19).unwrap_or(&t.hash)
        )?;
    }
    if let Some(r) = set.rates() {
        outln!(
            "table {:<26} {:<10} {}",
            "sdr-rates",
            r.version,
            r.hash.get(..19).unwrap_or(&r.hash)
        )?;
    }
    Ok(exit::OK)
}

fn show(set: &PolicySet, which: &str, as_json: bool) -> Result<u8, Failure> {
    let (id, version) = match which.split_once('@') {
        Some((i, v)) => (i, Some(v)),
        None => (which, None),
    };
    let mut matches: Vec<_> = set
        .packs()
        .iter()
        .filter(|p| p.manifest.id == id && version.is_none_or(|v| v == p.manifest.version))
        .collect();
    let Some(pack) = matches.pop() else {
        let known: Vec<String> = set
            .packs()
            .iter()
            .map(|p| format!("{}@{}", p.manifest.id, p.manifest.version))
            .collect();
        return Err(Failure {
            code: exit::USAGE_OR_IO,
            kind: "usage",
            message: format!("no pack `{which}` (known: {})", known.join(", ")),
            details: json!(known),
        });
    };
    let m = &pack.manifest;
    if as_json {
        outln!(
            "{}",
            json!({"manifest": m, "hash": pack.hash, "rules": pack.rules, "params": pack.params})
        )?;
        return Ok(exit::OK);
    }
    outln!("{} {}: {}", m.id, m.version, m.title)?;
    let inst: Vec<&str> = m.instruments.iter().map(|i| i.as_str()).collect();
    outln!(
        "instruments {}; in force from {}{}; hash {}",
        inst.join(", "),
        m.effective_from,
        m.effective_to
            .map(|d| format!(" until {d} (exclusive)"))
            .unwrap_or_default(),
        pack.hash
    )?;
    outln!("\nSources")?;
    for s in &m.sources {
        outln!(
            "  {:<18} {}{}",
            s.id,
            s.document,
            s.reference
                .as_deref()
                .map(|r| format!(" [{r}]"))
                .unwrap_or_default()
        )?;
    }
    outln!("\nRules")?;
    outln!(
        "  {:<11} {:<18} {:<9} {:<10} title / source",
        "id",
        "phase",
        "evidence",
        "verified"
    )?;
    for r in &pack.rules {
        outln!(
            "  {:<11} {:<18} {:<9} {:<10} {}{}",
            r.id,
            r.phase_names(),
            r.evidence_level,
            if r.verified { "yes" } else { "no" },
            r.title,
            if r.data_unavailable {
                " [data unavailable]"
            } else {
                ""
            }
        )?;
        outln!(
            "  {:<51} {}{}",
            "",
            r.document,
            r.section
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default()
        )?;
        if !r.note.is_empty() {
            outln!("  {:<51} note: {}", "", r.note)?;
        }
    }
    if !pack.params.is_empty() {
        outln!("\nParameters")?;
        for p in pack.params.values() {
            let value = match &p.value {
                imvo_engine::policy::ParamValue::Decimal(d) => d.to_string(),
                imvo_engine::policy::ParamValue::Int(i) => i.to_string(),
                imvo_engine::policy::ParamValue::Money(m) => format!("{} {}", m.amount, m.currency),
                imvo_engine::policy::ParamValue::Date(d) => d.to_string(),
            };
            let cmp = p.comparator.map(|c| c.as_str()).unwrap_or("");
            outln!(
                "  {:<32} {:>2} {:<14} {:<14} [{}, {}] {}",
                p.name,
                cmp,
                value,
                p.unit,
                p.evidence_level,
                if p.verified { "verified" } else { "unverified" },
                p.note
            )?;
        }
    }
    Ok(exit::OK)
}
