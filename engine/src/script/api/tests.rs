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
