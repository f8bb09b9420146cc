//! Golden scenarios: every file under `scenarios/` (except `calibration/`) through the engine,
//! compared with its expectations. A failure prints the file, its description and each mismatch.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use imvo_service::scenarios;

#[test]
fn every_golden_scenario_passes() {
    let set = support::policies();
    let files = scenarios::files(&support::root().join("scenarios")).unwrap();
    assert!(
        files.len() >= 80,
        "expected at least 80 scenarios, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let r = scenarios::run_file(set, path);
        if !r.problems.is_empty() {
            failures.push(format!(
                "{}\n  {}\n    {}",
                path.display(),
                r.description,
                r.problems.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn the_scenario_harness_catches_a_wrong_expectation() {
    // The harness itself must be able to fail: flip one expectation and check it is reported.
    let set = support::policies();
    let path = support::root()
        .join("scenarios/oecd-common-approaches/gas-plant-400mwth-indonesia-2022.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut s: scenarios::Scenario = serde_json::from_str(&text).unwrap();
    s.expect.category = Some(Some(imvo_engine::Category::C));
    s.expect.rule_ids_include.push("R-EC-06.3".into());
    let app = imvo_engine::Application::parse(&s.application.to_string()).unwrap();
    let d = imvo_engine::screen(set, &app, app.application_date);
    let problems = s.expect.check(&d);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("category: expected C, got A"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("rule_ids_include: `R-EC-06.3` did not fire"),
        "{problems:?}"
    );
}

#[test]
fn every_rule_of_the_shipped_packs_fires_in_some_scenario() {
    let set = support::policies();
    let mut fired = std::collections::BTreeSet::new();
    for path in scenarios::files(&support::root().join("scenarios")).unwrap() {
        if let Some(d) = scenarios::run_file(set, &path).decision {
            fired.extend(d.findings.into_iter().map(|f| f.rule_id));
        }
    }
    let mut unfired = Vec::new();
    for pack in set.packs() {
        for rule in &pack.rules {
            if !fired.contains(&rule.id) && !rule.data_unavailable {
                unfired.push(format!("{} {}", pack.manifest.id, rule.id));
            }
        }
    }
    assert!(unfired.is_empty(), "rules no scenario fires: {unfired:?}");
}

/// The calibration cases are measurements, not golden tests: their categories may disagree with
/// the engine. What must hold is their encoding: at least 80 cases, every one parses, every
/// encoded project fact quotes the words it rests on, and the agreement run scores them all.
#[test]
fn calibration_cases_are_well_formed_and_all_scored() {
    use imvo_service::calibration;
    let set = support::policies();
    let files = calibration::files(&support::root().join("scenarios/calibration")).unwrap();
    assert!(
        files.len() >= 80,
        "expected at least 80 calibration cases, found {}",
        files.len()
    );
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let (report, problems) = calibration::agreement(set, &files, as_of);
    assert!(
        problems.is_empty(),
        "calibration cases with problems: {problems:#?}"
    );
    assert_eq!(report.all.indicative_overall.total(), files.len());
    let per_institution: usize = report
        .all
        .stated
        .values()
        .map(calibration::Matrix::total)
        .sum();
    assert_eq!(per_institution, files.len());
    assert_eq!(
        report.held_out.stated_overall.total() + report.tuning.stated_overall.total(),
        files.len()
    );
    // Every case whose activities are known gets a category (determined, provisional or
    // indicative) or a stated reason why none applies.
    for c in &report.cases {
        let text = std::fs::read_to_string(&c.file).unwrap();
        let case: calibration::Case = serde_json::from_str(&text).unwrap();
        let activities_known = case.application.pointer("/project/activities").is_some();
        if activities_known && c.status != imvo_engine::CategoryStatus::NotApplicable {
            assert!(
                c.answer().is_some(),
                "{}: activities known, but no category, no indicative one and no reason",
                c.source_id
            );
        }
    }
    // The label is scoring data only: a case whose application names a category is refused.
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let case: calibration::Case = serde_json::from_str(&text).unwrap();
        let app = case.application.to_string();
        assert!(
            !app.contains("category"),
            "{}: the application mentions a category",
            path.display()
        );
    }
}
