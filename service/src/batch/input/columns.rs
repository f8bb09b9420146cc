//! CSV headers and rows: the dotted v1 field paths, unknown cells, `;`-separated lists and
//! lists of objects aligned by position.

use std::collections::BTreeMap;

use imvo_engine::application::{FieldKind, field_kinds};
use imvo_engine::{FieldError, InputError};
use serde_json::{Map, Value};

use super::FileError;

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
pub(super) struct Columns {
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
    pub(super) fn from_header(header: &csv::ByteRecord) -> Result<Columns, FileError> {
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
            let (keys, list) = keys_of(&path, kind);
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

    /// The row's shape: one cell per column, and no quote left open (which joins the rows
    /// after it to this one).
    fn check_shape(&self, rec: &csv::ByteRecord) -> Result<(), InputError> {
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
        Ok(())
    }

    /// One row as JSON text.
    pub(super) fn row(&self, rec: &csv::ByteRecord) -> Result<String, InputError> {
        self.check_shape(rec)?;
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
            match list_items(&list, &members) {
                Ok(items) => insert(&mut root, &list, items),
                Err(e) => errors.push(e),
            }
        }
        let json = Value::Object(root).to_string();
        if errors.is_empty() {
            return Ok(json);
        }
        add_contract_errors(&json, &mut errors);
        Err(InputError::Invalid(errors))
    }
}

/// A column's place in the application: the keys of its field, and the keys of the list of
/// objects it is a member of (if any). A column naming a list of objects itself may only say
/// `[]` (known empty): it has no keys of its own.
fn keys_of(path: &str, kind: FieldKind) -> (Vec<String>, Option<Vec<String>>) {
    let split = |p: &str| p.split('.').map(str::to_owned).collect::<Vec<_>>();
    if kind == FieldKind::ObjectList {
        return (Vec::new(), Some(split(path)));
    }
    match path.split_once("[].") {
        Some((list, member)) => (split(member), Some(split(list))),
        None => (split(path), None),
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

/// The items of a list of objects from its member columns (aligned by position).
fn list_items(list: &[String], members: &[(&Column, Vec<String>)]) -> Result<Value, FieldError> {
    let name = list.join(".");
    let empty = members.iter().filter(|(_, v)| v.is_empty()).count();
    if empty > 0 && empty < members.len() {
        return Err(FieldError {
            path: name,
            expected: "`[]` in every member column or in none (a known empty list)".into(),
            found: None,
        });
    }
    let n = members.first().map_or(0, |(_, v)| v.len());
    if members.iter().any(|(_, v)| v.len() != n) {
        return Err(FieldError {
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
        return Err(FieldError {
            path: name,
            expected: format!(
                "no empty item: at position {} every member column is empty (a stray `;`?)",
                i + 1
            ),
            found: None,
        });
    }
    let items = (0..n)
        .map(|i| {
            let mut item = Map::new();
            for (col, values) in members {
                if let Some(v) = values.get(i).filter(|v| !v.is_empty())
                    && !col.keys.is_empty()
                {
                    insert(&mut item, &col.keys, scalar(col.kind, v));
                }
            }
            Value::Object(item)
        })
        .collect();
    Ok(Value::Array(items))
}

/// Adds the contract's errors in the other cells of a row to the errors found in its cells, so
/// that one pass finds every bad field (those under a column already reported are left out).
fn add_contract_errors(json: &str, errors: &mut Vec<FieldError>) {
    if let Err(InputError::Invalid(more)) = imvo_engine::Application::parse(json) {
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
}
