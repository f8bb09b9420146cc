//! What scripts can see and call, registered on the engine by [`register`].
//!
//! * `views`: the application, read-only, through typed views: `app.project.capacity.thermal_mw` is
//!   a decimal or `()` (unknown); a misspelt property is an error. Closed vocabularies come back
//!   as terms that compare with strings, and comparing with a string outside the vocabulary is
//!   an error. Every read is recorded as a fact of the findings the rule then reports.
//! * `reporting`: one call per effect of the contract, each naming its rule id: `floor`,
//!   `require`, `require_disclosure`, `trigger`, `missing`, `refer`, `decline`, `info`,
//!   `risk_level`, `no_category`.
//! * `params` (`param`, `meets`), `tables` (`lookup`, `in_table`, `indicators`, `listed`) and
//!   `queries`: dates (`as_of`, `date`), earlier phases (`fired`, `triggered`, `category`), `memo`.
//!
//! The functions whose first string argument names a parameter or a table are listed once, in
//! [`NAMED_ARGUMENTS`], beside the registration: the loader checks those literals in every
//! script against the pack, and a test checks that each is registered.

mod contains;
mod messages;
mod params;
mod queries;
mod reporting;
mod table_rules;
pub(crate) mod tables;
#[cfg(test)]
mod tests;
mod views;

use std::sync::Arc;

use chrono::NaiveDate;
use rhai::{Array, Dynamic, Engine, EvalAltResult};
use rust_decimal::Decimal;
use serde_json::Value;

use self::queries::register_queries;
use self::reporting::register_reporting;
pub(crate) use self::views::AppView;
use self::views::{register_types, register_views};
use crate::application::vocab::{Term, Vocab};
use crate::application::{MissionProduct, Money, NcpCase, SupplyLink};
use crate::policy::{Named, Phase, ScriptApi};
use crate::script::context::{self, Ctx};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The script functions whose first string argument names a parameter or a table, as they are
/// registered by [`register`] (a test checks each is): the loader checks such literals in every
/// script against the pack.
pub(crate) const NAMED_ARGUMENTS: [(&str, Named); 8] = [
    ("param", Named::Parameter),
    ("meets", Named::Parameter),
    ("meeting", Named::Parameter),
    ("lookup", Named::Table),
    ("in_table", Named::Table),
    ("in_table_within", Named::Table),
    ("indicators", Named::Table),
    ("listed", Named::Table),
];

/// What the loader checks packs against (see [`crate::policy`]'s `ScriptApi`).
pub(crate) const SURFACE: ScriptApi = ScriptApi {
    is_fact: views::is_fact,
    named_arguments: &NAMED_ARGUMENTS,
    reader: views::reader,
};

fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(msg.into().into())
}

fn term_eq(t: &Term, s: &str) -> Res<bool> {
    match t.vocab().term(s) {
        Some(other) => Ok(other == *t),
        None => fail(format!(
            "`{s}` is not a value of `{}` (expected {})",
            t.vocab().name,
            t.vocab().expected()
        )),
    }
}

fn check_value(vocab: &'static Vocab, s: &str) -> Res<()> {
    if vocab.term(s).is_some() {
        Ok(())
    } else {
        fail(format!(
            "`{s}` is not a value of `{}` (expected {})",
            vocab.name,
            vocab.expected()
        ))
    }
}

pub(crate) fn register(e: &mut Engine) {
    register_types(e);
    register_views(e, &mut Vec::new());
    register_reporting(e);
    messages::register_messages(e);
    register_queries(e);
    table_rules::register_table_rules(e);
    contains::register_contains(e);
}

/// The current rule's id, checking that `rule_id` is it or one of its items.
fn current_rule<'a>(c: &'a Ctx, rule_id: &str, call: &str) -> Res<&'a crate::policy::Rule> {
    let Some(pack) = c.pack.as_ref() else {
        return fail(format!("`{call}` may only be called from a rule function"));
    };
    let Some(current) = pack.rules.get(c.rule) else {
        return fail(format!("`{call}` may only be called from a rule function"));
    };
    if rule_id == &*current.id {
        return Ok(current);
    }
    let is_item = rule_id
        .strip_prefix(&*current.id)
        .is_some_and(|rest| rest.starts_with('.'));
    match pack.rule(rule_id) {
        Some(r) if is_item => Ok(r),
        Some(_) => fail(format!(
            "`{call}` names rule `{rule_id}` from the function of rule `{}`; a rule reports only itself and its items",
            current.id
        )),
        None => fail(format!(
            "rule `{rule_id}` is not in the rule table of pack `{}`",
            pack.manifest.id
        )),
    }
}

fn dyn_to_json(d: &Dynamic) -> Value {
    if d.is_unit() {
        Value::Null
    } else if let Ok(b) = d.as_bool() {
        Value::Bool(b)
    } else if let Ok(i) = d.as_int() {
        Value::from(i)
    } else if let Ok(x) = d.as_decimal() {
        Value::String(x.to_string())
    } else if d.is_string() {
        Value::String(d.to_string())
    } else if let Some(t) = d.read_lock::<Term>() {
        Value::String(t.as_str().to_owned())
    } else if let Some(x) = d.read_lock::<NaiveDate>() {
        Value::String(x.to_string())
    } else if let Some(m) = d.read_lock::<Money>() {
        serde_json::to_value(&*m).unwrap_or(Value::Null)
    } else if let Some(c) = d.read_lock::<NcpCase>() {
        serde_json::to_value(&*c).unwrap_or(Value::Null)
    } else if let Some(c) = d.read_lock::<SupplyLink>() {
        serde_json::to_value(&*c).unwrap_or(Value::Null)
    } else if let Some(c) = d.read_lock::<MissionProduct>() {
        serde_json::to_value(&*c).unwrap_or(Value::Null)
    } else if let Some(a) = d.read_lock::<Array>() {
        Value::Array(a.iter().map(dyn_to_json).collect())
    } else {
        Value::String(d.to_string())
    }
}

fn in_phase(call: &str, allowed: &[Phase]) -> Res<()> {
    let phase = context::with(|c| c.phase).unwrap_or(Phase::Facts);
    if allowed.contains(&phase) {
        Ok(())
    } else {
        let names: Vec<&str> = allowed.iter().map(|p| p.as_str()).collect();
        fail(format!(
            "`{call}` may only be called in the {} phase, not in {}",
            names.join(" or "),
            phase.as_str()
        ))
    }
}

fn dyn_text(v: &Dynamic) -> Option<String> {
    if let Some(t) = v.read_lock::<Term>() {
        return Some(t.as_str().to_owned());
    }
    if let Some(l) = v.read_lock::<crate::messages::Localized>() {
        return Some(l.en.clone());
    }
    v.is_string().then(|| v.to_string())
}

fn dyn_decimal(v: &Dynamic) -> Option<Decimal> {
    v.as_decimal()
        .ok()
        .or_else(|| v.as_int().ok().map(Decimal::from))
}

/// The table a rule's pack may read, by name.
fn pack_table(table: &str) -> Res<Arc<crate::policy::Table>> {
    context::with(|c| c.pack.as_ref().and_then(|p| p.tables.get(table).cloned()))
        .flatten()
        .map_or_else(
            || fail(format!("table `{table}` is not available to this pack")),
            Ok,
        )
}

fn not_in_memo(call: &str) -> Res<()> {
    if context::with(|c| c.in_memo).unwrap_or(0) > 0 {
        return fail(format!(
            "`{call}` cannot be used in a helper evaluated through `memo`: memoised helpers depend on the application only"
        ));
    }
    Ok(())
}
