//! Table rules: a rule whose rows in the pack's `checks.csv` say what it reports, evaluated
//! natively instead of through a script.
//!
//! Each row is one check of its rule, in the gate language (`policy::gates`) with the
//! contract's three-valued logic:
//!
//! | column | what it holds |
//! |---|---|
//! | `rule` | the rule id (of `rules.csv`) |
//! | `when` | the condition, as a gate: `project.activities has tannery and project.capacity.tannery_tonnes_per_day meets annex_i.tannery_t_day`; empty: always |
//! | `then` | what the rule reports: `floor A`, `refer`, `decline`, `info`, `require <step>`, `trigger <PS>` where the condition is true; `missing <fact>` or `missing <fact> -> <A, B, C or not_categorised>` where it is unknown and that fact is; `read <fact> ...` (the facts are read, for the rule's later findings; nothing is reported) and `add <list>` (the row's message joins the rule's list) where it is true |
//! | `message` | the message id of the finding (empty for `read`) |
//! | `args` | the message's arguments, `name=<fact>`, `name=param:<parameter>`, `name=msg:<message id>`, `name=text:<word>`, `name=list:<list>` (what earlier rows added, as a list) or `name=category` (as a script's `category()`), separated by spaces |
//!
//! Every row of a rule is checked, in file order; the facts a finding lists are those the rule's
//! rows read so far, as a script's findings list what it read. `missing <fact> -> A` reports what
//! the fact would have to be for the category to move (the value meeting the parameter the
//! condition compares it with), as a script's five-argument `missing` does.
//!
//! A list (`add`) lives for one run of the rule, one phase; `added <list>` in a condition tests
//! whether it has items so far.
//!
//! Refused when the set loads, each with the file, line and column: an unknown rule, fact,
//! parameter, step or Performance Standard; a condition that does not compile; a `floor` of a
//! rule that does not run in the facts or floors phase; a `missing` fact the condition never
//! reads, or a move without a threshold for it; an argument written wrongly; a list (`added`,
//! `list:`) no earlier row of the rule adds to; `category` in a rule that never runs in the
//! steps or final phase; a `read` row with a message or arguments. The message ids and
//! argument names are checked against the catalogues as a script's `msg` calls are.

use std::collections::{BTreeMap, BTreeSet};

use super::LoadError;
use super::ScriptApi;
use super::files::{cell, csv_rows, text};
use super::gates::{Conditions, Fact, Gate, Names, compile};
use super::messages::Use;
use super::params::Param;
use super::rules::{Phase, Rule};
use crate::application::vocab;
use crate::decision::{Category, Move};

/// What a check reports.
#[derive(Debug, Clone)]
pub(crate) enum Then {
    /// `floor A`: where the condition is true.
    Floor(Category),
    /// `refer`.
    Refer,
    /// `decline`.
    Decline,
    /// `info`.
    Info,
    /// `require <step>`.
    Require(String),
    /// `trigger <PS>`.
    Trigger(String),
    /// `missing <fact> [-> <to>]`: where the condition is unknown and the fact is; with the
    /// category the fact could move the project to and the parameter whose threshold it must
    /// meet for that.
    Missing {
        fact: Fact,
        to: Option<(Move, String)>,
    },
    /// `read <fact> ...`: where the condition is true, the facts are read (and listed in the
    /// rule's later findings, as a script's reads are); nothing is reported.
    Read(Vec<Fact>),
    /// `add <list>`: where the condition is true, the row's message is added to the rule's
    /// list of that name (an argument `list:<list>` of a later row; `added <list>` tests it).
    Add(String),
}

/// Where a message argument comes from.
#[derive(Debug, Clone)]
pub(crate) enum ArgSource {
    /// A fact of the application (read, and recorded as read).
    Fact(Fact),
    /// A parameter's value.
    Param(String),
    /// A message of the catalogues, without arguments.
    Msg(String),
    /// A word, verbatim.
    Text(String),
    /// The messages the rule's rows added to a list so far (`add <list>`), as a list.
    List(String),
    /// The category the steps phase reads, as `category()` gives it (a word, or unknown).
    Category,
}

/// One row of `checks.csv`, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    /// The line of `checks.csv` (for errors at run time).
    pub line: usize,
    /// The row as written: `when`, `then`, `message`, `args` (for `imvo policies show`).
    pub text: [String; 4],
    /// The condition.
    pub when: Gate,
    /// What it reports.
    pub then: Then,
    /// The finding's message id.
    pub message: String,
    /// The message's arguments, by name.
    pub args: Vec<(String, ArgSource)>,
}

/// The header of `checks.csv`.
const HEADER: [&str; 5] = ["rule", "when", "then", "message", "args"];

/// Compiles the pack's `checks.csv` (optional): the checks of each rule by rule index (empty
/// for a script rule), and the message uses of the rows for the catalogue's checks.
pub(super) fn compile_checks(
    dir: &str,
    files: &BTreeMap<String, Vec<u8>>,
    rules: &[Rule],
    params: &BTreeMap<String, Param>,
    conditions: &Conditions,
    api: &ScriptApi,
    errors: &mut Vec<LoadError>,
) -> (Vec<Vec<Check>>, Vec<(String, Use)>) {
    let mut by_rule: Vec<Vec<Check>> = vec![Vec::new(); rules.len()];
    let mut uses = Vec::new();
    let file = format!("{dir}/checks.csv");
    if !files.contains_key(&file) {
        return (by_rule, uses);
    }
    let rows = match text(files, &file).and_then(|t| csv_rows(&file, t, &HEADER, &[])) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            return (by_rule, uses);
        }
    };
    // The lists each rule's rows have added to so far, in file order.
    let mut lists: Vec<BTreeSet<String>> = vec![BTreeSet::new(); rules.len()];
    for (line, row) in rows {
        let mut bad = |column: &str, m: String| {
            errors.push(LoadError::invalid(
                &file,
                Some(line),
                format!("column `{column}`: {m}"),
            ));
        };
        let id = cell(&row, 0);
        let Some(index) = rules.iter().position(|r| &*r.id == id) else {
            bad(
                "rule",
                format!("rule `{id}` is not in the pack's rules.csv"),
            );
            continue;
        };
        let Some(rule) = rules.get(index) else {
            continue;
        };
        let Some(added) = lists.get_mut(index) else {
            continue;
        };
        let names = Names {
            reader: api.reader,
            params,
            conditions,
            lists: Some(added),
        };
        let when = match cell(&row, 1).trim() {
            "" => Gate::always(),
            text => match compile(text, &names) {
                Ok(g) => g,
                Err(e) => {
                    bad("when", format!("character {}: {}", e.at, e.message));
                    // Its list is still named, so later rows are not refused for it as well.
                    if let ["add", list] = cell(&row, 2).split_whitespace().collect::<Vec<_>>()[..]
                    {
                        added.insert(list.to_owned());
                    }
                    continue;
                }
            },
        };
        let then = match then(cell(&row, 2), rule, &when, conditions, api) {
            Ok(t) => t,
            Err(m) => {
                bad("then", m);
                continue;
            }
        };
        let message = cell(&row, 3).trim().to_owned();
        let args = args(cell(&row, 4), params, api, added);
        // The row's list is named from here on, whatever else is wrong with the row, so later
        // rows are not refused for it as well (its own arguments cannot take it).
        if let Then::Add(list) = &then {
            added.insert(list.clone());
        }
        let args = match args {
            Ok(a) => a,
            Err(m) => {
                bad("args", m);
                continue;
            }
        };
        if let Err((column, m)) = shape(&then, &message, &args, rule) {
            bad(column, m);
            continue;
        }
        if !message.is_empty() {
            let keys: BTreeSet<String> = args.iter().map(|(n, _)| n.clone()).collect();
            uses.push((file.clone(), Use::new(line, &message, Some(keys))));
        }
        for (_, a) in &args {
            if let ArgSource::Msg(m) = a {
                uses.push((file.clone(), Use::new(line, m, Some(BTreeSet::new()))));
            }
        }
        if let Some(list) = by_rule.get_mut(index) {
            list.push(Check {
                line,
                text: [1, 2, 3, 4].map(|i| cell(&row, i).trim().to_owned()),
                when,
                then,
                message,
                args,
            });
        }
    }
    (by_rule, uses)
}

/// Whether a row's message and arguments fit its effect and its rule: a `read` row reports
/// nothing, every other row needs a message, and `category` is known only from the steps phase.
fn shape(
    then: &Then,
    message: &str,
    args: &[(String, ArgSource)],
    rule: &Rule,
) -> Result<(), (&'static str, String)> {
    let steps = |p: &Phase| matches!(p, Phase::Steps | Phase::Final);
    if args.iter().any(|(_, a)| matches!(a, ArgSource::Category)) && !rule.phases.iter().any(steps)
    {
        return Err((
            "args",
            format!(
                "`category` is known from the steps phase on, and rule `{}` runs in the {} phase",
                rule.id,
                rule.phase_names()
            ),
        ));
    }
    match then {
        Then::Read(_) if !message.is_empty() || !args.is_empty() => Err((
            "message",
            "a `read` row reports nothing: it takes no message and no arguments".to_owned(),
        )),
        Then::Read(_) => Ok(()),
        _ if message.is_empty() => Err((
            "message",
            "a check needs the id of its finding's message".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// Parses the `then` column of a check of `rule`.
fn then(
    text: &str,
    rule: &Rule,
    when: &Gate,
    conditions: &Conditions,
    api: &ScriptApi,
) -> Result<Then, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let one = |vocab: &'static vocab::Vocab| -> Result<String, String> {
        match words.as_slice() {
            [_, v] if vocab.term(v).is_some() => Ok((*v).to_owned()),
            [_, v] => Err(format!(
                "`{v}` is not a value of `{}` (expected {})",
                vocab.name,
                vocab.expected()
            )),
            _ => Err(format!(
                "expected `{} <{}>`",
                words.first().unwrap_or(&""),
                vocab.name
            )),
        }
    };
    let t = match words.as_slice() {
        ["refer"] => Then::Refer,
        ["decline"] => Then::Decline,
        ["info"] => Then::Info,
        ["floor", c] => {
            let Some(cat) = Category::from_name(c) else {
                return Err(format!(
                    "`{c}` is not a category (expected `A`, `B` or `C`)"
                ));
            };
            if rule
                .phases
                .iter()
                .any(|p| !matches!(p, Phase::Facts | Phase::Floors))
            {
                return Err(format!(
                    "rule `{}` runs in the {} phase: a floor is raised only in the facts and floors phases",
                    rule.id,
                    rule.phase_names()
                ));
            }
            Then::Floor(cat)
        }
        ["require", ..] => Then::Require(one(&vocab::STEP)?),
        ["read"] => return Err("`read` names the facts it reads: `read <fact> ...`".to_owned()),
        ["read", paths @ ..] => {
            let mut facts = Vec::new();
            for p in paths {
                let Some(fact) = (api.reader)(p) else {
                    return Err(format!("`{p}` is not a fact of the contract"));
                };
                facts.push(fact);
            }
            Then::Read(facts)
        }
        ["add", list] => {
            if !list
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(format!(
                    "`{list}` is not a list name (lower-case letters, digits and `_`)"
                ));
            }
            Then::Add((*list).to_owned())
        }
        ["trigger", ..] => Then::Trigger(one(&vocab::PERFORMANCE_STANDARD)?),
        ["missing", path, rest @ ..] => {
            let Some(fact) = (api.reader)(path) else {
                return Err(format!("`{path}` is not a fact of the contract"));
            };
            let path = fact.path;
            if !when.facts(conditions).iter().any(|f| f.path == path) {
                return Err(format!(
                    "the condition never reads `{path}`, so it is never missing for it"
                ));
            }
            if !when.can_be_unknown(conditions) {
                return Err(format!(
                    "the condition is never unknown (`known` is true or false), so `missing {path}` would never be reported"
                ));
            }
            let to = match rest {
                [] => None,
                ["->", to] => {
                    let Some(to) = Move::from_name(to) else {
                        return Err(format!(
                            "`{to}` is not where a fact can move the category (expected `A`, `B`, `C` or `not_categorised`)"
                        ));
                    };
                    let Some(param) = when.threshold_of(conditions, path) else {
                        return Err(format!(
                            "the condition does not compare `{path}` with a parameter (`meets`), so what it would have to be is not known"
                        ));
                    };
                    Some((to, param.to_owned()))
                }
                _ => {
                    return Err(
                        "expected `missing <fact>` or `missing <fact> -> <category>`".to_owned(),
                    );
                }
            };
            Then::Missing { fact, to }
        }
        _ => {
            return Err(format!(
                "`{text}` is not an effect (expected `floor <A, B or C>`, `refer`, `decline`, `info`, `require <step>`, `trigger <PS>`, `missing <fact> [-> <category>]`, `read <fact> ...` or `add <list>`)"
            ));
        }
    };
    Ok(t)
}

/// Parses the `args` column: `name=source` separated by spaces.
fn args(
    text: &str,
    params: &BTreeMap<String, Param>,
    api: &ScriptApi,
    lists: &BTreeSet<String>,
) -> Result<Vec<(String, ArgSource)>, String> {
    let mut out: Vec<(String, ArgSource)> = Vec::new();
    for part in text.split_whitespace() {
        let Some((name, source)) = part.split_once('=') else {
            return Err(format!("`{part}` is not `name=source`"));
        };
        let valid_name = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(format!(
                "`{name}` is not an argument name (a letter, then letters, digits and `_`)"
            ));
        }
        if out.iter().any(|(n, _)| n == name) {
            return Err(format!("argument `{name}` is given twice"));
        }
        let a = if let Some(p) = source.strip_prefix("param:") {
            if !params.contains_key(p) {
                return Err(format!("parameter `{p}` is not in the pack's params.csv"));
            }
            ArgSource::Param(p.to_owned())
        } else if let Some(m) = source.strip_prefix("msg:") {
            ArgSource::Msg(m.to_owned())
        } else if let Some(w) = source.strip_prefix("text:") {
            ArgSource::Text(w.to_owned())
        } else if let Some(l) = source.strip_prefix("list:") {
            if !lists.contains(l) {
                return Err(format!(
                    "no earlier row of this rule adds to a list `{l}` (`add {l}`)"
                ));
            }
            ArgSource::List(l.to_owned())
        } else if source == "category" {
            ArgSource::Category
        } else {
            let Some(fact) = (api.reader)(source) else {
                return Err(format!(
                    "`{source}` is not a fact of the contract, `param:<name>`, `msg:<id>`, `text:<word>`, `list:<list>` or `category`"
                ));
            };
            ArgSource::Fact(fact)
        };
        out.push((name.to_owned(), a));
    }
    Ok(out)
}
