//! The category and its status from the floors and scope facts the rules reported, and the
//! indicative block (docs/categorisation.md): a no-category reason beats a floor, an unknown
//! scope fact leaves the category undetermined.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::application::{Application, Instrument};
use crate::decision::{
    Assumption, Category, CategoryRange, CategoryStatus, Deciding, DecisionError, ErrorKind,
    Indicative, Move, rule_order,
};
use crate::script::context::Accumulator;

/// The category and why there is none, from the floors raised and the facts missing.
///
/// A "no category" reason (outside scope, not a project, a financial intermediary) beats any
/// floor; a missing fact that could take the application out of the categorisation leaves it
/// undetermined, whatever floors the other rules raised: the engine, not each script, enforces
/// applicability.
pub(super) fn category_of(out: &Accumulator) -> (Option<Category>, Option<String>, CategoryStatus) {
    if !out.category_reasons.is_empty() {
        let reasons = out.category_reasons.iter().cloned().collect::<Vec<_>>();
        return (
            None,
            Some(reasons.join("; ")),
            CategoryStatus::NotApplicable,
        );
    }
    let scope_open = out.moves.iter().any(|m| m.2 == Move::NotCategorised);
    let undetermined = || {
        (
            None,
            Some("undetermined: missing information".to_owned()),
            CategoryStatus::Undetermined,
        )
    };
    if scope_open {
        return undetermined();
    }
    let complete = out.missing_for_category.is_empty();
    match out.floor {
        Some(Category::A) => (Some(Category::A), None, CategoryStatus::Determined),
        Some(c) if complete => (Some(c), None, CategoryStatus::Determined),
        Some(Category::B) => (Some(Category::B), None, CategoryStatus::Provisional),
        Some(_) => undetermined(),
        None if !complete => undetermined(),
        None => (None, None, CategoryStatus::Undetermined),
    }
}

/// A deciding fact, grouped by path, value (as JSON text) and move.
type DecidingKey = (String, String, Option<Move>);

/// The indicative block of a decision whose category is not determined: what the known facts
/// point to, under the assumptions the rules made, and the unknowns that decide it.
fn indicative(out: &Accumulator) -> Indicative {
    let unassumed_scope = out
        .moves
        .iter()
        .any(|m| m.2 == Move::NotCategorised && !out.assumed.contains_key(&m.0));
    let activities_unknown = out.missing_for_category.contains("project.activities");
    let typical = out.typical.iter().map(|t| t.category).max();
    let lowest = out.floor.unwrap_or(Category::C);
    let category = if unassumed_scope || (activities_unknown && out.floor != Some(Category::A)) {
        None
    } else {
        Some(lowest.max(typical.unwrap_or(Category::C)))
    };
    let point = category.unwrap_or(lowest);

    // The deciding unknowns: every fact missing for the category, with what its rules said it
    // would do. A stated move to a category no higher than the floors already raised moves
    // nothing; one to the indicative category confirms it (a typical category).
    let mut by: BTreeMap<DecidingKey, (Value, BTreeSet<String>)> = BTreeMap::new();
    for (path, value, to, rule) in &out.moves {
        if to.category().is_some_and(|c| c <= lowest) {
            continue;
        }
        let key = (path.clone(), value.to_string(), Some(*to));
        by.entry(key)
            .or_insert_with(|| (value.clone(), BTreeSet::new()))
            .1
            .insert(rule.clone());
    }
    let stated: BTreeSet<&str> = out.moves.iter().map(|m| m.0.as_str()).collect();
    for path in &out.missing_for_category {
        if !stated.contains(path.as_str()) {
            let rules = out.missing.get(path).cloned().unwrap_or_default();
            by.insert((path.clone(), String::new(), None), (Value::Null, rules));
        }
    }
    let mut deciding: Vec<Deciding> = by
        .into_iter()
        .map(|((path, _, to), (value, rules))| {
            let mut rule_ids: Vec<String> = rules.into_iter().collect();
            rule_ids.sort_by(|a, b| rule_order(a, b));
            Deciding {
                path,
                value: (!value.is_null()).then_some(value),
                to,
                rule_ids,
            }
        })
        .collect();
    let distance = |to: Option<Move>| match to.and_then(Move::category) {
        Some(c) => (c as i8 - point as i8).abs(),
        None => 0,
    };
    let rank = |d: &Deciding| {
        let group = match (d.path.as_str(), d.to) {
            ("project.activities", _) if category.is_none() => 0,
            (_, Some(Move::NotCategorised)) => 1,
            (_, Some(_)) => 2,
            (_, None) => 3,
        };
        (group, -distance(d.to))
    };
    deciding.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.path.cmp(&b.path)));

    let unstated = deciding.iter().any(|d| d.to.is_none());
    let raised = deciding
        .iter()
        .filter_map(|d| d.to.and_then(Move::category))
        .max();
    let highest = if unstated {
        Category::A
    } else {
        point.max(raised.unwrap_or(point))
    };
    let may_be_not_categorised = deciding.iter().any(|d| d.to == Some(Move::NotCategorised));
    let assumed: Vec<Assumption> = out.assumed.values().cloned().collect();
    let mut typical_pointers = out.typical.clone();
    typical_pointers
        .sort_by(|a, b| rule_order(&a.rule_id, &b.rule_id).then(a.reason.cmp(&b.reason)));
    typical_pointers.dedup();
    let text = indicative_text(category, &assumed, &deciding);
    Indicative {
        category,
        range: CategoryRange {
            lowest,
            highest: highest.max(lowest),
        },
        may_be_not_categorised,
        assumed,
        typical: typical_pointers,
        deciding,
        text,
    }
}

/// "indicative Category A, assuming ...; definite once ... are known".
fn indicative_text(
    category: Option<Category>,
    assumed: &[Assumption],
    deciding: &[Deciding],
) -> String {
    let mut s = match category {
        Some(c) => format!("indicative Category {}", c.as_str()),
        None => "no indicative category yet".to_owned(),
    };
    if category.is_some() && !assumed.is_empty() {
        let what: Vec<String> = assumed
            .iter()
            .map(|a| format!("{} is {}", a.path, a.value))
            .collect();
        s.push_str(&format!(", assuming {}", what.join(" and ")));
    }
    for d in deciding
        .iter()
        .filter(|d| d.to == Some(Move::NotCategorised))
    {
        let value = match &d.value {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => "otherwise".to_owned(),
        };
        s.push_str(&format!("; not categorised if {} is {value}", d.path));
    }
    let mut paths: Vec<&str> = Vec::new();
    for d in deciding {
        if !paths.contains(&d.path.as_str()) {
            paths.push(d.path.as_str());
        }
    }
    if !paths.is_empty() {
        let verb = if paths.len() == 1 { "is" } else { "are" };
        let shown: Vec<&str> = paths.iter().take(4).copied().collect();
        let more = paths.len() - shown.len();
        let list = match shown.split_last() {
            _ if more > 0 => format!("{} and {more} more", shown.join(", ")),
            Some((last, init)) if !init.is_empty() => format!("{} and {last}", init.join(", ")),
            _ => shown.join(", "),
        };
        s.push_str(&format!("; definite once {list} {verb} known"));
    }
    s
}

/// The category, its reason and status, and the indicative block: a trade mission is never
/// categorised; a failed rule leaves nothing settled and offers no indicative category.
pub(super) fn settle_category(
    app: &Application,
    out: &Accumulator,
    errors: &[DecisionError],
) -> (
    Option<Category>,
    Option<String>,
    CategoryStatus,
    Option<crate::decision::Indicative>,
) {
    let (mut category, mut category_reason, mut category_status) = category_of(out);
    let mut indicative_block = None;
    if app.instrument == Instrument::TradeMission {
        // Participants are vetted, not categorised: a trade mission never has a category.
        category = None;
        category_reason =
            Some("not categorised: trade missions are screened for a risk level".to_owned());
        category_status = CategoryStatus::NotApplicable;
    } else if !errors.is_empty() {
        // A failed rule could have raised the category: nothing shown is settled, and no
        // indicative category is offered on a partial evaluation.
        if category_status == CategoryStatus::Determined && category != Some(Category::A) {
            category_status = CategoryStatus::Provisional;
        }
        if category.is_none() && category_status != CategoryStatus::NotApplicable {
            category_status = CategoryStatus::Undetermined;
        }
    } else if matches!(
        category_status,
        CategoryStatus::Provisional | CategoryStatus::Undetermined
    ) && !out.missing_for_category.is_empty()
    {
        indicative_block = Some(indicative(out));
    }
    if category.is_none() && category_reason.is_none() {
        category_reason = Some(
            if errors.iter().any(|e| e.kind == ErrorKind::NoPackInForce) {
                "undetermined: no policy pack in force".to_owned()
            } else if !errors.is_empty() {
                "undetermined: a rule failed".to_owned()
            } else {
                "no rule raised a category floor".to_owned()
            },
        );
    }
    (category, category_reason, category_status, indicative_block)
}
