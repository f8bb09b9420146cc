//! Reading a portfolio: JSON Lines (one application per line) or CSV whose columns are the dotted
//! v1 field paths, for people who keep portfolios in spreadsheets. Both become one JSON
//! application per input line, with the line number, or the reason the line cannot be one; a
//! bad line never stops the reading.
//!
//! CSV rules (docs/application.md, "CSV"): the first row names the columns
//! (`project.capacity.thermal_mw`); an empty cell is unknown; `[]` is a known empty list; list
//! fields hold `;`-separated values; a list of objects has one column per member path
//! (`project.supply_chain.good`, also written `project.supply_chain[].good`), aligned by position.
//! A header that names no field of the contract, names one twice or lacks a required field is an
//! error of the whole file, found before any line is read.

use std::io::{self, BufRead, Read};

use imvo_engine::{FieldError, InputError};

use self::columns::Columns;

mod columns;
#[cfg(test)]
mod tests;

/// Input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON application per line.
    JsonLines,
    /// A header of dotted v1 paths, one application per row.
    Csv,
}

impl Format {
    /// The names [`Format::from_name`] takes, for messages.
    pub const NAMES: &'static str = "jsonl or csv";

    /// From the media type of an upload (parameters such as `; charset=utf-8` ignored).
    #[must_use]
    pub fn from_media_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next().unwrap_or_default();
        match essence.trim().to_ascii_lowercase().as_str() {
            "text/csv" => Some(Format::Csv),
            "application/x-ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
            | "application/jsonlines" => Some(Format::JsonLines),
            _ => None,
        }
    }

    /// `jsonl` (also `ndjson`, `json`) or `csv`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" | "json" => Some(Format::JsonLines),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// From a file name: `.csv` is CSV, anything else JSON Lines.
    #[must_use]
    pub fn from_path(path: &str) -> Format {
        if path.to_ascii_lowercase().ends_with(".csv") {
            Format::Csv
        } else {
            Format::JsonLines
        }
    }

    /// `jsonl` or `csv`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
        }
    }
}

/// One application of the input: its line number (where its row starts) and its JSON text, or
/// why the line is not one.
#[derive(Debug, Clone)]
pub struct Item {
    /// 1-based line number in the input (the CSV header is line 1).
    pub line: u64,
    /// The application as JSON text, or the problem.
    pub json: Result<String, InputError>,
}

/// The input as a whole cannot be read (nothing of it is screened).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct FileError {
    /// What is wrong, in one sentence.
    pub message: String,
    /// The bad columns of a CSV header, each with what was expected.
    pub columns: Vec<FieldError>,
    /// The input could not be read at all (a directory, a device error): a failure of the
    /// system, not of what the input holds.
    pub unreadable: bool,
}

impl FileError {
    fn new(message: impl Into<String>) -> FileError {
        FileError {
            message: message.into(),
            columns: Vec::new(),
            unreadable: false,
        }
    }

    fn unreadable(message: impl Into<String>) -> FileError {
        FileError {
            unreadable: true,
            ..FileError::new(message)
        }
    }
}

/// One application from (field path, value) pairs, read exactly as one CSV row under a header
/// of those paths (an empty value is unknown, `[]` a known empty list, `;` between the values of
/// a list): the workbench's form posts its fields this way, so a form and a spreadsheet row can
/// never mean different things. Gives the JSON text, or every field the contract refuses.
///
/// # Errors
/// The fields that do not fit, each with its path and what the contract expects.
pub fn from_cells(cells: &[(&str, &str)]) -> Result<String, Vec<FieldError>> {
    let header = csv::ByteRecord::from(cells.iter().map(|c| c.0).collect::<Vec<_>>());
    let row = csv::ByteRecord::from(cells.iter().map(|c| c.1).collect::<Vec<_>>());
    let columns = Columns::from_header(&header).map_err(|e| e.columns)?;
    match columns.row(&row) {
        Ok(json) => match imvo_engine::Application::parse(&json) {
            Ok(_) => Ok(json),
            Err(InputError::Invalid(errors)) => Err(errors),
            Err(e) => Err(vec![FieldError {
                path: "$".into(),
                expected: e.to_string(),
                found: None,
            }]),
        },
        Err(InputError::Invalid(errors)) => Err(errors),
        Err(e) => Err(vec![FieldError {
            path: "$".into(),
            expected: e.to_string(),
            found: None,
        }]),
    }
}

/// The longest line (JSON Lines) or row (CSV) read: one application, as for a single screening
/// ([`crate::screening::MAX_APPLICATION_BYTES`], the HTTP body limit too). A longer JSON line is rejected alone; a longer CSV row stops the
/// file (an unclosed quote or a file whose lines end with a bare CR runs to its end).
pub const MAX_LINE: usize = crate::screening::MAX_APPLICATION_BYTES;

/// The input with its first bytes read back in front of it.
pub type Input<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Reads the first bytes (however the reader delivers them), refuses an encoding this reader
/// cannot take, and drops a UTF-8 byte-order mark (spreadsheets write one).
fn check_start<R: BufRead>(mut r: R) -> Result<Input<R>, FileError> {
    let mut head = Vec::with_capacity(4);
    while head.len() < 4 {
        let mut byte = [0u8; 1];
        match r.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => head.extend_from_slice(&byte),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FileError::unreadable(format!("cannot read the input: {e}"))),
        }
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::new(
            "the input is UTF-16 encoded (it starts with a UTF-16 byte-order mark): save it as UTF-8",
        ));
    }
    // Text in UTF-16 (or UTF-32) without a byte-order mark starts with a NUL byte beside the
    // first character; neither JSON nor CSV in UTF-8 ever holds one.
    if head.iter().take(2).any(|&b| b == 0) {
        return Err(FileError::new(
            "the input starts with NUL bytes: it is UTF-16 or UTF-32 text without a byte-order mark, or not text at all; save it as UTF-8",
        ));
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        head.drain(..3);
    }
    Ok(io::Cursor::new(head).chain(r))
}

/// Reads one line (without its `\n`) into `buf`, keeping at most `MAX_LINE + 1` bytes of it;
/// returns the line's full length, or `None` at the end of the input.
fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (part, found) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (avail.get(..i).unwrap_or(avail), true),
            None => (avail, false),
        };
        let room = (MAX_LINE + 1).saturating_sub(buf.len());
        buf.extend_from_slice(part.get(..room.min(part.len())).unwrap_or(part));
        total += part.len();
        let used = part.len() + usize::from(found);
        r.consume(used);
        if found {
            return Ok(Some(total));
        }
    }
}

/// The items of an input, lazily: memory does not grow with the input.
pub struct Items<R: BufRead> {
    inner: Inner<R>,
}

enum Inner<R: BufRead> {
    Json {
        input: Input<R>,
        buf: Vec<u8>,
        n: u64,
    },
    Csv {
        rows: csv::Reader<Counted<Input<R>>>,
        columns: Columns,
        lines: Lines,
        last: u64,
    },
}

/// Where the newlines are, for CSV line numbers: the csv reader's own line count skips blank
/// lines, and a quoted cell may hold newlines, so a row's line is counted from its start byte.
#[derive(Debug, Clone, Default)]
struct Lines(std::sync::Arc<std::sync::Mutex<LineState>>);

#[derive(Debug, Default)]
struct LineState {
    /// Newlines read but not yet passed by a row start (bounded by the read-ahead): where the
    /// line ending starts (a `\r` before the `\n`, or the `\n`) and the `\n`'s offset.
    ahead: std::collections::VecDeque<(u64, u64)>,
    /// Whether the last byte read was `\r`.
    cr: bool,
    /// Where the last row read ended (for the row size limit).
    row_end: u64,
    /// Newlines before the last row start.
    passed: u64,
}

impl Lines {
    /// Notes where the last row read ended.
    fn row_done(&self, end: u64) {
        if let Ok(mut s) = self.0.lock() {
            s.row_end = end;
        }
    }

    /// The 1-based line of a row whose read started at byte `start`. The csv reader gives the
    /// offset before the blank lines it skipped, so line endings right at the start are passed.
    fn line_of(&self, mut start: u64) -> u64 {
        let Ok(mut s) = self.0.lock() else { return 0 };
        while let Some(&(end_start, nl)) = s.ahead.front() {
            if nl < start {
                s.passed += 1;
            } else if end_start <= start {
                s.passed += 1;
                start = nl + 1;
            } else {
                break;
            }
            s.ahead.pop_front();
        }
        s.passed + 1
    }
}

/// A reader that notes where its newlines are.
struct Counted<R> {
    inner: R,
    offset: u64,
    lines: Lines,
}

impl<R: io::Read> io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut s) = self.lines.0.lock() {
            // The csv reader reads ahead 8 KiB at most; a row that runs on beyond the limit
            // (an unclosed quote, or lines ending with a bare CR) stops the file here.
            if self.offset.saturating_sub(s.row_end) > (MAX_LINE + 64 * 1024) as u64 {
                // The row starts after the newlines before the end of the last row read, and
                // after the blank lines that follow it.
                let before = s.ahead.iter().filter(|&&(_, nl)| nl < s.row_end).count() as u64;
                let mut at = s.row_end;
                let mut blank = 0u64;
                for &(end_start, nl) in s.ahead.iter().filter(|&&(_, nl)| nl >= s.row_end) {
                    if end_start != at {
                        break;
                    }
                    blank += 1;
                    at = nl + 1;
                }
                let start = s.passed + before + blank + 1;
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a CSV row runs on past {MAX_LINE} bytes from line {start}: an unclosed quote, or a file whose lines end with a bare CR (save it with LF or CRLF line ends)"
                    ),
                ));
            }
            for (i, b) in buf.iter().take(n).enumerate() {
                let at = self.offset + i as u64;
                if *b == b'\n' {
                    let end_start = if s.cr { at - 1 } else { at };
                    s.ahead.push_back((end_start, at));
                }
                s.cr = *b == b'\r';
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> std::fmt::Debug for Items<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Items")
    }
}

/// Opens `input` in `format`. A CSV header is read and checked now.
///
/// # Errors
/// An encoding other than UTF-8, an empty CSV file, or a CSV header with bad columns.
pub fn open<R: BufRead>(format: Format, input: R) -> Result<Items<R>, FileError> {
    let input = check_start(input)?;
    let inner = match format {
        Format::JsonLines => Inner::Json {
            input,
            buf: Vec::new(),
            n: 0,
        },
        Format::Csv => {
            let lines = Lines::default();
            // Rows end at `\n` only: a `\r` before it is trimmed with the cell, and a bare `\r`
            // inside a cell stays in it (never a second row with the same line number).
            let mut rows = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_reader(Counted {
                    inner: input,
                    offset: 0,
                    lines: lines.clone(),
                });
            let mut header = csv::ByteRecord::new();
            let got = rows.read_byte_record(&mut header).map_err(|e| {
                let message = format!("cannot read the CSV header: {e}");
                // A header that runs on past the row limit is the file's fault; any other
                // read error is the system's.
                match e.kind() {
                    csv::ErrorKind::Io(io) if io.kind() != io::ErrorKind::InvalidData => {
                        FileError::unreadable(message)
                    }
                    _ => FileError::new(message),
                }
            })?;
            if !got {
                return Err(FileError::new(
                    "the CSV input is empty: it needs a header row of v1 field paths",
                ));
            }
            lines.row_done(rows.position().byte());
            // Rows end at `\n`: a file whose lines end with a bare CR (an old Mac format) reads
            // as one long header. Say so instead of listing every cell of the file.
            if header.iter().any(|c| c.trim_ascii_end().contains(&b'\r')) {
                return Err(FileError::new(
                    "the CSV header runs on past a bare CR: the file's lines end with CR only; save it with LF or CRLF line ends",
                ));
            }
            Inner::Csv {
                columns: Columns::from_header(&header)?,
                rows,
                lines,
                last: 1,
            }
        }
    };
    Ok(Items { inner })
}

impl<R: BufRead> Iterator for Items<R> {
    type Item = io::Result<Item>;

    fn next(&mut self) -> Option<io::Result<Item>> {
        match &mut self.inner {
            Inner::Json { input, buf, n } => loop {
                let len = match read_line(input, buf) {
                    Ok(None) => return None,
                    Ok(Some(len)) => len,
                    Err(e) => return Some(Err(e)),
                };
                *n += 1;
                if len > MAX_LINE {
                    return Some(Ok(Item {
                        line: *n,
                        json: Err(InputError::Invalid(vec![FieldError {
                            path: "$".into(),
                            expected: format!(
                                "a line of at most {MAX_LINE} bytes (one application)"
                            ),
                            found: Some(format!("{len} bytes")),
                        }])),
                    }));
                }
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                // A line that is not UTF-8 is rejected alone, with where it breaks.
                let json = String::from_utf8(std::mem::take(buf)).map_err(|e| InputError::Syntax {
                    line: 1,
                    column: e.utf8_error().valid_up_to() + 1,
                    message: "the line is not valid UTF-8".to_owned(),
                });
                return Some(Ok(Item { line: *n, json }));
            },
            Inner::Csv {
                rows,
                columns,
                lines,
                last,
            } => loop {
                let mut rec = csv::ByteRecord::new();
                match rows.read_byte_record(&mut rec) {
                    Ok(false) => return None,
                    Ok(true) => {}
                    Err(e) => {
                        // A CSV syntax error (an unclosed quote runs to the end): report it on
                        // the line where it was found and stop, as nothing after it can be
                        // trusted to start a row.
                        let line = e
                            .position()
                            .map_or(0, |p| lines.line_of(p.byte()))
                            .max(*last + 1);
                        *last = line;
                        return match e.into_kind() {
                            csv::ErrorKind::Io(io) => Some(Err(io)),
                            other => Some(Ok(Item {
                                line,
                                json: Err(InputError::Invalid(vec![FieldError {
                                    path: "$".into(),
                                    expected: "a CSV row".into(),
                                    found: Some(format!("{other:?}")),
                                }])),
                            })),
                        };
                    }
                }
                lines.row_done(rows.position().byte());
                if rec.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                // Line numbers only grow: each row has its own.
                let line = rec
                    .position()
                    .map_or(0, |p| lines.line_of(p.byte()))
                    .max(*last + 1);
                *last = line;
                return Some(Ok(Item {
                    line,
                    json: columns.row(&rec),
                }));
            },
        }
    }
}
