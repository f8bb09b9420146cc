//! Screening many applications. This file holds [`ordered`], the one ordered parallel pipeline
//! (one reader thread cuts the input into chunks; worker threads handle each chunk; the caller's
//! thread takes the results back in input order; the channels between them are bounded, so at
//! most a few chunks per worker are in memory at once), and `imvo batch` on it ([`run`]): a
//! portfolio (JSON Lines or CSV, read by [`input`]) screened streamed, on every core, results
//! written in input order, bad lines reported with their line number and field paths without
//! stopping the batch.

//!
//! Beside it: [`input`] (the readers), [`rescreen`] (the impact of a policy change, on a
//! portfolio or on the stored screenings) and [`workers`] (the stored batches of the service).

pub mod input;
pub mod rescreen;
pub mod workers;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use imvo_engine::messages::{Arg, Lang};
use imvo_engine::render::t;
use imvo_engine::{Application, Decision, InputError, PolicySet, screen};
use serde::Serialize;
use serde_json::json;

use self::input::Item;

/// Lines per chunk handed to a worker.
pub const CHUNK: usize = 256;

/// The most worker threads a batch (or a re-screening) runs on. Screening is CPU-bound, so
/// threads beyond the cores gain nothing, while each one costs a stack and keeps two chunks of
/// up to [`CHUNK`] applications in flight (up to 256 KiB each): 256 is more than the cores of
/// any machine this runs on, and keeps a slip (`--threads 100000`) from running into the
/// process's thread limit or memory. `imvo batch --threads` and `imvo rescreen --threads` refuse
/// more; [`run`] and [`crate::batch::rescreen::impact`] use at most this many.
pub const MAX_THREADS: usize = 256;

/// What came of one input line.
#[derive(Debug)]
pub enum LineResult {
    /// Screened.
    Decided(Box<Decision>),
    /// Not a valid application.
    Rejected(InputError),
    /// Read and written back without screening (the I/O floor).
    Echoed,
}

/// Counts for the summary.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    /// Lines read (blank lines skipped).
    pub lines: u64,
    /// Screened.
    pub decided: u64,
    /// Rejected lines.
    pub rejected: u64,
    /// Decisions by outcome.
    pub by_outcome: BTreeMap<String, u64>,
    /// Decisions by category (`none` for no category).
    pub by_category: BTreeMap<String, u64>,
    /// Decisions of trade missions by risk level.
    pub by_risk_level: BTreeMap<String, u64>,
    /// Decisions with an evaluation error.
    pub with_errors: u64,
    /// Seconds taken.
    pub seconds: f64,
}

impl Summary {
    fn add(&mut self, r: &LineResult) {
        self.lines += 1;
        match r {
            LineResult::Decided(d) => {
                self.decided += 1;
                *self
                    .by_outcome
                    .entry(d.outcome.as_str().to_owned())
                    .or_default() += 1;
                *self
                    .by_category
                    .entry(d.category.map_or("none", |c| c.as_str()).to_owned())
                    .or_default() += 1;
                if let Some(r) = d.risk_level {
                    *self.by_risk_level.entry(r.as_str().to_owned()).or_default() += 1;
                }
                if !d.errors.is_empty() {
                    self.with_errors += 1;
                }
            }
            LineResult::Rejected(_) => self.rejected += 1,
            LineResult::Echoed => self.decided += 1,
        }
    }

    /// The summary as text.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let list = |m: &BTreeMap<String, u64>| {
            Arg::Text(
                m.iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        let rate = if self.seconds > 0.0 {
            self.lines as f64 / self.seconds
        } else {
            0.0
        };
        let n = |x: u64| Arg::Int(i64::try_from(x).unwrap_or(i64::MAX));
        let mut s = t(
            lang,
            "report-batch-summary",
            &[
                ("lines", n(self.lines)),
                ("seconds", Arg::Text(format!("{:.1}", self.seconds))),
                ("rate", Arg::Text(format!("{rate:.0}"))),
                ("screened", n(self.decided)),
                ("rejected", n(self.rejected)),
            ],
        );
        let mut line = |id: &str, arg: (&str, Arg)| {
            s.push_str("\n  ");
            s.push_str(&t(lang, id, &[arg]));
        };
        line("report-batch-outcomes", ("list", list(&self.by_outcome)));
        line("report-batch-categories", ("list", list(&self.by_category)));
        if !self.by_risk_level.is_empty() {
            line("report-batch-risk", ("list", list(&self.by_risk_level)));
        }
        line("report-batch-errors", ("count", n(self.with_errors)));
        s
    }
}

/// Output format of the decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    /// `{"line": N, "decision": {...}}` per line.
    JsonLines,
    /// The main columns.
    Csv,
}

/// The CSV header of [`OutFormat::Csv`].
pub const CSV_HEADER: &str = "line,reference,instrument,outcome,category,category_reason,risk_level,rules,required_steps,missing,errors,category_status,indicative_category";

/// One CSV cell. A cell a spreadsheet would read as a formula (one that begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return, as OWASP lists them) gets a leading `'`, which the
/// spreadsheet shows as text; a reader recovers the value by stripping that one quote.
/// (Also the participant list's download.)
#[must_use]
pub fn csv_field(s: &str) -> String {
    let neutral;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutral = format!("'{s}");
        neutral.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// One decision as a row under [`CSV_HEADER`].
#[must_use]
pub fn csv_row(line: u64, d: &Decision) -> String {
    let mut rules: Vec<&str> = d.findings.iter().map(|f| &*f.rule_id).collect();
    rules.dedup();
    let steps: Vec<&str> = d
        .required_steps
        .iter()
        .filter(|s| !s.provided)
        .map(|s| s.step.as_str())
        .collect();
    let missing: Vec<&str> = d.missing.iter().map(|m| m.path.as_str()).collect();
    let cols = [
        line.to_string(),
        d.reference.clone(),
        d.instrument.as_str().to_owned(),
        d.outcome.as_str().to_owned(),
        d.category.map_or(String::new(), |c| c.as_str().to_owned()),
        d.category_reason.clone().unwrap_or_default(),
        d.risk_level
            .map_or(String::new(), |r| r.as_str().to_owned()),
        rules.join(";"),
        steps.join(";"),
        missing.join(";"),
        d.errors.len().to_string(),
        d.category_status.as_str().to_owned(),
        d.indicative
            .as_ref()
            .and_then(|i| i.category)
            .map_or(String::new(), |c| c.as_str().to_owned()),
    ];
    cols.iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",")
}

/// A found value as the error file shows it: at most 200 characters, then how long it was.
fn shorten(found: &str) -> String {
    match found.char_indices().nth(200) {
        Some((cut, _)) => format!(
            "{}... ({} bytes in all)",
            found.get(..cut).unwrap_or_default(),
            found.len()
        ),
        None => found.to_owned(),
    }
}

/// A rejected line as the JSON Lines of the error file.
pub fn rejection_json(line: u64, e: &InputError) -> String {
    rejection_value(line, e).to_string()
}

/// A rejected line: its number, the kind of problem and every bad field.
pub fn rejection_value(line: u64, e: &InputError) -> serde_json::Value {
    match e {
        InputError::Syntax {
            line: l,
            column,
            message,
        } => json!({
            "line": line, "error": "malformed_json",
            "detail": format!("malformed JSON at line {line}, column {column}{}: {message}", if *l > 1 { format!(" (row {l} of the value)") } else { String::new() })
        }),
        InputError::Invalid(errors) => json!({
            "line": line, "error": "invalid_application",
            "errors": errors.iter().map(|f| match &f.found {
                Some(found) => json!({"path": f.path, "expected": f.expected, "found": shorten(found)}),
                None => json!({"path": f.path, "expected": f.expected}),
            }).collect::<Vec<_>>()
        }),
    }
}

/// The input could not be read on; with the number of items handled before (the error
/// [`ordered`] returns then, inside an `io::Error`).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReadFailed(pub std::io::Error, pub u64);

impl From<ReadFailed> for std::io::Error {
    fn from(e: ReadFailed) -> std::io::Error {
        std::io::Error::new(e.0.kind(), e)
    }
}

/// How a batch runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Screening date (default: each application's date).
    pub as_of: Option<NaiveDate>,
    /// Worker threads.
    pub threads: usize,
    /// Output format.
    pub format: OutFormat,
    /// Only parse each application and write it back, without screening: the I/O floor.
    pub floor: bool,
}

/// Where the batch writes and how it reports progress.
pub struct Sinks<'a> {
    /// Decisions.
    pub out: &'a mut dyn Write,
    /// Rejected lines (JSON Lines), if wanted.
    pub errors: Option<&'a mut dyn Write>,
    /// Called with (lines done) now and then.
    pub progress: &'a mut dyn FnMut(u64),
}

/// Starts a thread in `scope`: an error, not a panic, when the system refuses one (the
/// process's thread limit, memory for the stack).
pub(crate) fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: String,
    f: impl FnOnce() -> T + Send + 'scope,
) -> std::io::Result<std::thread::ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new()
        .name(name)
        .spawn_scoped(scope, f)
}

/// Why screening thread `n` (0-based) of `threads` did not start.
pub(crate) fn thread_failed(e: &std::io::Error, n: usize, threads: usize) -> std::io::Error {
    std::io::Error::new(
        e.kind(),
        format!(
            "cannot start screening thread {} of {threads}: {e}; the system refuses more threads (use fewer threads, or raise the limit on threads or memory)",
            n + 1
        ),
    )
}

/// One input line's result, with its output line (rendered here, on the worker: serialising
/// a decision costs more than writing it, and the writer is one thread).
fn screen_item(
    set: &PolicySet,
    Item { line: n, json }: Item,
    as_of: Option<NaiveDate>,
    floor: bool,
    format: OutFormat,
) -> (u64, LineResult, String) {
    match json.and_then(|t| Application::parse(&t)) {
        Ok(app) if floor => {
            let text = format!("{{\"line\":{n},\"application\":{}}}", app.canonical_json());
            (n, LineResult::Echoed, text)
        }
        Ok(app) => {
            let d = screen(set, &app, as_of.unwrap_or(app.application_date));
            let text = match format {
                OutFormat::JsonLines => decision_line(n, &d),
                OutFormat::Csv => csv_row(n, &d),
            };
            (n, LineResult::Decided(Box::new(d)), text)
        }
        Err(e) => {
            let text = rejection_json(n, &e);
            (n, LineResult::Rejected(e), text)
        }
    }
}

/// A decision's output line, `{"line":n,"decision":{...}}`: serialised once, straight into a
/// buffer the size of a typical decision (no intermediate string copied into the line).
fn decision_line(n: u64, d: &Decision) -> String {
    let mut buf = Vec::with_capacity(16 * 1024);
    buf.extend_from_slice(b"{\"line\":");
    buf.extend_from_slice(n.to_string().as_bytes());
    buf.extend_from_slice(b",\"decision\":");
    let start = buf.len();
    // Serialising a decision cannot fail (string keys, no non-finite floats); were it to, the
    // line would carry an empty decision, as it did before.
    if imvo_engine::json::compact::to_writer(&mut buf, d).is_err() {
        buf.truncate(start);
    }
    buf.push(b'}');
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The reader thread: cuts `input` into numbered chunks of [`CHUNK`] items. On a read error
/// the items read before it are still sent (and handled).
fn read_chunks<T>(
    input: impl Iterator<Item = std::io::Result<T>>,
    chunk_tx: &mpsc::SyncSender<(usize, Vec<T>)>,
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(CHUNK);
    let mut index = 0usize;
    for item in input {
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                if !buf.is_empty() {
                    let _ = chunk_tx.send((index, buf));
                }
                return Err(e);
            }
        };
        buf.push(item);
        if buf.len() == CHUNK {
            if chunk_tx.send((index, std::mem::take(&mut buf))).is_err() {
                return Ok(());
            }
            index += 1;
        }
    }
    if !buf.is_empty() {
        let _ = chunk_tx.send((index, buf));
    }
    Ok(())
}

/// The one ordered parallel pipeline for screening many (`imvo batch`, and `imvo rescreen` on a
/// portfolio or on the stored screenings): a reader thread cuts `input` into chunks of
/// [`CHUNK`] items, `threads` workers apply `work` to each item, and `sink` gets the results on
/// the caller's thread in input order. The channels between them are bounded, so at most a few
/// chunks per worker are in memory at once, whatever the input's size. Returns the number of
/// items sunk.
///
/// # Errors
/// A thread could not be started or panicked; `sink` failed; or the input could not be read on,
/// which is a [`ReadFailed`] (with the items sunk before it) inside the `io::Error`, after the
/// items read before the failure were sunk.
pub fn ordered<T: Send, R: Send>(
    input: impl Iterator<Item = std::io::Result<T>> + Send,
    threads: usize,
    name: &str,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(R) -> std::io::Result<()>,
) -> std::io::Result<u64> {
    let threads = threads.clamp(1, MAX_THREADS);
    let work = &work;
    std::thread::scope(|scope| -> std::io::Result<u64> {
        let (chunk_tx, chunk_rx) = mpsc::sync_channel::<(usize, Vec<T>)>(threads * 2);
        let chunk_rx = std::sync::Arc::new(std::sync::Mutex::new(chunk_rx));
        // A chunk's results, or `None` where its work panicked.
        let (done_tx, done_rx) = mpsc::sync_channel::<(usize, Option<Vec<R>>)>(threads * 2);
        // The workers first, then the reader: if a thread cannot be started, the channel's
        // sender is dropped with this closure and the workers started so far end at once.
        for n in 0..threads {
            let rx = std::sync::Arc::clone(&chunk_rx);
            let tx = done_tx.clone();
            let worker = move || {
                loop {
                    let next = rx.lock().ok().and_then(|r| r.recv().ok());
                    let Some((index, items)) = next else { break };
                    // A panic is reported as its chunk's result, so the caller stops at once
                    // instead of waiting for a chunk that will never come.
                    let results = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        items.into_iter().map(work).collect()
                    }))
                    .ok();
                    let panicked = results.is_none();
                    if tx.send((index, results)).is_err() || panicked {
                        break;
                    }
                }
            };
            spawn(scope, format!("{name}-{n}"), worker)
                .map_err(|e| thread_failed(&e, n, threads))?;
        }
        drop(done_tx);
        // Only the workers hold the chunks' receiver now: when they have all ended, the reader's
        // next send fails and it ends too, whatever the reason the workers ended.
        drop(chunk_rx);
        let read = move || read_chunks(input, &chunk_tx);
        let reader = spawn(scope, format!("{name}-reader"), read).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot start the thread that reads the input: {e}"),
            )
        })?;
        // Put chunks back in order; at most the chunks in flight wait here.
        let mut pending: HashMap<usize, Vec<R>> = HashMap::new();
        let (mut next, mut sunk) = (0usize, 0u64);
        for (index, results) in done_rx {
            let Some(results) = results else {
                return Err(std::io::Error::other(format!(
                    "a screening thread failed unexpectedly on the items from number {} on; nothing after item {sunk} was written",
                    index * CHUNK + 1
                )));
            };
            pending.insert(index, results);
            while let Some(results) = pending.remove(&next) {
                for r in results {
                    sink(r)?;
                    sunk += 1;
                }
                next += 1;
            }
        }
        reader
            .join()
            .map_err(|_| std::io::Error::other("the reader thread panicked"))?
            .map_err(|e| ReadFailed(e, sunk))?;
        if !pending.is_empty() {
            return Err(std::io::Error::other(format!(
                "the screening threads ended before every item was screened; nothing after item {sunk} was written"
            )));
        }
        Ok(sunk)
    })
}

/// Screens every item of `input` (from [`crate::batch::input::open`]) and writes results in input
/// order.
///
/// # Errors
/// Reading the input or writing the output failed, or a thread could not be started (a bad line
/// is not an error).
pub fn run(
    set: &PolicySet,
    input: impl Iterator<Item = std::io::Result<Item>> + Send,
    options: Options,
    sinks: Sinks<'_>,
) -> std::io::Result<Summary> {
    let Options {
        as_of,
        threads,
        format,
        floor,
    } = options;
    let start = Instant::now();
    let threads = threads.clamp(1, MAX_THREADS);
    let Sinks {
        out,
        mut errors,
        progress,
    } = sinks;
    let mut summary = Summary::default();
    if format == OutFormat::Csv && !floor {
        writeln!(out, "{CSV_HEADER}")?;
    }
    let mut last_report = Instant::now();
    let result = ordered(
        input,
        threads,
        "imvo-batch",
        |item| screen_item(set, item, as_of, floor, format),
        |(_, r, text)| {
            summary.add(&r);
            match r {
                LineResult::Rejected(_) => {
                    if let Some(w) = errors.as_mut() {
                        writeln!(w, "{text}")?;
                    }
                }
                _ => writeln!(out, "{text}")?,
            }
            if last_report.elapsed() > Duration::from_millis(200) {
                progress(summary.lines);
                last_report = Instant::now();
            }
            Ok(())
        },
    );
    progress(summary.lines);
    if let Err(e) = result {
        // Whatever was screened before the input broke off is written, and the message says
        // how far the batch got.
        out.flush()?;
        if let Some(w) = errors.as_mut() {
            w.flush()?;
        }
        return Err(
            match e.get_ref().and_then(|i| i.downcast_ref::<ReadFailed>()) {
                Some(ReadFailed(inner, lines)) => std::io::Error::new(
                    inner.kind(),
                    format!(
                        "{inner}; the {lines} line(s) before it were read, and their decisions and errors written"
                    ),
                ),
                None => e,
            },
        );
    }
    out.flush()?;
    if let Some(w) = errors.as_mut() {
        w.flush()?;
    }
    summary.seconds = start.elapsed().as_secs_f64();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        assert_eq!(super::csv_field("-2-3"), "'-2-3");
        assert_eq!(
            super::csv_field("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(super::csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::csv_field("+A1"), "'+A1");
        assert_eq!(super::csv_field("\tx"), "'\tx");
        assert_eq!(super::csv_field("ADSB-1"), "ADSB-1");
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
    }
}
