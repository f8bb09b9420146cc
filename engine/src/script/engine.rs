//! The one place a rhai engine is built. Every sandbox limit is set here, explicitly, so debug
//! and release builds behave alike (rhai's own defaults differ between them).

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicIteratorPackage, BasicMapPackage,
    BasicStringPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{Engine, def_package};

pub use crate::policy::Limits;

def_package! {
    /// Exactly what packs need, as one module (one lookup per function resolution): arithmetic
    /// (with decimals), logic, strings, arrays, maps, iteration. Deliberately without
    /// `LanguageCorePackage` (`sleep`) and `BasicTimePackage` (`timestamp`).
    PolicyPackage(lib): ArithmeticPackage, LogicPackage, BasicStringPackage, MoreStringPackage,
        BasicArrayPackage, BasicMapPackage, BasicIteratorPackage {
        let _ = lib;
    }
}

/// Builds the policy engine: no packages beyond what packs need (no `sleep`, no `timestamp`,
/// no file modules, no `eval`), every limit set, and the scripting API registered.
#[must_use]
pub fn build_engine(limits: &Limits) -> Engine {
    let mut e = Engine::new_raw();
    e.register_global_module(PolicyPackage::new().as_shared_module());

    // Per rule, the budget is enforced in `on_progress`; this is the backstop for one script call
    // (all the rules of a pack in one phase).
    e.set_max_operations(limits.max_operations.saturating_mul(1_000))
        // The screening enters a pack's scripts `warm::ENTRY_LEVELS` levels deeper than rhai's
        // own entry point did; the limit a rule sees is `max_call_levels`, as before.
        .set_max_call_levels(
            limits
                .max_call_levels
                .saturating_add(crate::script::warm::ENTRY_LEVELS),
        )
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
    e.on_progress(super::budget::progress);
    super::api::register(&mut e);
    e
}
