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
use imvo_engine::{Application, Category, CategoryStatus, PolicySet, screen};
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
    /// Which half of the set.
    pub half: Half,
    /// Institution.
    pub institution: String,
    /// Published category.
    pub published: Category,
    /// The engine's category (`None`: no category).
    pub engine: Option<Category>,
    /// Where the decision stands on its category.
    pub status: CategoryStatus,
    /// The indicative category, where the decision has one.
    pub indicative: Option<Category>,
    /// Why there is no category, if there is none.
    pub category_reason: Option<String>,
    /// The rules that raised the category floor the engine settled on.
    pub floor_rules: Vec<String>,
}

impl Scored {
    /// The engine's answer read with the indicative category: the indicative category where the
    /// decision has one (it is never below a provisional one), else the category it states.
    #[must_use]
    pub fn answer(&self) -> Option<Category> {
        self.indicative.or(self.engine)
    }
}

/// Agreement of one half (or of all cases), read two ways: the category the decision states,
/// and the category it states or else its indicative one.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    /// Per institution, with the category the decision states.
    pub stated: BTreeMap<String, Matrix>,
    /// Per institution, with the stated or else the indicative category.
    pub indicative: BTreeMap<String, Matrix>,
    /// All institutions, stated.
    pub stated_overall: Matrix,
    /// All institutions, stated or indicative.
    pub indicative_overall: Matrix,
    /// Cases whose category is provisional (a floor is raised, an unknown could raise it).
    pub provisional: usize,
    /// Published A read as C (stated or indicative).
    pub a_read_as_c: usize,
}

impl Section {
    fn add(&mut self, c: &Scored) {
        self.stated_overall.add(c.published, c.engine);
        self.indicative_overall.add(c.published, c.answer());
        self.stated
            .entry(c.institution.clone())
            .or_default()
            .add(c.published, c.engine);
        self.indicative
            .entry(c.institution.clone())
            .or_default()
            .add(c.published, c.answer());
        if c.status == CategoryStatus::Provisional {
            self.provisional += 1;
        }
        if c.published == Category::A && c.answer() == Some(Category::C) {
            self.a_read_as_c += 1;
        }
    }

    /// The section as text.
    #[must_use]
    pub fn render(&self, title: &str) -> String {
        let m = &self.indicative_overall;
        let (total, answered, agree) = (m.total(), m.categorised(), m.agreeing());
        let b_row = m
            .cells
            .get(1)
            .map_or(0, |r| r.iter().take(3).sum::<usize>());
        let mut s = format!("{title} ({total} cases)\n");
        s.push_str(&format!(
            "\n With the category the decision states:\n{}",
            self.stated_overall.render()
        ));
        s.push_str(&format!(
            "\n With the indicative category where there is one, else the stated one:\n{}",
            m.render()
        ));
        for (institution, im) in &self.indicative {
            s.push_str(&format!(
                "\n {institution} ({} cases), stated or indicative:\n{}",
                im.total(),
                im.render()
            ));
        }
        s.push_str(&format!(
            "\n A determined, provisional or indicative category for {answered} of {total} ({}); \
             of those, {agree} agree ({}); answering B every time would agree on {b_row} of them ({}).\n \
             Published A read as C: {}. Provisional: {}.\n",
            percent(answered, total),
            percent(agree, answered),
            percent(b_row, answered),
            self.a_read_as_c,
            self.provisional
        ));
        s
    }
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
    /// The held-out half: encoded blind and never read while rules changed.
    pub held_out: Section,
    /// The tuning half: read case by case while rules were reviewed.
    pub tuning: Section,
    /// Every case.
    pub all: Section,
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
        held_out: Section::default(),
        tuning: Section::default(),
        all: Section::default(),
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
                    .map(|f| f.rule_id.to_string())
                    .collect()
            })
            .unwrap_or_default();
        let scored = Scored {
            file,
            source_id: case.source_id,
            half: case.half,
            institution: case.institution,
            published: case.published_category,
            engine: d.category,
            status: d.category_status,
            indicative: d.indicative.as_ref().and_then(|i| i.category),
            category_reason: d.category_reason,
            floor_rules,
        };
        match scored.half {
            Half::HeldOut => report.held_out.add(&scored),
            Half::Tuning => report.tuning.add(&scored),
        }
        report.all.add(&scored);
        report.cases.push(scored);
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
            "source_id": "X-1", "half": "tuning", "institution": "I", "published_category": "B", "source": "s",
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
