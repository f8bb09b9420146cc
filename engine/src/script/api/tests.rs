//! Tests of the script API.

use super::queries::and_list;
use super::views::getter_paths;
use super::*;
use crate::application::{is_field_path, vocab};

#[test]
fn every_getter_reads_a_contract_path() {
    let paths = getter_paths();
    assert!(paths.len() > 100, "{}", paths.len());
    for p in paths {
        if p == "reference"
            || p == "instrument"
            || p == "project.sector_section"
            || p == "application_date"
        {
            continue;
        }
        assert!(
            is_field_path(&p),
            "getter path `{p}` is not a contract path"
        );
    }
}

#[test]
fn and_list_names_vocabulary_values_drops_duplicates_and_caps() {
    let term = |v: &str| Dynamic::from(vocab::ACTIVITY.term(v).unwrap_or_else(|| panic!("{v}")));
    let items: Array = vec![term("mining"), term("road"), term("mining")];
    assert_eq!(and_list(&items).unwrap_or_default(), "mining and road");
    let many: Array = (0..30).map(|i| Dynamic::from(format!("x{i}"))).collect();
    let text = and_list(&many).unwrap_or_default();
    assert!(
        text.starts_with("x0, x1,") && text.ends_with("x11 and 18 more"),
        "{text}"
    );
    assert_eq!(and_list(&Array::new()).unwrap_or_default(), "");
    assert_eq!(and_list(&vec![Dynamic::from("a")]).unwrap_or_default(), "a");
}

#[test]
fn every_function_taking_a_name_is_registered() {
    let mut e = rhai::Engine::new_raw();
    register(&mut e);
    let signatures = e.gen_fn_signatures(false);
    for (name, _) in NAMED_ARGUMENTS {
        assert!(
            signatures
                .iter()
                .any(|s| s.starts_with(&format!("{name}("))),
            "`{name}` is listed as taking a parameter or table name, but no such function is registered"
        );
    }
}

/// `x in list` with the engine's `contains` decides as rhai's own does (the array package's,
/// through `==`), for every pairing of kinds of item and value, errors included.
#[test]
fn in_decides_as_rhais_own_contains_for_every_pairing_of_kinds() {
    use rhai::packages::{BasicArrayPackage, LogicPackage, Package};
    use rhai::{Engine, Scope};

    // rhai's own `contains` and comparisons, as the policy engine registers them, with the
    // script API's types and their `==`.
    let bare = || {
        let mut e = Engine::new_raw();
        e.register_global_module(BasicArrayPackage::new().as_shared_module());
        e.register_global_module(LogicPackage::new().as_shared_module());
        register_types(&mut e);
        messages::register_messages(&mut e);
        e
    };
    let reference = bare();
    let mut fast = bare();
    super::contains::register_contains(&mut fast);

    let stage = |v: &str| Dynamic::from(vocab::STAGE.term(v).unwrap_or_else(|| panic!("{v}")));
    let activity =
        |v: &str| Dynamic::from(vocab::ACTIVITY.term(v).unwrap_or_else(|| panic!("{v}")));
    // Values of every kind a rule may test: strings (in and outside a vocabulary), terms of two
    // vocabularies, a number, a decimal, a boolean, unit and a date.
    let kinds: Vec<(&str, Dynamic)> = vec![
        ("s_new", Dynamic::from("new")),
        ("s_typo", Dynamic::from("nwe")),
        ("s_mining", Dynamic::from("mining")),
        ("t_new", stage("new")),
        ("t_expansion", stage("expansion")),
        ("t_mining", activity("mining")),
        ("n", Dynamic::from(7_i64)),
        (
            "d",
            Dynamic::from_decimal(rust_decimal::Decimal::new(15, 1)),
        ),
        ("b", Dynamic::TRUE),
        ("u", Dynamic::UNIT),
        (
            "date",
            Dynamic::from(chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap_or_default()),
        ),
    ];
    let mut scope = Scope::new();
    for (name, v) in &kinds {
        scope.push_dynamic(*name, v.clone());
    }
    let run = |e: &Engine, script: &str| -> Result<bool, String> {
        e.eval_with_scope::<bool>(&mut scope.clone(), script)
            .map_err(|err| err.to_string())
    };
    let mut compared = 0;
    for (value, _) in &kinds {
        for (a, _) in &kinds {
            for (b, _) in &kinds {
                for script in [
                    format!("{value} in [{a}, {b}]"),
                    format!("{value} in []"),
                    format!("let l = [{a}]; l.contains({value})"),
                ] {
                    assert_eq!(run(&fast, &script), run(&reference, &script), "{script}");
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 300);
    // The vocabulary check is kept: a term compared with a string outside its vocabulary.
    assert!(run(&fast, "t_new in [s_typo]").is_err_and(|e| e.contains("`nwe` is not a value of")));
}

/// Every application under `scenarios/` and `examples/` (the `application` of a scenario, or
/// the whole file).
fn shipped_applications() -> Vec<(std::path::PathBuf, crate::Application)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    walk(&root.join("scenarios"), &mut files);
    walk(&root.join("examples"), &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).ok()?;
            let app = doc.get("application").unwrap_or(&doc);
            let app = crate::Application::parse(&app.to_string()).ok()?;
            Some((path, app))
        })
        .collect()
}

#[test]
fn a_fact_recorded_in_place_is_the_json_of_the_scripts_value() {
    let apps = shipped_applications();
    assert!(apps.len() > 300, "{}", apps.len());
    let mut stated = 0;
    for (file, app) in &apps {
        for (path, read) in super::views::readers() {
            let expected = dyn_to_json(&read(app));
            stated += usize::from(!expected.is_null());
            assert_eq!(
                super::views::fact_json(app, path),
                expected,
                "{path} in {}",
                file.display()
            );
        }
    }
    // The comparison saw stated values, not only unknown ones.
    assert!(stated > 10_000, "{stated}");
}

/// Each leaf path has one reader: the lookup by path could otherwise return either of two.
#[test]
fn every_leaf_path_is_registered_once() {
    let mut list = Vec::new();
    super::views::register_views(&mut rhai::Engine::new_raw(), &mut list);
    let mut paths: Vec<&str> = list.iter().map(|(p, _, _)| *p).collect();
    let all = paths.len();
    assert!(all > 100, "{all}");
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), all, "a leaf path is registered twice");
}
