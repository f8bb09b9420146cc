//! The per-evaluation context. A screening installs it on its thread, calls the rule functions,
//! and takes it back; the registered functions read the application and report into it.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDate;
use rhai::Dynamic;

use crate::application::Application;
use crate::decision::{Category, Finding, RateUsed};
use crate::policy::{Pack, Phase, SdrRates};

/// A required step as the rules asked for it.
#[derive(Debug, Default)]
pub(crate) struct StepAcc {
    pub rule_ids: BTreeSet<String>,
    /// Disclosure period in days, where a rule set one (the longest wins).
    pub disclosure_days: Option<i64>,
}

/// What the rules reported.
#[derive(Debug, Default)]
pub(crate) struct Accumulator {
    pub findings: Vec<Finding>,
    pub missing: BTreeMap<String, BTreeSet<String>>,
    pub steps: BTreeMap<String, StepAcc>,
    pub floor: Option<Category>,
    /// Missing facts that could still raise the category (see `missing`).
    pub missing_for_category: BTreeSet<String>,
    pub category_reasons: BTreeSet<String>,
    /// Facts assumed for the indicative category while unknown, by path (the first rule wins).
    pub assumed: BTreeMap<String, crate::decision::Assumption>,
    /// What a missing fact would do to the category, where its rule said: (path, value, to,
    /// rule id). Only from the instrument's own packs before the steps phase.
    pub moves: Vec<(String, serde_json::Value, crate::decision::Move, String)>,
    /// The typical category of a known activity whose size is unknown.
    pub typical: Vec<crate::decision::Pointer>,
    pub rates_used: BTreeSet<RateUsed>,
    /// Rule ids with any finding, as of the end of the previous phase.
    pub earlier_fired: BTreeSet<Arc<str>>,
    /// Performance Standards triggered, as of the end of the previous phase.
    pub earlier_triggered: BTreeSet<String>,
    /// Effects reported, as of the end of the previous phase, overall and per rule.
    pub earlier_effects: BTreeSet<crate::decision::Effect>,
    pub earlier_rule_effects: BTreeSet<(Arc<str>, crate::decision::Effect)>,
    /// How many findings the four sets above were built from (findings only accumulate).
    pub earlier_seen: usize,
    /// The category phase 3 reads (`None` outside phase 3).
    pub category: Option<Option<Category>>,
}

pub(crate) struct Ctx {
    pub app: Arc<Application>,
    pub as_of: NaiveDate,
    pub rates: Option<Arc<SdrRates>>,
    pub phase: Phase,
    pub pack: Option<Arc<Pack>>,
    pub rule: usize,
    /// The rule entered by the running dispatcher, if any since the last call started.
    pub entered: Option<usize>,
    /// The lowest rule index the dispatcher may enter next (rules run once, in order).
    pub next_rule: usize,
    /// Per-rule operation budget and deadline.
    pub rule_operations: u64,
    pub rule_deadline: std::time::Duration,
    /// Paths the current rule read (values are read back when a finding is reported).
    pub reads: Vec<&'static str>,
    /// The first `facts_read` of `reads` with their values, as JSON: read back by the rule's
    /// first finding after each was read, and shared by its later findings until the rule
    /// reads another fact (a rule reporting fifteen missing facts keeps one map, not fifteen).
    pub facts: Arc<crate::decision::Facts>,
    /// How many of `reads` are in `facts`.
    pub facts_read: usize,
    /// Results of `memo(name, app)` in this screening: (pack address, function name, value).
    pub memo: Vec<(usize, rhai::ImmutableString, Dynamic)>,
    /// Depth of `memo` evaluations under way: helpers evaluated through `memo` may depend on the
    /// application only, so `category`, `fired` and `triggered` are refused inside them.
    pub in_memo: u32,
    pub out: Accumulator,
}

thread_local! {
    static CTX: RefCell<Option<Ctx>> = const { RefCell::new(None) };
}

/// Installs `ctx` for the evaluation on this thread, returning what was there.
pub(crate) fn install(ctx: Ctx) -> Option<Ctx> {
    CTX.with(|c| c.replace(Some(ctx)))
}

/// Takes the context back, restoring `previous`.
pub(crate) fn take(previous: Option<Ctx>) -> Option<Ctx> {
    CTX.with(|c| c.replace(previous))
}

/// Runs `f` with the installed context, or returns `None` outside an evaluation.
pub(crate) fn with<R>(f: impl FnOnce(&mut Ctx) -> R) -> Option<R> {
    CTX.with(|c| c.try_borrow_mut().ok().and_then(|mut g| g.as_mut().map(f)))
}

/// The key under which `memo` keeps a pack's helpers' values: the pack's address (a set's packs
/// live as long as the screening).
pub(crate) fn memo_key(pack: &Arc<Pack>) -> usize {
    Arc::as_ptr(pack) as usize
}

/// The value `memo(name, app)` already gave for the pack with `key` in this screening.
pub(crate) fn memoised(key: usize, name: &str) -> Option<Dynamic> {
    with(|c| {
        c.memo
            .iter()
            .find(|(k, n, _)| *k == key && n.as_str() == name)
            .map(|(_, _, v)| v.clone())
    })
    .flatten()
}

impl Ctx {
    /// Forgets what the current rule read (a new rule, or `reset_facts()`).
    pub(crate) fn clear_reads(&mut self) {
        self.reads.clear();
        self.facts = Arc::default();
        self.facts_read = 0;
    }
}

/// Records that the current rule read `path`. Only the path is kept: the application is
/// immutable, so a finding reads the value back when it is reported.
pub(crate) fn record_read(path: &'static str) {
    let _ = with(|c| {
        if !c.reads.iter().any(|p| std::ptr::eq(*p, path) || *p == path) {
            c.reads.push(path);
        }
    });
}
