//! Reporting: one script call per effect of the contract, each naming its rule id.

use std::borrow::Cow;
use std::sync::Arc;

use rhai::{Dynamic, Engine};

use super::messages::explanation;
use super::views::{fact_json, reader_of};
use super::{Res, check_value, current_rule, dyn_to_json, fail, in_phase};
use crate::application::is_field_path;
use crate::application::vocab::{self};
use crate::decision::{Assumption, Category, Effect, Finding, Move, Pointer, Source};
use crate::policy::Phase;
use crate::script::budget::charge;
use crate::script::context::{self, StepAcc};

/// Operations one reported finding costs against its rule's budget (1,000 findings at most
/// under the default 100,000 operations).
const REPORT_COST: u64 = 100;

/// Adds a finding of the current rule; `why` is a sentence or a message.
pub(super) fn report(
    rule_id: &str,
    call: &str,
    effect: Effect,
    value: Option<&str>,
    why: Dynamic,
) -> Res<Arc<str>> {
    // A finding is copied into the decision with the facts its rule read: charged as such, so a
    // rule reporting in a loop runs out of budget long before it floods the decision.
    charge(REPORT_COST)?;
    let (reason, message) = explanation(call, why)?;
    context::with(|c| -> Res<Arc<str>> {
        // Each path is looked up and read once per rule, by the first finding after it was read;
        // findings with the same reads share one map (copied only when a later read extends it
        // while an earlier finding holds it).
        if c.facts_read < c.reads.len() {
            let facts = Arc::make_mut(&mut c.facts);
            for p in c.reads.get(c.facts_read..).unwrap_or_default() {
                facts.insert(Cow::Borrowed(*p), fact_json(&c.app, p));
            }
            c.facts_read = c.reads.len();
        }
        let rule = current_rule(c, rule_id, call)?;
        let Some(pack) = c.pack.as_ref() else {
            return fail("no pack");
        };
        let facts = Arc::clone(&c.facts);
        let finding = Finding {
            rule_id: Arc::clone(&rule.id),
            pack: Arc::clone(&pack.manifest.id),
            pack_version: Arc::clone(&pack.manifest.version),
            effect,
            value: value.map(str::to_owned),
            source: Source {
                document: Arc::clone(&rule.document),
                section: rule.section.clone(),
            },
            evidence_level: Arc::clone(&rule.evidence_level),
            verified: rule.verified,
            facts,
            reason: Arc::clone(&reason),
            message,
        };
        c.out.findings.push(finding);
        Ok(reason)
    })
    .unwrap_or_else(|| fail(format!("`{call}` may only be called during a screening")))
}

/// `missing(rule, path, reason)`: a fact needed by the rule is unknown.
pub(super) fn missing(rule: &str, path: &str, reason: Dynamic) -> Res<()> {
    if !is_field_path(path) {
        return fail(format!("`{path}` is not a field path of the contract"));
    }
    report(
        rule,
        "missing",
        Effect::InsufficientInformation,
        None,
        reason,
    )?;
    let rule = rule.to_owned();
    let _ = context::with(|c| {
        // A fact missing for a floors-phase rule of the instrument's own packs could still
        // raise the category; an overlay's, a step's, or a facts-phase rule's cannot, unless
        // the rule says where the fact would move it (the five-argument `missing`).
        let overlay = c.pack.as_ref().is_some_and(|p| p.manifest.overlay);
        if !overlay && c.phase == Phase::Floors {
            c.out.missing_for_category.insert(path.to_owned());
        }
        c.out
            .missing
            .entry(path.to_owned())
            .or_default()
            .insert(rule)
    });
    Ok(())
}

/// `floor(rule, category, reason)`: the project is at least `category`.
pub(super) fn floor(rule: &str, category: &str, reason: Dynamic) -> Res<()> {
    in_phase("floor", &[Phase::Facts, Phase::Floors])?;
    let Some(cat) = Category::from_name(category) else {
        return fail(format!(
            "`{category}` is not a category (expected `A`, `B` or `C`)"
        ));
    };
    report(rule, "floor", Effect::CategoryFloor, Some(category), reason)?;
    let _ = context::with(|c| c.out.floor = c.out.floor.max(Some(cat)));
    Ok(())
}

/// `require(rule, step, reason)`: a step the applicant must deliver.
pub(super) fn require(rule: &str, step: &str, reason: Dynamic) -> Res<()> {
    check_value(&vocab::STEP, step)?;
    report(rule, "require", Effect::Require, Some(step), reason)?;
    let rule = rule.to_owned();
    let _ = context::with(|c| {
        c.out
            .steps
            .entry(step.to_owned())
            .or_insert_with(StepAcc::default)
            .rule_ids
            .insert(rule)
    });
    Ok(())
}

/// `trigger(rule, standard, reason)`: a Performance Standard applies.
pub(super) fn trigger(rule: &str, standard: &str, reason: Dynamic) -> Res<()> {
    check_value(&vocab::PERFORMANCE_STANDARD, standard)?;
    report(rule, "trigger", Effect::Trigger, Some(standard), reason).map(drop)
}

/// `missing(rule, path, reason, value, to)`: a missing fact, and where the value `value` of it
/// would move the category.
pub(super) fn missing_moving(
    rule: &str,
    path: &str,
    reason: Dynamic,
    value: Dynamic,
    to: &str,
) -> Res<()> {
    missing(rule, path, reason)?;
    let Some(to) = Move::from_name(to) else {
        return fail(format!(
            "`{to}` is not where a fact can move the category (expected `A`, `B`, `C` or `not_categorised`)"
        ));
    };
    let value = dyn_to_json(&value);
    let rule = rule.to_owned();
    let _ = context::with(|c| {
        let overlay = c.pack.as_ref().is_some_and(|p| p.manifest.overlay);
        if !overlay && matches!(c.phase, Phase::Facts | Phase::Floors) {
            c.out.missing_for_category.insert(path.to_owned());
            c.out.moves.push((path.to_owned(), value, to, rule));
        }
    });
    Ok(())
}

pub(super) fn register_reporting(e: &mut Engine) {
    e.register_fn("floor", floor);
    e.register_fn("require", require);
    e.register_fn(
        "require_disclosure",
        |rule: &str, step: &str, days: i64, reason: Dynamic| -> Res<()> {
            check_value(&vocab::STEP, step)?;
            if !(0..=3650).contains(&days) {
                return fail(format!(
                    "disclosure period of {days} days is not between 0 and 3650"
                ));
            }
            report(
                rule,
                "require_disclosure",
                Effect::Require,
                Some(step),
                reason,
            )?;
            let rule = rule.to_owned();
            let _ = context::with(|c| {
                let s = c
                    .out
                    .steps
                    .entry(step.to_owned())
                    .or_insert_with(StepAcc::default);
                s.rule_ids.insert(rule);
                s.disclosure_days = s.disclosure_days.max(Some(days));
            });
            Ok(())
        },
    );
    e.register_fn("trigger", trigger);
    register_missing_and_indicative(e);
    register_outcomes(e);
}

/// `missing`, and what the indicative category rests on: `assume`, `typical`.
fn register_missing_and_indicative(e: &mut Engine) {
    e.register_fn("missing", missing);
    e.register_fn("missing", missing_moving);
    e.register_fn(
        "assume",
        |rule: &str, path: &str, value: &str, why: Dynamic| -> Res<()> {
            in_phase("assume", &[Phase::Facts, Phase::Floors])?;
            let Some((_, read)) = reader_of(path) else {
                return fail(format!("`{path}` is not a field path of the contract"));
            };
            if value.trim().is_empty() {
                return fail("`assume` needs the value assumed and why");
            }
            let (why, message) = explanation("assume", why)?;
            context::with(|c| -> Res<()> {
                if !read(&c.app).is_unit() {
                    return fail(format!(
                        "`{path}` is known: only an unknown fact can be assumed"
                    ));
                }
                let r = current_rule(c, rule, "assume")?;
                let assumption = Assumption {
                    path: path.to_owned(),
                    value: value.to_owned(),
                    why: why.to_string(),
                    message,
                    rule_id: r.id.to_string(),
                    source: Source {
                        document: Arc::clone(&r.document),
                        section: r.section.clone(),
                    },
                };
                c.out.assumed.entry(path.to_owned()).or_insert(assumption);
                Ok(())
            })
            .unwrap_or_else(|| fail("`assume` may only be called during a screening"))
        },
    );
    e.register_fn(
        "typical",
        |rule: &str, category: &str, reason: Dynamic| -> Res<()> {
            in_phase("typical", &[Phase::Floors])?;
            let Some(category) = Category::from_name(category) else {
                return fail(format!(
                    "`{category}` is not a category (expected `A`, `B` or `C`)"
                ));
            };
            let (reason, message) = explanation("typical", reason)?;
            context::with(|c| -> Res<()> {
                let rule_id = current_rule(c, rule, "typical")?.id.to_string();
                let overlay = c.pack.as_ref().is_some_and(|p| p.manifest.overlay);
                if !overlay {
                    c.out.typical.push(Pointer {
                        rule_id,
                        category,
                        reason: reason.to_string(),
                        message,
                    });
                }
                Ok(())
            })
            .unwrap_or_else(|| fail("`typical` may only be called during a screening"))
        },
    );
}

/// The outcomes and the rest: `refer`, `decline`, `info`, `risk_level`, `no_category`.
fn register_outcomes(e: &mut Engine) {
    e.register_fn("refer", |rule: &str, reason: Dynamic| {
        report(rule, "refer", Effect::Refer, None, reason).map(drop)
    });
    e.register_fn("decline", |rule: &str, reason: Dynamic| {
        report(rule, "decline", Effect::Decline, None, reason).map(drop)
    });
    e.register_fn("info", |rule: &str, reason: Dynamic| {
        report(rule, "info", Effect::Info, None, reason).map(drop)
    });
    e.register_fn(
        "risk_level",
        |rule: &str, level: &str, reason: Dynamic| -> Res<()> {
            in_phase("risk_level", &[Phase::Steps])?;
            check_value(&vocab::RISK_LEVEL, level)?;
            report(rule, "risk_level", Effect::RiskLevel, Some(level), reason).map(drop)
        },
    );
    e.register_fn("no_category", |rule: &str, reason: Dynamic| -> Res<()> {
        in_phase("no_category", &[Phase::Facts, Phase::Floors])?;
        let reason = report(rule, "no_category", Effect::Info, None, reason)?;
        let _ = context::with(|c| c.out.category_reasons.insert(reason.to_string()));
        Ok(())
    });
}

/// Effect names for `raised`.
pub(super) const EFFECTS: [(&str, Effect); 8] = [
    ("decline", Effect::Decline),
    ("refer", Effect::Refer),
    ("insufficient_information", Effect::InsufficientInformation),
    ("category_floor", Effect::CategoryFloor),
    ("require", Effect::Require),
    ("trigger", Effect::Trigger),
    ("risk_level", Effect::RiskLevel),
    ("info", Effect::Info),
];
