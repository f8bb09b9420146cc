//! What each rule costs in the screenings run on this thread: for a policy author deciding which
//! rule needs an applicability gate or a table (docs/policy-authoring.md, "Finding the rules
//! worth a gate"). Off unless [`start`]ed; while off, entering a rule costs one check of a
//! thread-local flag. Never part of a decision.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Instant;

use crate::policy::Phase;

/// One rule in one phase, over the screenings profiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCost {
    /// The pack's id.
    pub pack: String,
    /// The rule's id.
    pub rule_id: String,
    /// The phase it ran in.
    pub phase: Phase,
    /// Times it was entered (its gate was not false).
    pub calls: u64,
    /// Of those, the times it reported no finding and did not fail: a gate that says when
    /// could skip them.
    pub silent: u64,
    /// Of those, the times it failed (an error in the decision): a gate must not skip these
    /// (docs/policy-authoring.md).
    pub errors: u64,
    /// Wall time inside the rule, its host functions and findings included, in nanoseconds.
    pub nanos: u128,
}

/// A rule in a phase: pack id, rule id, phase.
type Key = (String, String, Phase);

/// Calls, silent calls, failed calls and nanoseconds.
#[derive(Default)]
struct Tally {
    calls: u64,
    silent: u64,
    errors: u64,
    nanos: u128,
}

/// The rule running, and when it started, with the number of findings reported before it.
struct Running {
    key: Key,
    since: Instant,
    findings: usize,
}

#[derive(Default)]
struct Profile {
    running: Option<Running>,
    costs: BTreeMap<Key, Tally>,
}

thread_local! {
    static PROFILE: RefCell<Option<Profile>> = const { RefCell::new(None) };
}

/// Starts profiling the screenings on this thread (clearing an earlier profile).
pub fn start() {
    PROFILE.with(|p| *p.borrow_mut() = Some(Profile::default()));
}

/// Stops profiling and returns the cost of every rule entered since [`start`], the costliest
/// first (then by pack, rule and phase). Empty if profiling was not started.
#[must_use]
pub fn stop() -> Vec<RuleCost> {
    let profile = PROFILE.with(|p| p.borrow_mut().take()).unwrap_or_default();
    let mut out: Vec<RuleCost> = profile
        .costs
        .into_iter()
        .map(|((pack, rule_id, phase), t)| RuleCost {
            pack,
            rule_id,
            phase,
            calls: t.calls,
            silent: t.silent,
            errors: t.errors,
            nanos: t.nanos,
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.nanos));
    out
}

/// A rule is entered, with `findings` reported before it: ends the rule running before it.
pub(crate) fn enter(pack: &str, rule_id: &str, phase: Phase, findings: usize) {
    PROFILE.with(|p| {
        if let Some(profile) = p.borrow_mut().as_mut() {
            // The rule before returned normally: the dispatcher went on to this one.
            close(profile, findings, false);
            profile.running = Some(Running {
                key: (pack.to_owned(), rule_id.to_owned(), phase),
                since: Instant::now(),
                findings,
            });
        }
    });
}

/// The dispatcher's call returned, with `findings` reported so far: after its last rule, or
/// (`failed`) with an error of the rule running.
pub(crate) fn leave(findings: usize, failed: bool) {
    PROFILE.with(|p| {
        if let Some(profile) = p.borrow_mut().as_mut() {
            close(profile, findings, failed);
        }
    });
}

fn close(profile: &mut Profile, findings: usize, failed: bool) {
    if let Some(r) = profile.running.take() {
        let t = profile.costs.entry(r.key).or_default();
        t.calls += 1;
        if failed {
            t.errors += 1;
        } else if findings == r.findings {
            t.silent += 1;
        }
        t.nanos += r.since.elapsed().as_nanos();
    }
}

/// Whether profiling is on for this thread (so callers build names only then).
pub(crate) fn on() -> bool {
    PROFILE.with(|p| p.try_borrow().is_ok_and(|p| p.is_some()))
}
