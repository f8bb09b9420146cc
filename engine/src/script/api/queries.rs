//! Queries: dates, earlier phases, `memo` and `and_list`.

use chrono::NaiveDate;
use rhai::{Array, Dynamic, Engine, ImmutableString, NativeCallContext};

use super::params::{meeting, meets, param_dyn, param_value};
use super::reporting::EFFECTS;
use super::tables::{indicators, listed, table_has_key, table_has_key_within, table_row};
use super::views::AppView;
use super::{Res, check_value, dyn_text, fail, in_phase, not_in_memo};
use crate::application::vocab::{self, Term};
use crate::policy::Phase;
use crate::script::budget::charge;
use crate::script::context::{self};
use crate::script::profile;

/// `memo("helper", app)`: calls the pack's helper function once per screening and returns the
/// remembered value afterwards. For derived facts (scope, review, project status) that many rules
/// gate on; such a helper may depend on the application only (`category`, `fired` and
/// `triggered` are refused inside it). The first call records the helper's reads; later calls
/// read nothing.
fn memo(ctx: NativeCallContext, name: ImmutableString, app: Dynamic) -> Res<Dynamic> {
    memo_in(&ctx, name, app)
}

/// [`memo`], from a host function that has the call's context.
pub(super) fn memo_in(
    ctx: &NativeCallContext,
    name: ImmutableString,
    app: Dynamic,
) -> Res<Dynamic> {
    let key = context::with(|c| c.pack.as_ref().map(context::memo_key))
        .flatten()
        .unwrap_or(0);
    if let Some(v) = context::memoised(key, &name) {
        return Ok(v);
    }
    let Some(pack) = context::with(|c| c.pack.clone()).flatten() else {
        return fail("`memo` may only be called from a rule function");
    };
    let _ = context::with(|c| c.in_memo += 1);
    let result = crate::script::warm::call_from_native(ctx, &pack, &name, app);
    let _ = context::with(|c| c.in_memo = c.in_memo.saturating_sub(1));
    let v = result?;
    let _ = context::with(|c| c.memo.push((key, name, v.clone())));
    Ok(v)
}

/// Most items `and_list` names before it summarises the rest ("and 240 more"), so a reason
/// stays readable and under the string limit whatever the size of the list it names.
const AND_LIST_MAX: usize = 12;

/// "a, b and c": items are written as text (a closed-vocabulary value as its name), duplicates
/// dropped, at most [`AND_LIST_MAX`] named.
///
/// Linear in its input, and charged to the rule's budget before each item's work: one
/// operation an item and one per 64 bytes of its text.
pub(super) fn and_list(items: &Array) -> Res<String> {
    charge(items.len() as u64)?;
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut words: Vec<String> = Vec::new();
    for d in items {
        let w = dyn_text(d).unwrap_or_else(|| d.to_string());
        charge(w.len() as u64 / 64)?;
        if seen.insert(w.clone()) {
            words.push(w);
        }
    }
    let more = words.len().saturating_sub(AND_LIST_MAX);
    words.truncate(AND_LIST_MAX);
    if more > 0 {
        return Ok(format!("{} and {more} more", words.join(", ")));
    }
    Ok(match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    })
}

pub(super) fn register_queries(e: &mut Engine) {
    e.register_fn("listed", |app: &mut AppView, table: &str| {
        listed(&app.0, table)
    });
    e.register_fn("phase", || -> Res<String> {
        context::with(|c| c.phase.as_str().to_owned())
            .map_or_else(|| fail("`phase` may only be called during a screening"), Ok)
    });
    e.register_fn("categorised", || -> Res<bool> {
        not_in_memo("categorised")?;
        in_phase("categorised", &[Phase::Floors, Phase::Steps, Phase::Final])?;
        context::with(|c| c.out.category_reasons.is_empty()).map_or_else(
            || fail("`categorised` may only be called during a screening"),
            Ok,
        )
    });
    e.register_fn("indicators", |app: &mut AppView, table: &str| {
        indicators(&app.0, table)
    });
    e.register_fn("param", |name: &str| param_value(name).map(param_dyn));
    e.register_fn("meets", |name: &str, fact: Dynamic| meets(name, &fact));
    e.register_fn("meeting", meeting);
    e.register_fn("lookup", |table: &str, key: &str| -> Res<Dynamic> {
        Ok(table_row(table, key)?.map_or(Dynamic::UNIT, Dynamic::from_map))
    });
    e.register_fn(
        "lookup",
        |table: &str, k1: &str, k2: &str| -> Res<Dynamic> {
            Ok(table_row(table, &format!("{k1}|{k2}"))?.map_or(Dynamic::UNIT, Dynamic::from_map))
        },
    );
    e.register_fn("lookup", |table: &str, key: Term| -> Res<Dynamic> {
        Ok(table_row(table, key.as_str())?.map_or(Dynamic::UNIT, Dynamic::from_map))
    });
    e.register_fn("in_table", |table: &str, key: &str| -> Res<bool> {
        table_has_key(table, key)
    });
    e.register_fn("in_table", |table: &str, key: Term| -> Res<bool> {
        table_has_key(table, key.as_str())
    });
    e.register_fn(
        "in_table_within",
        |table: &str, prefix: &str| -> Res<bool> { table_has_key_within(table, prefix) },
    );
    register_dates_and_phases(e);
}

/// Dates (`as_of`, `date`, `deadline_passed`), earlier phases (`category`, `fired`, `raised`,
/// `triggered`), `memo`, the dispatcher's `__imvo_enter`, and small helpers.
fn register_dates_and_phases(e: &mut Engine) {
    e.register_fn("as_of", || -> Res<NaiveDate> {
        context::with(|c| c.as_of)
            .map_or_else(|| fail("`as_of` may only be called during a screening"), Ok)
    });
    e.register_fn("date", |s: &str| -> Res<NaiveDate> {
        crate::application::parse_date(s)
            .map_or_else(|| fail(format!("`{s}` is not a YYYY-MM-DD date")), Ok)
    });
    e.register_fn("deadline_passed", || -> Res<bool> {
        context::with(|c| c.app.information_deadline.is_some_and(|d| c.as_of > d)).map_or_else(
            || fail("`deadline_passed` may only be called during a screening"),
            Ok,
        )
    });
    e.register_fn("category", || -> Res<Dynamic> {
        not_in_memo("category")?;
        let cat = context::with(|c| c.out.category).flatten();
        match cat {
            Some(Some(c)) => Ok(Dynamic::from(c.as_str().to_owned())),
            Some(None) => Ok(Dynamic::UNIT),
            None => {
                fail("`category` may only be called in the steps phase, once every floor is raised")
            }
        }
    });
    e.register_fn("fired", |rule: &str| -> Res<bool> {
        not_in_memo("fired")?;
        context::with(|c| {
            c.out.earlier_fired.iter().any(|r| {
                &**r == rule
                    || r.strip_prefix(rule)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
        .map_or_else(|| fail("`fired` may only be called during a screening"), Ok)
    });
    e.register_fn("fired", |rule: &str, effect: &str| -> Res<bool> {
        not_in_memo("fired")?;
        let Some(wanted) = EFFECTS.iter().find(|(n, _)| *n == effect).map(|(_, e)| *e) else {
            return fail(format!("`{effect}` is not an effect"));
        };
        context::with(|c| {
            c.out.earlier_rule_effects.iter().any(|(r, e)| {
                *e == wanted
                    && (&**r == rule
                        || r.strip_prefix(rule)
                            .is_some_and(|rest| rest.starts_with('.')))
            })
        })
        .map_or_else(|| fail("`fired` may only be called during a screening"), Ok)
    });
    e.register_fn("raised", |effect: &str| -> Res<bool> {
        not_in_memo("raised")?;
        let Some(wanted) = EFFECTS.iter().find(|(n, _)| *n == effect).map(|(_, e)| *e) else {
            return fail(format!(
                "`{effect}` is not an effect (expected {})",
                EFFECTS
                    .iter()
                    .map(|(n, _)| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        context::with(|c| c.out.earlier_effects.contains(&wanted)).map_or_else(
            || fail("`raised` may only be called during a screening"),
            Ok,
        )
    });
    e.register_fn("triggered", |standard: &str| -> Res<bool> {
        not_in_memo("triggered")?;
        check_value(&vocab::PERFORMANCE_STANDARD, standard)?;
        context::with(|c| c.out.earlier_triggered.contains(standard)).map_or_else(
            || fail("`triggered` may only be called during a screening"),
            Ok,
        )
    });
    e.register_fn("is_known", |d: Dynamic| !d.is_unit());
    e.register_fn("memo", memo);
    // Called by the generated dispatcher before each rule: attribution, facts and budget.
    e.register_fn("__imvo_enter", |index: i64| -> Res<()> {
        // Only the generated dispatcher may announce a rule, each once and in order: a script
        // calling this (through a function pointer, say) to reset its budget or to report as
        // another rule is refused.
        let budget = context::with(|c| -> Res<(u64, std::time::Duration)> {
            let i = usize::try_from(index).unwrap_or(usize::MAX);
            let valid = i >= c.next_rule
                && c.pack
                    .as_ref()
                    .is_some_and(|p| p.rules.get(i).is_some_and(|r| r.runs_in(c.phase)));
            if !valid {
                return fail("`__imvo_enter` is reserved for the engine");
            }
            c.next_rule = i + 1;
            c.rule = i;
            c.entered = Some(i);
            c.clear_reads();
            if profile::on()
                && let (Some(pack), Some(rule)) = (
                    c.pack.as_ref(),
                    c.pack.as_ref().and_then(|p| p.rules.get(i)),
                )
            {
                profile::enter(&pack.manifest.id, &rule.id, c.phase, c.out.findings.len());
            }
            Ok((c.rule_operations, c.rule_deadline))
        });
        match budget {
            Some(Ok((ops, deadline))) => {
                crate::script::budget::start_rule_budget(ops, deadline);
                Ok(())
            }
            Some(Err(e)) => Err(e),
            None => fail("`__imvo_enter` is reserved for the engine"),
        }
    });
    e.register_fn("and_list", |items: Array| -> Res<String> {
        and_list(&items)
    });
    e.register_fn("reset_facts", || {
        let _ = context::with(|c| c.clear_reads());
    });
    e.register_fn("is_unknown", |d: Dynamic| d.is_unit());
}
