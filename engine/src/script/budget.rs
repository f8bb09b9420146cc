//! The budget of the rule running on this thread: its operations (rhai's count plus what host
//! functions [`charge`] for their own work) and its wall-clock deadline, checked in rhai's
//! `on_progress` and in every charge.

use std::cell::Cell;
use std::time::{Duration, Instant};

use rhai::Dynamic;

/// The budget of the rule running on this thread: its wall-clock deadline, and its operation
/// budget counted from the first operation after the rule was entered. Each part is its own cell:
/// rhai reports progress on every operation, and the check then touches only what it needs.
struct Budget {
    deadline: Cell<Option<Instant>>,
    /// Operation count when the rule started; `None` until the first operation after entry.
    base: Cell<Option<u64>>,
    max_operations: Cell<u64>,
    /// rhai's operation count at its last progress report.
    last: Cell<u64>,
    /// Operations charged by host functions for their own work (see [`charge`]).
    charged: Cell<u64>,
}

impl Budget {
    fn set(&self, deadline: Option<Instant>, max_operations: u64) {
        self.deadline.set(deadline);
        self.base.set(None);
        self.max_operations.set(max_operations);
        self.last.set(0);
        self.charged.set(0);
    }
}

thread_local! {
    static BUDGET: Budget = const {
        Budget {
            deadline: Cell::new(None),
            base: Cell::new(None),
            max_operations: Cell::new(u64::MAX),
            last: Cell::new(0),
            charged: Cell::new(0),
        }
    };
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
    BUDGET.with(|b| b.set(Instant::now().checked_add(deadline), max_operations));
}

/// Ends the budget (no rule is running).
pub(crate) fn end_rule_budget() {
    BUDGET.with(|b| b.set(None, u64::MAX));
}

/// Charges `units` operations of a host function's own work (one per item it walks, say) to the
/// running rule's budget, **before** the work is done: a host function whose cost grows with its
/// input cannot let a rule run past its operation budget or its deadline between rhai's progress
/// reports. Fails as the budget itself does (operations, then the wall clock).
///
/// # Errors
/// The operation budget or the deadline is exhausted.
pub(crate) fn charge(units: u64) -> Result<(), Box<rhai::EvalAltResult>> {
    let stop = BUDGET.with(|b| {
        let charged = b.charged.get().saturating_add(units);
        b.charged.set(charged);
        let last = b.last.get();
        let used = last
            .saturating_sub(b.base.get().unwrap_or(last))
            .saturating_add(charged);
        // The clock is read where the charges cross a multiple of 1,024 (as `progress` reads it
        // every 1,024 operations), not on every charge: reading it costs more than most charges.
        let crossed = (used >> 10) != (used.saturating_sub(units) >> 10);
        if used > b.max_operations.get() {
            Some(OPERATIONS_TOKEN)
        } else if crossed && b.deadline.get().is_some_and(|dl| Instant::now() > dl) {
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

/// A rule ran past its wall-clock deadline.
pub(crate) const DEADLINE_TOKEN: &str = "imvo:deadline";
/// A rule ran past its operation budget.
pub(crate) const OPERATIONS_TOKEN: &str = "imvo:operations";

/// rhai's `on_progress` hook: stops the running rule when its operations (counted from its
/// first operation, plus what host functions charged) pass its budget, or, checked every 1,024
/// operations, when its deadline has passed.
pub(crate) fn progress(ops: u64) -> Option<Dynamic> {
    BUDGET.with(|b| {
        let base = match b.base.get() {
            Some(base) => base,
            None => {
                b.base.set(Some(ops));
                ops
            }
        };
        b.last.set(ops);
        if ops.saturating_sub(base).saturating_add(b.charged.get()) > b.max_operations.get() {
            return Some(Dynamic::from(OPERATIONS_TOKEN));
        }
        if ops & 0x3FF == 0 && b.deadline.get().is_some_and(|dl| Instant::now() > dl) {
            return Some(Dynamic::from(DEADLINE_TOKEN));
        }
        None
    })
}
