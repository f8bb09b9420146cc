//! The sandbox: every limit of the one engine builder, and the hazards measured in
//! reference/hardening.md section 1, exercised through real packs and `screen`. Each hostile rule
//! must end as a recorded error with the decision failing closed to `refer`, while the other
//! rules' findings stay. `.ci/run` runs this file in debug and in release.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use imvo_engine::decision::ErrorKind;
use imvo_engine::policy::LoadError;
use imvo_engine::script::Limits;
use imvo_engine::{Application, Category, Decision, Outcome, PolicySet, screen};

const APP: &str = r#"{"reference": "SBX-1", "instrument": "export_credit", "application_date": "2022-11-01",
  "project": {"fuel": "natural_gas", "capacity": {"thermal_mw": "420"}}}"#;

fn files(script: &str, extra_rules: &str) -> BTreeMap<String, Vec<u8>> {
    let mut f = BTreeMap::new();
    f.insert(
        "t-1.0.0/pack.toml".into(),
        br#"id = "t"
version = "1.0.0"
title = "sandbox test pack"
instruments = ["export_credit"]
effective_from = "2020-01-01"
[[sources]]
id = "s"
document = "test"
"#
        .to_vec(),
    );
    let rules = format!(
        "id,title,phase,source,section,evidence_level,verified,note,status\nR-T-01,benign,floors,s,,R,false,,active\nR-T-02,hostile,floors,s,,R,false,,active\n{extra_rules}"
    );
    f.insert("t-1.0.0/rules.csv".into(), rules.into_bytes());
    let src = format!(
        "fn r_t_01(app) {{ floor(\"R-T-01\", \"B\", `benign rule saw ${{app.project.capacity.thermal_mw}} MWth`); }}\nfn r_t_02(app) {{\n{script}\n}}\n"
    );
    f.insert("t-1.0.0/rules.rhai".into(), src.into_bytes());
    f
}

fn set(script: &str) -> PolicySet {
    PolicySet::from_files(files(script, ""), Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn run(script: &str) -> (Decision, Duration) {
    let s = set(script);
    let app = Application::parse(APP).unwrap();
    let start = Instant::now();
    let d = screen(&s, &app, app.application_date);
    (d, start.elapsed())
}

/// The hostile rule failed with `kind`, the decision is referred, and the benign floor stayed.
fn assert_contained(script: &str, kind: ErrorKind, fragment: &str) {
    let (d, took) = run(script);
    assert_eq!(d.outcome, Outcome::Refer, "{script}: {:#?}", d.errors);
    assert_eq!(d.errors.len(), 1, "{script}: {:#?}", d.errors);
    let e = &d.errors[0];
    assert_eq!(
        (e.kind, e.pack.as_deref(), e.rule_id.as_deref()),
        (kind, Some("t"), Some("R-T-02")),
        "{script}: {e:?}"
    );
    assert!(
        e.message.contains(fragment),
        "{script}: `{}` lacks `{fragment}`",
        e.message
    );
    assert!(
        d.findings.iter().any(|f| &*f.rule_id == "R-T-01"),
        "the benign rule's finding is kept"
    );
    assert_eq!(
        d.category,
        Some(Category::B),
        "the category keeps the other rules' floors"
    );
    assert!(took < Duration::from_secs(2), "{script} took {took:?}");
}

#[test]
fn endless_loop_hits_the_operation_limit() {
    assert_contained("loop {}", ErrorKind::Limit, "Too many operations");
}

#[test]
fn deep_recursion_hits_the_call_level_limit() {
    let (d, _) = run("fn_that_recurses(0);");
    assert_eq!(d.errors.len(), 1, "an undefined function is a script error");
    assert_eq!(d.errors[0].kind, ErrorKind::Script);
    // Recursion through a helper defined in the pack.
    let mut f = files("deep(0);", "");
    f.insert(
        "t-1.0.0/helpers.rhai".into(),
        b"fn deep(n) { deep(n + 1) }".to_vec(),
    );
    let s = PolicySet::from_files(f, Limits::default()).unwrap();
    let app = Application::parse(APP).unwrap();
    let d = screen(&s, &app, app.application_date);
    assert_eq!(d.outcome, Outcome::Refer);
    assert_eq!(d.errors[0].kind, ErrorKind::Limit, "{:?}", d.errors);
    assert!(
        d.errors[0].message.contains("Stack overflow"),
        "{}",
        d.errors[0].message
    );
}

#[test]
fn string_bomb_hits_the_size_limit() {
    assert_contained(
        r#"let s = "a"; loop { s += s; }"#,
        ErrorKind::Limit,
        "Length of string too large",
    );
}

#[test]
fn huge_builtin_allocation_is_refused_before_allocating() {
    assert_contained(
        r#"let s = ""; s.pad(2000000000, "x");"#,
        ErrorKind::Limit,
        "too large",
    );
    assert_contained(
        "let a = []; a.pad(1000000000, 0);",
        ErrorKind::Limit,
        "too large",
    );
}

#[test]
fn nested_arrays_are_counted_recursively() {
    assert_contained(
        "let a = []; a.pad(500, 0); let b = []; b.pad(500, a);",
        ErrorKind::Limit,
        "too large",
    );
}

#[test]
fn unbounded_map_growth_is_stopped() {
    let (d, took) = run("let m = #{}; let i = 0; loop { m[`k${i}`] = i; i += 1; }");
    assert_eq!(d.outcome, Outcome::Refer);
    assert!(
        matches!(d.errors[0].kind, ErrorKind::Limit | ErrorKind::Deadline),
        "{:?}",
        d.errors
    );
    assert!(took < Duration::from_secs(2));
}

#[test]
fn the_wall_clock_deadline_stops_a_slow_script() {
    // A tiny deadline with a large operation budget: the deadline, not the budget, ends it.
    let limits = Limits {
        max_operations: 0,
        deadline: Duration::from_millis(20),
        ..Limits::default()
    };
    let s = PolicySet::from_files(files("loop {}", ""), limits).unwrap();
    let app = Application::parse(APP).unwrap();
    let start = Instant::now();
    let d = screen(&s, &app, app.application_date);
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(d.outcome, Outcome::Refer);
    assert_eq!(d.errors[0].kind, ErrorKind::Deadline, "{:?}", d.errors);
    assert!(d.errors[0].message.contains("not reproducible"));
}

#[test]
fn sleep_and_timestamp_are_not_available() {
    assert_contained("sleep(3600);", ErrorKind::Script, "sleep");
    assert_contained("let t = timestamp();", ErrorKind::Script, "timestamp");
}

#[test]
fn modules_cannot_be_imported() {
    assert_contained(r#"import "/etc/passwd" as s;"#, ErrorKind::Limit, "modules");
}

#[test]
fn printing_is_harmless_and_silent() {
    // `print` goes nowhere; the rule still reports normally.
    let (d, _) =
        run(r#"print("to stdout?"); debug("to stderr?"); info("R-T-02", "printed nothing");"#);
    assert_eq!(d.errors, vec![]);
}

#[test]
fn misspelt_property_is_an_error_not_unknown() {
    assert_contained(
        "let x = app.project.capacity.thermal_mwh;",
        ErrorKind::Script,
        "thermal_mwh",
    );
}

#[test]
fn scripts_cannot_change_the_application() {
    assert_contained(
        r#"app.project.capacity.thermal_mw = "1";"#,
        ErrorKind::Script,
        "thermal_mw",
    );
}

#[test]
fn vocabulary_typos_are_errors() {
    assert_contained(
        r#"if app.project.fuel == "cole" { floor("R-T-02", "A", "coal"); }"#,
        ErrorKind::Script,
        "`cole` is not a value of `fuel`",
    );
    let (d, _) = run(
        r#"let f = app.transaction.goods; if is_known(f) && f == "military" { floor("R-T-02", "A", "x"); }"#,
    );
    assert_eq!(
        d.errors,
        vec![],
        "an unknown term is () and a valid literal is fine"
    );
}

#[test]
fn reporting_is_checked() {
    assert_contained(
        r#"floor("R-T-01", "A", "another rule's id");"#,
        ErrorKind::Script,
        "a rule reports only itself",
    );
    assert_contained(
        r#"floor("R-T-02", "D", "no such category");"#,
        ErrorKind::Script,
        "not a category",
    );
    assert_contained(
        r#"require("R-T-02", "essia", "typo");"#,
        ErrorKind::Script,
        "`essia` is not a value of `step`",
    );
    assert_contained(
        r#"missing("R-T-02", "project.colour", "typo");"#,
        ErrorKind::Script,
        "not a field path",
    );
    assert_contained(r#"let c = category();"#, ErrorKind::Script, "steps phase");
    let name = "no.such.param";
    assert_contained(
        &format!("let p = \"{name}\"; meets(p, 1);"),
        ErrorKind::Script,
        "not in the table",
    );
    // The indicative category's reporting is checked as strictly.
    assert_contained(
        r#"assume("R-T-02", "project.capacity.thermal_mw", "300 or more", "why");"#,
        ErrorKind::Script,
        "only an unknown fact can be assumed",
    );
    assert_contained(
        r#"assume("R-T-02", "project.colour", "x", "why");"#,
        ErrorKind::Script,
        "not a field path",
    );
    assert_contained(
        r#"missing("R-T-02", "project.stage", "why", "new", "D");"#,
        ErrorKind::Script,
        "not where a fact can move the category",
    );
    assert_contained(
        r#"typical("R-T-02", "Z", "why");"#,
        ErrorKind::Script,
        "not a category",
    );
    let e = load_error(r#"meets("no.such.param", 1);"#);
    assert_eq!(
        e[0].to_string(),
        "t-1.0.0/rules.rhai:3: parameter `no.such.param` is not in the pack's parameter table"
    );
}

#[test]
fn nesting_within_the_limits_runs() {
    let deep = format!("let x = {}1{};", "(".repeat(8), ")".repeat(8));
    let (d, _) = run(&deep);
    assert_eq!(d.errors, vec![]);
}

fn load_error(script: &str) -> Vec<LoadError> {
    match PolicySet::from_files(files(script, ""), Limits::default()) {
        Ok(_) => panic!("`{script}` should not load"),
        Err(e) => e.0,
    }
}

#[test]
fn forbidden_syntax_is_refused_at_load() {
    let e = load_error(r#"eval("40 + 2");"#);
    assert!(
        matches!(&e[0], LoadError::Compile { message, .. } if message.contains("eval")),
        "{e:?}"
    );
    let e = load_error("let y = 1; let f = |x| x + y;");
    assert!(
        matches!(&e[0], LoadError::Compile { .. }),
        "capturing closures are compiled out: {e:?}"
    );
    let e = load_error("undefined_variable + 1;");
    assert!(
        matches!(&e[0], LoadError::Compile { message, .. } if message.contains("undefined_variable")),
        "{e:?}"
    );
}

#[test]
fn deep_nesting_is_refused_at_parse() {
    let deep = format!("let x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
    let mut f = files("", "");
    f.insert(
        "t-1.0.0/rules.rhai".into(),
        format!("fn r_t_01(app) {{ }}\nfn r_t_02(app) {{ {deep} }}").into_bytes(),
    );
    let e = PolicySet::from_files(f, Limits::default()).unwrap_err().0;
    assert!(
        e.iter()
            .any(|e| e.to_string().contains("script is")
                || e.to_string().contains("too deeply nested")),
        "{e:?}"
    );
}

#[test]
fn oversized_scripts_are_refused_before_compiling() {
    let body: String = (0..10_000)
        .map(|i| format!("let v{i} = {i} * 2 + 1;\n"))
        .collect();
    let start = Instant::now();
    let e = load_error(&body);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "refused without compiling"
    );
    assert!(e[0].to_string().contains("the limit is 65536"), "{e:?}");
}

#[test]
fn top_level_statements_and_orphan_rule_functions_are_refused() {
    let mut f = files("", "");
    f.insert(
        "t-1.0.0/extra.rhai".into(),
        b"let x = 1;\nfn r_t_99(app) { }".to_vec(),
    );
    let e = PolicySet::from_files(f, Limits::default()).unwrap_err().0;
    let text: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|t| t.contains("holds only functions")),
        "{text:?}"
    );
}

#[test]
fn rule_ids_in_scripts_must_be_in_the_table() {
    let e = load_error(r#"floor("R-T-77", "A", "unknown rule");"#);
    assert_eq!(
        e[0].to_string(),
        "t-1.0.0/rules.rhai:3: rule `R-T-77` is not in the pack's rule table"
    );
}

#[test]
fn limits_are_explicit_not_rhai_defaults() {
    // The same limits in debug and release: rhai's own defaults differ by profile.
    let l = Limits::default();
    assert_eq!(
        (l.max_operations, l.max_call_levels, l.max_expr_depths),
        (100_000, 32, (64, 32))
    );
    assert_eq!(
        (l.max_string_size, l.max_array_size, l.max_map_size),
        (4096, 1024, 256)
    );
    assert!(
        l.max_call_levels <= 64,
        "raising the call-level limit above 64 risks native stack overflow (hardening.md 1.2 #2b)"
    );
}

#[test]
fn one_set_is_shared_across_threads() {
    let s = set(r#"floor("R-T-02", "A", "thread");"#);
    let app = Application::parse(APP).unwrap();
    let expected = screen(&s, &app, app.application_date);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (s, app, expected) = (s.clone(), app.clone(), expected.clone());
            std::thread::spawn(move || {
                (0..50).all(|_| screen(&s, &app, app.application_date) == expected)
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap());
    }
}

#[test]
fn memoised_helpers_depend_on_the_application_only() {
    let mut f = files(r#"let x = memo("h_phase", app);"#, "");
    f.insert(
        "t-1.0.0/helpers.rhai".into(),
        b"fn h_phase(app) { fired(\"R-T-01\") }".to_vec(),
    );
    let s = PolicySet::from_files(f, Limits::default()).unwrap();
    let app = Application::parse(APP).unwrap();
    let d = screen(&s, &app, app.application_date);
    assert_eq!(d.outcome, Outcome::Refer);
    assert!(
        d.errors[0]
            .message
            .contains("cannot be used in a helper evaluated through `memo`"),
        "{:?}",
        d.errors
    );
}

#[test]
fn scripts_cannot_impersonate_the_dispatcher() {
    // Named in the source: refused at load.
    let e = load_error("__imvo_enter(0);");
    assert!(
        e[0].to_string().contains("reserved for the engine"),
        "{e:?}"
    );
    // Reached through a function pointer built at run time: refused when called, and the
    // screening still ends with the other rules' findings.
    let (d, took) = run(
        r#"let n = "__im" + "vo_enter"; let f = Fn(n); f.call(0); floor("R-T-02", "A", "spoofed");"#,
    );
    assert!(took < Duration::from_secs(2));
    assert_eq!(d.outcome, Outcome::Refer);
    assert!(
        d.errors
            .iter()
            .any(|e| e.rule_id.as_deref() == Some("R-T-02")),
        "{:?}",
        d.errors
    );
    assert!(!d.findings.iter().any(|f| &*f.reason == "spoofed"));
    assert_eq!(d.category, Some(Category::B));
}

/// Screens `script` as rule R-T-02 with an operation budget of `ops` and no practical deadline.
fn run_with_budget(script: &str, ops: u64) -> Decision {
    let limits = Limits {
        max_operations: ops,
        deadline: Duration::from_secs(3600),
        ..Limits::default()
    };
    let s = PolicySet::from_files(files(script, ""), limits).unwrap_or_else(|e| panic!("{e}"));
    let app = Application::parse(APP).unwrap();
    screen(&s, &app, app.application_date)
}

/// The hostile rule stopped on its operation budget, the benign one's floor kept.
fn stopped_by_budget(d: &Decision, what: &str) {
    let e = d
        .errors
        .iter()
        .find(|e| e.rule_id.as_deref() == Some("R-T-02"))
        .unwrap_or_else(|| panic!("{what}: the rule was not stopped: {:#?}", d.findings.len()));
    assert_eq!(e.kind, ErrorKind::Limit, "{what}: {e:?}");
    assert!(e.message.contains("Too many operations"), "{what}: {e:?}");
    assert_eq!(d.category, Some(Category::B), "{what}");
}

#[test]
fn host_functions_charge_their_work_before_doing_it() {
    // One call of `and_list` over 1,000 items is a few rhai operations, but 1,000 items of work:
    // under a budget of 500 operations the charge stops it before the list is walked.
    let list = r#"let a = [0]; a.pad(1000, 7); let s = and_list(a);"#;
    stopped_by_budget(&run_with_budget(list, 500), "and_list");
    // The same call fits a budget that covers its items.
    let d = run_with_budget(list, 5_000);
    assert!(d.errors.is_empty(), "{:#?}", d.errors);
    // Reporting in a loop: each finding costs 100 operations, so 2,000 of them cannot fit the
    // default budget of 100,000 (they would, at rhai's few operations a call).
    let flood = r#"for i in 0..2000 { info("R-T-02", "again"); }"#;
    let d = run_with_budget(flood, 100_000);
    stopped_by_budget(&d, "info flood");
    let reported = d
        .findings
        .iter()
        .filter(|f| &*f.rule_id == "R-T-02")
        .count();
    assert!(reported <= 1_000, "{reported} findings reported");
}

#[test]
fn and_list_names_a_thousand_items_within_a_budget_for_their_count() {
    // 1,000 distinct items (de-duplicated through a set, not by comparing every pair) are
    // charged one operation each and fit a budget that covers them.
    let script =
        r#"let a = []; for i in 0..1000 { a.push(i); } floor("R-T-02", "B", and_list(a));"#;
    let d = run_with_budget(script, 20_000);
    assert!(d.errors.is_empty(), "{:#?}", d.errors);
    let f = d.findings.iter().find(|f| &*f.rule_id == "R-T-02").unwrap();
    assert!(f.reason.ends_with("and 988 more"), "{}", f.reason);
}

/// A pack reads the exchange rates only if it declares them (`uses = ["sdr-rates"]`), so that the
/// provenance of its decisions names every table they rest on (`imvo rescreen` leaves a stored
/// decision alone when nothing it names changed): comparing amounts in two currencies without
/// the declaration fails the rule, with the declaration the rate is used and named.
#[test]
fn a_pack_reads_exchange_rates_only_if_it_declares_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/data/sdr-rates");
    let with = |declared: bool| {
        let mut f = files(
            r#"if meets("t.share", app.transaction.support_amount) { floor("R-T-02", "A", "large"); }"#,
            "",
        );
        if declared {
            let toml = String::from_utf8(f["t-1.0.0/pack.toml"].clone()).unwrap();
            let toml = toml.replace(
                "instruments = [\"export_credit\"]\n",
                "instruments = [\"export_credit\"]\nuses = [\"sdr-rates\"]\n",
            );
            f.insert("t-1.0.0/pack.toml".into(), toml.into_bytes());
        }
        f.insert(
            "t-1.0.0/params.csv".into(),
            b"name,value,unit,comparator,source,section,evidence_level,verified,note\nt.share,10000000,XDR,>=,s,,R,false,\n".to_vec(),
        );
        for e in std::fs::read_dir(&root).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            f.insert(
                format!("data/sdr-rates/{name}"),
                std::fs::read(e.path()).unwrap(),
            );
        }
        PolicySet::from_files(f, Limits::default()).unwrap_or_else(|e| panic!("{e}"))
    };
    let app = Application::parse(
        r#"{"reference": "SBX-2", "instrument": "export_credit", "application_date": "2022-11-01",
            "transaction": {"support_amount": {"amount": "50000000", "currency": "USD"}}}"#,
    )
    .unwrap();
    let undeclared = screen(&with(false), &app, app.application_date);
    assert_eq!(undeclared.errors.len(), 1, "{:#?}", undeclared.errors);
    assert!(
        undeclared.errors[0].message.contains(
            "pack `t` compares amounts in USD and XDR but does not declare `uses = [\"sdr-rates\"]`"
        ),
        "{}",
        undeclared.errors[0].message
    );
    assert!(undeclared.provenance.rates.is_empty());
    assert!(
        !undeclared
            .provenance
            .data
            .iter()
            .any(|d| &*d.table == "sdr-rates")
    );

    let declared = screen(&with(true), &app, app.application_date);
    assert!(declared.errors.is_empty(), "{:#?}", declared.errors);
    assert_eq!(declared.category, Some(Category::A));
    assert_eq!(declared.provenance.rates[0].to, "USD");
    assert!(
        declared
            .provenance
            .data
            .iter()
            .any(|d| &*d.table == "sdr-rates")
    );
}

/// The call-level limit counts from the rule: the deepest chain of script calls a rule may make
/// is the same whichever way the engine enters the pack's scripts (a rule, or a helper computed
/// through `memo`), so a pack that ran within the limit keeps running and a recursion that hit it
/// keeps hitting it at the same depth. The depths are what `Limits::default()` (32 levels) gave
/// when this test was written.
#[test]
fn the_deepest_call_chain_a_rule_may_make_is_fixed() {
    fn deepest(call: &str) -> i64 {
        let mut best = -1;
        for depth in 0..64 {
            let mut f = files(
                &format!("let r = {call}; floor(\"R-T-02\", \"B\", `reached ${{r}}`);"),
                "",
            );
            f.insert(
                "t-1.0.0/helpers.rhai".into(),
                format!(
                    "fn down(n) {{ if n <= 0 {{ 0 }} else {{ down(n - 1) + 1 }} }}\nfn via_memo(app) {{ down({depth}) }}\nfn depth() {{ {depth} }}"
                )
                .into_bytes(),
            );
            let s = PolicySet::from_files(f, Limits::default()).unwrap();
            let app = Application::parse(APP).unwrap();
            let d = screen(&s, &app, app.application_date);
            if d.errors.is_empty() {
                best = depth;
            } else {
                assert!(
                    d.errors[0].message.contains("Stack overflow"),
                    "{:?}",
                    d.errors
                );
                break;
            }
        }
        best
    }
    let direct = deepest("down(depth())");
    let through_memo = deepest("memo(\"via_memo\", app)");
    assert_eq!(
        (direct, through_memo),
        (30, 27),
        "direct {direct}, through memo {through_memo}"
    );
}

/// An error inside a helper computed through `memo` names where it happened and the chain of
/// calls that led there, each with its file, line and column, as rhai's own call would: the
/// positions come from the calls, whichever way the engine enters the helper.
#[test]
fn an_error_in_a_memoised_helper_names_its_call_chain() {
    let mut f = files("memo(\"outer\", app);", "");
    f.insert(
        "t-1.0.0/helpers.rhai".into(),
        b"fn inner(app) {\n  let x = 0;\n  10 / x\n}\nfn outer(app) { memo(\"inner\", app) }\n"
            .to_vec(),
    );
    let s = PolicySet::from_files(f, Limits::default()).unwrap();
    let app = Application::parse(APP).unwrap();
    let d = screen(&s, &app, app.application_date);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert_eq!(
        d.errors[0].message,
        "Division by zero: 10 / 0 at t-1.0.0/helpers.rhai:3:6, in `outer` called from `r_t_02` at t-1.0.0/rules.rhai:3:1, in `inner` called from `outer` at t-1.0.0/helpers.rhai:5:17"
    );
}
