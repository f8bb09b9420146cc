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

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};

use imvo_engine::application::{FieldKind, field_kinds};
use imvo_engine::{FieldError, InputError};
use serde_json::{Map, Value};

/// Input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON application per line.
    JsonLines,
    /// A header of dotted v1 paths, one application per row.
    Csv,
}

impl Format {
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

/// One CSV column: the contract path it fills.
#[derive(Debug, Clone)]
struct Column {
    /// As written in the header.
    name: String,
    /// The contract path split into keys (`project`, `capacity`, `thermal_mw`); for a member of
    /// a list of objects, the keys of the member inside an item.
    keys: Vec<String>,
    kind: FieldKind,
    /// For a member of a list of objects: the list's keys.
    list: Option<Vec<String>>,
    /// A column without a header name (a spreadsheet's trailing comma): must stay empty.
    ignored: bool,
}

/// The checked header.
#[derive(Debug, Clone)]
struct Columns {
    cols: Vec<Column>,
}

/// What a header cell may name: `a.b.c` and `a.b[].c` both map to the contract path.
fn lookup() -> &'static BTreeMap<String, (String, FieldKind)> {
    static MAP: std::sync::OnceLock<BTreeMap<String, (String, FieldKind)>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        field_kinds()
            .iter()
            .map(|(p, k)| (p.replace("[]", ""), (p.clone(), *k)))
            .collect()
    })
}

/// The contract paths a CSV column can name (leaves), for suggestions.
fn leaf_names() -> impl Iterator<Item = &'static str> {
    lookup()
        .iter()
        .filter(|(_, (_, k))| !matches!(k, FieldKind::Section | FieldKind::ObjectList))
        .map(|(name, _)| name.as_str())
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

fn suggestion(name: &str) -> String {
    let best = leaf_names()
        .map(|n| (distance(name, n), n))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, n)) if d <= 3.max(name.len() / 5) => {
            format!("a field path of the v1 contract (did you mean `{n}`?)")
        }
        _ => "a field path of the v1 contract, such as `project.capacity.thermal_mw` (docs/application.md)"
            .to_owned(),
    }
}

impl Columns {
    fn from_header(header: &csv::ByteRecord) -> Result<Columns, FileError> {
        let mut cols = Vec::new();
        let mut problems = Vec::new();
        let mut seen = BTreeMap::new();
        for (i, raw) in header.iter().enumerate() {
            let Ok(name) = std::str::from_utf8(raw) else {
                problems.push(FieldError {
                    path: format!("column {}", i + 1),
                    expected: "a UTF-8 header cell".into(),
                    found: None,
                });
                continue;
            };
            let name = name.trim().to_owned();
            if name.is_empty() {
                cols.push(Column {
                    name: format!("column {} (no header)", i + 1),
                    keys: Vec::new(),
                    kind: FieldKind::Text,
                    list: None,
                    ignored: true,
                });
                continue;
            }
            let plain = name.replace("[]", "");
            let Some((path, kind)) = lookup().get(&plain).cloned() else {
                problems.push(FieldError {
                    path: format!("column {} `{name}`", i + 1),
                    expected: suggestion(&plain),
                    found: None,
                });
                continue;
            };
            if kind == FieldKind::Section {
                problems.push(FieldError {
                    path: format!("column {} `{name}`", i + 1),
                    expected: format!(
                        "a field, not the section `{plain}`: one column per field inside it, such as `{}`",
                        leaf_names()
                            .find(|n| n.starts_with(&format!("{plain}.")))
                            .unwrap_or("project.country")
                    ),
                    found: None,
                });
                continue;
            }
            if let Some(first) = seen.insert(path.clone(), i + 1) {
                problems.push(FieldError {
                    path: format!("column {} `{name}`", i + 1),
                    expected: format!("each field once (column {first} already names `{path}`)"),
                    found: None,
                });
                continue;
            }
            // A column naming a list of objects itself may only say `[]` (known empty).
            let (keys, list) = if kind == FieldKind::ObjectList {
                (
                    Vec::new(),
                    Some(path.split('.').map(str::to_owned).collect()),
                )
            } else {
                match path.split_once("[].") {
                    Some((list, member)) => (
                        member.split('.').map(str::to_owned).collect(),
                        Some(list.split('.').map(str::to_owned).collect()),
                    ),
                    None => (path.split('.').map(str::to_owned).collect(), None),
                }
            };
            cols.push(Column {
                name,
                keys,
                kind,
                list,
                ignored: false,
            });
        }
        for required in ["reference", "instrument", "application_date"] {
            if !seen.contains_key(required) {
                problems.push(FieldError {
                    path: required.into(),
                    expected: format!("a column `{required}` (every application needs it)"),
                    found: None,
                });
            }
        }
        // A spreadsheet saved with `;` between cells (Excel's default in Dutch and other
        // locales) reads as one column: say so rather than list odd names.
        if !problems.is_empty()
            && header.len() == 1
            && let Ok(only) = std::str::from_utf8(&header[0])
            && only.contains(';')
            && only.split(';').any(|n| lookup().contains_key(n.trim()))
        {
            problems.insert(
                0,
                FieldError {
                    path: "column 1".into(),
                    expected: "cells separated by commas: this header holds `;` between field paths, so the file was saved with `;` as its separator; save it as comma-separated CSV (in Excel: CSV UTF-8 (comma delimited))".into(),
                    found: Some(only.chars().take(80).collect()),
                },
            );
        }
        if problems.is_empty() {
            Ok(Columns { cols })
        } else {
            Err(FileError {
                message: format!(
                    "the CSV header does not fit the v1 contract ({} problem{}): {}{}",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" },
                    problems
                        .iter()
                        .take(20)
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                    if problems.len() > 20 {
                        format!("; and {} more", problems.len() - 20)
                    } else {
                        String::new()
                    }
                ),
                columns: problems,
                unreadable: false,
            })
        }
    }

    /// One row as JSON text.
    fn row(&self, rec: &csv::ByteRecord) -> Result<String, InputError> {
        // A quote left open joins the rows after it to this one, up to the next quote: such a
        // row has line breaks inside a cell, usually followed by whole rows.
        let breaks: usize = rec
            .iter()
            .map(|c| c.iter().filter(|&&b| b == b'\n').count())
            .sum();
        // A swallowed row: a line inside the cell with a cell for every column, one of which is
        // an instrument (every row has one), so an address over several lines is not one.
        let open_quote = |cell: &[u8]| {
            let commas = self.cols.len().saturating_sub(1).max(1);
            cell.split(|&b| b == b'\n').skip(1).any(|l| {
                l.iter().filter(|&&b| b == b',').count() >= commas
                    && l.split(|&b| b == b',').any(|c| {
                        let c = c.trim_ascii();
                        let c = c.strip_prefix(b"\"").unwrap_or(c);
                        let c = c.strip_suffix(b"\"").unwrap_or(c);
                        matches!(c, b"export_credit" | b"project_finance" | b"trade_mission")
                    })
            })
        };
        if let Some((col, cell)) = self
            .cols
            .iter()
            .zip(rec.iter())
            .find(|(_, cell)| open_quote(cell))
        {
            return Err(InputError::Invalid(vec![FieldError {
                path: col.name.clone(),
                expected: format!(
                    "a value on one line: the quoted cell runs over {breaks} line break(s) and holds what look like whole rows, so a quote `\"` was left open and the rows after it were read into this cell (they are not screened); close the quote"
                ),
                found: Some(String::from_utf8_lossy(cell).chars().take(120).collect()),
            }]));
        }
        if rec.len() != self.cols.len() {
            let found = if rec.len() < self.cols.len() {
                let missing: Vec<&str> = self
                    .cols
                    .iter()
                    .skip(rec.len())
                    .filter(|c| !c.ignored)
                    .map(|c| c.name.as_str())
                    .collect();
                format!(
                    "{} cells: none for {}",
                    rec.len(),
                    if missing.len() > 5 {
                        format!(
                            "{} and {} more",
                            missing.get(..5).unwrap_or(&[]).join(", "),
                            missing.len() - 5
                        )
                    } else {
                        missing.join(", ")
                    }
                )
            } else {
                format!(
                    "{} cells: {} more than the header has columns",
                    rec.len(),
                    rec.len() - self.cols.len()
                )
            };
            let found = if breaks > 0 {
                format!(
                    "{found}; the row runs over {breaks} line break(s) inside quotes: a quote `\"` left open joins the rows after it to this one (they are not screened)"
                )
            } else {
                found
            };
            return Err(InputError::Invalid(vec![FieldError {
                path: "$".into(),
                expected: format!("{} cells, one per column of the header", self.cols.len()),
                found: Some(found),
            }]));
        }
        let mut root = Map::new();
        let mut errors = Vec::new();
        // Lists of objects: list keys -> member columns with their values.
        let mut lists: BTreeMap<Vec<String>, Vec<(&Column, Vec<String>)>> = BTreeMap::new();
        for (col, raw) in self.cols.iter().zip(rec.iter()) {
            let Ok(cell) = std::str::from_utf8(raw) else {
                errors.push(FieldError {
                    path: col.name.clone(),
                    expected: "UTF-8 text (the cell holds bytes of another encoding)".into(),
                    found: None,
                });
                continue;
            };
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            if col.ignored {
                errors.push(FieldError {
                    path: col.name.clone(),
                    expected: "nothing: the column has no header, so it names no field".into(),
                    found: Some(cell.to_owned()),
                });
                continue;
            }
            if let Some(list) = &col.list {
                if col.kind == FieldKind::ObjectList && cell != "[]" {
                    errors.push(FieldError {
                        path: col.name.clone(),
                        expected: format!(
                            "`[]` (a known empty list) or nothing; the items go in one column per member, such as `{}.{}`",
                            col.name,
                            leaf_names()
                                .find_map(|n| n.strip_prefix(&format!("{}.", col.name)))
                                .unwrap_or("good")
                        ),
                        found: Some(cell.to_owned()),
                    });
                    continue;
                }
                let values = if cell == "[]" {
                    Vec::new()
                } else {
                    cell.split(';').map(|v| v.trim().to_owned()).collect()
                };
                lists.entry(list.clone()).or_default().push((col, values));
                continue;
            }
            let value = match col.kind {
                FieldKind::List if cell == "[]" => Value::Array(Vec::new()),
                FieldKind::List => {
                    let values: Vec<&str> = cell.split(';').map(str::trim).collect();
                    if let Some(i) = values.iter().position(|v| v.is_empty()) {
                        errors.push(FieldError {
                            path: col.name.clone(),
                            expected: format!(
                                "`;`-separated values with none empty (value {} is empty)",
                                i + 1
                            ),
                            found: Some(cell.to_owned()),
                        });
                        continue;
                    }
                    Value::Array(
                        values
                            .into_iter()
                            .map(|v| Value::String(v.to_owned()))
                            .collect(),
                    )
                }
                kind => scalar(kind, cell),
            };
            insert(&mut root, &col.keys, value);
        }
        for (list, members) in lists {
            let name = list.join(".");
            let empty = members.iter().filter(|(_, v)| v.is_empty()).count();
            if empty > 0 && empty < members.len() {
                errors.push(FieldError {
                    path: name,
                    expected: "`[]` in every member column or in none (a known empty list)".into(),
                    found: None,
                });
                continue;
            }
            let n = members.first().map_or(0, |(_, v)| v.len());
            if members.iter().any(|(_, v)| v.len() != n) {
                errors.push(FieldError {
                    path: name,
                    expected: "the same number of `;`-separated values in each member column (they are aligned by position)".into(),
                    found: Some(
                        members
                            .iter()
                            .map(|(c, v)| format!("{} has {}", c.name, v.len()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                });
                continue;
            }
            let holes: Vec<usize> = (0..n)
                .filter(|&i| {
                    members
                        .iter()
                        .filter(|(c, _)| !c.keys.is_empty())
                        .all(|(_, v)| v.get(i).is_none_or(String::is_empty))
                })
                .collect();
            if let Some(i) = holes.first() {
                errors.push(FieldError {
                    path: name,
                    expected: format!(
                        "no empty item: at position {} every member column is empty (a stray `;`?)",
                        i + 1
                    ),
                    found: None,
                });
                continue;
            }
            let items = (0..n)
                .map(|i| {
                    let mut item = Map::new();
                    for (col, values) in &members {
                        if let Some(v) = values.get(i).filter(|v| !v.is_empty())
                            && !col.keys.is_empty()
                        {
                            insert(&mut item, &col.keys, scalar(col.kind, v));
                        }
                    }
                    Value::Object(item)
                })
                .collect();
            insert(&mut root, &list, Value::Array(items));
        }
        let json = Value::Object(root).to_string();
        if errors.is_empty() {
            return Ok(json);
        }
        // Report the contract's errors in the other cells of the row too, so that one pass
        // finds every bad field (those under a column already reported are left out).
        if let Err(InputError::Invalid(more)) = imvo_engine::Application::parse(&json) {
            // Paths without list positions: `a.list[0].b` is under the column `a.list.b`.
            let plain = |p: &str| {
                let mut out = String::with_capacity(p.len());
                let mut in_index = false;
                for ch in p.chars() {
                    match ch {
                        '[' => in_index = true,
                        ']' => in_index = false,
                        c if !in_index => out.push(c),
                        _ => {}
                    }
                }
                out
            };
            let covered = |path: &str| {
                let path = plain(path);
                let path = path.as_str();
                errors.iter().any(|e| {
                    let e = plain(&e.path);
                    path == e
                        || path.starts_with(&format!("{e}."))
                        || path.starts_with(&format!("{e}["))
                        || e.starts_with(&format!("{path}."))
                })
            };
            let more: Vec<FieldError> = more.into_iter().filter(|f| !covered(&f.path)).collect();
            errors.extend(more);
        }
        Err(InputError::Invalid(errors))
    }
}

/// A cell as the JSON value its field takes. A cell that does not fit stays a string, so the
/// contract's own check names the field and what it expects.
fn scalar(kind: FieldKind, cell: &str) -> Value {
    match kind {
        FieldKind::Bool if cell.eq_ignore_ascii_case("true") => Value::Bool(true),
        FieldKind::Bool if cell.eq_ignore_ascii_case("false") => Value::Bool(false),
        FieldKind::Int => cell
            .parse::<i64>()
            .map_or_else(|_| Value::String(cell.to_owned()), Value::from),
        _ => Value::String(cell.to_owned()),
    }
}

/// Sets `keys` (a path of nested objects) in `map`.
fn insert(map: &mut Map<String, Value>, keys: &[String], value: Value) {
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut cur = map;
    for k in parents {
        let entry = cur
            .entry(k.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else { return };
        cur = next;
    }
    cur.insert(last.clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(format: Format, text: &[u8]) -> Result<Vec<Item>, FileError> {
        Ok(open(format, text)?
            .map(|r| {
                r.unwrap_or_else(|_| Item {
                    line: 0,
                    json: Ok(String::new()),
                })
            })
            .collect())
    }

    /// An input the system cannot read is an I/O failure of the whole input, not a problem of
    /// what it holds; an input in another encoding is the latter.
    #[test]
    fn an_unreadable_input_is_told_apart_from_a_bad_one() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("Is a directory"))
            }
        }
        for format in [Format::JsonLines, Format::Csv] {
            let Err(e) = open(format, io::BufReader::new(Failing)) else {
                panic!("{format:?}: a failing reader was opened");
            };
            assert!(e.unreadable, "{format:?}: {e}");
            assert!(e.message.contains("Is a directory"), "{e}");
        }
        let Err(e) = items(Format::Csv, b"\xFF\xFEr\0e\0") else {
            panic!("UTF-16 was read");
        };
        assert!(!e.unreadable, "{e}");
    }

    fn json(i: &Item) -> Value {
        i.json
            .as_ref()
            .ok()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Value::Null)
    }

    #[test]
    fn csv_rows_become_nested_applications() {
        let csv = "reference,instrument,application_date,project.capacity.thermal_mw,project.workforce,project.workers_under_18,project.activities,project.supply_chain.good,project.supply_chain[].country,documents\n\
                   X-1,export_credit,2026-01-05,350.5,1200,FALSE,new_construction;expansion,cotton;cocoa,UZ;CI,[]\n\
                   \n\
                   X-2,export_credit,2026-01-05,,,,,,,\n";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        assert_eq!(got.len(), 2);
        assert_eq!(got.first().map(|i| i.line), Some(2));
        assert_eq!(got.get(1).map(|i| i.line), Some(4));
        let first = got.first().map(json).unwrap_or_default();
        assert_eq!(first["project"]["capacity"]["thermal_mw"], "350.5");
        assert_eq!(first["project"]["workforce"], 1200);
        assert_eq!(first["project"]["workers_under_18"], false);
        assert_eq!(
            first["project"]["activities"],
            serde_json::json!(["new_construction", "expansion"])
        );
        assert_eq!(
            first["project"]["supply_chain"],
            serde_json::json!([{"good": "cotton", "country": "UZ"}, {"good": "cocoa", "country": "CI"}])
        );
        assert_eq!(first["documents"], serde_json::json!([]));
        // Empty cells are unknown: no project at all.
        let second = got.get(1).map(json).unwrap_or_default();
        assert_eq!(second.get("project"), None);
    }

    #[test]
    fn misaligned_members_and_short_rows_are_line_errors() {
        let csv = "reference,instrument,application_date,project.supply_chain.good,project.supply_chain.country\n\
                   X-1,export_credit,2026-01-05,cotton;cocoa,UZ\n\
                   X-2,export_credit\n";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        let msgs: Vec<String> = got
            .iter()
            .map(|i| {
                i.json
                    .as_ref()
                    .err()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            })
            .collect();
        assert!(
            msgs.first()
                .is_some_and(|m| m.contains("project.supply_chain") && m.contains("aligned")),
            "{msgs:?}"
        );
        assert!(
            msgs.get(1).is_some_and(|m| m.contains("5 cells")),
            "{msgs:?}"
        );
    }

    #[test]
    fn bad_headers_fail_the_whole_file_naming_each_column() {
        let csv =
            "reference,instrument,application_date,project.capcity.thermal_mw,project,reference\n";
        let e = items(Format::Csv, csv.as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("project.capcity.thermal_mw")
                && e.contains("did you mean `project.capacity.thermal_mw`"),
            "{e}"
        );
        assert!(e.contains("section `project`"), "{e}");
        assert!(e.contains("column 1 already names `reference`"), "{e}");
        let e = items(Format::Csv, b"reference,instrument\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("application_date"), "{e}");
        let e = items(Format::Csv, b"")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn encodings() {
        // UTF-16 is refused as a whole; a UTF-8 byte-order mark is skipped; one bad line alone.
        let e = items(Format::JsonLines, b"\xFF\xFEr\0")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("UTF-16"), "{e}");
        // Lines that end with a bare CR: the header would run on; the message says why.
        let e = items(
            Format::Csv,
            b"reference,instrument,application_date\rA,export_credit,2026-01-05\r",
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(e.contains("bare CR"), "{e}");
        // UTF-16 without a byte-order mark, both byte orders.
        for text in [&b"r\0e\0f\0"[..], &b"\0r\0e\0f"[..]] {
            let e = items(Format::Csv, text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains("UTF-16"), "{e}");
        }
        let got = items(
            Format::JsonLines,
            b"\xEF\xBB\xBF{\"a\":1}\n{\"b\":\"\xE9\"}\n",
        )
        .unwrap_or_default();
        assert_eq!(
            got.first()
                .and_then(|i| i.json.as_ref().ok())
                .map(String::as_str),
            Some("{\"a\":1}")
        );
        assert!(matches!(
            got.get(1).map(|i| &i.json),
            Some(Err(InputError::Syntax { column: 7, .. }))
        ));
        let csv =
            b"\xEF\xBB\xBFreference,instrument,application_date\nR\xE9f,export_credit,2026-01-05\n";
        let got = items(Format::Csv, csv).unwrap_or_default();
        let msg = got
            .first()
            .and_then(|i| i.json.as_ref().err())
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(msg.contains("reference") && msg.contains("UTF-8"), "{msg}");
    }

    /// A reader that hands out one byte at a time, like a slow network body.
    struct Trickle(Vec<u8>, usize);
    impl std::io::Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.get(self.1), out.first_mut()) {
                (Some(b), Some(o)) => {
                    *o = *b;
                    self.1 += 1;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn line_numbers_hold_for_crlf_blank_lines_and_quoted_breaks() {
        let csv = "reference,instrument,application_date\r\n\r\nA,export_credit,2026-01-05\r\n\"B\nstill B\",export_credit,2026-01-05\r\n\r\n\r\nC\rx,export_credit,2026-01-05\r\nD,export_credit,2026-01-05";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        let lines: Vec<u64> = got.iter().map(|i| i.line).collect();
        assert_eq!(lines, [3, 4, 8, 9]);
        // The bare CR stays inside the cell (one row, not two).
        assert_eq!(json(&got[2])["reference"], "C\rx");
        // A UTF-8 byte-order mark arriving one byte at a time is still dropped.
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(csv.as_bytes());
        let slow = std::io::BufReader::with_capacity(1, Trickle(bytes, 0));
        assert_eq!(open(Format::Csv, slow).map(Iterator::count).unwrap_or(0), 4);
    }

    /// The error of an item, as text (empty for an application).
    fn error_of(i: &Item) -> String {
        i.json
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    #[test]
    fn a_row_reports_its_csv_and_contract_errors_together() {
        let csv = "reference,instrument,application_date,project.workforce,project.supply_chain.good,project.supply_chain.country\n\
                   A,export_credit,2026-02-30,many,cotton;cocoa,UZ\n";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        let Some(Err(InputError::Invalid(errors))) = got.first().map(|i| i.json.clone()) else {
            panic!("{got:?}");
        };
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        for p in [
            "project.supply_chain",
            "application_date",
            "project.workforce",
        ] {
            assert!(paths.contains(&p), "{p} in {paths:?}");
        }
        assert!(
            !paths.iter().any(|p| p.starts_with("project.supply_chain[")),
            "{paths:?}"
        );
        // A member cell that is not UTF-8 is that error alone, not also a required member.
        let csv = b"reference,instrument,application_date,project.supply_chain.good,project.supply_chain.country\n\
                    A,export_credit,2026-01-05,\xFF,UZ\n";
        let got = items(Format::Csv, csv).unwrap_or_default();
        let Some(Err(InputError::Invalid(errors))) = got.first().map(|i| i.json.clone()) else {
            panic!("{got:?}");
        };
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["project.supply_chain.good"]);
    }

    #[test]
    fn a_header_with_semicolons_says_how_to_save_the_file() {
        let Err(e) = open(
            Format::Csv,
            "reference;instrument;application_date\nA;export_credit;2026-01-05\n".as_bytes(),
        ) else {
            panic!("accepted");
        };
        assert!(e.to_string().contains("comma-separated"), "{e}");
    }

    #[test]
    fn an_unclosed_quote_is_named_and_the_rows_it_swallowed_are_counted() {
        // The quote opened on line 3 closes only in line 6: lines 3-6 become one row.
        let csv = "reference,instrument,application_date\n\
                   A,export_credit,2026-01-05\n\
                   \"B,export_credit,2026-01-05\n\
                   C,export_credit,2026-01-05\n\
                   D,export_credit,2026-01-05\n\
                   \"E\",export_credit,2026-01-05\n\
                   F,export_credit,2026-01-05\n";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        let lines: Vec<u64> = got.iter().map(|i| i.line).collect();
        assert_eq!(lines, [2, 3, 7]);
        let msg = error_of(&got[1]);
        assert!(
            msg.contains("quote") && msg.contains("3 line break(s)"),
            "{msg}"
        );
        // Open in the last column until the end: the cell count is right, the cell is not.
        let csv = "reference,instrument,application_date\n\
                   A,export_credit,\"2026-01-05\n\
                   B,export_credit,2026-01-05\n";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        assert_eq!(got.len(), 1);
        let msg = error_of(&got[0]);
        assert!(
            msg.contains("application_date") && msg.contains("left open"),
            "{msg}"
        );
        // An address over several lines, with commas, is a value, not swallowed rows.
        let csv = "reference,instrument,application_date\n\"A\nc/o X, Street 1, Town\",export_credit,2026-01-05\n";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        assert!(
            !error_of(&got[0]).contains("left open"),
            "{}",
            error_of(&got[0])
        );
        // A quoted line break in a value is still a value.
        let csv = "reference,instrument,application_date\n\"A\nB\",export_credit,2026-01-05\n";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        assert!(got[0].json.is_ok(), "{:?}", got[0].json);
    }

    #[test]
    fn oversized_lines_empty_values_and_headerless_columns() {
        // A JSON line over the limit is rejected alone; the next line is read.
        let mut text = format!("{{\"reference\":\"{}\"}}\n", "x".repeat(MAX_LINE));
        text.push_str("{\"b\":1}\n");
        let got = items(Format::JsonLines, text.as_bytes()).unwrap_or_default();
        assert_eq!(got.len(), 2);
        let msg = got[0]
            .json
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(msg.contains("at most 262144 bytes"), "{msg}");
        assert_eq!(
            got[1].json.as_ref().ok().map(String::as_str),
            Some("{\"b\":1}")
        );
        // A CSV row that never ends stops the file with where it started (after a row and a
        // blank line).
        let mut csv =
            "reference,instrument,application_date\nA,export_credit,2026-01-05\n\n\"B,".to_owned();
        csv.push_str(&"y".repeat(MAX_LINE + 100_000));
        let got: Vec<_> = open(Format::Csv, csv.as_bytes())
            .map(Iterator::collect)
            .unwrap_or_default();
        assert!(
            matches!(got.last(), Some(Err(e)) if e.to_string().contains("unclosed quote") && e.to_string().contains("from line 4:")),
            "{got:?}"
        );
        // `a;;b`, a stray `;` in member columns, and a value under a column with no header.
        let csv = "reference,instrument,application_date,project.activities,project.supply_chain.good,project.supply_chain.country,\n\
                   A,export_credit,2026-01-05,new_construction;;expansion,,,\n\
                   B,export_credit,2026-01-05,,cotton;,UZ;,\n\
                   C,export_credit,2026-01-05,,,,oops\n\
                   D,export_credit\n";
        let got = items(Format::Csv, csv.as_bytes()).unwrap_or_default();
        let msgs: Vec<String> = got
            .iter()
            .map(|i| {
                i.json
                    .as_ref()
                    .err()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            })
            .collect();
        assert!(
            msgs[0].contains("project.activities") && msgs[0].contains("value 2 is empty"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].contains("project.supply_chain") && msgs[1].contains("position 2"),
            "{msgs:?}"
        );
        assert!(msgs[2].contains("column 7 (no header)"), "{msgs:?}");
        assert!(
            msgs[3].contains("none for application_date, project.activities"),
            "{msgs:?}"
        );
    }
}
