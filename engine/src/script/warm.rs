//! Calls into a pack's scripts through function-resolution caches kept warm between calls.
//!
//! rhai resolves every function call (a name and its arguments' types, against the script's own
//! functions and the registered module, with every permutation of `Dynamic` parameters tried)
//! through a cache that lives for one call from the host: `Engine::call_fn_with_options` and a
//! native function calling a script function (`FnPtr::call_within_context`) each start with an
//! empty one. A screening makes such a call for every pack and phase and for every memoised
//! helper, so most calls were resolved from scratch every time.
//!
//! A pack keeps a pool of caches instead (`policy::warm::Pool`); each call under way takes one and gives it back.
//! What a call resolves to depends only on the engine and the pack's compiled scripts, and a
//! pack has one of each for its whole life, so a warm cache resolves every call exactly as an
//! empty one would: the decisions are the same byte for byte (`tools/compare_decisions.sh`), and
//! so are the errors, their positions and the call-level limit (the sandbox tests pin them).

use rhai::{Dynamic, Engine, EvalAltResult, EvalContext, NativeCallContext, Scope};

use crate::policy::Pack;

/// Call levels the engine's entry into a pack ([`call`]) adds before the called function's body
/// runs, beyond what `Engine::call_fn_with_options` added: the engine's call-level limit is
/// raised by as much, so a rule may nest exactly as deep as before
/// (`the_deepest_call_chain_a_rule_may_make_is_fixed`).
pub(crate) const ENTRY_LEVELS: usize = 2;

/// Calls the script function `name` of `pack` with `args`, as
/// `engine.call_fn_with_options(CallFnOptions::new().eval_ast(false).rewind_scope(true), ...)`
/// would on a new scope: the same result and the same errors (an `exit` is the function's value;
/// the error of the function itself is not wrapped in a call to it), resolved through a warm
/// cache. The called function runs [`ENTRY_LEVELS`] call levels deeper.
pub(crate) fn call(
    engine: &Engine,
    pack: &Pack,
    name: &str,
    args: &mut [Dynamic],
) -> Result<Dynamic, Box<EvalAltResult>> {
    let mut caches = pack.warm.take();
    let mut global = engine.new_global_runtime_state();
    global.lib.push(pack.ast.shared_lib().clone());
    global.source = pack.ast.source().map(Into::into);
    let mut scope = Scope::new();
    let mut refs: Vec<&mut Dynamic> = args.iter_mut().collect();
    let result = EvalContext::new(engine, &mut global, &mut caches, &mut scope, None)
        .call_fn_raw(name, false, false, &mut refs);
    pack.warm.give(caches);
    result.or_else(|e| match *e {
        EvalAltResult::Exit(value, _) => Ok(value),
        EvalAltResult::ErrorInFunctionCall(f, _, inner, _) if f == name => Err(inner),
        _ => Err(e),
    })
}

/// Calls the script function `name` of `pack` with `arg` from the native function whose context
/// is `ctx`, as `FnPtr::new(name)?.call_within_context(ctx, (arg,))` would: the same call levels,
/// operation count and errors, with the call's position where rhai would give it, resolved
/// through a warm cache.
pub(crate) fn call_from_native(
    ctx: &NativeCallContext,
    pack: &Pack,
    name: &str,
    arg: Dynamic,
) -> Result<Dynamic, Box<EvalAltResult>> {
    // The name's own errors, exactly as a function pointer gives them.
    let _ = rhai::FnPtr::new(name)?;
    let mut caches = pack.warm.take();
    let mut global = ctx.global_runtime_state().clone();
    let mut scope = Scope::new();
    let mut arg = arg;
    let result = EvalContext::new(ctx.engine(), &mut global, &mut caches, &mut scope, None)
        .call_fn_raw(name, false, false, &mut [&mut arg]);
    pack.warm.give(caches);
    // rhai gives the call's position to the errors a function pointer's call ends in; this
    // entry has none to give, so it is filled in here.
    result.map_err(|mut e| {
        if e.position().is_none() {
            e.set_position(ctx.call_position());
        }
        e
    })
}
