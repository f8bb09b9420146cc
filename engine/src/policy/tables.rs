//! Data tables: generic lookup tables read by scripts, and the effective-dated SDR rate table.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::LoadError;
use crate::application::vocab;

/// A CSV file's header and its records with their 1-based lines.
pub(crate) type Csv = (Vec<String>, Vec<(Option<usize>, csv::StringRecord)>);

/// Reads a CSV file (cells trimmed): its header and its records with their 1-based lines.
pub(crate) fn read_csv(file: &str, text: &str) -> Result<Csv, LoadError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            return Err(LoadError::invalid(
                file,
                e.position().map(|p| p.line() as usize),
                format!("unreadable CSV header: {e}"),
            ));
        }
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            LoadError::invalid(
                file,
                e.position().map(|p| p.line() as usize),
                format!("unreadable CSV row: {e}"),
            )
        })?;
        rows.push((record.position().map(|p| p.line() as usize), record));
    }
    Ok((header, rows))
}

/// A lookup table: rows keyed by one or more columns (joined with `|`).
#[derive(Debug)]
pub struct Table {
    /// Name scripts use.
    pub name: String,
    /// Version (a shared table's own; a pack table's is the pack's).
    pub version: String,
    /// `sha256:` of the table's files.
    pub hash: String,
    /// Column names.
    pub columns: Vec<String>,
    /// Key to row (all columns, as strings).
    pub rows: BTreeMap<String, Vec<String>>,
}

impl Table {
    /// Reads a CSV table keyed by `key` columns. Duplicate keys and ragged rows are errors.
    pub(crate) fn from_csv(
        name: &str,
        version: &str,
        hash: String,
        file: &str,
        text: &str,
        key: &[String],
    ) -> Result<Table, LoadError> {
        let (columns, records) = read_csv(file, text)?;
        let mut key_idx = Vec::new();
        for k in key {
            match columns.iter().position(|c| c == k) {
                Some(i) => key_idx.push(i),
                None => {
                    return Err(LoadError::invalid(
                        file,
                        Some(1),
                        format!("key column `{k}` is not in the header"),
                    ));
                }
            }
        }
        if key_idx.is_empty() {
            return Err(LoadError::invalid(
                file,
                Some(1),
                "a table needs at least one key column",
            ));
        }
        let mut rows = BTreeMap::new();
        for (line, record) in records {
            let k: Vec<&str> = key_idx
                .iter()
                .map(|i| record.get(*i).unwrap_or_default())
                .collect();
            let k = k.join("|");
            let row: Vec<String> = record.iter().map(str::to_owned).collect();
            if rows.insert(k.clone(), row).is_some() {
                return Err(LoadError::invalid(
                    file,
                    line,
                    format!("duplicate key `{k}`"),
                ));
            }
        }
        Ok(Table {
            name: name.to_owned(),
            version: version.to_owned(),
            hash,
            columns,
            rows,
        })
    }
}

/// Currencies the SDR rate table gives, in column order.
pub const SDR_CURRENCIES: [&str; 5] = ["EUR", "USD", "GBP", "JPY", "CNY"];

/// Units of each currency per SDR, by date. The rate in force on a date is the nearest on or
/// before it.
#[derive(Debug)]
pub struct SdrRates {
    /// Table version.
    pub version: String,
    /// `sha256:` of the table's files.
    pub hash: String,
    /// Source statement recorded with each rate used.
    pub source: String,
    rows: Vec<(NaiveDate, [Decimal; 5], String)>,
}

/// One rate looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    /// Units of the currency per SDR.
    pub units_per_sdr: Decimal,
    /// Date of the rate.
    pub date: NaiveDate,
    /// How the value was obtained (the row's `method`).
    pub method: String,
}

impl SdrRates {
    pub(crate) fn from_csv(
        version: &str,
        hash: String,
        source: &str,
        file: &str,
        text: &str,
    ) -> Result<SdrRates, LoadError> {
        let expected = ["date", "eur", "usd", "gbp", "jpy", "cny", "method"];
        let (header, records) = read_csv(file, text)?;
        if !header.iter().map(String::as_str).eq(expected) {
            return Err(LoadError::invalid(
                file,
                Some(1),
                format!("the header must be `{}`", expected.join(",")),
            ));
        }
        let mut rows: Vec<(NaiveDate, [Decimal; 5], String)> = Vec::new();
        for (line, record) in records {
            let bad = |m: String| LoadError::invalid(file, line, m);
            let date = crate::application::parse_date(record.get(0).unwrap_or_default())
                .ok_or_else(|| bad("`date` is not a YYYY-MM-DD date".into()))?;
            let mut values = [Decimal::ZERO; 5];
            for (i, slot) in values.iter_mut().enumerate() {
                let cell = record.get(i + 1).unwrap_or_default();
                let v = Decimal::from_str(cell)
                    .map_err(|_| bad(format!("`{cell}` is not a decimal rate")))?;
                if v <= Decimal::ZERO {
                    return Err(bad(format!("rate `{cell}` is not positive")));
                }
                *slot = v;
            }
            let method = record.get(6).unwrap_or_default().to_owned();
            if method.is_empty() {
                return Err(bad("every rate needs its `method`".into()));
            }
            if rows.last().is_some_and(|(d, _, _)| *d >= date) {
                return Err(bad(format!(
                    "dates must be strictly increasing; {date} is not"
                )));
            }
            rows.push((date, values, method));
        }
        if rows.is_empty() {
            return Err(LoadError::invalid(file, None, "the rate table is empty"));
        }
        Ok(SdrRates {
            version: version.to_owned(),
            hash,
            source: source.to_owned(),
            rows,
        })
    }

    /// Units of `currency` per SDR in force on `date` (`XDR` is 1 on every date).
    #[must_use]
    pub fn rate(&self, currency: &str, date: NaiveDate) -> Option<Rate> {
        if currency == "XDR" {
            return Some(Rate {
                units_per_sdr: Decimal::ONE,
                date,
                method: "identity".into(),
            });
        }
        let col = SDR_CURRENCIES.iter().position(|c| *c == currency)?;
        let idx = self.rows.partition_point(|(d, _, _)| *d <= date);
        let (d, values, method) = self.rows.get(idx.checked_sub(1)?)?;
        Some(Rate {
            units_per_sdr: *values.get(col)?,
            date: *d,
            method: method.clone(),
        })
    }
}

/// The columns of an indicator table.
pub(crate) const INDICATOR_COLUMNS: [&str; 4] = ["path", "test", "value", "label"];

/// Whether `columns` are `base`, optionally followed by `label_nl`, the label in Dutch (the
/// explanations' other language).
fn with_optional_label_nl(columns: &[String], base: &[&str]) -> bool {
    let (head, rest) = columns.split_at(columns.len().min(base.len()));
    head.iter().map(String::as_str).eq(base.iter().copied())
        && (rest.is_empty() || rest.iter().map(String::as_str).eq(["label_nl"]))
}

/// Whether `columns` are an indicator table's: [`INDICATOR_COLUMNS`], optionally `label_nl`.
pub(crate) fn is_indicator_table(columns: &[String]) -> bool {
    with_optional_label_nl(columns, &INDICATOR_COLUMNS)
}

/// Whether `columns` are a threshold table's: [`THRESHOLD_COLUMNS`], optionally `label_nl`.
pub(crate) fn is_threshold_table(columns: &[String]) -> bool {
    with_optional_label_nl(columns, &THRESHOLD_COLUMNS)
}
/// The tests an indicator table may use.
pub(crate) const INDICATOR_TESTS: [&str; 6] = [
    "is_true",
    "greater_than",
    "one_of",
    "starts_with",
    "not_equal",
    "meets",
];

/// Checks the rows of an indicator or threshold table at load: known facts (`is_fact`, which
/// the script API answers), activities and tests. Returns the problems; a table of other columns is not checked.
pub(crate) fn check_fact_table(
    t: &Table,
    is_param: &dyn Fn(&str) -> bool,
    is_fact: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let (activity, path, test, value) = if is_indicator_table(&t.columns) {
        (None, 0, 1, 2)
    } else if is_threshold_table(&t.columns) {
        (Some(0), 2, 3, 4)
    } else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in t.rows.values() {
        let cell = |i: usize| row.get(i).map_or("", String::as_str);
        let (path, test, value) = (cell(path), cell(test), cell(value));
        if test == "meets" && !is_param(value) {
            out.push(format!(
                "`{path}` is compared with parameter `{value}`, which is not in the pack's parameter table"
            ));
        }
        if let Some(a) = activity {
            if vocab::ACTIVITY.term(cell(a)).is_none() {
                out.push(format!("`{}` is not an activity code", cell(a)));
            }
            if test == "always" {
                if !path.is_empty() {
                    out.push(format!("test `always` of `{}` takes no path", cell(a)));
                }
                continue;
            }
            if test == "is_unknown" {
                if !is_fact(path) {
                    out.push(format!("`{path}` is not a fact of the application"));
                }
                continue;
            }
        }
        if !is_fact(path) {
            out.push(format!("`{path}` is not a fact of the application"));
        }
        if !INDICATOR_TESTS.contains(&test) {
            out.push(format!(
                "test `{test}` of `{path}` is not one of {}{}",
                INDICATOR_TESTS.join(", "),
                if activity.is_some() {
                    ", always, is_unknown"
                } else {
                    ""
                }
            ));
        }
    }
    out
}

/// The columns of a threshold table.
pub(crate) const THRESHOLD_COLUMNS: [&str; 6] =
    ["activity", "group", "path", "test", "value", "label"];

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> SdrRates {
        let csv = "date,eur,usd,gbp,jpy,cny,method\n2022-10-28,1.29,1.28,1.11,190.7,9.3,derived:x\n2022-10-31,1.29399,1.28286,1.11432,190.733,9.36586,derived:y\n";
        SdrRates::from_csv("v", "sha256:0".into(), "src", "r.csv", csv).unwrap()
    }

    #[test]
    fn nearest_earlier_rate_applies() {
        let r = rates();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            r.rate("EUR", d("2022-11-01"))
                .unwrap()
                .units_per_sdr
                .to_string(),
            "1.29399"
        );
        assert_eq!(
            r.rate("EUR", d("2022-10-30")).unwrap().date,
            d("2022-10-28")
        );
        assert!(
            r.rate("EUR", d("2022-10-27")).is_none(),
            "no rate before the first row"
        );
        assert!(r.rate("IDR", d("2022-11-01")).is_none());
        assert_eq!(
            r.rate("XDR", d("2000-01-01")).unwrap().units_per_sdr,
            Decimal::ONE
        );
    }

    #[test]
    fn malformed_rate_tables_are_refused_with_their_line() {
        let e = SdrRates::from_csv(
            "v",
            String::new(),
            "s",
            "r.csv",
            "date,eur,usd,gbp,jpy,cny,method\n2022-10-28,1.29,x,1.1,190,9,m\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "r.csv:2: `x` is not a decimal rate");
    }
}
