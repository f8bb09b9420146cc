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
    /// Of those, the times it reported no finding: a gate that says when could skip them.
    pub silent: u64,
    /// Wall time inside the rule, its host functions and findings included, in nanoseconds.
    pub nanos: u128,
}

/// The rule running, and when it started, with the number of findings reported before it.
struct Running {
    key: (String, String, Phase),
    since: Instant,
    findings: usize,
}

#[derive(Default)]
struct Profile {
    running: Option<Running>,
    costs: BTreeMap<(String, String, Phase), (u64, u64, u128)>,
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
        .map(
            |((pack, rule_id, phase), (calls, silent, nanos))| RuleCost {
                pack,
                rule_id,
                phase,
                calls,
                silent,
                nanos,
            },
        )
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.nanos));
    out
}

/// A rule is entered, with `findings` reported before it: ends the rule running before it.
pub(crate) fn enter(pack: &str, rule_id: &str, phase: Phase, findings: usize) {
    PROFILE.with(|p| {
        if let Some(profile) = p.borrow_mut().as_mut() {
            close(profile, findings);
            profile.running = Some(Running {
                key: (pack.to_owned(), rule_id.to_owned(), phase),
                since: Instant::now(),
                findings,
            });
        }
    });
}

/// The dispatcher's call returned (after its last rule, or a failing one), with `findings`
/// reported so far.
pub(crate) fn leave(findings: usize) {
    PROFILE.with(|p| {
        if let Some(profile) = p.borrow_mut().as_mut() {
            close(profile, findings);
        }
    });
}

fn close(profile: &mut Profile, findings: usize) {
    if let Some(r) = profile.running.take() {
        let entry = profile.costs.entry(r.key).or_default();
        entry.0 += 1;
        if findings == r.findings {
            entry.1 += 1;
        }
        entry.2 += r.since.elapsed().as_nanos();
    }
}

/// Whether profiling is on for this thread (so callers build names only then).
pub(crate) fn on() -> bool {
    PROFILE.with(|p| p.try_borrow().is_ok_and(|p| p.is_some()))
}
