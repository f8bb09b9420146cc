//! A pack's rule table (`rules.csv`): rule ids, phases, citations, and the names of their
//! functions and of the generated dispatchers.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::LoadError;
use super::files::{cell, csv_rows, text};
use super::manifest::Manifest;
use super::manifest::citation;

/// The evaluation phase a rule runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Facts and triggers: scope, exclusions, sanctions, Performance Standards PS2-PS8.
    Facts,
    /// Category floors.
    Floors,
    /// Category-dependent steps (PS1, documents, disclosure, reporting) and risk levels.
    Steps,
    /// Rules that judge the decision so far as a whole (information refused or still outstanding
    /// after the deadline); they see every finding of the three phases before.
    Final,
}

impl Phase {
    /// All phases in evaluation order.
    pub const ALL: [Phase; 4] = [Phase::Facts, Phase::Floors, Phase::Steps, Phase::Final];

    /// The name used in rule tables.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Facts => "facts",
            Phase::Floors => "floors",
            Phase::Steps => "steps",
            Phase::Final => "final",
        }
    }
}

/// One row of a rule table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Rule id (`R-EC-06.2`), shared with every finding the rule reports.
    pub id: Arc<str>,
    /// Short title.
    pub title: String,
    /// The phases it runs in, in evaluation order (`facts`, or `facts+floors+steps` for a rule
    /// that triggers, raises a floor and requires steps).
    pub phases: Vec<Phase>,
    /// Source document title (shared with the rule's findings, as are the next two).
    pub document: Arc<str>,
    /// Paragraph or section, where known.
    pub section: Option<Arc<str>>,
    /// Evidence level: P, P-copy, S or R.
    pub evidence_level: Arc<str>,
    /// Checked against the primary text.
    pub verified: bool,
    /// Notes (readings, deviations from the reference).
    pub note: String,
    /// The rule needs data that cannot be shipped under an acceptable licence: it reports an
    /// `info` finding saying what a deployment must supply (rules.csv `status`
    /// `data_unavailable`, otherwise `active`).
    pub data_unavailable: bool,
    /// The script function that implements it.
    pub function: String,
    /// The rule's applicability gate as written (`when` column; empty: always runs). A gate that
    /// is false skips the rule without entering the script (see `policy::gates`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub when: String,
    /// The line of the rule table the rule is on (for errors in its gate).
    #[serde(skip)]
    pub line: usize,
}

impl Rule {
    /// Whether the rule runs in `phase`.
    #[must_use]
    pub fn runs_in(&self, phase: Phase) -> bool {
        self.phases.contains(&phase)
    }

    /// The phases as written in the rule table (`facts+floors`).
    #[must_use]
    pub fn phase_names(&self) -> String {
        self.phases
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// `facts`, `floors`, `steps`, or several joined by `+` in evaluation order, each once.
fn parse_phases(text: &str) -> Option<Vec<Phase>> {
    let mut out: Vec<Phase> = Vec::new();
    for name in text.split('+') {
        let phase = Phase::ALL.into_iter().find(|p| p.as_str() == name)?;
        if out.last().is_some_and(|last| *last >= phase) {
            return None;
        }
        out.push(phase);
    }
    (!out.is_empty()).then_some(out)
}

/// The generated function that runs every rule of `phase` in a pack in reference mode: a table
/// rule through its reference script, where it keeps one.
#[must_use]
pub fn reference_dispatcher_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Facts => "__imvo_facts_reference",
        Phase::Floors => "__imvo_floors_reference",
        Phase::Steps => "__imvo_steps_reference",
        Phase::Final => "__imvo_final_reference",
    }
}

/// The generated function that runs every rule of `phase` in a pack.
#[must_use]
pub fn dispatcher_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Facts => "__imvo_facts",
        Phase::Floors => "__imvo_floors",
        Phase::Steps => "__imvo_steps",
        Phase::Final => "__imvo_final",
    }
}

/// The script function name for a rule id: lower case, every other character `_`
/// (`R-EC-06.2` is `r_ec_06_2`).
#[must_use]
pub fn function_name(rule_id: &str) -> String {
    rule_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

pub(super) fn valid_rule_id(id: &str) -> bool {
    let mut parts = id.split('-');
    let (Some("R"), Some(family), Some(rest), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let family_ok = !family.is_empty() && family.bytes().all(|b| b.is_ascii_uppercase());
    let mut nums = rest.split('.');
    let main_ok = nums
        .next()
        .is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit()));
    let subs_ok = nums.all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    family_ok && main_ok && subs_ok
}

pub(super) fn rules(
    dir: &str,
    m: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
    errors: &mut Vec<LoadError>,
) -> Vec<Rule> {
    let file = format!("{dir}/rules.csv");
    let rows = match text(files, &file).and_then(|t| {
        csv_rows(
            &file,
            t,
            &[
                "id",
                "title",
                "phase",
                "source",
                "section",
                "evidence_level",
                "verified",
                "note",
                "status",
            ],
            // Rule tables written before gates have no `when` column: every rule runs.
            &["when"],
        )
    }) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let mut out: Vec<Rule> = Vec::new();
    for (line, row) in rows {
        let mut bad = |m: String| errors.push(LoadError::invalid(&file, Some(line), m));
        let id = cell(&row, 0);
        if !valid_rule_id(id) {
            bad(format!(
                "`{id}` is not a rule id of the form R-<FAMILY>-<NN>[.<item>]"
            ));
            continue;
        }
        if out.iter().any(|r| &*r.id == id) {
            bad(format!("rule `{id}` appears twice"));
            continue;
        }
        let Some(phases) = parse_phases(cell(&row, 2)) else {
            bad(format!(
                "phase `{}` of rule `{id}` is not facts, floors, steps or final, or several of them in that order joined by `+`",
                cell(&row, 2)
            ));
            continue;
        };
        let (document, section, evidence, verified) =
            match citation(m, &row, 3, &format!("rule `{id}`")) {
                Ok(c) => c,
                Err(e) => {
                    bad(e);
                    continue;
                }
            };
        let data_unavailable = match cell(&row, 8) {
            "active" => false,
            "data_unavailable" => true,
            other => {
                bad(format!(
                    "status `{other}` of rule `{id}` is not `active` or `data_unavailable`"
                ));
                continue;
            }
        };
        let title = cell(&row, 1);
        if title.is_empty() {
            bad(format!("rule `{id}` has no title"));
            continue;
        }
        out.push(Rule {
            id: id.into(),
            title: title.to_owned(),
            phases,
            document: document.into(),
            section: section.map(Into::into),
            evidence_level: evidence.into(),
            verified,
            note: cell(&row, 7).to_owned(),
            data_unavailable,
            function: function_name(id),
            when: cell(&row, 9).trim().to_owned(),
            line,
        });
    }
    if out.is_empty()
        && !errors
            .iter()
            .any(|e| matches!(e, LoadError::Invalid { file: f, .. } if *f == file))
    {
        errors.push(LoadError::invalid(&file, None, "the rule table is empty"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_and_function_names() {
        for ok in ["R-EC-06", "R-EC-06.2", "R-X-01", "R-PS-10", "R-EC-06.2.1"] {
            assert!(valid_rule_id(ok), "{ok}");
        }
        for bad in [
            "R-EC-6",
            "EC-06",
            "R-ec-06",
            "R-EC-06.",
            "R-EC-06-1",
            "R--01",
        ] {
            assert!(!valid_rule_id(bad), "{bad}");
        }
        assert_eq!(function_name("R-EC-06.2"), "r_ec_06_2");
    }
}
