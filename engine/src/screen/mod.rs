//! `screen`: the one entry point. Total (it always returns a decision) and deterministic (the
//! same application, date, policy set and engine give byte-identical JSON).

mod category;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use rhai::{Dynamic, EvalAltResult};
use sha2::{Digest, Sha256};

use self::category::{category_of, settle_category};
use crate::application::Application;
use crate::codes::{self, hex};
use crate::decision::{
    Category, DataRef, Decision, DecisionError, Effect, ErrorKind, Finding, Missing, Outcome,
    PackRef, PerformanceStandard, Provenance, RequiredStep, RiskLevel, rule_order,
};
use crate::messages::{Arg, Message};
use crate::policy::{
    GateInput, Hooks, Pack, Phase, PolicySet, Tri, dispatcher_name, reference_dispatcher_name,
};
use crate::script::api::AppView;
use crate::script::budget::{DEADLINE_TOKEN, OPERATIONS_TOKEN, end_rule_budget};
use crate::script::context::{self, Accumulator, Ctx};
use crate::script::profile;

/// The engine's version, recorded in every decision.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Screens `application` under the packs of `set` in force on `as_of` for its instrument.
///
/// `as_of` is the "today" of every rule; callers that have no other date pass the application's
/// `application_date`. Script failures never escape: each is recorded in the decision's `errors`
/// and the outcome fails closed to at least `refer`.
#[must_use]
pub fn screen(set: &PolicySet, application: &Application, as_of: NaiveDate) -> Decision {
    let packs = set.in_force(application.instrument, as_of);
    let app = Arc::new(application.clone());
    let mut errors = Vec::new();
    if packs.iter().all(|p| p.manifest.overlay) {
        // Overlays (cross-instrument rules) still run and report, but never stand in for the
        // instrument's own pack: the decision fails closed.
        errors.push(DecisionError {
            pack: None,
            rule_id: None,
            kind: ErrorKind::NoPackInForce,
            message: format!(
                "no policy pack for `{}` is in force on {as_of}",
                application.instrument
            ),
        });
    }
    let out = if packs.is_empty() {
        Accumulator::default()
    } else {
        evaluate(set, &packs, &app, as_of, &mut errors)
    };
    finish(set, &packs, &app, as_of, out, errors)
}

fn evaluate(
    set: &PolicySet,
    packs: &[Arc<Pack>],
    app: &Arc<Application>,
    as_of: NaiveDate,
    errors: &mut Vec<DecisionError>,
) -> Accumulator {
    let limits = set.limits();
    let ctx = Ctx {
        app: Arc::clone(app),
        as_of,
        rates: set.rates().cloned(),
        phase: Phase::Facts,
        pack: None,
        rule: 0,
        entered: None,
        next_rule: 0,
        rule_operations: limits.max_operations,
        rule_deadline: limits.deadline,
        reads: Vec::new(),
        facts: Arc::default(),
        facts_read: 0,
        memo: Vec::new(),
        in_memo: 0,
        out: Accumulator::default(),
    };
    let previous = context::install(ctx);
    let view = Dynamic::from(AppView(Arc::clone(app)));
    let engine = set.engine();
    for phase in Phase::ALL {
        start_phase(phase);
        let dispatcher = if set.gates() {
            dispatcher_name(phase)
        } else {
            reference_dispatcher_name(phase)
        };
        let category = context::with(|c| c.out.category).flatten();
        for pack in packs {
            let memoised = Memoised {
                pack: context::memo_key(pack),
            };
            let input = GateInput {
                app,
                phase,
                category,
                hooks: Some(&memoised),
            };
            let Some(open) = open_rules(set, pack, phase, &input) else {
                continue;
            };
            let _ = context::with(|c| c.pack = Some(Arc::clone(pack)));
            // One script call runs every rule of the phase; after a failing rule the host
            // records it and resumes with the next one.
            let mut from: i64 = 0;
            loop {
                let start = usize::try_from(from).unwrap_or(usize::MAX);
                let _ = context::with(|c| {
                    c.entered = None;
                    c.next_rule = start;
                });
                let result = catch_unwind(AssertUnwindSafe(|| {
                    crate::script::warm::call(
                        engine,
                        pack,
                        dispatcher,
                        &mut [view.clone(), Dynamic::from(from), open.clone()],
                    )
                }));
                end_rule_budget();
                let failed = !matches!(result, Ok(Ok(_)));
                if profile::on() {
                    profile::leave(context::with(|c| c.out.findings.len()).unwrap_or(0), failed);
                }
                let failure = match result {
                    Ok(Ok(_)) => None,
                    Ok(Err(e)) => Some(e),
                    Err(panic) => {
                        let what = panic
                            .downcast_ref::<&str>()
                            .map(ToString::to_string)
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        Some(Box::new(EvalAltResult::ErrorRuntime(
                            format!("a host function panicked: {what}").into(),
                            rhai::Position::NONE,
                        )))
                    }
                };
                let Some(e) = failure else { break };
                let entered = context::with(|c| c.entered).flatten();
                let Some(index) = entered else {
                    errors.push(DecisionError {
                        pack: Some(pack.manifest.id.to_string()),
                        rule_id: None,
                        kind: ErrorKind::Script,
                        message: e.to_string(),
                    });
                    break;
                };
                let rule = pack.rules.get(index);
                // A table rule's rows ran in place of its script, unless in reference mode.
                let rule_fn = if set.gates() && pack.is_table_rule(index) {
                    TABLE_ROWS
                } else {
                    rule.map_or("", |r| r.function.as_str())
                };
                let (kind, message) = classify(&e, pack, rule_fn, set.limits().max_operations);
                errors.push(DecisionError {
                    pack: Some(pack.manifest.id.to_string()),
                    rule_id: rule.map(|r| r.id.to_string()),
                    kind,
                    message,
                });
                // `from` only moves forward, so the loop ends after at most one call per rule.
                let next = i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1);
                if next <= from {
                    break;
                }
                from = next;
            }
        }
    }
    context::take(previous).map(|c| c.out).unwrap_or_default()
}

/// Sets the phase, and what its rules see of the phases before (`fired`, `raised`, `triggered`
/// and, from the steps phase on, the category). Findings only accumulate, so only those reported
/// since the previous phase are added.
fn start_phase(phase: Phase) {
    let _ = context::with(|c| {
        c.phase = phase;
        let out = &mut c.out;
        for f in out.findings.get(out.earlier_seen..).unwrap_or_default() {
            if !out.earlier_fired.contains(&f.rule_id) {
                out.earlier_fired.insert(f.rule_id.clone());
            }
            out.earlier_effects.insert(f.effect);
            out.earlier_rule_effects
                .insert((f.rule_id.clone(), f.effect));
            if f.effect == Effect::Trigger
                && let Some(v) = &f.value
                && !out.earlier_triggered.contains(v)
            {
                out.earlier_triggered.insert(v.clone());
            }
        }
        out.earlier_seen = out.findings.len();
        if phase == Phase::Steps {
            out.category = Some(category_of(out).0);
        }
    });
}

/// What a rule's gate may see besides the application: the helpers some rule of the pack has
/// already memoised in this screening (any other `memo` is unknown, so the rule runs). Reads
/// are not recorded: a gate is not part of any finding.
struct Memoised {
    pack: usize,
}

impl Hooks for Memoised {
    fn read(&self, _: &'static str) {}

    fn memo(&self, name: &str) -> Tri {
        context::memoised(self.pack, name).map_or(Tri::Unknown, |v| Tri::of_value(&v))
    }

    /// A rule's gate never tests a list (`added` is refused outside checks.csv).
    fn added(&self, _: &str) -> bool {
        false
    }
}

/// Which rules of `pack` run in `phase`, as the dispatcher's `open` list of rule indices in
/// table order: those of the phase whose gate is not false (every one of the phase in reference
/// mode). `None` where none runs: the pack is not entered at all.
fn open_rules(
    set: &PolicySet,
    pack: &Pack,
    phase: Phase,
    input: &GateInput<'_>,
) -> Option<Dynamic> {
    let open: rhai::Array = pack
        .rules
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            r.runs_in(phase)
                && !(set.gates()
                    && pack
                        .gates
                        .get(*i)
                        .and_then(Option::as_ref)
                        .is_some_and(|g| g.eval(&pack.conditions, input) == Tri::False))
        })
        .map(|(i, _)| Dynamic::from_int(i64::try_from(i).unwrap_or(i64::MAX)))
        .collect();
    (!open.is_empty()).then(|| Dynamic::from_array(open))
}

/// What `classify` is given as the function of a table rule that ran its rows: the host function
/// the dispatcher called (so the chain of calls shown starts below it), and errors are placed in
/// the pack's `checks.csv`.
const TABLE_ROWS: &str = "__imvo_table";

/// Maps a rhai error to the contract's error kinds, with a message that names the file, line
/// and column of the failure and the chain of calls that led to it. (A pack's scripts are merged
/// into one AST, whose own source name is only the last file's, so positions are attributed
/// through the pack's function-to-file map instead.)
fn classify(
    e: &EvalAltResult,
    pack: &Pack,
    rule_fn: &str,
    max_operations: u64,
) -> (ErrorKind, String) {
    let mut root = e;
    let mut calls: Vec<(&str, rhai::Position)> = Vec::new();
    while let EvalAltResult::ErrorInFunctionCall(name, _, inner, pos) = root {
        // The generated dispatcher and the rule function itself are not part of the chain shown.
        if !name.starts_with("__imvo_") && name != rule_fn {
            calls.push((name.as_str(), *pos));
        }
        root = inner;
    }
    let token = |t: &str| matches!(root, EvalAltResult::ErrorTerminated(v, _) if v.clone().into_string().is_ok_and(|s| s == t));
    let kind = match root {
        _ if token(DEADLINE_TOKEN) => ErrorKind::Deadline,
        _ if token(OPERATIONS_TOKEN) => ErrorKind::Limit,
        EvalAltResult::ErrorTooManyOperations(_)
        | EvalAltResult::ErrorDataTooLarge(..)
        | EvalAltResult::ErrorStackOverflow(_)
        | EvalAltResult::ErrorTooManyVariables(_)
        | EvalAltResult::ErrorTooManyModules(_) => ErrorKind::Limit,
        _ => ErrorKind::Script,
    };
    let rows = format!("{}/checks.csv", pack.dir);
    let file_of = |f: &str| {
        if f == TABLE_ROWS {
            rows.as_str()
        } else {
            pack.functions.get(f).map_or("?", String::as_str)
        }
    };
    // A position in a table rule's rows would be one in the generated dispatcher: the rows'
    // own errors name their line of checks.csv instead.
    let at = |file: &str, pos: rhai::Position| match (pos.line(), pos.position()) {
        _ if file == rows => file.to_owned(),
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        _ => file.to_owned(),
    };
    let root_pos = root.position();
    let innermost = calls.last().map_or(rule_fn, |(f, _)| f);
    let mut message = match (kind, root) {
        _ if token(OPERATIONS_TOKEN) => {
            format!("Too many operations: the rule ran more than {max_operations} operations")
        }
        (ErrorKind::Deadline, _) => {
            "stopped at the wall-clock deadline; a decision with this error is not reproducible"
                .to_owned()
        }
        (_, EvalAltResult::ErrorRuntime(value, _)) => value.to_string(),
        _ => {
            // rhai's text ends with the position (` @ 'source' (line L, position C)`), which is
            // replaced by the attributed one below.
            let text = root.to_string();
            let cut = text
                .find(" @ '")
                .or_else(|| text.rfind(" (line "))
                .unwrap_or(text.len());
            text.get(..cut).unwrap_or(&text).to_owned()
        }
    };
    message.push_str(&format!(" at {}", at(file_of(innermost), root_pos)));
    let mut caller = rule_fn;
    for (callee, pos) in &calls {
        if *callee != caller {
            let from = if caller == TABLE_ROWS {
                "the table rule's rows".to_owned()
            } else {
                format!("`{caller}`")
            };
            message.push_str(&format!(
                ", in `{callee}` called from {from} at {}",
                at(file_of(caller), *pos)
            ));
        }
        caller = callee;
    }
    (kind, message)
}

/// The required steps, with their disclosure dates (a due date that needs the expected final
/// commitment reports it missing, in `out`). The timing note is the engine's English, as it
/// always was; where the packs in force explain through catalogues (`messages`), it also comes
/// as a message to render in any language. Under packs without catalogues (a policy set stored
/// before message ids) the steps are exactly what they were, so such decisions replay
/// byte for byte.
fn required_steps(
    app: &Application,
    as_of: NaiveDate,
    out: &mut Accumulator,
    messages: bool,
) -> Vec<RequiredStep> {
    let mut required_steps = Vec::new();
    let commitment = app
        .transaction
        .as_ref()
        .and_then(|t| t.expected_final_commitment);
    let disclosed = app.transaction.as_ref().and_then(|t| t.disclosure_date);
    for (step, acc) in std::mem::take(&mut out.steps) {
        let mut rule_ids: Vec<String> = acc.rule_ids.into_iter().collect();
        rule_ids.sort_by(|a, b| rule_order(a, b));
        let provided = app.has_document(&step);
        let (mut due_by, mut earliest, mut note, mut message) = (None, None, None, None);
        if let Some(days) = acc.disclosure_days {
            let days_u = Days::new(days.unsigned_abs());
            due_by = commitment.and_then(|c| c.checked_sub_days(days_u));
            earliest = disclosed.and_then(|d| d.checked_add_days(days_u));
            let mut text = format!("publish at least {days} calendar days before final commitment");
            let mut m = Message::new("step-disclosure-note").with("days", Arg::Int(days));
            if commitment.is_none() {
                for r in &rule_ids {
                    out.missing
                        .entry("transaction.expected_final_commitment".to_owned())
                        .or_default()
                        .insert(r.clone());
                }
                text.push_str("; the due date needs `transaction.expected_final_commitment`");
                m.id = "step-disclosure-note-no-date".to_owned();
            } else if let (Some(due), false, Some(c)) = (due_by, provided, commitment)
                && as_of > due
            {
                text.push_str(&format!(
                    "; overdue since {due}: the final commitment cannot be on {c}"
                ));
                m = Message::new("step-disclosure-note-overdue")
                    .with("days", Arg::Int(days))
                    .with("due", Arg::Date(due))
                    .with("commitment", Arg::Date(c));
            }
            note = Some(text);
            message = messages.then_some(m);
        }
        required_steps.push(RequiredStep {
            step,
            rule_ids,
            provided,
            due_by,
            earliest_final_commitment: earliest,
            note,
            message,
        });
    }
    required_steps
}

fn finish(
    set: &PolicySet,
    packs: &[Arc<Pack>],
    app: &Application,
    as_of: NaiveDate,
    mut out: Accumulator,
    mut errors: Vec<DecisionError>,
) -> Decision {
    let messages = packs.iter().any(|p| p.catalogue.is_some());
    let required_steps = required_steps(app, as_of, &mut out, messages);
    let (category, category_reason, category_status, indicative_block) =
        settle_category(app, &out, &errors);

    let mut outcome = Outcome::Proceed;
    if required_steps.iter().any(|s| !s.provided) {
        outcome = outcome.max(Outcome::ProceedWithConditions);
    }
    if !out.missing.is_empty() {
        outcome = outcome.max(Outcome::InsufficientInformation);
    }
    if !errors.is_empty() || out.findings.iter().any(|f| f.effect == Effect::Refer) {
        outcome = outcome.max(Outcome::Refer);
    }
    if out.findings.iter().any(|f| f.effect == Effect::Decline) {
        outcome = Outcome::Decline;
    }

    let risk_level = out
        .findings
        .iter()
        .filter(|f| f.effect == Effect::RiskLevel)
        .filter_map(|f| f.value.as_deref().and_then(RiskLevel::from_name))
        .max();

    let mut findings = std::mem::take(&mut out.findings);
    crate::decision::sort_findings(&mut findings);
    findings.dedup();

    let performance_standards = if matches!(category, Some(Category::A | Category::B)) {
        standards(&findings)
    } else {
        Vec::new()
    };

    let missing = out
        .missing
        .into_iter()
        .map(|(path, rules)| {
            let mut needed_by: Vec<String> = rules.into_iter().collect();
            needed_by.sort_by(|a, b| rule_order(a, b));
            Missing { path, needed_by }
        })
        .collect();

    errors.sort_by(|a, b| {
        a.pack
            .cmp(&b.pack)
            .then_with(|| {
                rule_order(
                    a.rule_id.as_deref().unwrap_or(""),
                    b.rule_id.as_deref().unwrap_or(""),
                )
            })
            .then(a.message.cmp(&b.message))
    });

    let refs = refs(set, packs);
    let provenance = Provenance {
        engine_version: ENGINE_VERSION.to_owned(),
        as_of,
        policy_set: set.hash().to_owned(),
        packs: refs.0.clone(),
        data: refs.1.clone(),
        rates: out.rates_used.into_iter().collect(),
        input_hash: format!(
            "sha256:{}",
            hex(&Sha256::digest(app.canonical_json().as_bytes()))
        ),
    };

    Decision {
        reference: app.reference.clone(),
        instrument: app.instrument,
        outcome,
        category,
        category_reason,
        category_status,
        indicative: indicative_block,
        risk_level,
        findings,
        required_steps,
        performance_standards,
        missing,
        errors,
        provenance,
    }
}

fn standards(findings: &[Finding]) -> Vec<PerformanceStandard> {
    let mut by: BTreeMap<String, (BTreeSet<String>, Vec<String>)> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.effect == Effect::Trigger) {
        if let Some(ps) = &f.value {
            let e = by.entry(ps.clone()).or_default();
            e.0.insert(f.rule_id.to_string());
            if !e.1.iter().any(|r| *r == *f.reason) {
                e.1.push(f.reason.to_string());
            }
        }
    }
    by.into_iter()
        .map(|(standard, (rules, reasons))| {
            let mut rule_ids: Vec<String> = rules.into_iter().collect();
            rule_ids.sort_by(|a, b| rule_order(a, b));
            PerformanceStandard {
                standard,
                rule_ids,
                reason: reasons.join("; "),
            }
        })
        .collect()
}

/// What a screening of an application of `instrument` on `as_of` under `set` rests on, as its
/// decision's provenance names it: the packs in force (id, version, content hash) and the data
/// tables, code lists and exchange rates they may read (name, version, content hash). The
/// engine reads nothing else, so the same application screened on the same date by the same
/// engine version on the same basis gets the same decision, short of an evaluation error
/// (a rule that ran out of time): `imvo rescreen --stored` uses this to leave alone the stored
/// decisions that a policy change cannot touch.
#[must_use]
pub fn basis(
    set: &PolicySet,
    instrument: crate::Instrument,
    as_of: NaiveDate,
) -> (Vec<PackRef>, Vec<DataRef>) {
    let packs = set.in_force(instrument, as_of);
    let refs = refs(set, &packs);
    (refs.0.clone(), refs.1.clone())
}

/// The packs and data a screening under `packs` names in its provenance, built once for each
/// combination of packs the set is asked for (the names, versions and hashes are the set's
/// for its whole life); each decision copies the lists, sharing their text.
fn refs(set: &PolicySet, packs: &[Arc<Pack>]) -> Arc<(Vec<PackRef>, Vec<DataRef>)> {
    set.provenance_refs(packs, || (pack_refs(packs), data_refs(set, packs)))
}

fn pack_refs(packs: &[Arc<Pack>]) -> Vec<PackRef> {
    packs
        .iter()
        .map(|p| PackRef {
            id: Arc::clone(&p.manifest.id),
            version: Arc::clone(&p.manifest.version),
            hash: Arc::from(p.hash.as_str()),
        })
        .collect()
}

fn data_refs(set: &PolicySet, packs: &[Arc<Pack>]) -> Vec<DataRef> {
    let mut refs: BTreeMap<&str, DataRef> = BTreeMap::new();
    let data_ref = |table: &str, version: &str, hash: &str| DataRef {
        table: Arc::from(table),
        version: Arc::from(version),
        hash: Arc::from(hash),
    };
    for list in codes::all() {
        refs.insert(list.name, data_ref(list.name, list.version, &list.hash));
    }
    for pack in packs {
        for (name, t) in &pack.tables {
            let hash = if t.hash.starts_with("sha256:") {
                &t.hash
            } else {
                &pack.hash
            };
            refs.insert(name, data_ref(name, &t.version, hash));
        }
        if pack.manifest.uses.iter().any(|u| u == "sdr-rates")
            && let Some(r) = set.rates()
        {
            refs.insert("sdr-rates", data_ref("sdr-rates", &r.version, &r.hash));
        }
    }
    refs.into_values().collect()
}
