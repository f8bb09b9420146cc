//! The impact of a policy change: every application of a portfolio screened under two policy
//! sets, with the category migration matrix, the outcome changes, the rules behind them and the
//! exposure (support amounts, per currency) that moved.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use imvo_engine::{Application, Decision, PolicySet, screen};
use rust_decimal::Decimal;
use serde::Serialize;

/// The impact report.
#[derive(Debug, Default, Serialize)]
pub struct Impact {
    /// Applications screened under both sets.
    pub applications: u64,
    /// Lines that are not valid applications (line numbers).
    pub rejected: Vec<u64>,
    /// `from -> to` category (A, B, C, none) to count, changed or not.
    pub categories: BTreeMap<String, u64>,
    /// `from -> to` outcome to count, for changed outcomes only.
    pub outcome_changes: BTreeMap<String, u64>,
    /// Applications whose category or outcome changed.
    pub changed: u64,
    /// Rule id to the number of changed applications in which it fired under one set only.
    pub rules: BTreeMap<String, u64>,
    /// Currency to the support amount of the changed applications.
    #[serde(with = "decimal_map")]
    pub exposure_moved: BTreeMap<String, Decimal>,
    /// The changed applications: line, reference, before and after.
    pub changes: Vec<Change>,
}

/// One changed application.
#[derive(Debug, Serialize)]
pub struct Change {
    /// Input line.
    pub line: u64,
    /// Reference.
    pub reference: String,
    /// Category and outcome under the first set.
    pub from: String,
    /// Category and outcome under the second set.
    pub to: String,
    /// Rules that fired under one set only.
    pub rules: Vec<String>,
}

mod decimal_map {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(
        m: &BTreeMap<String, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(m.iter().map(|(k, v)| (k, v.to_string())))
    }
}

fn cat(d: &Decision) -> &'static str {
    d.category.map_or("none", |c| c.as_str())
}

fn rules_of(d: &Decision) -> BTreeSet<&str> {
    d.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

/// Screens every JSON Lines application of `input` under `from` and `to` on `as_of` (default:
/// each application's date).
#[must_use]
pub fn impact(from: &PolicySet, to: &PolicySet, input: &str, as_of: Option<NaiveDate>) -> Impact {
    let mut out = Impact::default();
    for (i, line) in input.lines().enumerate() {
        let n = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(app) = Application::parse(line) else {
            out.rejected.push(n);
            continue;
        };
        let date = as_of.unwrap_or(app.application_date);
        let (a, b) = (screen(from, &app, date), screen(to, &app, date));
        out.applications += 1;
        *out.categories
            .entry(format!("{} -> {}", cat(&a), cat(&b)))
            .or_default() += 1;
        if a.category == b.category && a.outcome == b.outcome {
            continue;
        }
        out.changed += 1;
        if a.outcome != b.outcome {
            *out.outcome_changes
                .entry(format!("{} -> {}", a.outcome.as_str(), b.outcome.as_str()))
                .or_default() += 1;
        }
        let (ra, rb) = (rules_of(&a), rules_of(&b));
        let diff: Vec<String> = ra
            .symmetric_difference(&rb)
            .map(|r| (*r).to_owned())
            .collect();
        for r in &diff {
            *out.rules.entry(r.clone()).or_default() += 1;
        }
        if let Some(m) = app
            .transaction
            .as_ref()
            .and_then(|t| t.support_amount.as_ref())
        {
            *out.exposure_moved.entry(m.currency.clone()).or_default() += m.amount;
        }
        out.changes.push(Change {
            line: n,
            reference: app.reference.clone(),
            from: format!("{} {}", cat(&a), a.outcome.as_str()),
            to: format!("{} {}", cat(&b), b.outcome.as_str()),
            rules: diff,
        });
    }
    out
}

impl Impact {
    /// The report as text.
    #[must_use]
    pub fn render(&self, from: &str, to: &str) -> String {
        let mut s = format!(
            "{} application(s) screened under {from} and {to}; {} changed; {} line(s) rejected\n\nCategory migration (from -> to: count)\n",
            self.applications,
            self.changed,
            self.rejected.len()
        );
        for (k, v) in &self.categories {
            s.push_str(&format!("  {k:<14} {v}\n"));
        }
        s.push_str("\nOutcome changes\n");
        for (k, v) in &self.outcome_changes {
            s.push_str(&format!("  {k:<50} {v}\n"));
        }
        s.push_str("\nRules behind the changes (fired under one set only)\n");
        for (k, v) in &self.rules {
            s.push_str(&format!("  {k:<12} {v}\n"));
        }
        s.push_str("\nExposure moved (support amounts of the changed applications)\n");
        for (k, v) in &self.exposure_moved {
            s.push_str(&format!("  {k} {v}\n"));
        }
        s
    }
}
