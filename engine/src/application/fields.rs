//! The fields of the contract as a form shows them: each path with its kind, the values it takes
//! (a closed vocabulary, a compiled-in code list, or free) and what the contract expects there.
//! Derived from the validator itself ([`super::field_specs`]), so a form cannot drift from it.

use super::vocab::{self, Vocab};
use crate::codes::{self, CodeList};
use crate::json::Node;

/// What a field of the contract holds, as far as a flat (CSV) form of the application needs to
/// know: where a cell must become a JSON boolean, integer or string, or a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// An object of further fields.
    Section,
    /// `true` or `false`.
    Bool,
    /// A JSON integer.
    Int,
    /// A JSON string (text, code, term, date, or a decimal written as a string).
    Text,
    /// A list of strings (terms, field paths).
    List,
    /// A list of objects; its members are the paths `list[].member`.
    ObjectList,
}

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
