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
