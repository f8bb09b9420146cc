//! A pack's parameter table (`params.csv`): thresholds with their units, comparators and
//! sources.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::LoadError;
use super::files::{cell, csv_rows, text};
use super::manifest::Manifest;
use super::manifest::citation;
use crate::application::Money;
use crate::codes;

/// How a parameter is compared with a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    /// At least.
    #[serde(rename = ">=")]
    AtLeast,
    /// More than.
    #[serde(rename = ">")]
    MoreThan,
    /// At most.
    #[serde(rename = "<=")]
    AtMost,
    /// Less than.
    #[serde(rename = "<")]
    LessThan,
}

impl Comparator {
    /// The symbol.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::MoreThan => ">",
            Comparator::AtMost => "<=",
            Comparator::LessThan => "<",
        }
    }

    /// Whether `ordering` (fact compared with threshold) satisfies the comparator.
    #[must_use]
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Comparator::AtLeast => matches!(ordering, Greater | Equal),
            Comparator::MoreThan => ordering == Greater,
            Comparator::AtMost => matches!(ordering, Less | Equal),
            Comparator::LessThan => ordering == Less,
        }
    }
}

/// A parameter value, typed by its unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A decimal quantity (MWth, km, t/yr).
    Decimal(#[serde(with = "rust_decimal::serde::str")] Decimal),
    /// A whole number (days, months, people, places).
    Int(i64),
    /// An amount in a currency.
    Money(Money),
    /// A date.
    Date(NaiveDate),
}

/// One row of a parameter table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    /// Name (`annex_i.thermal_mwth`).
    pub name: String,
    /// Value.
    pub value: ParamValue,
    /// Unit (a currency code for money, `date`, `days`, `MWth`, ...).
    pub unit: String,
    /// How a fact is compared with it, where it is a threshold.
    pub comparator: Option<Comparator>,
    /// Source document title.
    pub document: String,
    /// Section.
    pub section: Option<String>,
    /// Evidence level.
    pub evidence_level: String,
    /// Checked against the primary text.
    pub verified: bool,
    /// Notes.
    pub note: String,
}

pub(super) fn params(
    dir: &str,
    m: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
    errors: &mut Vec<LoadError>,
) -> BTreeMap<String, Param> {
    let file = format!("{dir}/params.csv");
    let mut out = BTreeMap::new();
    if !files.contains_key(&file) {
        return out;
    }
    let rows = match text(files, &file).and_then(|t| {
        csv_rows(
            &file,
            t,
            &[
                "name",
                "value",
                "unit",
                "comparator",
                "source",
                "section",
                "evidence_level",
                "verified",
                "note",
            ],
            &[],
        )
    }) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            return out;
        }
    };
    for (line, row) in rows {
        let mut bad = |m: String| errors.push(LoadError::invalid(&file, Some(line), m));
        let name = cell(&row, 0);
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
        {
            bad(format!(
                "`{name}` is not a parameter name (lower case, digits, `_` and `.`)"
            ));
            continue;
        }
        let (raw, unit) = (cell(&row, 1), cell(&row, 2));
        let value = if unit == "date" {
            crate::application::parse_date(raw).map(ParamValue::Date)
        } else if INT_UNITS.contains(&unit) {
            raw.parse::<i64>().ok().map(ParamValue::Int)
        } else if unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase()) {
            if codes::currencies().contains(unit) {
                Decimal::from_str(raw).ok().map(|amount| {
                    ParamValue::Money(Money {
                        amount,
                        currency: unit.to_owned(),
                    })
                })
            } else {
                bad(format!(
                    "unit `{unit}` of `{name}` looks like a currency but is not an ISO 4217 code"
                ));
                continue;
            }
        } else if unit.is_empty() {
            None
        } else {
            Decimal::from_str(raw).ok().map(ParamValue::Decimal)
        };
        let Some(value) = value else {
            bad(format!(
                "value `{raw}` of `{name}` does not fit its unit `{unit}`"
            ));
            continue;
        };
        let comparator = match cell(&row, 3) {
            "" => None,
            ">=" => Some(Comparator::AtLeast),
            ">" => Some(Comparator::MoreThan),
            "<=" => Some(Comparator::AtMost),
            "<" => Some(Comparator::LessThan),
            other => {
                bad(format!(
                    "comparator `{other}` of `{name}` is not one of >=, >, <=, <"
                ));
                continue;
            }
        };
        let (document, section, evidence, verified) =
            match citation(m, &row, 4, &format!("parameter `{name}`")) {
                Ok(c) => c,
                Err(e) => {
                    bad(e);
                    continue;
                }
            };
        let param = Param {
            name: name.to_owned(),
            value,
            unit: unit.to_owned(),
            comparator,
            document,
            section,
            evidence_level: evidence,
            verified,
            note: cell(&row, 8).to_owned(),
        };
        if out.insert(name.to_owned(), param).is_some() {
            bad(format!("parameter `{name}` appears twice"));
        }
    }
    out
}

const INT_UNITS: [&str; 8] = [
    "days",
    "months",
    "years",
    "people",
    "places",
    "lanes",
    "count",
    "population_equivalent",
];
