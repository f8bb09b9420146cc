//! Golden scenarios: an application and what its decision must say. Run by `imvo scenarios run`
//! and by the test harness; files are JSON with a strict schema (unknown keys are errors).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use imvo_engine::decision::RiskLevel;
use imvo_engine::{Application, Category, CategoryStatus, Decision, Outcome, PolicySet, screen};
use serde::{Deserialize, Deserializer};

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The real-world situation it represents, in one line.
    pub description: String,
    /// Free tags (instrument, rule family, boundary).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Screening date; `null` means the application date.
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    /// The exact v1 application body.
    pub application: serde_json::Value,
    /// What the decision must say.
    pub expect: Expect,
}

/// Expectations; absent keys are not checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The outcome.
    pub outcome: Outcome,
    /// The category (`null` to expect none); absent: not checked.
    #[serde(default, deserialize_with = "present")]
    pub category: Option<Option<Category>>,
    /// The category status (`determined`, `provisional`, `undetermined`, `not_applicable`);
    /// absent: not checked.
    #[serde(default)]
    pub category_status: Option<CategoryStatus>,
    /// The indicative category (`null` to expect an indicative block without one, or none at
    /// all); absent: not checked.
    #[serde(default, deserialize_with = "present")]
    pub indicative_category: Option<Option<Category>>,
    /// The trade-mission risk level (`null` to expect none); absent: not checked.
    #[serde(default, deserialize_with = "present")]
    pub risk_level: Option<Option<RiskLevel>>,
    /// Rule ids that must have a finding (a subset).
    #[serde(default)]
    pub rule_ids_include: Vec<String>,
    /// Rule ids that must not have a finding.
    #[serde(default)]
    pub rule_ids_exclude: Vec<String>,
    /// Steps that must be required (a subset).
    #[serde(default)]
    pub required_steps_include: Vec<String>,
    /// Paths that must be missing (a subset).
    #[serde(default)]
    pub missing_include: Vec<String>,
    /// The exact number of evaluation errors.
    #[serde(default)]
    pub errors: Option<usize>,
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The result of one scenario.
#[derive(Debug)]
pub struct ScenarioResult {
    /// The file.
    pub path: PathBuf,
    /// Its description, where it could be read.
    pub description: String,
    /// Mismatches; empty when it passed.
    pub problems: Vec<String>,
    /// The decision, where one was made.
    pub decision: Option<Decision>,
}

impl Expect {
    /// Every way `d` differs from the expectation.
    #[must_use]
    pub fn check(&self, d: &Decision) -> Vec<String> {
        let mut out = Vec::new();
        if d.outcome != self.outcome {
            out.push(format!(
                "outcome: expected {}, got {}",
                self.outcome, d.outcome
            ));
        }
        if let Some(c) = self.category
            && d.category != c
        {
            let show = |c: Option<Category>| c.map_or("null".to_owned(), |c| c.as_str().to_owned());
            out.push(format!(
                "category: expected {}, got {} ({})",
                show(c),
                show(d.category),
                d.category_reason.as_deref().unwrap_or("no reason")
            ));
        }
        if let Some(status) = self.category_status
            && d.category_status != status
        {
            out.push(format!(
                "category_status: expected {}, got {}",
                status.as_str(),
                d.category_status.as_str()
            ));
        }
        if let Some(expected) = self.indicative_category {
            let got = d.indicative.as_ref().and_then(|i| i.category);
            if got != expected {
                let show =
                    |c: Option<Category>| c.map_or("null".to_owned(), |c| c.as_str().to_owned());
                out.push(format!(
                    "indicative_category: expected {}, got {}",
                    show(expected),
                    show(got)
                ));
            }
        }
        if let Some(r) = self.risk_level
            && d.risk_level != r
        {
            out.push(format!(
                "risk_level: expected {r:?}, got {:?}",
                d.risk_level
            ));
        }
        let fired: Vec<&str> = d.findings.iter().map(|f| &*f.rule_id).collect();
        for id in &self.rule_ids_include {
            if !fired.contains(&id.as_str()) {
                out.push(format!(
                    "rule_ids_include: `{id}` did not fire (fired: {})",
                    dedup(&fired).join(", ")
                ));
            }
        }
        for id in &self.rule_ids_exclude {
            if fired.contains(&id.as_str()) {
                let why: Vec<&str> = d
                    .findings
                    .iter()
                    .filter(|f| *f.rule_id == **id)
                    .map(|f| &*f.reason)
                    .collect();
                out.push(format!(
                    "rule_ids_exclude: `{id}` fired: {}",
                    why.join("; ")
                ));
            }
        }
        let steps: Vec<&str> = d.required_steps.iter().map(|s| s.step.as_str()).collect();
        for s in &self.required_steps_include {
            if !steps.contains(&s.as_str()) {
                out.push(format!(
                    "required_steps_include: `{s}` is not required (required: {})",
                    steps.join(", ")
                ));
            }
        }
        let missing: Vec<&str> = d.missing.iter().map(|m| m.path.as_str()).collect();
        for m in &self.missing_include {
            if !missing.contains(&m.as_str()) {
                out.push(format!(
                    "missing_include: `{m}` is not missing (missing: {})",
                    missing.join(", ")
                ));
            }
        }
        if let Some(n) = self.errors
            && d.errors.len() != n
        {
            let msgs: Vec<String> = d
                .errors
                .iter()
                .map(|e| format!("{:?} {}", e.rule_id, e.message))
                .collect();
            out.push(format!(
                "errors: expected {n}, got {} ({})",
                d.errors.len(),
                msgs.join("; ")
            ));
        }
        out
    }
}

fn dedup<'a>(ids: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&str> = ids.to_vec();
    v.dedup();
    v
}

/// Every scenario file under `dir`, sorted; `calibration/` folders hold measurement cases of
/// another shape and are left out.
///
/// # Errors
/// An unreadable folder.
pub fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if name != "calibration" && !name.starts_with('.') {
                walk(&path, out)?;
            }
        } else if name.ends_with(".json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads and runs one scenario file.
#[must_use]
pub fn run_file(set: &PolicySet, path: &Path) -> ScenarioResult {
    let mut result = ScenarioResult {
        path: path.to_owned(),
        description: String::new(),
        problems: Vec::new(),
        decision: None,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            result.problems.push(format!("cannot read: {e}"));
            return result;
        }
    };
    let scenario: Scenario = match serde_json::from_str(&text) {
        Ok(s) => s,
        Err(e) => {
            result.problems.push(format!("not a scenario: {e}"));
            return result;
        }
    };
    result.description = scenario.description.clone();
    let app = match Application::parse(&scenario.application.to_string()) {
        Ok(a) => a,
        Err(e) => {
            result.problems.push(format!("application: {e}"));
            return result;
        }
    };
    let decision = screen(set, &app, scenario.as_of.unwrap_or(app.application_date));
    result.problems = scenario.expect.check(&decision);
    result.decision = Some(decision);
    result
}
