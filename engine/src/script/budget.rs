//! The budget of the rule running on this thread: its operations (rhai's count plus what host
//! functions [`charge`] for their own work) and its wall-clock deadline, checked in rhai's
//! `on_progress` and in every charge.

use std::cell::Cell;
use std::time::{Duration, Instant};

use rhai::Dynamic;

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
        // The clock is read where the charges cross a multiple of 1,024 (as `progress` reads it
        // every 1,024 operations), not on every charge: reading it costs more than most charges.
        let crossed = (used >> 10) != (used.saturating_sub(units) >> 10);
        if used > b.max_operations {
            Some(OPERATIONS_TOKEN)
        } else if crossed && b.deadline.is_some_and(|dl| Instant::now() > dl) {
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
}
