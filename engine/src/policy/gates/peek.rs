//! A fact's value as a gate compares it, borrowed from the application: a gate reading
//! `project.activities` to test `has` looks at the list in place, where a script's reader builds
//! a new array of script values (an allocation per item). Types a gate does not compare in place
//! (money, lists of objects, the contract's special values) are read as script values, so every
//! test answers exactly as it would on the script's value.

use rhai::Dynamic;
use rust_decimal::Decimal;

use super::{Lit, Tri};
use crate::application::vocab::Term;
use crate::policy::params::ParamValue;

/// A fact's value, borrowed where a gate can compare it in place.
pub(crate) enum Peeked<'a> {
    /// Not stated (`()` to a script).
    Unknown,
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Term(Term),
    Str(&'a str),
    Date(chrono::NaiveDate),
    Terms(&'a [Term]),
    Strs(&'a [String]),
    /// Stated, of a type compared as the script's value.
    Other,
    /// The script's value, for a fact that has no borrowed form.
    Script(Dynamic),
}

/// Reads one fact of an application as a gate compares it: resolved once, when the set loads.
pub(crate) type Peek = for<'a> fn(&'a crate::application::Application) -> Peeked<'a>;

/// A field of the application as a gate reads it in place.
pub(crate) trait PeekField {
    fn peek(&self) -> Peeked<'_>;
}

macro_rules! peek_field {
    ($t:ty, |$v:ident| $e:expr) => {
        impl PeekField for Option<$t> {
            fn peek(&self) -> Peeked<'_> {
                match self {
                    None => Peeked::Unknown,
                    Some($v) => $e,
                }
            }
        }
    };
}

peek_field!(bool, |b| Peeked::Bool(*b));
peek_field!(i64, |i| Peeked::Int(*i));
peek_field!(Decimal, |d| Peeked::Decimal(*d));
peek_field!(Term, |t| Peeked::Term(*t));
peek_field!(String, |s| Peeked::Str(s));
peek_field!(chrono::NaiveDate, |d| Peeked::Date(*d));
peek_field!(Vec<Term>, |v| Peeked::Terms(v));
peek_field!(Vec<String>, |v| Peeked::Strs(v));

/// Types a gate compares as the script's value.
macro_rules! peek_as_script {
    ($($t:ty),* $(,)?) => {$(
        peek_field!($t, |_v| Peeked::Other);
    )*};
}

peek_as_script!(
    crate::application::Money,
    Vec<crate::application::NcpCase>,
    Vec<crate::application::SupplyLink>,
    Vec<crate::application::MissionProduct>,
    crate::application::BenchmarkScore,
    crate::application::Registration,
);

/// Whether a fact's value equals a literal; `None` where their types differ. Exactly what the
/// comparison of the script's value gives (`equals_script`).
pub(super) fn equals(v: &Peeked<'_>, lit: &Lit) -> Option<bool> {
    match (v, lit) {
        (Peeked::Script(d), _) => equals_script(d, lit),
        (Peeked::Bool(x), Lit::Bool(b)) => Some(x == b),
        (Peeked::Int(i), Lit::Number(n)) => Some(Decimal::from(*i) == *n),
        (Peeked::Decimal(d), Lit::Number(n)) => Some(d == n),
        (Peeked::Term(t), Lit::Word(w)) => Some(t.as_str() == w),
        (Peeked::Str(s), Lit::Word(w)) => Some(s == w),
        _ => None,
    }
}

/// [`equals`] on a script value.
pub(super) fn equals_script(v: &Dynamic, lit: &Lit) -> Option<bool> {
    match lit {
        Lit::Bool(b) => v.as_bool().ok().map(|x| x == *b),
        Lit::Number(n) => v
            .as_int()
            .ok()
            .map(|i| Decimal::from(i) == *n)
            .or_else(|| v.as_decimal().ok().map(|d| d == *n)),
        Lit::Word(w) => {
            if let Some(t) = v.read_lock::<Term>() {
                return Some(t.as_str() == w);
            }
            v.read_lock::<rhai::ImmutableString>()
                .map(|s| s.as_str() == w)
        }
    }
}

/// A fact against a threshold, as the scripts' `meets` compares them (never money: an amount in
/// another currency would need the SDR rate, which the decision records as used).
pub(super) fn compare(v: &Peeked<'_>, threshold: &ParamValue) -> Option<std::cmp::Ordering> {
    match (v, threshold) {
        (Peeked::Script(d), _) => compare_script(d, threshold),
        (Peeked::Decimal(x), ParamValue::Decimal(t)) => Some(x.cmp(t)),
        (Peeked::Int(i), ParamValue::Decimal(t)) => Some(Decimal::from(*i).cmp(t)),
        (Peeked::Int(i), ParamValue::Int(t)) => Some(i.cmp(t)),
        (Peeked::Decimal(x), ParamValue::Int(t)) => Some(x.cmp(&Decimal::from(*t))),
        (Peeked::Date(d), ParamValue::Date(t)) => Some(d.cmp(t)),
        _ => None,
    }
}

/// [`compare`] on a script value.
fn compare_script(v: &Dynamic, threshold: &ParamValue) -> Option<std::cmp::Ordering> {
    match threshold {
        ParamValue::Decimal(t) => v
            .as_decimal()
            .ok()
            .or_else(|| v.as_int().ok().map(Decimal::from))
            .map(|x| x.cmp(t)),
        ParamValue::Int(t) => match (v.as_int(), v.as_decimal()) {
            (Ok(i), _) => Some(i.cmp(t)),
            (_, Ok(x)) => Some(x.cmp(&Decimal::from(*t))),
            _ => None,
        },
        ParamValue::Date(t) => v.read_lock::<chrono::NaiveDate>().map(|d| d.cmp(t)),
        ParamValue::Money(_) => None,
    }
}

/// `has`: whether a list fact holds any of the values, in three-valued logic (unknown where the
/// list is, or where an item's type differs from a value's), as on the script's array.
pub(super) fn has(v: &Peeked<'_>, values: &[Lit]) -> Tri {
    match v {
        Peeked::Terms(ts) => any_item(ts.iter().map(|t| Peeked::Term(*t)), values),
        Peeked::Strs(ss) => any_item(ss.iter().map(|s| Peeked::Str(s)), values),
        Peeked::Script(d) => match d.read_lock::<rhai::Array>() {
            Some(items) => any_item(items.iter().map(|i| Peeked::Script(i.clone())), values),
            None => Tri::Unknown,
        },
        _ => Tri::Unknown,
    }
}

fn any_item<'a>(items: impl Iterator<Item = Peeked<'a>>, values: &[Lit]) -> Tri {
    let mut out = Tri::False;
    for item in items {
        for lit in values {
            match equals(&item, lit) {
                Some(true) => return Tri::True,
                Some(false) => {}
                None => out = Tri::Unknown,
            }
        }
    }
    out
}

/// `within`: whether a code begins with one of the prefixes, as a script's
/// `code.to_string().starts_with(prefix)` says; unknown where the code is, or is not text.
pub(super) fn within(v: &Peeked<'_>, prefixes: &[String]) -> Tri {
    let holds = |code: &str| Tri::of(prefixes.iter().any(|p| code.starts_with(p.as_str())));
    match v {
        Peeked::Str(code) => holds(code),
        Peeked::Script(d) => d
            .read_lock::<rhai::ImmutableString>()
            .map_or(Tri::Unknown, |code| holds(code.as_str())),
        _ => Tri::Unknown,
    }
}

/// Whether a list fact has no items; `None` where the value is not a list (or not known).
pub(super) fn is_empty(v: &Peeked<'_>) -> Option<bool> {
    match v {
        Peeked::Terms(ts) => Some(ts.is_empty()),
        Peeked::Strs(ss) => Some(ss.is_empty()),
        Peeked::Script(d) => d.read_lock::<rhai::Array>().map(|a| a.is_empty()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rhai::Dynamic;
    use rust_decimal::Decimal;

    use super::{Lit, Peeked, Tri, compare, compare_script, equals, equals_script, has, is_empty};
    use crate::application::vocab::{ACTIVITY, Term};
    use crate::policy::params::ParamValue;

    fn term(v: &str) -> Term {
        ACTIVITY.term(v).unwrap()
    }

    fn date(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::from_str(s).unwrap()
    }

    /// Each value in place, with the script's value the readers give for it.
    fn values() -> Vec<(Peeked<'static>, Dynamic)> {
        let terms: &'static [Term] = Box::leak(Box::new([term("thermal_power"), term("mining")]));
        let strs: &'static [String] = Box::leak(Box::new(["0141".to_owned(), "K".to_owned()]));
        vec![
            (Peeked::Bool(true), Dynamic::from_bool(true)),
            (Peeked::Bool(false), Dynamic::from_bool(false)),
            (Peeked::Int(0), Dynamic::from_int(0)),
            (Peeked::Int(300), Dynamic::from_int(300)),
            (
                Peeked::Decimal(Decimal::new(3005, 1)),
                Dynamic::from_decimal(Decimal::new(3005, 1)),
            ),
            (
                Peeked::Decimal(Decimal::from(300)),
                Dynamic::from_decimal(Decimal::from(300)),
            ),
            (Peeked::Term(term("mining")), Dynamic::from(term("mining"))),
            (Peeked::Str("0141"), Dynamic::from("0141".to_owned())),
            (Peeked::Str("true"), Dynamic::from("true".to_owned())),
            (
                Peeked::Date(date("2024-01-31")),
                Dynamic::from(date("2024-01-31")),
            ),
            (
                Peeked::Terms(terms),
                Dynamic::from_array(terms.iter().copied().map(Dynamic::from).collect()),
            ),
            (Peeked::Terms(&[]), Dynamic::from_array(Vec::new())),
            (
                Peeked::Strs(strs),
                Dynamic::from_array(strs.iter().cloned().map(Dynamic::from).collect()),
            ),
        ]
    }

    fn lits() -> Vec<Lit> {
        vec![
            Lit::Bool(true),
            Lit::Bool(false),
            Lit::Number(Decimal::ZERO),
            Lit::Number(Decimal::from(300)),
            Lit::Number(Decimal::new(3005, 1)),
            Lit::Word("mining".into()),
            Lit::Word("thermal_power".into()),
            Lit::Word("0141".into()),
            Lit::Word("true".into()),
        ]
    }

    /// The script's value's `has`, as the gates evaluated it before they read in place.
    fn has_script(v: &Dynamic, values: &[Lit]) -> Tri {
        let Some(items) = v.read_lock::<rhai::Array>() else {
            return Tri::Unknown;
        };
        let mut out = Tri::False;
        for item in items.iter() {
            for lit in values {
                match equals_script(item, lit) {
                    Some(true) => return Tri::True,
                    Some(false) => {}
                    None => out = Tri::Unknown,
                }
            }
        }
        out
    }

    #[test]
    fn a_fact_read_in_place_compares_as_the_scripts_value_does() {
        let thresholds = [
            ParamValue::Int(300),
            ParamValue::Decimal(Decimal::new(3005, 1)),
            ParamValue::Date(date("2024-01-31")),
        ];
        for (peeked, script) in values() {
            let wrapped = Peeked::Script(script.clone());
            for lit in lits() {
                let want = equals_script(&script, &lit);
                assert_eq!(equals(&peeked, &lit), want, "{script:?} = {lit}");
                assert_eq!(equals(&wrapped, &lit), want, "{script:?} = {lit}");
                let want = has_script(&script, std::slice::from_ref(&lit));
                assert_eq!(
                    has(&peeked, std::slice::from_ref(&lit)),
                    want,
                    "{script:?} has {lit}"
                );
                assert_eq!(
                    has(&wrapped, std::slice::from_ref(&lit)),
                    want,
                    "{script:?} has {lit}"
                );
            }
            for t in &thresholds {
                let want = compare_script(&script, t);
                assert_eq!(compare(&peeked, t), want, "{script:?} meets {t:?}");
                assert_eq!(compare(&wrapped, t), want, "{script:?} meets {t:?}");
            }
            let want = script.read_lock::<rhai::Array>().map(|a| a.is_empty());
            assert_eq!(is_empty(&peeked), want, "{script:?} empty");
            assert_eq!(is_empty(&wrapped), want, "{script:?} empty");
        }
        assert_eq!(has(&Peeked::Unknown, &lits()), Tri::Unknown);
        assert_eq!(is_empty(&Peeked::Unknown), None);
    }
}
