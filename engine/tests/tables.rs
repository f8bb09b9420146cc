//! Table rules (`checks.csv`): rows decide natively, with the facts they read and their
//! messages; an unknown condition reports the fact missing, with where it would move the
//! category; `memo` reads a script helper; reference mode runs the rule's script instead; and a
//! row that names what does not exist is refused with its file, line and column; rows read facts
//! in a script's order (`read`), collect lists (`add`, `added`, `list:`) and pass the category. (The shipped
//! packs' table rules are checked against their reference scripts by the differential property
//! in tests/properties.rs.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::collections::BTreeMap;

use imvo_engine::decision::{Effect, Finding};
use imvo_engine::script::Limits;
use imvo_engine::{Application, Decision, PolicySet, screen};
use support::{errors, example, load};

const RULES: &str = "id,title,phase,source,section,evidence_level,verified,note,status,when\n\
R-T-01,a,floors,s,,R,false,,active,\n\
R-T-02,b,facts,s,,R,false,,active,\n\
R-T-03,c,steps,s,,R,false,,active,\n\
R-T-04,d,facts,s,,R,false,,active,\n";

const CHECKS: &str = "rule,when,then,message,args\n\
R-T-01,project.activities has thermal_power and project.capacity.thermal_mw meets t.mwth,floor A,t-floor,mw=project.capacity.thermal_mw limit=param:t.mwth\n\
R-T-01,project.activities has thermal_power and project.capacity.thermal_mw meets t.mwth,missing project.capacity.thermal_mw -> A,t-needed,what=msg:t-what\n\
R-T-02,memo coal,refer,t-coal,\n\
R-T-04,,info,t-always,\n";

const EN: &str = "t-floor = { $mw } MWth is at least { $limit } MWth\n\
t-needed = The { $what } is needed\n\
t-what = heat input\n\
t-coal = Coal-fired\n\
t-script = The script ran\n\
t-always = Always\n";

const NL: &str = "t-floor = { $mw } MWth is ten minste { $limit } MWth\n\
t-needed = De { $what } is nodig\n\
t-what = thermisch vermogen\n\
t-coal = Kolengestookt\n\
t-script = Het script liep\n\
t-always = Altijd\n";

/// A pack of three rules: R-T-01 and R-T-02 are table rules (R-T-01 keeps a reference script
/// that says something else, so the test can tell which ran), R-T-03 a script rule.
fn pack(checks: &str) -> BTreeMap<String, Vec<u8>> {
    let mut f = BTreeMap::new();
    f.insert(
        "t-1.0.0/pack.toml".to_owned(),
        b"id = \"t\"\nversion = \"1.0.0\"\ntitle = \"t\"\ninstruments = [\"export_credit\"]\neffective_from = \"2016-01-01\"\n[[sources]]\nid = \"s\"\ndocument = \"d\"\n".to_vec(),
    );
    f.insert("t-1.0.0/rules.csv".to_owned(), RULES.as_bytes().to_vec());
    f.insert(
        "t-1.0.0/params.csv".to_owned(),
        b"name,value,unit,comparator,source,section,evidence_level,verified,note\nt.mwth,300,MWth,>=,s,,S,false,\n".to_vec(),
    );
    f.insert(
        "t-1.0.0/r.rhai".to_owned(),
        b"fn coal(app) { let f = app.project.fuel; if is_unknown(f) { return (); } f == \"coal\" }\n\
fn r_t_01(app) { info(\"R-T-01\", msg(\"t-script\")); }\n\
fn r_t_03(app) { if memo(\"coal\", app) == true { info(\"R-T-03\", msg(\"t-coal\")); } }\n"
            .to_vec(),
    );
    f.insert("t-1.0.0/checks.csv".to_owned(), checks.as_bytes().to_vec());
    f.insert("t-1.0.0/messages/en.ftl".to_owned(), EN.as_bytes().to_vec());
    f.insert("t-1.0.0/messages/nl.ftl".to_owned(), NL.as_bytes().to_vec());
    f
}

/// The findings of rule `rule`.
fn of<'a>(d: &'a Decision, rule: &str) -> Vec<&'a Finding> {
    d.findings.iter().filter(|f| &*f.rule_id == rule).collect()
}

fn decide(set: &PolicySet, app: &Application) -> Decision {
    let d = screen(set, app, app.application_date);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    d
}

#[test]
fn a_row_that_holds_reports_its_finding_with_the_facts_it_read() {
    let set = load(pack(CHECKS));
    let d = decide(&set, &example(|_| {}));
    let f: Vec<_> = of(&d, "R-T-01");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].effect, Effect::CategoryFloor);
    assert_eq!(f[0].value.as_deref(), Some("A"));
    assert_eq!(&*f[0].reason, "400 MWth is at least 300 MWth");
    assert_eq!(
        f[0].facts.keys().map(AsRef::as_ref).collect::<Vec<&str>>(),
        ["project.activities", "project.capacity.thermal_mw"]
    );
    let m = f[0].message.as_ref().unwrap();
    assert_eq!(m.id, "t-floor");
    assert_eq!(
        serde_json::to_value(m).unwrap()["args"],
        serde_json::json!({"limit": {"number": "300"}, "mw": {"number": "400"}})
    );
    // A row without a condition always reports, with no facts read.
    let always: Vec<_> = of(&d, "R-T-04");
    assert_eq!((always.len(), always[0].facts.len()), (1, 0));
    // Below the threshold the condition is false: nothing is reported.
    let small = example(|v| v["project"]["capacity"]["thermal_mw"] = "250".into());
    assert!(of(&decide(&set, &small), "R-T-01").is_empty());
}

#[test]
fn an_unknown_condition_reports_the_fact_it_read_as_missing_with_its_move() {
    let set = load(pack(CHECKS));
    let app = example(|v| {
        v["project"]["capacity"]
            .as_object_mut()
            .unwrap()
            .remove("thermal_mw");
    });
    let d = decide(&set, &app);
    let f: Vec<_> = of(&d, "R-T-01");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].effect, Effect::InsufficientInformation);
    assert_eq!(&*f[0].reason, "The heat input is needed");
    let missing: Vec<_> = d.missing.iter().map(|m| m.path.as_str()).collect();
    assert!(
        missing.contains(&"project.capacity.thermal_mw"),
        "{missing:?}"
    );
    // The value that would make the project Category A is the threshold the row compares with.
    let text = serde_json::to_string(&d).unwrap();
    assert!(text.contains("\"to\":\"A\""), "{text}");
    // Where the activity is another, the condition is false whatever the capacity: not missing.
    let other = example(|v| {
        v["project"]["activities"] = serde_json::json!(["road"]);
        v["project"]["capacity"]
            .as_object_mut()
            .unwrap()
            .remove("thermal_mw");
    });
    assert!(of(&decide(&set, &other), "R-T-01").is_empty());
}

#[test]
fn memo_reads_a_script_helper_and_reference_mode_runs_the_script() {
    let set = load(pack(CHECKS));
    let coal = example(|v| v["project"]["fuel"] = "coal".into());
    let d = decide(&set, &coal);
    assert!(
        of(&d, "R-T-02").iter().any(|f| f.effect == Effect::Refer),
        "{:?}",
        d.findings
    );
    // The helper's value is memoised once for the screening: the script rule reads it too.
    assert!(!of(&d, "R-T-03").is_empty());
    assert!(of(&decide(&set, &example(|_| {})), "R-T-02").is_empty());
    // Reference mode runs R-T-01's script instead of its rows; R-T-02 has no script, so its
    // rows run in both modes.
    let reference = set.without_gates();
    let d = decide(&reference, &coal);
    let t01: Vec<_> = of(&d, "R-T-01");
    assert_eq!(t01.len(), 1);
    assert_eq!(&*t01[0].reason, "The script ran");
    assert!(!of(&d, "R-T-02").is_empty());
}

#[test]
fn a_row_that_names_what_does_not_exist_is_refused_with_file_line_and_column() {
    let row = |r: &str| format!("rule,when,then,message,args\n{r}\n");
    for (checks, expected) in [
        (
            row("R-T-09,project.fuel = coal,refer,t-coal,"),
            "t-1.0.0/checks.csv:2: column `rule`: rule `R-T-09` is not in the pack's rules.csv",
        ),
        (
            row("R-T-02,project.feul = coal,refer,t-coal,"),
            "t-1.0.0/checks.csv:2: column `when`: character 1: `project.feul` is not a fact",
        ),
        (
            row("R-T-02,project.fuel = coal,reject,t-coal,"),
            "column `then`: `reject` is not an effect",
        ),
        (
            row("R-T-03,project.fuel = coal,floor A,t-coal,"),
            "column `then`: rule `R-T-03` runs in the steps phase: a floor is raised only in the facts and floors phases",
        ),
        (
            row("R-T-02,project.fuel = coal,require esai,t-coal,"),
            "column `then`: `esai` is not a value of `step`",
        ),
        (
            row("R-T-02,project.fuel = coal,missing project.stage,t-coal,"),
            "column `then`: the condition never reads `project.stage`",
        ),
        (
            row("R-T-02,project.fuel known,missing project.fuel,t-coal,"),
            "column `then`: the condition is never unknown (`known` is true or false), so `missing project.fuel` would never be reported",
        ),
        (
            row("R-T-02,project.fuel = coal,missing project.fuel -> A,t-coal,"),
            "column `then`: the condition does not compare `project.fuel` with a parameter",
        ),
        (
            row("R-T-02,project.fuel = coal,refer,t-coal,x=param:t.nope"),
            "column `args`: parameter `t.nope` is not in the pack's params.csv",
        ),
        (
            row("R-T-02,project.fuel = coal,refer,t-coal,x=project.feul"),
            "column `args`: `project.feul` is not a fact of the contract",
        ),
        (
            row("R-T-02,project.fuel = coal,refer,t-cole,"),
            "t-1.0.0/checks.csv:2: message `t-cole` is not in",
        ),
        (
            row("R-T-02,project.fuel = coal,refer,t-coal,x=project.fuel"),
            "t-1.0.0/checks.csv:2: this call gives `x`, which message `t-coal` does not use",
        ),
        (
            row("R-T-02,project.fuel = coal,refer,t-floor,mw=project.fuel"),
            "message `t-floor` uses `$limit`, which this call does not give",
        ),
        (
            row("R-T-02,memo colal,refer,t-coal,"),
            "t-1.0.0/checks.csv:2: column `when`: `memo colal` names no function `colal(app)`",
        ),
    ] {
        let e = errors(pack(&checks));
        assert!(
            e.iter().any(|m| m.contains(expected)),
            "{checks}: expected `{expected}` in {e:?}"
        );
    }
}

#[test]
fn a_row_that_runs_out_of_budget_is_a_limit_placed_in_checks_csv() {
    // Whatever the budget, a table rule stopped by it is a limit, never a script error, in
    // table mode as in reference mode; and its place is the pack's checks.csv.
    let app = example(|v| v["project"]["fuel"] = "coal".into());
    let mut seen = 0;
    for max_operations in 1..=160 {
        let limits = Limits {
            max_operations,
            ..Limits::default()
        };
        let set = PolicySet::from_files(pack(CHECKS), limits).unwrap();
        let d = screen(&set, &app, app.application_date);
        for e in d
            .errors
            .iter()
            .filter(|e| e.rule_id.as_deref() == Some("R-T-02"))
        {
            seen += 1;
            assert_eq!(
                serde_json::to_value(e.kind).unwrap(),
                "limit",
                "{max_operations}: {e:?}"
            );
        }
    }
    assert!(seen > 0, "no budget in the sweep stopped the rule");
    // A row that fails for another reason names checks.csv and its line.
    let bad = CHECKS.replace(
        "R-T-02,memo coal,refer,t-coal,",
        "R-T-02,memo coal,refer,t-floor,mw=project.capacity.electrical_mw limit=project.capacity.runway_m",
    );
    // t-coal stays in use: R-T-03's script reports it.
    let set = load(pack(&bad));
    let d = screen(&set, &app, app.application_date);
    let e = d
        .errors
        .iter()
        .find(|e| e.rule_id.as_deref() == Some("R-T-02"))
        .unwrap_or_else(|| panic!("{:?}", d.errors));
    assert!(
        e.message.contains("checks.csv line 4") && e.message.ends_with("at t-1.0.0/checks.csv"),
        "{}",
        e.message
    );
}

/// Rows that read in a script's order, collect a list and pass the steps phase's category.
const LISTS: &str = "rule,when,then,message,args\n\
R-T-01,project.activities has thermal_power and project.capacity.thermal_mw meets t.mwth,floor A,t-floor,mw=project.capacity.thermal_mw limit=param:t.mwth\n\
R-T-01,project.activities has thermal_power and project.capacity.thermal_mw meets t.mwth,missing project.capacity.thermal_mw -> A,t-needed,what=msg:t-what\n\
R-T-04,,info,t-always,\n\
R-T-02,,read project.stage,,\n\
R-T-02,project.fuel = coal,add found,t-item,what=text:coal\n\
R-T-02,project.activities has thermal_power,add found,t-item,what=text:power\n\
R-T-02,added found,info,t-list,found=list:found\n\
R-T-02,not added found,info,t-none,\n\
R-T-03,\"category in [A, B, C]\",info,t-cat,category=category\n";

/// The pack of [`pack`] with `checks` and the messages of [`LISTS`].
fn lists_pack(checks: &str) -> BTreeMap<String, Vec<u8>> {
    let mut f = pack(checks);
    for (file, extra) in [
        (
            "en",
            "t-item = item { $what }\nt-list = found: { $found }\nt-none = nothing found\nt-cat = category { $category }\n",
        ),
        (
            "nl",
            "t-item = onderdeel { $what }\nt-list = gevonden: { $found }\nt-none = niets gevonden\nt-cat = categorie { $category }\n",
        ),
    ] {
        let key = format!("t-1.0.0/messages/{file}.ftl");
        let mut text = f.remove(&key).unwrap();
        text.extend_from_slice(extra.as_bytes());
        f.insert(key, text);
    }
    f
}

#[test]
fn rows_read_in_order_collect_a_list_and_pass_the_category() {
    let set = load(lists_pack(LISTS));
    let facts = |f: &Finding| f.facts.keys().map(|k| k.to_string()).collect::<Vec<_>>();
    // A gas plant: the activity's row adds to the list, the fuel's does not.
    let d = decide(&set, &example(|_| {}));
    let f = of(&d, "R-T-02");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(&*f[0].reason, "found: item power");
    // `read` listed the stage before anything was reported; the conditions read the rest.
    assert_eq!(
        facts(f[0]),
        ["project.activities", "project.fuel", "project.stage"]
    );
    let args = serde_json::to_value(f[0].message.as_ref().unwrap()).unwrap()["args"].clone();
    assert_eq!(
        args["found"]["list"].as_array().map(Vec::len),
        Some(1),
        "{args}"
    );
    // Coal adds a second item, in row order.
    let coal = decide(&set, &example(|v| v["project"]["fuel"] = "coal".into()));
    assert_eq!(
        &*of(&coal, "R-T-02")[0].reason,
        "found: item coal and item power"
    );
    // Nothing added: `added found` is false and `not added found` reports.
    let none = decide(
        &set,
        &example(|v| v["project"]["activities"] = serde_json::json!(["road"])),
    );
    let f = of(&none, "R-T-02");
    assert_eq!((f.len(), &*f[0].reason), (1, "nothing found"));
    // `category` is the category the steps phase reads, as a script's `category()`.
    let cat = of(&d, "R-T-03");
    assert_eq!(&*cat[0].reason, "category A");
    assert_eq!(cat[0].facts.len(), 0);
}

#[test]
fn lists_and_reads_are_refused_where_they_cannot_work() {
    let row = |r: &str| format!("rule,when,then,message,args\n{r}\n");
    for (checks, expected) in [
        (
            row("R-T-02,,read project.stage,t-coal,"),
            "column `message`: a `read` row reports nothing: it takes no message and no arguments",
        ),
        (
            row("R-T-02,,read project.stgae,,"),
            "column `then`: `project.stgae` is not a fact of the contract",
        ),
        (
            row("R-T-02,,add Found,t-coal,"),
            "column `then`: `Found` is not a list name",
        ),
        (
            row("R-T-02,,read,,"),
            "column `then`: `read` names the facts it reads",
        ),
        (
            row("R-T-02,,info,t-cat,category=category"),
            "column `args`: `category` is known from the steps phase on, and rule `R-T-02` runs in the facts phase",
        ),
        (
            row("R-T-02,added found,refer,t-coal,"),
            "column `when`: character 7: no earlier row of this rule adds to a list `found` (`add found`)",
        ),
        (
            "rule,when,then,message,args\nR-T-04,,add found,t-coal,\nR-T-02,,info,t-list,found=list:found\n"
                .to_owned(),
            "t-1.0.0/checks.csv:3: column `args`: no earlier row of this rule adds to a list `found`",
        ),
    ] {
        let e = errors(lists_pack(&checks));
        assert!(
            e.iter().any(|m| m.contains(expected)),
            "{checks}: expected `{expected}` in {e:?}"
        );
    }
    // A bad row that adds to a list is refused once: the rows that use its list are not.
    let e = errors(lists_pack(
        "rule,when,then,message,args\nR-T-02,project.feul = coal,add found,t-item,what=text:x\nR-T-02,added found,info,t-list,found=list:found\n",
    ));
    assert_eq!(
        e.iter().filter(|m| m.contains("checks.csv")).count(),
        1,
        "{e:?}"
    );
    // A rule's gate and a named condition never collect: `added` is for checks.csv only.
    let mut files = lists_pack(LISTS);
    files.insert(
        "t-1.0.0/gates.csv".to_owned(),
        b"name,when,note\nx,added found,\n".to_vec(),
    );
    let e = errors(files);
    assert!(
        e.iter()
            .any(|m| m.contains("gates.csv") && m.contains("it is for `checks.csv` only")),
        "{e:?}"
    );
}

#[test]
fn a_condition_cannot_nest_or_expand_without_bound() {
    let deep = format!("{}project.fuel = coal{}", "(".repeat(40), ")".repeat(40));
    let e = errors(pack(&format!(
        "rule,when,then,message,args\nR-T-02,{deep},refer,t-coal,\n"
    )));
    assert!(
        e.iter().any(|m| m.contains("nest more than 32 deep")),
        "{e:?}"
    );
    // Named conditions that each use the one before twice would double at every level.
    let mut gates = "name,when,note\nc0,project.fuel = coal,\n".to_owned();
    for i in 1..12 {
        gates.push_str(&format!("c{i},c{} and c{},\n", i - 1, i - 1));
    }
    let mut files = pack("rule,when,then,message,args\nR-T-02,c11,refer,t-coal,\n");
    files.insert("t-1.0.0/gates.csv".to_owned(), gates.into_bytes());
    let e = errors(files);
    assert!(
        e.iter()
            .any(|m| m.contains("gates.csv") && m.contains("more than 512")),
        "{e:?}"
    );
}

/// The shipped Annex I rules name the table's activities in their gates: each table rule
/// `R-EC-06.N` is gated on `project.activities has [...]`, which must list exactly the activities
/// the pack's table `annex-i-activities` files under item N, and every item of the table must be
/// either such a rule or one the script rule R-EC-06 checks (a rule without a gate). A gate that
/// missed an activity the table adds would skip the rule where it should fire.
#[test]
fn the_annex_i_gates_list_exactly_the_tables_activities_of_their_item() {
    use std::collections::BTreeSet;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../policies/oecd-common-approaches-2016.1.0");
    let mut table: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut rows = csv::Reader::from_path(dir.join("tables/annex-i-activities.csv")).unwrap();
    for row in rows.deserialize::<BTreeMap<String, String>>() {
        let row = row.unwrap();
        table
            .entry(row["annex_i_item"].clone())
            .or_default()
            .insert(row["activity"].clone());
    }
    let mut gated = BTreeSet::new();
    let mut in_script = BTreeSet::new();
    let mut rules = csv::Reader::from_path(dir.join("rules.csv")).unwrap();
    for row in rules.deserialize::<BTreeMap<String, String>>() {
        let row = row.unwrap();
        let Some(item) = row["id"].strip_prefix("R-EC-06.") else {
            continue;
        };
        let when = row["when"].trim();
        if when.is_empty() {
            in_script.insert(item.to_owned());
            continue;
        }
        let listed = when
            .strip_prefix("project.activities has ")
            .unwrap_or_else(|| panic!("R-EC-06.{item}: unexpected gate `{when}`"));
        let named: BTreeSet<String> = listed
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|a| a.trim().to_owned())
            .collect();
        assert_eq!(
            Some(&named),
            table.get(item),
            "R-EC-06.{item}: its gate and the table's activities of item {item}"
        );
        gated.insert(item.to_owned());
    }
    let covered: BTreeSet<String> = gated.union(&in_script).cloned().collect();
    let items: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(
        covered, items,
        "every Annex I item of the table has its rule"
    );
    assert!(gated.intersection(&in_script).next().is_none());
}
