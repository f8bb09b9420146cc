//! Tables: lookups, and fact tables (`indicators`, `listed`) checked natively.

use std::collections::BTreeMap;

use rhai::{Array, Dynamic, Map};
use rust_decimal::Decimal;

use super::params::{meeting, meets};
use super::views::reader_of;
use super::{Res, dyn_decimal, dyn_text, fail, pack_table};
use crate::application::Application;
use crate::messages::Localized;
use crate::policy::tables::{
    INDICATOR_COLUMNS, THRESHOLD_COLUMNS, Table, is_indicator_table, is_threshold_table,
};
use crate::script::budget::charge;
use crate::script::context::{self};

/// Runs `f` on the pack's table `table`, for the script function `what` (named in the errors:
/// outside a screening, outside a rule function, or a table the pack cannot read).
fn with_table<T>(what: &str, table: &str, f: impl FnOnce(&Table) -> Res<T>) -> Res<T> {
    context::with(|c| -> Res<T> {
        let Some(pack) = c.pack.as_ref() else {
            return fail(format!("`{what}` may only be called from a rule function"));
        };
        let Some(t) = pack.tables.get(table) else {
            return fail(format!(
                "table `{table}` is not available to pack `{}`",
                pack.manifest.id
            ));
        };
        f(t)
    })
    .unwrap_or_else(|| fail(format!("`{what}` may only be called during a screening")))
}

/// `in_table_within(table, code)`: a key of the table lies within `code` (starts with it), so a
/// coarse code (an ISIC division) covers a finer listed one (a group).
pub(super) fn table_has_key_within(table: &str, prefix: &str) -> Res<bool> {
    with_table("in_table_within", table, |t| {
        charge(t.rows.len() as u64)?;
        Ok(!prefix.is_empty() && t.rows.keys().any(|k| k.starts_with(prefix)))
    })
}

/// `in_table(table, key)`: the table has a row for `key` (the row itself is not built).
pub(super) fn table_has_key(table: &str, key: &str) -> Res<bool> {
    with_table("in_table", table, |t| Ok(t.rows.contains_key(key)))
}

/// `lookup(table, key)`: the row for `key`, as a map of its columns.
pub(super) fn table_row(table: &str, key: &str) -> Res<Option<Map>> {
    with_table("lookup", table, |t| {
        Ok(t.rows.get(key).map(|row| {
            t.columns
                .iter()
                .zip(row)
                .map(|(k, v)| (k.as_str().into(), Dynamic::from(v.clone())))
                .collect()
        }))
    })
}

/// Evaluates one test of an indicator or threshold row on the application, recording the fact
/// read: `Some(holds)`, or `None` where the fact is unknown.
fn test_fact(
    app: &Application,
    table: &str,
    path: &str,
    test: &str,
    value: &str,
) -> Res<(Option<bool>, &'static str)> {
    let Some((key, reader)) = reader_of(path) else {
        return fail(format!(
            "table `{table}`: `{path}` is not a fact of the application"
        ));
    };
    let v = reader(app);
    context::record_read(key);
    if v.is_unit() {
        return Ok((None, key));
    }
    let holds = match test {
        "is_true" => v.as_bool() == Ok(true),
        "greater_than" => match (dyn_decimal(&v), value.parse::<Decimal>()) {
            (Some(x), Ok(t)) => x > t,
            _ => {
                return fail(format!(
                    "table `{table}`: `{path}` is not a number, or `{value}` is not"
                ));
            }
        },
        "one_of" => dyn_text(&v).is_some_and(|x| value.split('|').any(|o| o == x)),
        "starts_with" => dyn_text(&v).is_some_and(|x| value.split('|').any(|o| x.starts_with(o))),
        "not_equal" => dyn_text(&v).is_some_and(|x| x != value),
        "meets" => meets(value, &v)?,
        other => return fail(format!("table `{table}`: unknown test `{other}`")),
    };
    Ok((Some(holds), key))
}

fn present_unknown(present: Array, unknown: Array) -> Map {
    let mut out = Map::new();
    out.insert("present".into(), Dynamic::from_array(present));
    out.insert("unknown".into(), Dynamic::from_array(unknown));
    out
}

/// `indicators(app, "table")`: evaluates every row of an indicator table (columns `path`, `test`,
/// `value`, `label`, optionally `label_nl`) natively and returns `#{present: [labels], unknown:
/// [paths]}` (a label with a Dutch form is a `Label`, shown in the reader's language), recording
/// each fact read. Lists of facts to check belong in data, not in arrays rebuilt by a script.
pub(super) fn indicators(app: &Application, table: &str) -> Res<Map> {
    let t = pack_table(table)?;
    charge(t.rows.len() as u64)?;
    if !is_indicator_table(&t.columns) {
        return fail(format!(
            "table `{table}` is not an indicator table (columns {})",
            INDICATOR_COLUMNS.join(",")
        ));
    }
    let (mut present, mut unknown, mut at) = (Array::new(), Array::new(), Map::new());
    for row in t.rows.values() {
        let cell = |i: usize| row.get(i).map_or("", String::as_str);
        let (path, test, value, label, label_nl) = (cell(0), cell(1), cell(2), cell(3), cell(4));
        match test_fact(app, table, path, test, value)? {
            (None, key) => {
                unknown.push(Dynamic::from(key));
                if let Some(v) = holding_value(test, value)? {
                    at.insert(key.into(), v);
                }
            }
            // With a Dutch label, the label is shown in either language; without, as written.
            (Some(true), _) => present.push(label_value(label, label_nl)),
            (Some(false), _) => {}
        }
    }
    let mut out = present_unknown(present, unknown);
    out.insert("at".into(), Dynamic::from_map(at));
    Ok(out)
}

/// A value with which an indicator row's test holds (for the `at` map of `indicators`), where
/// one follows from the test alone.
fn holding_value(test: &str, value: &str) -> Res<Option<Dynamic>> {
    Ok(match test {
        "is_true" => Some(Dynamic::from(true)),
        "greater_than" => match value.parse::<i64>() {
            Ok(i) => Some(Dynamic::from_int(i.saturating_add(1))),
            Err(_) => value
                .parse::<Decimal>()
                .ok()
                .map(|d| Dynamic::from_decimal(d + Decimal::ONE)),
        },
        "one_of" | "starts_with" => value.split('|').next().map(|v| Dynamic::from(v.to_owned())),
        "meets" => Some(meeting(value)?),
        _ => None,
    })
}

/// `listed(app, "table")`: which of the project's activities are listed in a threshold table
/// One group of a threshold table's rows while it is evaluated: whether it holds (`None`:
/// unknown), the unknown facts it needs, and its label in English and Dutch.
type Group<'a> = (Option<bool>, Vec<&'static str>, (&'a str, &'a str));

/// A row's label as scripts see it: a `Label` in both languages where the table gives the Dutch,
/// else the text as written.
fn label_value(label: &str, label_nl: &str) -> Dynamic {
    if label_nl.is_empty() {
        Dynamic::from(label.to_owned())
    } else {
        Dynamic::from(Localized {
            en: label.to_owned(),
            nl: label_nl.to_owned(),
        })
    }
}

/// (columns `activity`, `group`, `path`, `test`, `value`, `label`, optionally `label_nl`). An
/// activity is listed when all rows of one of its groups hold; a row with test `always` holds without a fact. Returns
/// `#{present: [labels of the groups that hold], unknown: [paths], at: #{path: value}}`, where
/// `unknown` names the facts of groups that could still hold and `at` a value with which each
/// such row holds, where its test gives one. A capacity counts only for its own activity.
pub(super) fn listed(app: &Application, table: &str) -> Res<Map> {
    let t = pack_table(table)?;
    if !is_threshold_table(&t.columns) {
        return fail(format!(
            "table `{table}` is not a threshold table (columns {})",
            THRESHOLD_COLUMNS.join(",")
        ));
    }
    context::record_read("project.activities");
    let activities: Vec<String> = app
        .project
        .as_ref()
        .and_then(|p| p.activities.as_ref())
        .map(|a| a.iter().map(|t| t.as_str().to_owned()).collect())
        .unwrap_or_default();
    // Every row is looked at once an activity.
    charge((t.rows.len() as u64).saturating_mul(activities.len() as u64))?;
    let (mut present, mut unknown, mut at) = (Array::new(), Array::new(), Map::new());
    for activity in &activities {
        // Rows are keyed (activity, group, path), so one activity's groups are contiguous.
        let mut groups: BTreeMap<&str, Group<'_>> = BTreeMap::new();
        for row in t.rows.values() {
            let cell = |i: usize| row.get(i).map_or("", String::as_str);
            if cell(0) != activity {
                continue;
            }
            let (group, path, test, value) = (cell(1), cell(2), cell(3), cell(4));
            let entry = groups
                .entry(group)
                .or_insert((Some(true), Vec::new(), (cell(5), cell(6))));
            let outcome = if test == "always" {
                Some(true)
            } else if test == "is_unknown" {
                let Some((key, reader)) = reader_of(path) else {
                    return fail(format!(
                        "table `{table}`: `{path}` is not a fact of the application"
                    ));
                };
                context::record_read(key);
                Some(reader(app).is_unit())
            } else {
                let (held, key) = test_fact(app, table, path, test, value)?;
                if held.is_none() {
                    entry.1.push(key);
                    if let Some(v) = holding_value(test, value)? {
                        at.entry(key.into()).or_insert(v);
                    }
                }
                held
            };
            entry.0 = match (entry.0, outcome) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (None, _) | (_, None) => None,
                _ => Some(true),
            };
        }
        if let Some((_, _, (label, label_nl))) = groups.values().find(|g| g.0 == Some(true)) {
            present.push(label_value(label, label_nl));
            continue;
        }
        for (_, paths, _) in groups.values().filter(|g| g.0.is_none()) {
            for p in paths {
                if !unknown.iter().any(|u| u.to_string() == *p) {
                    unknown.push(Dynamic::from(*p));
                }
            }
        }
    }
    let mut out = present_unknown(present, unknown);
    out.insert("at".into(), Dynamic::from_map(at));
    Ok(out)
}
