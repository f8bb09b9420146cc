//! `imvo scenarios`: the golden scenarios (pass or fail, with rule coverage) and agreement
//! with labelled cases.

use std::io::Write;
use std::path::{Path, PathBuf};

use imvo_engine::PolicySet;

use super::error::{Failure, exit};
use super::{Cli, policy_set};
use chrono::NaiveDate;
use clap::Subcommand;
use imvo_service::scenarios;
use serde_json::json;

#[derive(Subcommand)]
pub(super) enum ScenariosCommand {
    /// Run every scenario under DIR and report pass or fail with the differences.
    Run {
        /// Scenario folder.
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
        /// Also list every rule of the packs with the number of scenarios it fired in; a rule
        /// that fires in none fails the run.
        #[arg(long)]
        coverage: bool,
    },
    /// Screen the calibration cases (real projects with a published category) and print the
    /// confusion matrix of published A/B/C against the engine's A/B/C/none, per institution and
    /// overall. The published category is never given to the engine.
    Agreement {
        /// Folder of calibration cases.
        #[arg(default_value = "scenarios/calibration")]
        dir: PathBuf,
        /// Screening date for every case: the rules in force that day (default: today, read
        /// from the clock once and printed).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// Also list every case with its published and engine category.
        #[arg(long)]
        cases: bool,
    },
}

pub(super) fn agreement(
    set: &PolicySet,
    as_json: bool,
    dir: &std::path::Path,
    as_of: Option<NaiveDate>,
    list_cases: bool,
) -> Result<u8, Failure> {
    let files = imvo_service::calibration::files(dir)
        .map_err(|e| Failure::io(format!("cannot read `{}`: {e}", dir.display())))?;
    // The only clock read: the default screening date, printed with the report.
    let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let (report, problems) = imvo_service::calibration::agreement(set, &files, as_of);
    if as_json {
        outln!(
            "{}",
            json!({"report": report, "problems": problems.iter().map(|(f, m)| json!({"file": f, "problem": m})).collect::<Vec<_>>()})
        )?;
    } else {
        outln!(
            "Agreement with published categories: {} cases in {}, screened as of {} (policy set {})\n",
            report.all.indicative_overall.total(),
            dir.display(),
            report.as_of,
            report.policy_set
        )?;
        outln!(
            "{}",
            report.held_out.render(
                "Held-out half: encoded blind, before any rule change, never read while rules changed"
            )
        )?;
        outln!(
            "{}",
            report
                .tuning
                .render("Tuning half: read case by case while rules were reviewed")
        )?;
        outln!("{}", report.all.render("Both halves"))?;
        if list_cases {
            outln!(
                "\n  {:<14} {:<9} {:<9} {:<6} {:<14} {:<10} rules / reason",
                "case",
                "half",
                "published",
                "engine",
                "status",
                "indicative"
            )?;
            for c in &report.cases {
                outln!(
                    "  {:<14} {:<9} {:<9} {:<6} {:<14} {:<10} {}",
                    c.source_id,
                    match c.half {
                        imvo_service::calibration::Half::HeldOut => "held_out",
                        imvo_service::calibration::Half::Tuning => "tuning",
                    },
                    c.published.as_str(),
                    c.engine.map_or("none", |e| e.as_str()),
                    c.status.as_str(),
                    c.indicative.map_or("", |e| e.as_str()),
                    if c.floor_rules.is_empty() {
                        c.category_reason.clone().unwrap_or_default()
                    } else {
                        c.floor_rules.join(", ")
                    }
                )?;
            }
        }
        for (file, problem) in &problems {
            errln!("{file}: {problem}");
        }
    }
    Ok(if problems.is_empty() {
        exit::OK
    } else {
        exit::CHECK_FAILED
    })
}

/// Runs `imvo scenarios <command>`.
pub(super) fn run(cli: &Cli, command: &ScenariosCommand) -> Result<u8, Failure> {
    match command {
        ScenariosCommand::Agreement { dir, as_of, cases } => {
            agreement(&policy_set(cli)?, cli.json, dir, *as_of, *cases)
        }
        ScenariosCommand::Run { dir, coverage } => run_scenarios(cli, dir, *coverage),
    }
}

/// `imvo scenarios run`.
pub(super) fn run_scenarios(cli: &Cli, dir: &Path, coverage: bool) -> Result<u8, Failure> {
    let set = policy_set(cli)?;
    let files = scenarios::files(dir)
        .map_err(|e| Failure::io(format!("cannot read `{}`: {e}", dir.display())))?;
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut report = Vec::new();
    // Rule id to the number of scenarios in which it reported a finding.
    let mut fired: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for path in files {
        let r = scenarios::run_file(&set, &path);
        if let Some(d) = &r.decision {
            let ids: std::collections::BTreeSet<&str> =
                d.findings.iter().map(|f| &*f.rule_id).collect();
            for id in ids {
                *fired.entry(id.to_owned()).or_default() += 1;
            }
        }
        if r.problems.is_empty() {
            passed += 1;
            if !cli.json {
                outln!("PASS {}  {}", path.display(), r.description)?;
            }
        } else {
            failed += 1;
            if !cli.json {
                outln!("FAIL {}  {}", path.display(), r.description)?;
                for p in &r.problems {
                    outln!("     {p}")?;
                }
            }
        }
        report.push(json!({"file": path.display().to_string(), "description": r.description, "passed": r.problems.is_empty(), "problems": r.problems}));
    }
    let mut rules: Vec<Coverage<'_>> = Vec::new();
    if coverage {
        for pack in set.packs() {
            for rule in &pack.rules {
                rules.push(Coverage {
                    pack: &pack.manifest.id,
                    version: &pack.manifest.version,
                    rule_id: &rule.id,
                    scenarios: fired.get(&*rule.id).copied().unwrap_or(0),
                    data_unavailable: rule.data_unavailable,
                });
            }
        }
    }
    // A rule whose data cannot be shipped is listed as such, not failed.
    let uncovered: Vec<&str> = rules
        .iter()
        .filter(|r| r.scenarios == 0 && !r.data_unavailable)
        .map(|r| r.rule_id)
        .collect();
    if cli.json {
        outln!(
            "{}",
            json!({"passed": passed, "failed": failed, "scenarios": report, "coverage": rules, "uncovered": uncovered})
        )?;
    } else {
        if coverage {
            outln!("\nRule coverage (scenarios in which each rule reported a finding)")?;
            for r in &rules {
                let mark = match (r.scenarios, r.data_unavailable) {
                    (_, true) => "  data unavailable",
                    (0, false) => "  NOT COVERED",
                    _ => "",
                };
                outln!(
                    "  {:<12} {:>4}  {} {}{mark}",
                    r.rule_id,
                    r.scenarios,
                    r.pack,
                    r.version
                )?;
            }
            let unavailable = rules.iter().filter(|r| r.data_unavailable).count();
            outln!(
                "{} rules, {} not covered, {unavailable} marked data_unavailable",
                rules.len(),
                uncovered.len()
            )?;
        }
        outln!("{passed} passed, {failed} failed")?;
    }
    Ok(if failed == 0 && uncovered.is_empty() {
        exit::OK
    } else {
        exit::CHECK_FAILED
    })
}

/// One rule's coverage by the scenarios, as `imvo scenarios run --coverage` reports it.
/// (Fields in the order of the keys of the JSON this replaced, so the output is unchanged.)
#[derive(serde::Serialize)]
struct Coverage<'a> {
    data_unavailable: bool,
    pack: &'a str,
    rule_id: &'a str,
    /// Scenarios in which the rule reported a finding.
    scenarios: usize,
    version: &'a str,
}
