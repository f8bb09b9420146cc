//! Calibration cases: real projects with the A/B/C category an institution published, encoded as
//! applications from their description alone, and the agreement of the engine's category with the
//! published one (`imvo scenarios agreement`).
//!
//! A case is a measurement, not a golden test: the published category is never fed to the engine
//! (only `application` is screened), and every fact of `application.project` carries the words of
//! the description it rests on (`basis`), so anyone can check the encoding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use imvo_engine::{Application, Category, PolicySet, screen};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One calibration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The record's id in the calibration dataset (`WB-P085621`, `IFC-5017`).
    pub source_id: String,
    /// Which half of the calibration set: `tuning` (read while rules were changed) or
    /// `held_out` (encoded blind, then only measured).
    pub half: Half,
    /// The institution that published the category.
    pub institution: String,
    /// The category it published: the label, for scoring only.
    pub published_category: Category,
    /// Where the record comes from, with its licence.
    pub source: String,
    /// The real-world situation, in one line.
    pub summary: String,
    /// The application encoded from the description.
    pub application: Value,
    /// For each encoded fact (dotted path), the words of the record it rests on.
    pub basis: BTreeMap<String, String>,
    /// An ambiguity met while encoding.
    #[serde(default)]
    pub encoding_note: Option<String>,
}

/// The half of the calibration set a case belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    /// The first 128 cases, read case by case while rules were reviewed.
    Tuning,
    /// The other 128, encoded in one pass before any rule was changed because of them, and
    /// only measured.
    HeldOut,
}

/// The engine's answer for one case.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    /// File.
    pub file: String,
    /// Dataset id.
    pub source_id: String,
    /// Institution.
    pub institution: String,
    /// Published category.
    pub published: Category,
    /// The engine's category (`None`: no category).
    pub engine: Option<Category>,
    /// Why there is no category, if there is none.
    pub category_reason: Option<String>,
    /// Whether the category is provisional: facts that could still raise it are missing.
    pub provisional: bool,
    /// The rules that raised the category floor the engine settled on.
    pub floor_rules: Vec<String>,
}

/// A confusion matrix: published A/B/C (rows) against engine A/B/C/none (columns).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Matrix {
    /// `cells[published][engine]`, published in A, B, C order, engine in A, B, C, none order.
    pub cells: [[usize; 4]; 3],
}

impl Matrix {
    fn add(&mut self, published: Category, engine: Option<Category>) {
        let row = category_index(published);
        let col = engine.map_or(3, category_index);
        if let Some(c) = self.cells.get_mut(row).and_then(|r| r.get_mut(col)) {
            *c += 1;
        }
    }

    /// Number of cases.
    #[must_use]
    pub fn total(&self) -> usize {
        self.cells.iter().flatten().sum()
    }

    /// Cases where the engine gave the published category.
    #[must_use]
    pub fn agreeing(&self) -> usize {
        (0..3)
            .filter_map(|i| self.cells.get(i).and_then(|r| r.get(i)))
            .sum()
    }

    /// Cases where the engine gave a category (any).
    #[must_use]
    pub fn categorised(&self) -> usize {
        self.cells
            .iter()
            .map(|r| r.iter().take(3).sum::<usize>())
            .sum()
    }

    /// The matrix as text, with agreement.
    #[must_use]
    pub fn render(&self) -> String {
        let mut s = String::from("  published \\ engine      A     B     C  none  total\n");
        for (name, row) in ["A", "B", "C"].iter().zip(self.cells.iter()) {
            let cells: String = row.iter().map(|n| format!(" {n:>5}")).collect();
            s.push_str(&format!(
                "  {name:<19}{cells}  {:>5}\n",
                row.iter().sum::<usize>()
            ));
        }
        let (agree, total, cat) = (self.agreeing(), self.total(), self.categorised());
        s.push_str(&format!(
            "  agreement {agree}/{total} ({}); of the {cat} the engine categorised, {agree} agree ({})\n",
            percent(agree, total),
            percent(agree, cat)
        ));
        s
    }
}

fn category_index(c: Category) -> usize {
    match c {
        Category::A => 0,
        Category::B => 1,
        Category::C => 2,
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "n/a".to_owned();
    }
    // Whole percent, rounded half up, in integer arithmetic.
    format!("{}%", (part * 200 + whole) / (2 * whole))
}

/// The agreement report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The screening date used for every case.
    pub as_of: NaiveDate,
    /// Policy set hash.
    pub policy_set: String,
    /// One matrix per institution.
    pub institutions: BTreeMap<String, Matrix>,
    /// All cases.
    pub overall: Matrix,
    /// Cases with a provisional category.
    pub provisional: usize,
    /// Every case.
    pub cases: Vec<Scored>,
}

/// Checks a case's encoding: the application parses, every basis entry names an encoded fact,
/// and every fact of `application.project` has a basis. Returns the problems.
#[must_use]
pub fn check_case(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = Application::parse(&case.application.to_string()) {
        problems.push(format!("application: {e}"));
    }
    for path in case.basis.keys() {
        if lookup(&case.application, path).is_none() {
            problems.push(format!("basis `{path}` names no encoded fact"));
        }
        if case.basis.get(path).is_some_and(|q| q.trim().is_empty()) {
            problems.push(format!("basis `{path}` quotes nothing"));
        }
    }
    if let Some(project) = case.application.get("project") {
        let mut leaves = Vec::new();
        leaf_paths(project, "project", &mut leaves);
        for leaf in leaves {
            if !case.basis.contains_key(&leaf) {
                problems.push(format!(
                    "`{leaf}` has no basis: quote the words it rests on"
                ));
            }
        }
    }
    problems
}

fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |cur, key| cur.get(key))
}

/// Dotted paths of the leaves of an object (arrays are leaves).
fn leaf_paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                leaf_paths(child, &format!("{prefix}.{k}"), out);
            }
        }
        _ => out.push(prefix.to_owned()),
    }
}

/// Every `.json` file directly in `dir`, sorted.
///
/// # Errors
/// An unreadable folder.
pub fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Screens every case on `as_of` and builds the matrices. A case that does not load or whose
/// encoding fails its check is returned as a problem (file, message) and not scored.
#[must_use]
pub fn agreement(
    set: &PolicySet,
    paths: &[PathBuf],
    as_of: NaiveDate,
) -> (Report, Vec<(String, String)>) {
    let mut report = Report {
        as_of,
        policy_set: set.hash().to_owned(),
        institutions: BTreeMap::new(),
        overall: Matrix::default(),
        provisional: 0,
        cases: Vec::new(),
    };
    let mut problems = Vec::new();
    for path in paths {
        let file = path.display().to_string();
        let case: Case = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str(&t).map_err(|e| format!("not a calibration case: {e}"))
            }) {
            Ok(c) => c,
            Err(e) => {
                problems.push((file, e));
                continue;
            }
        };
        let check = check_case(&case);
        if !check.is_empty() {
            problems.push((file, check.join("; ")));
            continue;
        }
        let Ok(app) = Application::parse(&case.application.to_string()) else {
            continue;
        };
        let d = screen(set, &app, as_of);
        let floor_rules = d
            .category
            .map(|c| {
                d.findings
                    .iter()
                    .filter(|f| {
                        f.effect == imvo_engine::decision::Effect::CategoryFloor
                            && f.value.as_deref() == Some(c.as_str())
                    })
                    .map(|f| f.rule_id.clone())
                    .collect()
            })
            .unwrap_or_default();
        // Provisional: B or C while a fact the categorising rules asked for is missing (it could
        // still raise the category; nothing raises A).
        let provisional = matches!(d.category, Some(Category::B | Category::C))
            && d.missing.iter().any(|m| {
                m.needed_by
                    .iter()
                    .any(|r| r.starts_with("R-SF-01") || r.starts_with("R-EC-0"))
            });
        report.overall.add(case.published_category, d.category);
        report
            .institutions
            .entry(case.institution.clone())
            .or_default()
            .add(case.published_category, d.category);
        if provisional {
            report.provisional += 1;
        }
        report.cases.push(Scored {
            file,
            source_id: case.source_id,
            institution: case.institution,
            published: case.published_category,
            engine: d.category,
            category_reason: d.category_reason,
            provisional,
            floor_rules,
        });
    }
    (report, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_counts_and_percentages() {
        let mut m = Matrix::default();
        m.add(Category::A, Some(Category::A));
        m.add(Category::B, Some(Category::A));
        m.add(Category::C, None);
        assert_eq!((m.total(), m.agreeing(), m.categorised()), (3, 1, 2));
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(2, 3), "67%");
        assert_eq!(percent(0, 0), "n/a");
        assert!(m.render().contains("agreement 1/3 (33%)"));
    }

    #[test]
    fn an_unquoted_fact_is_a_problem() {
        let case: Case = serde_json::from_value(serde_json::json!({
            "source_id": "X-1", "institution": "I", "published_category": "B", "source": "s",
            "summary": "s",
            "application": {"reference": "X-1", "instrument": "project_finance",
                "application_date": "2013-01-01",
                "project": {"country": "KE", "stage": "new"}},
            "basis": {"project.country": "Kenya", "project.sector": "roads"}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let p = check_case(&case);
        assert!(
            p.iter().any(|m| m.contains("`project.stage` has no basis")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.contains("basis `project.sector` names no encoded fact")),
            "{p:?}"
        );
    }
}
