//! Reading a pack's files: text, TOML positions, dates, booleans, CSV rows, citations.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::LoadError;

pub(super) fn text<'a>(
    files: &'a BTreeMap<String, Vec<u8>>,
    path: &str,
) -> Result<&'a str, LoadError> {
    let bytes = files
        .get(path)
        .ok_or_else(|| LoadError::invalid(path, None, "file not found"))?;
    std::str::from_utf8(bytes)
        .map_err(|e| LoadError::invalid(path, None, format!("not UTF-8: {e}")))
}

pub(super) fn toml_line(text: &str, e: &toml::de::Error) -> Option<usize> {
    e.span().map(|s| {
        text.get(..s.start)
            .unwrap_or_default()
            .matches('\n')
            .count()
            + 1
    })
}

pub(super) fn date_value(v: &toml::Value) -> Option<NaiveDate> {
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return None,
    };
    crate::application::parse_date(&s)
}

pub(super) fn bool_cell(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Reads a CSV whose header must be exactly `header`, optionally followed by the first columns
/// of `optional` (a newer form of the file); returns rows with their line numbers.
pub(super) fn csv_rows(
    file: &str,
    text: &str,
    header: &[&str],
    optional: &[&str],
) -> Result<Vec<(usize, Vec<String>)>, LoadError> {
    let (found, records) = super::tables::read_csv(file, text)?;
    let fits = (0..=optional.len()).any(|n| {
        found
            .iter()
            .map(String::as_str)
            .eq(header.iter().chain(optional.iter().take(n)).copied())
    });
    if !fits {
        let extra = if optional.is_empty() {
            String::new()
        } else {
            format!(", optionally followed by `,{}`", optional.join(","))
        };
        return Err(LoadError::invalid(
            file,
            Some(1),
            format!("the header must be `{}`{extra}", header.join(",")),
        ));
    }
    Ok(records
        .into_iter()
        .map(|(line, r)| (line.unwrap_or(0), r.iter().map(str::to_owned).collect()))
        .collect())
}

pub(super) fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}
