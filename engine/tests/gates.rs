//! Applicability gates (`when` in rules.csv, conditions in gates.csv): a false gate skips its
//! rule, an unknown one runs it, reference mode runs every rule, and a gate that names an
//! unknown fact, parameter, condition or value is refused with its file, line and column.
//! (The shipped packs' gates are checked against their rules by the differential property in
//! tests/properties.rs.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::collections::BTreeMap;

use imvo_engine::{Application, Decision, PolicySet, screen};
use support::{errors, example, load};

const HEADER: &str = "id,title,phase,source,section,evidence_level,verified,note,status,when\n";

/// A pack with one rule reporting an `info` finding whenever it runs, gated by `when`.
fn pack(when: &str, gates_csv: Option<&str>) -> BTreeMap<String, Vec<u8>> {
    let mut f = BTreeMap::new();
    f.insert(
        "g-1.0.0/pack.toml".to_owned(),
        b"id = \"g\"\nversion = \"1.0.0\"\ntitle = \"t\"\ninstruments = [\"export_credit\"]\neffective_from = \"2016-01-01\"\n[[sources]]\nid = \"s\"\ndocument = \"d\"\n".to_vec(),
    );
    let quoted = format!("\"{}\"", when.replace('"', "\"\""));
    f.insert(
        "g-1.0.0/rules.csv".to_owned(),
        format!("{HEADER}R-G-01,a,facts+steps,s,,R,false,,active,{quoted}\n").into_bytes(),
    );
    f.insert(
        "g-1.0.0/params.csv".to_owned(),
        b"name,value,unit,comparator,source,section,evidence_level,verified,note\ng.months,24,months,>=,s,,S,false,\ng.amount,10000000,EUR,>=,s,,S,false,\n".to_vec(),
    );
    f.insert(
        "g-1.0.0/r.rhai".to_owned(),
        b"fn r_g_01(app) { info(\"R-G-01\", `ran in ${phase()}`); }\n".to_vec(),
    );
    if let Some(g) = gates_csv {
        f.insert("g-1.0.0/gates.csv".to_owned(), g.as_bytes().to_vec());
    }
    f
}

/// The phases the rule ran in, as its findings say.
fn ran(d: &Decision) -> Vec<String> {
    d.findings
        .iter()
        .filter(|f| &*f.rule_id == "R-G-01")
        .map(|f| f.reason.trim_start_matches("ran in ").to_owned())
        .collect()
}

fn run(set: &PolicySet, app: &Application) -> Vec<String> {
    ran(&screen(set, app, app.application_date))
}

#[test]
fn a_false_gate_skips_the_rule_an_unknown_one_runs_it() {
    let set = load(pack(
        "transaction.repayment_term_months meets g.months",
        None,
    ));
    let short = example(|v| v["transaction"]["repayment_term_months"] = 12.into());
    let long = example(|v| v["transaction"]["repayment_term_months"] = 120.into());
    let unknown = example(|v| {
        v["transaction"]
            .as_object_mut()
            .unwrap()
            .remove("repayment_term_months");
    });
    assert_eq!(run(&set, &short), Vec::<String>::new());
    assert_eq!(run(&set, &long), ["facts", "steps"]);
    assert_eq!(run(&set, &unknown), ["facts", "steps"]);
    // Reference mode runs every rule whatever its gate says; the hash is the set's.
    let reference = set.without_gates();
    assert!(!reference.gates() && set.gates());
    assert_eq!(run(&reference, &short), ["facts", "steps"]);
    assert_eq!(
        screen(&reference, &short, short.application_date)
            .provenance
            .policy_set,
        set.hash()
    );
}

#[test]
fn gates_combine_with_three_valued_logic() {
    let app = example(|_| {});
    let unknown_fuel = example(|v| {
        v["project"].as_object_mut().unwrap().remove("fuel");
    });
    for (when, on_example, on_unknown_fuel) in [
        ("instrument = export_credit", true, true),
        (
            "instrument in [project_finance, trade_mission]",
            false,
            false,
        ),
        ("project.fuel = coal", false, true),
        ("project.fuel != coal", true, true),
        ("project.fuel not in [coal, oil]", true, true),
        (
            "project.fuel = coal and instrument = trade_mission",
            false,
            false,
        ),
        (
            "project.fuel = coal or instrument = trade_mission",
            false,
            true,
        ),
        ("not project.fuel known", false, true),
        ("project.activities has thermal_power", true, true),
        ("project.activities has [solar, onshore_wind]", false, false),
        (
            "(project.fuel = coal or project.fuel = natural_gas) and not project.activities has solar",
            true,
            true,
        ),
    ] {
        let set = load(pack(when, None));
        assert_eq!(
            !run(&set, &app).is_empty(),
            on_example,
            "{when} on the example"
        );
        assert_eq!(
            !run(&set, &unknown_fuel).is_empty(),
            on_unknown_fuel,
            "{when} with the fuel unknown"
        );
    }
}

#[test]
fn within_tests_an_isic_code_by_its_leading_digits_as_a_scripts_starts_with_does() {
    let sector = |code: &str| {
        let code = code.to_owned();
        example(move |v| v["project"]["sector"] = code.clone().into())
    };
    let unknown = example(|v| {
        v["project"].as_object_mut().unwrap().remove("sector");
    });
    let set = load(pack("project.sector within [014, 032]", None));
    // A class and a group of a listed group; a class of another group; a division, which no
    // prefix of three digits begins (as "01".starts_with("014") is false in a script).
    assert_eq!(run(&set, &sector("0141")), ["facts", "steps"]);
    assert_eq!(run(&set, &sector("032")), ["facts", "steps"]);
    assert_eq!(run(&set, &sector("0111")), Vec::<String>::new());
    assert_eq!(run(&set, &sector("01")), Vec::<String>::new());
    // Unknown where the sector is: the rule runs.
    assert_eq!(run(&set, &unknown), ["facts", "steps"]);
    let negated = load(pack("not project.sector within [014]", None));
    assert_eq!(run(&negated, &sector("0141")), Vec::<String>::new());
    assert_eq!(run(&negated, &sector("3510")), ["facts", "steps"]);
    assert_eq!(run(&negated, &unknown), ["facts", "steps"]);
    // Only an ISIC fact, and only prefixes some code begins with.
    for (when, expected) in [
        (
            "project.country within [01]",
            "`within` needs an ISIC code fact (`project.sector`); `project.country` is not one",
        ),
        (
            "project.sector within [014, 999]",
            "`999` begins no ISIC Rev.4 code",
        ),
        ("project.sector within 014", "expected `[`"),
    ] {
        let e = errors(pack(when, None));
        assert!(e.iter().any(|m| m.contains(expected)), "{when}: {e:?}");
    }
}

#[test]
fn empty_is_true_for_a_stated_empty_list_false_for_items_and_unknown_while_the_list_is() {
    let with_items = example(|_| {});
    let none = example(|v| {
        v["project"]["activities"] = serde_json::json!([]);
    });
    let unknown = example(|v| {
        v["project"].as_object_mut().unwrap().remove("activities");
    });
    // (gate, runs with items, runs with none, runs with the list unknown)
    for (when, items, empty, unknown_list) in [
        ("project.activities empty", false, true, true),
        ("not project.activities empty", true, false, true),
        (
            "project.activities known and project.activities empty",
            false,
            true,
            false,
        ),
    ] {
        let set = load(pack(when, None));
        assert_eq!(
            !run(&set, &with_items).is_empty(),
            items,
            "{when} with items"
        );
        assert_eq!(!run(&set, &none).is_empty(), empty, "{when} with none");
        assert_eq!(
            !run(&set, &unknown).is_empty(),
            unknown_list,
            "{when} with the list unknown"
        );
    }
}

#[test]
fn the_category_is_known_from_the_steps_phase_on_and_conditions_are_named() {
    // In the facts phase the category is unknown, so the rule runs whatever it says; in the
    // steps phase it is the decision's.
    let app = example(|_| {});
    let set = load(pack("category = A", None));
    let d = screen(&set, &app, app.application_date);
    let category = d.category.map_or("none", |c| c.as_str());
    let set = load(pack(&format!("category = {category}"), None));
    assert_eq!(run(&set, &app), ["facts", "steps"]);
    let set = load(pack(&format!("category != {category}"), None));
    assert_eq!(run(&set, &app), ["facts"]);
    let set = load(pack(
        "phase != steps or gas",
        Some(
            "name,when,note\nthermal,project.activities has thermal_power,\ngas,\"thermal and project.fuel = natural_gas\",a condition using an earlier one\n",
        ),
    ));
    assert_eq!(run(&set, &example(|_| {})), ["facts", "steps"]);
    let coal = example(|v| v["project"]["fuel"] = "coal".into());
    assert_eq!(run(&set, &coal), ["facts"]);
}

#[test]
fn a_gate_that_names_what_does_not_exist_is_refused_with_file_line_and_column() {
    for (when, expected) in [
        (
            "project.feul = coal",
            "g-1.0.0/rules.csv:2: column `when` of rule `R-G-01`, character 1: `project.feul` is not a fact",
        ),
        (
            "project.fuel = cole",
            "character 16: `cole` is not a value `project.fuel` can have",
        ),
        (
            "project.activities has thermal_powr",
            "character 24: `thermal_powr` is not an item `project.activities` can hold",
        ),
        (
            "transaction.repayment_term_months meets g.monthz",
            "character 41: parameter `g.monthz` is not in the pack's params.csv",
        ),
        (
            "transaction.support_amount meets g.amount",
            "parameter `g.amount` is an amount of money",
        ),
        (
            "instrument = export_credits",
            "`export_credits` is not an instrument",
        ),
        ("category = D", "`D` is not a category"),
        ("in_scope", "`in_scope` is not a fact"),
        ("project.fuel = coal and", "character 24: expected a fact"),
        ("(project.fuel = coal", "expected `)`"),
        ("project.fuel coal", "expected `=`, `!=`, `in`"),
        ("instrument has export_credit", "`has` needs a fact"),
        // A value of another kind than the fact's would never equal it: refused, not skipped.
        (
            "project.dams_or_tailings known and project.dams_or_tailings = 1",
            "`1` is not a value `project.dams_or_tailings` can have (`true` or `false`;",
        ),
        (
            "project.workforce = true",
            "`true` is not a value `project.workforce` can have (a number;",
        ),
        (
            "project.fuel = 5",
            "`5` is not a value `project.fuel` can have",
        ),
        (
            "project.activities = thermal_power",
            "(a list: test its items with `has`;",
        ),
        (
            "project.activities has true",
            "`true` is not an item `project.activities` can hold",
        ),
        (
            "project.workforce = coal",
            "`coal` is not a value `project.workforce` can have (a number;",
        ),
        (
            "project.country = NL",
            "(nothing: codes are not compared in gates;",
        ),
        (
            "project.fuel has coal",
            "`has` needs a list fact; `project.fuel` is not a list",
        ),
        (
            "project.fuel empty",
            "`empty` needs a list fact; `project.fuel` is not a list",
        ),
        ("instrument empty", "`empty` needs a fact"),
        // A trade mission's fields are judged by their own vocabularies too.
        (
            "mission.destination_regime = coal",
            "`coal` is not a value `mission.destination_regime` can have",
        ),
    ] {
        let e = errors(pack(when, None));
        assert!(
            e.iter().any(|m| m.contains(expected)),
            "{when}: expected `{expected}` in {e:?}"
        );
    }
    // The contract's spelled-out answers are values too.
    let _ = load(pack(
        "applicant.transparency_benchmark_score = not_in_benchmark or applicant.kvk_number = none",
        None,
    ));
    // A bad helper in a named condition is reported once, at the condition's own line, not at
    // every rule that uses it.
    let e = errors(pack(
        "helped",
        Some("name,when,note\nhelped,memo no_helper,\n"),
    ));
    assert_eq!(
        e,
        [
            "g-1.0.0/gates.csv:2: column `when`: `memo no_helper` names no function `no_helper(app)` of the pack's scripts"
        ]
    );
    let e = errors(pack(
        "ok",
        Some(
            "name,when,note\nok,project.fuel = coal,\nok,project.fuel = oil,\ninstrument,project.fuel = oil,\nlater,\"soon\",\n",
        ),
    ));
    for expected in [
        "g-1.0.0/gates.csv:3: condition `ok` appears twice",
        "g-1.0.0/gates.csv:4: column `name`: `instrument` is not a condition name",
        "g-1.0.0/gates.csv:5: column `when` of condition `later`, character 1: `soon` is not a fact",
    ] {
        assert!(e.iter().any(|m| m.contains(expected)), "{expected}: {e:?}");
    }
}

#[test]
fn a_rule_table_without_the_when_column_still_loads() {
    // Packs written (and stored) before gates: every rule runs.
    let mut files = pack("", None);
    files.insert(
        "g-1.0.0/rules.csv".to_owned(),
        b"id,title,phase,source,section,evidence_level,verified,note,status\nR-G-01,a,facts,s,,R,false,,active\n".to_vec(),
    );
    let set = load(files);
    assert_eq!(run(&set, &example(|_| {})), ["facts"]);
}

#[test]
fn the_rule_profile_counts_the_calls_a_gate_lets_through_and_those_that_said_nothing() {
    use imvo_engine::script::profile;
    // Reports in the facts phase only: in the steps phase it is entered and says nothing.
    let mut files = pack("", None);
    files.insert(
        "g-1.0.0/r.rhai".to_owned(),
        b"fn r_g_01(app) { if phase() == \"facts\" { info(\"R-G-01\", \"facts\"); } }\n".to_vec(),
    );
    let open = load(files.clone());
    files.insert(
        "g-1.0.0/rules.csv".to_owned(),
        format!("{HEADER}R-G-01,a,facts+steps,s,,R,false,,active,phase = facts\n").into_bytes(),
    );
    let gated = load(files);
    let app = example(|_| {});
    let calls = |set: &PolicySet| {
        profile::start();
        let _ = screen(set, &app, app.application_date);
        let _ = screen(set, &app, app.application_date);
        let mut out: Vec<_> = profile::stop()
            .into_iter()
            .map(|c| (c.rule_id, c.phase.as_str(), c.calls, c.silent, c.errors))
            .collect();
        out.sort();
        out
    };
    assert_eq!(
        calls(&open),
        [
            ("R-G-01".to_owned(), "facts", 2, 0, 0),
            ("R-G-01".to_owned(), "steps", 2, 2, 0)
        ]
    );
    assert_eq!(calls(&gated), [("R-G-01".to_owned(), "facts", 2, 0, 0)]);
    // A call that fails is counted as an error, never as silent (a gate must not skip it).
    let mut failing = pack("", None);
    failing.insert(
        "g-1.0.0/r.rhai".to_owned(),
        b"fn r_g_01(app) { if phase() == \"steps\" { throw \"no rate\"; } }\n".to_vec(),
    );
    assert_eq!(
        calls(&load(failing)),
        [
            ("R-G-01".to_owned(), "facts", 2, 2, 0),
            ("R-G-01".to_owned(), "steps", 2, 0, 2)
        ]
    );
    // Off unless started: nothing is kept.
    let _ = screen(&gated, &app, app.application_date);
    assert!(profile::stop().is_empty());
}

/// R-EC-07 reads the shared table `sensitive-locations` through `indicators`; its gate
/// `ec07_quiet` spells the table's flags out (the gate language reads facts, not tables). A flag
/// added to the table and not to the gate would let the gate skip R-EC-07 where that flag is
/// true: the gate must name exactly the table's flags, each a yes/no flag (`is_true`) stated
/// false.
#[test]
fn the_quiet_gate_of_r_ec_07_names_every_flag_of_the_sensitive_locations_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let table =
        std::fs::read_to_string(root.join("data/sensitive-locations/sensitive-locations.csv"))
            .unwrap();
    let mut rows = csv_rows(&table);
    let header = rows.remove(0);
    assert_eq!(header[..2], ["path", "test"]);
    let mut flags: Vec<String> = Vec::new();
    for row in rows {
        assert_eq!(
            row[1], "is_true",
            "{row:?}: the gate states each flag false"
        );
        flags.push(row[0].clone());
    }
    let set = PolicySet::load(&root).unwrap();
    let pack = set
        .packs()
        .iter()
        .find(|p| &*p.manifest.id == "oecd-common-approaches")
        .unwrap();
    let (_, gate) = pack
        .conditions
        .iter()
        .find(|(name, _)| *name == "ec07_quiet")
        .unwrap();
    let mut named: Vec<String> = gate
        .split_whitespace()
        .filter(|w| w.starts_with("project."))
        .map(str::to_owned)
        .collect();
    named.dedup();
    flags.sort();
    named.sort();
    named.dedup();
    assert_eq!(named, flags, "ec07_quiet: {gate}");
    for f in &flags {
        assert!(
            gate.contains(&format!("{f} known and {f} = false")),
            "{f} must be stated false in ec07_quiet"
        );
    }
}

/// R-EC-06's quiet gate skips the rule only where no item of Annex I can report: the activities
/// it spells out must be every activity the table `annex-i-activities` files under an item, or an
/// activity added to the table would skip R-EC-06 (and its items' `memo("annex_i_applies")`)
/// where it now applies.
#[test]
fn the_quiet_gate_of_r_ec_06_names_every_activity_of_the_annex_i_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let pack_dir = root.join("oecd-common-approaches-2016.1.0");
    let table = std::fs::read_to_string(pack_dir.join("tables/annex-i-activities.csv")).unwrap();
    let mut rows = csv_activities(&table);
    rows.sort();
    let set = PolicySet::load(&root).unwrap();
    let pack = set
        .packs()
        .iter()
        .find(|p| &*p.manifest.id == "oecd-common-approaches")
        .unwrap();
    let (_, gate) = pack
        .conditions
        .iter()
        .find(|(name, _)| *name == "ec06_quiet")
        .unwrap();
    let list = gate
        .split_once("project.activities has [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("ec06_quiet names no list of activities: {gate}"));
    let mut named: Vec<String> = list.split(',').map(|a| a.trim().to_owned()).collect();
    named.sort();
    assert_eq!(named, rows, "ec06_quiet: {gate}");
    assert!(
        gate.starts_with("categorised_safe and project.stage known and "),
        "ec06_quiet must hold only where memo(\"categorised\") cannot fail and no stage is missing: {gate}"
    );
}

/// The first column of a table's rows (after the header); cells may be quoted.
fn csv_activities(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap_or_default().to_owned())
        .collect()
}

/// The rows of a small CSV file without quoted commas.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}
