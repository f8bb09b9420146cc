//! The sandbox limits a policy set is compiled and run with (the script engine applies them).

use std::time::Duration;

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
