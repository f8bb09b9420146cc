//! The fields of the contract as a form shows them: each path with its kind, the values it takes
//! (a closed vocabulary, a compiled-in code list, or free) and what the contract expects there.
//! Derived from the validator itself ([`super::field_specs`]), so a form cannot drift from it.

use super::parse::FieldKind;
use super::vocab::{self, Vocab};
use crate::codes::{self, CodeList};
use crate::json::Node;

/// The values a field takes.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    /// Anything its check accepts (text, numbers, dates, amounts).
    Free,
    /// One of a closed vocabulary (for a list: each item).
    Terms(&'static Vocab),
    /// A code of a compiled-in list (countries, currencies, ISIC, goods).
    Codes(&'static CodeList),
}

/// One field of the contract.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// Dotted path; list members as `list[].member`.
    pub path: String,
    /// How the flat form of the application writes it.
    pub kind: FieldKind,
    /// What it takes.
    pub values: Values,
    /// What the contract expects, as its errors say it.
    pub expected: String,
}

impl FieldSpec {
    pub(super) fn new(path: String, kind: FieldKind, values: Values, expected: &str) -> Self {
        FieldSpec {
            path,
            kind,
            values,
            expected: expected.to_owned(),
        }
    }

    /// A leaf read with `conv`: its values found by asking `conv` what it accepts.
    pub(super) fn probe<T>(
        path: String,
        kind: FieldKind,
        conv: &impl Fn(&Node<'_>) -> Result<T, String>,
    ) -> Self {
        let accepts = |s: &str| conv(&Node::String(s.into())).is_ok();
        let expected = conv(&Node::Array(Vec::new())).err().unwrap_or_default();
        // A check that takes any text has no values to offer.
        let values = if kind != FieldKind::Text || accepts("\u{1} free text") {
            Values::Free
        } else if let Some(list) = codes::all().into_iter().find(|l| {
            // Code lists first (ISIC's sections are letters, as categories are); the first and
            // last codes: a decimal check takes `01`, never the ISIC `U`.
            l.entries.keys().next().is_some_and(|c| accepts(c))
                && l.entries.keys().next_back().is_some_and(|c| accepts(c))
        }) {
            Values::Codes(list)
        } else if let Some(v) = vocab::ALL
            .iter()
            .find(|v| v.values.iter().all(|t| accepts(t)))
        {
            Values::Terms(v)
        } else {
            Values::Free
        };
        FieldSpec {
            path,
            kind,
            values,
            expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::field_specs;
    use super::*;

    fn spec(path: &str) -> &'static FieldSpec {
        field_specs()
            .iter()
            .find(|s| s.path == path)
            .unwrap_or_else(|| panic!("no field {path}"))
    }

    #[test]
    fn fields_know_their_values() {
        assert!(
            matches!(spec("project.country").values, Values::Codes(l) if l.name == "iso-3166-1")
        );
        assert!(matches!(spec("project.sector").values, Values::Codes(l) if l.name == "isic-rev4"));
        assert!(
            matches!(spec("transaction.contract_value.currency").values, Values::Codes(l) if l.name == "iso-4217")
        );
        assert!(matches!(spec("project.fuel").values, Values::Terms(v) if v.name == "fuel"));
        assert!(
            matches!(spec("project.activities").values, Values::Terms(v) if v.name == "activity")
        );
        assert!(matches!(
            spec("transaction.contract_value.amount").values,
            Values::Free
        ));
        assert_eq!(spec("project.supply_chain").kind, FieldKind::ObjectList);
        assert_eq!(spec("project.location").kind, FieldKind::Section);
        assert_eq!(spec("project.coal.coal_fired_power").kind, FieldKind::Bool);
        assert!(spec("application_date").expected.contains("YYYY-MM-DD"));
        // In the contract's order, each path once, and every path of `field_kinds`.
        let paths: Vec<&str> = field_specs().iter().map(|s| s.path.as_str()).collect();
        let pos = |p: &str| paths.iter().position(|x| *x == p);
        assert!(pos("reference") < pos("applicant.name"));
        assert!(pos("applicant.name") < pos("project.country"));
        let kinds: Vec<&String> = super::super::field_kinds().keys().collect();
        assert_eq!(paths.len(), kinds.len());
    }
}
