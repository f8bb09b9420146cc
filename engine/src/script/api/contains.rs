//! `x in list` for the strings and vocabulary terms rules test against lists of values.
//!
//! rhai's own `in` (its array package's `contains`) compares each item by calling `==` through a
//! fresh function-resolution cache, item after item: about 2,400 instructions for a rule's
//! `stage in ["new", "expansion"]`. Here a string or a term is compared with each item directly,
//! with the same comparison `==` makes (string equality; a term's, which refuses a string outside
//! its vocabulary); any other pair of item and value still goes through `==` exactly as rhai's
//! `contains` does. A test compares the two on every pairing of kinds.

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, NativeCallContext};

use super::{Res, term_eq};
use crate::application::vocab::Term;

/// `item == value` where both are strings or terms; `None` for any other pair.
fn direct(item: &Dynamic, value: &Dynamic) -> Option<Res<bool>> {
    if let Some(v) = value.read_lock::<ImmutableString>() {
        if let Some(i) = item.read_lock::<ImmutableString>() {
            return Some(Ok(i.as_str() == v.as_str()));
        }
        if let Some(i) = item.read_lock::<Term>() {
            return Some(term_eq(&i, v.as_str()));
        }
    } else if let Some(v) = value.read_lock::<Term>() {
        if let Some(i) = item.read_lock::<ImmutableString>() {
            return Some(term_eq(&v, i.as_str()));
        }
        if let Some(i) = item.read_lock::<Term>() {
            return Some(Ok(*i == *v));
        }
    }
    None
}

/// `item == value` as rhai's `contains` decides it: through `==`; with no `==` for the pair,
/// false for items of another type and an error for the same type.
fn through_eq(ctx: &NativeCallContext, item: &mut Dynamic, value: &Dynamic) -> Res<bool> {
    let same_type = item.type_id() == value.type_id();
    let result = ctx
        .call_native_fn_raw("==", true, &mut [item, &mut value.clone()])
        .or_else(|err| match *err {
            EvalAltResult::ErrorFunctionNotFound(ref sig, ..)
                if sig.starts_with("==") && !same_type =>
            {
                Ok(Dynamic::FALSE)
            }
            _ => Err(err),
        })?;
    Ok(result.as_bool().unwrap_or(false))
}

fn contains(ctx: &NativeCallContext, array: &mut Array, value: &Dynamic) -> Res<bool> {
    for item in array.iter_mut() {
        let equal = match direct(item, value) {
            Some(r) => r?,
            None => through_eq(ctx, item, value)?,
        };
        if equal {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(super) fn register_contains(e: &mut Engine) {
    e.register_fn(
        "contains",
        |ctx: NativeCallContext, array: &mut Array, value: ImmutableString| {
            contains(&ctx, array, &Dynamic::from(value))
        },
    );
    e.register_fn(
        "contains",
        |ctx: NativeCallContext, array: &mut Array, value: Term| {
            contains(&ctx, array, &Dynamic::from(value))
        },
    );
}
