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
use std::io::{self, BufRead};

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
}

impl FileError {
    fn new(message: impl Into<String>) -> FileError {
        FileError {
            message: message.into(),
            columns: Vec::new(),
        }
    }
}

/// Checks the start of the input for an encoding this reader cannot take, and skips a UTF-8
/// byte-order mark (spreadsheets write one).
fn check_start(r: &mut impl BufRead) -> Result<(), FileError> {
    let head = r
        .fill_buf()
        .map_err(|e| FileError::new(format!("cannot read the input: {e}")))?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::new(
            "the input is UTF-16 encoded (it starts with a UTF-16 byte-order mark): save it as UTF-8",
        ));
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        r.consume(3);
    }
    Ok(())
}

/// The items of an input, lazily: memory does not grow with the input.
pub struct Items<R: BufRead> {
    inner: Inner<R>,
}

enum Inner<R: BufRead> {
    Json {
        lines: io::Split<R>,
        n: u64,
    },
    Csv {
        rows: csv::Reader<Counted<R>>,
        columns: Columns,
        lines: Lines,
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
    /// Newlines before the last row start.
    passed: u64,
}

impl Lines {
    /// The 1-based line of a row whose read started at byte `start`. The csv reader gives the
    /// offset before the blank lines it skipped, so line endings right at the start are passed.
    fn line_of(&self, mut start: u64) -> u64 {
        let Ok(mut s) = self.0.lock() else { return 0 };
        while let Some(&(end_start, nl)) = s.ahead.front() {
            if nl < start {
                s.passed += 1;
            } else if end_start == start {
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
pub fn open<R: BufRead>(format: Format, mut input: R) -> Result<Items<R>, FileError> {
    check_start(&mut input)?;
    let inner = match format {
        Format::JsonLines => Inner::Json {
            lines: input.split(b'\n'),
            n: 0,
        },
        Format::Csv => {
            let lines = Lines::default();
            let mut rows = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(Counted {
                    inner: input,
                    offset: 0,
                    lines: lines.clone(),
                });
            let mut header = csv::ByteRecord::new();
            let got = rows
                .read_byte_record(&mut header)
                .map_err(|e| FileError::new(format!("cannot read the CSV header: {e}")))?;
            if !got {
                return Err(FileError::new(
                    "the CSV input is empty: it needs a header row of v1 field paths",
                ));
            }
            Inner::Csv {
                columns: Columns::from_header(&header)?,
                rows,
                lines,
            }
        }
    };
    Ok(Items { inner })
}

impl<R: BufRead> Iterator for Items<R> {
    type Item = io::Result<Item>;

    fn next(&mut self) -> Option<io::Result<Item>> {
        match &mut self.inner {
            Inner::Json { lines, n } => loop {
                let mut line = match lines.next()? {
                    Ok(l) => l,
                    Err(e) => return Some(Err(e)),
                };
                *n += 1;
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                // A line that is not UTF-8 is rejected alone, with where it breaks.
                let json = String::from_utf8(line).map_err(|e| InputError::Syntax {
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
            } => loop {
                let mut rec = csv::ByteRecord::new();
                match rows.read_byte_record(&mut rec) {
                    Ok(false) => return None,
                    Ok(true) => {}
                    Err(e) => {
                        // A CSV syntax error (an unclosed quote runs to the end): report it on
                        // the line where it was found and stop, as nothing after it can be
                        // trusted to start a row.
                        let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
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
                if rec.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                let line = rec.position().map_or(0, |p| lines.line_of(p.byte()));
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
        if problems.is_empty() {
            Ok(Columns { cols })
        } else {
            Err(FileError {
                message: format!(
                    "the CSV header does not fit the v1 contract ({} problem{}): {}",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" },
                    problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                columns: problems,
            })
        }
    }

    /// One row as JSON text.
    fn row(&self, rec: &csv::ByteRecord) -> Result<String, InputError> {
        if rec.len() != self.cols.len() {
            return Err(InputError::Invalid(vec![FieldError {
                path: "$".into(),
                expected: format!("{} cells, one per column of the header", self.cols.len()),
                found: Some(format!("{} cells", rec.len())),
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
                FieldKind::List => Value::Array(
                    cell.split(';')
                        .map(|v| Value::String(v.trim().to_owned()))
                        .collect(),
                ),
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
        if errors.is_empty() {
            Ok(Value::Object(root).to_string())
        } else {
            Err(InputError::Invalid(errors))
        }
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
}
