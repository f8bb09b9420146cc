//! `imvo batch`: screen a file of applications (JSON Lines or CSV) in parallel, in input
//! order, with a progress bar and a summary.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::error::{Failure, exit, usage};
use super::output::{STDOUT_GONE, UntilClosed};
use super::{Cli, policy_set};
use chrono::NaiveDate;
use serde_json::json;

pub(super) struct BatchArgs<'a> {
    pub(super) input: &'a str,
    pub(super) out: &'a str,
    pub(super) errors: Option<&'a Path>,
    pub(super) as_of: Option<NaiveDate>,
    pub(super) in_format: Option<&'a str>,
    pub(super) format: Option<&'a str>,
    pub(super) threads: Option<usize>,
    pub(super) floor: bool,
}

pub(super) fn batch(cli: &Cli, args: &BatchArgs<'_>) -> Result<u8, Failure> {
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

    use imvo_service::batch::{Options, Sinks};
    use std::io::BufWriter;
    let format = out_format(format, out)?;
    // Writing over the input (or the decisions and the errors into one file) would destroy what
    // is being read: refuse before anything is opened for writing.
    let errors_to_stdout = errors.is_some_and(|p| p == Path::new("-"));
    check_targets(input, out, errors, errors_to_stdout)?;
    let set = policy_set(cli)?;
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
    let bar = progress_bar(cli, input, in_format);
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
        errln!("{}", summary.render(cli.lang));
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
pub(super) fn open_input(
    input: &str,
    format: Option<&str>,
) -> Result<
    (
        imvo_service::batch::input::Format,
        imvo_service::batch::input::Items<Box<dyn std::io::BufRead + Send>>,
    ),
    Failure,
> {
    use imvo_service::batch::input::Format;
    let format = match format {
        Some(n) => Format::from_name(n)
            .ok_or_else(|| usage(format!("`--format {n}`: expected {}", Format::NAMES)))?,
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
    let items = imvo_service::batch::input::open(format, reader).map_err(|e| {
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

pub(super) fn no_applications(input: &str) -> Failure {
    Failure {
        code: exit::INVALID_INPUT,
        kind: "invalid_input",
        message: format!("`{input}` holds no applications"),
        details: json!(null),
    }
}

/// Writes to stderr without tearing the progress bar.
pub(super) struct BarWriter(indicatif::ProgressBar);

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
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
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
pub(super) fn count_lines(path: &str) -> Option<u64> {
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

/// The decisions' format: `--out-format`, or the output file's extension (`.csv`), or JSON Lines.
fn out_format(format: Option<&str>, out: &str) -> Result<imvo_service::batch::OutFormat, Failure> {
    use imvo_service::batch::OutFormat;
    Ok(match format {
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
    })
}

/// Refuses outputs that would write over the input, or decisions and errors into one file,
/// before anything is opened for writing.
fn check_targets(
    input: &str,
    out: &str,
    errors: Option<&Path>,
    errors_to_stdout: bool,
) -> Result<(), Failure> {
    let mut targets: Vec<(&str, &Path)> = Vec::new();
    if out != "-" {
        targets.push(("--out", Path::new(out)));
    }
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
    Ok(())
}

/// A progress bar with rate and time left on a terminal; nothing when piped or with `--json`.
fn progress_bar(
    cli: &Cli,
    input: &str,
    in_format: imvo_service::batch::input::Format,
) -> indicatif::ProgressBar {
    use imvo_service::batch::input::Format;
    use std::io::IsTerminal;
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
    if std::io::stderr().is_terminal() && !cli.json {
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
    }
}
