//! Table rules evaluated natively: `__imvo_table(app)`, which the generated dispatcher calls for
//! a rule whose checks are rows of the pack's `checks.csv` (see `policy::checks`).
//!
//! A check reports through the same functions a script's `floor`, `refer`, `missing` and the
//! rest call, with a message built as `msg` builds it, and reads facts through the same readers,
//! recording each read: a table rule and the script it replaces give the same findings, with the
//! same facts, which the differential test (`engine/tests/gates.rs`) holds them to.

use std::cell::RefCell;

use rhai::{Array, Dynamic, Engine, EvalAltResult, Map, NativeCallContext};

use super::messages::message;
use super::params::{meeting, param_dyn, param_value};
use super::queries::memo_in;
use super::reporting::{floor, missing, missing_moving, report, require, trigger};
use super::{Res, fail};
use crate::application::Application;
use crate::decision::{Category, Effect};
use crate::policy::{ArgSource, Check, GateInput, Hooks, Then, Tri};
use crate::script::budget::charge;
use crate::script::context;

/// Operations a check costs against its rule's budget, besides one for each test and operator
/// of its condition, before what it reports.
const CHECK_COST: u64 = 10;

/// What evaluating a check's condition records: the reads (into the rule's facts, and for this
/// check), and the helpers' memoised values, computed through `memo` as a script would.
struct RuleHooks<'a, 'b> {
    ctx: &'a NativeCallContext<'b>,
    app: &'a Dynamic,
    read: RefCell<Vec<&'static str>>,
    error: RefCell<Option<Box<EvalAltResult>>>,
    /// The lists the rule's rows have added messages to (`add <list>`), by name.
    lists: RefCell<Vec<(String, Array)>>,
}

impl Hooks for RuleHooks<'_, '_> {
    fn read(&self, path: &'static str) {
        context::record_read(path);
        self.read.borrow_mut().push(path);
    }

    fn memo(&self, name: &str) -> Tri {
        match memo_in(self.ctx, name.into(), self.app.clone()) {
            Ok(v) => Tri::of_value(&v),
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                Tri::Unknown
            }
        }
    }

    fn added(&self, name: &str) -> bool {
        self.lists
            .borrow()
            .iter()
            .any(|(n, items)| n == name && !items.is_empty())
    }
}

pub(super) fn register_table_rules(e: &mut Engine) {
    e.register_fn("__imvo_table", run);
}

/// Runs the checks of the rule the dispatcher entered.
fn run(ctx: NativeCallContext, app: Dynamic) -> Res<()> {
    let entered = context::with(|c| {
        let pack = c.pack.clone()?;
        (c.entered == Some(c.rule) && pack.is_table_rule(c.rule)).then(|| {
            (
                pack,
                c.rule,
                c.phase,
                c.out.category,
                std::sync::Arc::clone(&c.app),
            )
        })
    })
    .flatten();
    let Some((pack, index, phase, category, application)) = entered else {
        return fail("`__imvo_table` is reserved for the engine");
    };
    let (Some(rule), Some(checks)) = (pack.rules.get(index), pack.checks.get(index)) else {
        return fail("`__imvo_table` is reserved for the engine");
    };
    let hooks = RuleHooks {
        ctx: &ctx,
        app: &app,
        read: RefCell::new(Vec::new()),
        error: RefCell::new(None),
        lists: RefCell::new(Vec::new()),
    };
    let input = GateInput {
        app: &application,
        phase,
        category,
        hooks: Some(&hooks),
    };
    for check in checks {
        charge(CHECK_COST.saturating_add(check.when.size() as u64))?;
        hooks.read.borrow_mut().clear();
        let holds = check.when.eval(&pack.conditions, &input);
        if let Some(e) = hooks.error.borrow_mut().take() {
            return Err(e);
        }
        let id = &*rule.id;
        match (&check.then, holds) {
            (Then::Missing { fact, to }, Tri::Unknown) => {
                // Only a fact the condition read, and found unknown, left it undecided.
                let read = hooks.read.borrow().contains(&fact.path);
                if !read || !(fact.read)(&application).is_unit() {
                    continue;
                }
                let why = row_message(check, &application, &hooks, category)?;
                match to {
                    None => missing(id, fact.path, why)?,
                    Some((to, param)) => {
                        missing_moving(id, fact.path, why, meeting(param)?, to.as_str())?;
                    }
                }
            }
            (Then::Missing { .. }, _) | (_, Tri::False | Tri::Unknown) => {}
            (Then::Read(facts), Tri::True) => {
                for f in facts {
                    context::record_read(f.path);
                }
            }
            (Then::Add(list), Tri::True) => {
                let why = row_message(check, &application, &hooks, category)?;
                let mut lists = hooks.lists.borrow_mut();
                match lists.iter_mut().find(|(n, _)| n == list) {
                    Some((_, items)) => items.push(why),
                    None => lists.push((list.clone(), vec![why])),
                }
            }
            (then, Tri::True) => {
                let why = row_message(check, &application, &hooks, category)?;
                match then {
                    Then::Floor(c) => floor(id, c.as_str(), why)?,
                    Then::Require(step) => require(id, step, why)?,
                    Then::Trigger(ps) => trigger(id, ps, why)?,
                    Then::Refer => drop(report(id, "refer", Effect::Refer, None, why)?),
                    Then::Decline => drop(report(id, "decline", Effect::Decline, None, why)?),
                    Then::Info => drop(report(id, "info", Effect::Info, None, why)?),
                    Then::Missing { .. } | Then::Read(_) | Then::Add(_) => {}
                }
            }
        }
    }
    Ok(())
}

/// The check's message with its arguments, as `msg(id, #{...})` would build it.
fn row_message(
    check: &Check,
    app: &Application,
    hooks: &RuleHooks<'_, '_>,
    category: Option<Option<Category>>,
) -> Res<Dynamic> {
    let mut args = Map::new();
    for (name, source) in &check.args {
        let value = match source {
            ArgSource::Fact(f) => {
                context::record_read(f.path);
                (f.read)(app)
            }
            ArgSource::Param(p) => param_dyn(param_value(p)?),
            ArgSource::Msg(id) => Dynamic::from(message(id, &Map::new())?),
            ArgSource::Text(w) => Dynamic::from(w.clone()),
            ArgSource::List(l) => Dynamic::from_array(
                hooks
                    .lists
                    .borrow()
                    .iter()
                    .find(|(n, _)| n == l)
                    .map(|(_, items)| items.clone())
                    .unwrap_or_default(),
            ),
            // As `category()` gives it to a script.
            ArgSource::Category => match category {
                Some(Some(c)) => Dynamic::from(c.as_str().to_owned()),
                Some(None) => Dynamic::UNIT,
                None => {
                    return fail(format!(
                        "checks.csv line {}: `category` is known from the steps phase on",
                        check.line
                    ));
                }
            },
        };
        args.insert(name.as_str().into(), value);
    }
    match message(&check.message, &args) {
        Ok(m) => Ok(Dynamic::from(m)),
        // The budget's own stops pass unchanged, so they are still told as limits.
        Err(e) if matches!(*e, EvalAltResult::ErrorTerminated(..)) => Err(e),
        Err(e) => fail(format!("checks.csv line {}: {e}", check.line)),
    }
}
