//! Reading a pack's gates: the named conditions of `gates.csv` and the `when` of each rule.

use std::collections::BTreeMap;

use super::{Conditions, Gate, Names, RESERVED, compile};
use crate::policy::files::{cell, csv_rows, text};
use crate::policy::params::Param;
use crate::policy::rules::Rule;
use crate::policy::{LoadError, ScriptApi};

/// Compiles a pack's named conditions (`gates.csv`, optional: `name,when,note`) and each rule's
/// gate. A gate naming an unknown fact, parameter or condition is refused with the file, line and
/// column.
pub(in crate::policy) fn compile_gates(
    dir: &str,
    files: &BTreeMap<String, Vec<u8>>,
    rules: &[Rule],
    params: &BTreeMap<String, Param>,
    api: &ScriptApi,
    errors: &mut Vec<LoadError>,
) -> (Conditions, Vec<Option<Gate>>) {
    let mut conditions = Conditions::default();
    let file = format!("{dir}/gates.csv");
    if files.contains_key(&file) {
        match text(files, &file).and_then(|t| csv_rows(&file, t, &["name", "when", "note"], &[])) {
            Ok(rows) => {
                for (line, row) in rows {
                    let name = cell(&row, 0);
                    let valid_name = name.starts_with(|c: char| c.is_ascii_lowercase())
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if !valid_name || (api.reader)(name).is_some() || RESERVED.contains(&name) {
                        errors.push(LoadError::invalid(&file, Some(line), format!(
                            "column `name`: `{name}` is not a condition name (lower case letters, digits and `_`, not a fact or a word of the gate language)"
                        )));
                        continue;
                    }
                    if conditions.contains(name) {
                        errors.push(LoadError::invalid(
                            &file,
                            Some(line),
                            format!("condition `{name}` appears twice"),
                        ));
                        continue;
                    }
                    let names = Names {
                        reader: api.reader,
                        params,
                        conditions: &conditions,
                        lists: None,
                    };
                    match compile(cell(&row, 1), &names) {
                        Ok(g) => {
                            conditions.push(name.to_owned(), cell(&row, 1).to_owned(), g, line)
                        }
                        Err(e) => errors.push(LoadError::invalid(
                            &file,
                            Some(line),
                            format!(
                                "column `when` of condition `{name}`, character {}: {}",
                                e.at, e.message
                            ),
                        )),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let rules_file = format!("{dir}/rules.csv");
    let names = Names {
        reader: api.reader,
        params,
        conditions: &conditions,
        lists: None,
    };
    let compiled = rules
        .iter()
        .map(|r| {
            if r.when.is_empty() {
                return None;
            }
            match compile(&r.when, &names) {
                Ok(g) => Some(g),
                Err(e) => {
                    errors.push(LoadError::invalid(
                        &rules_file,
                        Some(r.line),
                        format!(
                            "column `when` of rule `{}`, character {}: {}",
                            r.id, e.at, e.message
                        ),
                    ));
                    None
                }
            }
        })
        .collect();
    (conditions, compiled)
}
