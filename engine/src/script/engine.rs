//! The one place a rhai engine is built. Every sandbox limit is set here, explicitly, so debug
//! and release builds behave alike (rhai's own defaults differ between them).

use std::cell::Cell;
use std::time::{Duration, Instant};

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicIteratorPackage, BasicMapPackage,
    BasicStringPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine, def_package};

def_package! {
    /// Exactly what packs need, as one module (one lookup per function resolution): arithmetic
    /// (with decimals), logic, strings, arrays, maps, iteration. Deliberately without
    /// `LanguageCorePackage` (`sleep`) and `BasicTimePackage` (`timestamp`).
    PolicyPackage(lib): ArithmeticPackage, LogicPackage, BasicStringPackage, MoreStringPackage,
        BasicArrayPackage, BasicMapPackage, BasicIteratorPackage {
        let _ = lib;
    }
}

/// The sandbox limits. [`Limits::default`] is what production uses; tests tighten them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Operations one rule may run (a deterministic CPU bound, counted per rule).
    pub max_operations: u64,
    /// Depth of nested function calls.
    pub max_call_levels: usize,
    /// Expression nesting depth at top level and inside functions.
    pub max_expr_depths: (usize, usize),
    /// Longest string, in bytes.
    pub max_string_size: usize,
    /// Largest array (counted recursively).
    pub max_array_size: usize,
    /// Largest object map (counted recursively).
    pub max_map_size: usize,
    /// Variables in scope at once.
    pub max_variables: usize,
    /// Functions one script file may define.
    pub max_functions: usize,
    /// Largest script file, in bytes (compile time grows quadratically with size).
    pub max_script_bytes: usize,
    /// Wall-clock backstop per rule: far above any shipped rule's run time, so only a runaway
    /// script meets it. A hit makes the decision not reproducible, and says so.
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 100_000,
            max_call_levels: 32,
            max_expr_depths: (64, 32),
            max_string_size: 4_096,
            max_array_size: 1_024,
            max_map_size: 256,
            max_variables: 256,
            max_functions: 128,
            max_script_bytes: 64 * 1024,
            deadline: Duration::from_millis(100),
        }
    }
}

/// The budget of the rule running on this thread: its wall-clock deadline, and its operation
/// budget counted from the first operation after the rule was entered.
#[derive(Clone, Copy)]
struct Budget {
    deadline: Option<Instant>,
    /// Operation count when the rule started; `None` until the first operation after entry.
    base: Option<u64>,
    max_operations: u64,
    /// rhai's operation count at its last progress report.
    last: u64,
    /// Operations charged by host functions for their own work (see [`charge`]).
    charged: u64,
}

thread_local! {
    static BUDGET: Cell<Budget> = const { Cell::new(Budget { deadline: None, base: None, max_operations: u64::MAX, last: 0, charged: 0 }) };
}

/// Starts the budget of a rule about to run on this thread: `max_operations` operations and
/// `deadline` of wall-clock time. Several rules run in one script call (one per pack and phase),
/// so rhai's own operation limit, which counts per call, is only the backstop for the whole call.
pub(crate) fn start_rule_budget(max_operations: u64, deadline: Duration) {
    // 0 means no operation limit, as it does for rhai.
    let max_operations = if max_operations == 0 {
        u64::MAX
    } else {
        max_operations
    };
    BUDGET.with(|b| {
        b.set(Budget {
            deadline: Instant::now().checked_add(deadline),
            base: None,
            max_operations,
            last: 0,
            charged: 0,
        })
    });
}

/// Ends the budget (no rule is running).
pub(crate) fn end_rule_budget() {
    BUDGET.with(|b| {
        b.set(Budget {
            deadline: None,
            base: None,
            max_operations: u64::MAX,
            last: 0,
            charged: 0,
        })
    });
}

/// The values an `on_progress` abort carries.
/// Charges `units` operations of a host function's own work (one per item it walks, say) to the
/// running rule's budget, **before** the work is done: a host function whose cost grows with its
/// input cannot let a rule run past its operation budget or its deadline between rhai's progress
/// reports. Fails as the budget itself does (operations, then the wall clock).
///
/// # Errors
/// The operation budget or the deadline is exhausted.
pub(crate) fn charge(units: u64) -> Result<(), Box<rhai::EvalAltResult>> {
    let stop = BUDGET.with(|cell| {
        let mut b = cell.get();
        b.charged = b.charged.saturating_add(units);
        cell.set(b);
        let used = b
            .last
            .saturating_sub(b.base.unwrap_or(b.last))
            .saturating_add(b.charged);
        if used > b.max_operations {
            Some(OPERATIONS_TOKEN)
        } else if b.deadline.is_some_and(|dl| Instant::now() > dl) {
            Some(DEADLINE_TOKEN)
        } else {
            None
        }
    });
    match stop {
        Some(token) => Err(Box::new(rhai::EvalAltResult::ErrorTerminated(
            Dynamic::from(token),
            rhai::Position::NONE,
        ))),
        None => Ok(()),
    }
}

pub(crate) const DEADLINE_TOKEN: &str = "imvo:deadline";
/// A rule ran past its operation budget.
pub(crate) const OPERATIONS_TOKEN: &str = "imvo:operations";

/// Builds the policy engine: no packages beyond what packs need (no `sleep`, no `timestamp`,
/// no file modules, no `eval`), every limit set, and the scripting API registered.
#[must_use]
pub fn build_engine(limits: &Limits) -> Engine {
    let mut e = Engine::new_raw();
    e.register_global_module(PolicyPackage::new().as_shared_module());

    // Per rule, the budget is enforced in `on_progress`; this is the backstop for one script call
    // (all the rules of a pack in one phase).
    e.set_max_operations(limits.max_operations.saturating_mul(1_000))
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depths.0, limits.max_expr_depths.1)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(limits.max_variables)
        .set_max_functions(limits.max_functions)
        .set_max_modules(0)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true)
        .set_allow_shadowing(false);
    e.disable_symbol("eval");
    e.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
    // Scripts never write to stdout or stderr.
    e.on_print(|_| {});
    e.on_debug(|_, _, _| {});
    e.on_progress(|ops| {
        BUDGET.with(|cell| {
            let mut b = cell.get();
            let base = match b.base {
                Some(base) => base,
                None => {
                    b.base = Some(ops);
                    cell.set(b);
                    ops
                }
            };
            b.last = ops;
            cell.set(b);
            if ops.saturating_sub(base).saturating_add(b.charged) > b.max_operations {
                return Some(Dynamic::from(OPERATIONS_TOKEN));
            }
            if ops & 0x3FF == 0 && b.deadline.is_some_and(|dl| Instant::now() > dl) {
                return Some(Dynamic::from(DEADLINE_TOKEN));
            }
            None
        })
    });
    super::api::register(&mut e);
    e
}
