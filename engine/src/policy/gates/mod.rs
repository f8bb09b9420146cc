//! Applicability gates: the conditions under which a rule can say anything, declared next to its
//! id (the `when` column of `rules.csv`, and named conditions in `gates.csv`), compiled when the
//! policy set loads and evaluated natively with the contract's three-valued logic.
//!
//! A gate that is false skips its rule without entering the script; a gate that is unknown runs
//! it, so every missing fact is still reported. A gate therefore only ever states a condition
//! under which the rule's script would itself return without reporting anything: the
//! differential property test (`engine/tests/gates.rs`) runs every shipped set with and without
//! gates on generated applications and requires identical decisions.
//!
//! The language, in full (docs/policy-authoring.md shows it with examples):
//!
//! ```text
//! gate    := conj ("or" conj)*
//! conj    := unary ("and" unary)*
//! unary   := "not" unary | "(" gate ")" | test
//! test    := NAME                                  a condition of gates.csv
//!          | subject ("=" | "!=") value
//!          | subject ["not"] "in" "[" value ("," value)* "]"
//!          | fact "has" (value | "[" value ("," value)* "]")   a list fact holding any of them
//!          | fact "meets" PARAMETER                 the parameter's comparator and threshold
//!          | fact "known"                           never unknown itself
//!          | fact "empty"                           a list fact stated with no items
//!          | "memo" HELPER                          a script helper's memoised value
//!          | "added" LIST                           a list a table rule's earlier rows collected has items (checks.csv only)
//! subject := "instrument" | "phase" | "category" | fact
//! ```
//!
//! `memo HELPER` is the value of `memo("HELPER", app)` in the pack's scripts: true, false, or
//! unknown where the helper returned `()`. A rule's gate, evaluated once before its pack's
//! phase, reads only a value memoised in an earlier phase or pack (unknown otherwise: the rule
//! runs); a table rule's check computes it as a script's `memo` call would.
//!
//! A condition nests at most 32 deep and expands to at most 512 tests (named conditions counted
//! each time they are used), so evaluating one is bounded.
//!
//! `category` is known from the steps phase on (it is the category the steps phase reads, `none`
//! where the application is not categorised); in the facts and floors phases it is unknown.

mod load;
mod parse;
mod peek;

use std::fmt;

use rhai::Dynamic;
use rust_decimal::Decimal;

pub(super) use load::compile_gates;
pub(in crate::policy) use parse::{Names, RESERVED, compile};
pub(crate) use peek::{Peek, PeekField, Peeked};

use super::params::{Comparator, ParamValue};
use super::rules::Phase;
use crate::application::Application;
use crate::decision::Category;

/// Reads one fact of an application (`()` where unknown): resolved once, when the set loads.
pub(crate) type Reader = fn(&Application) -> Dynamic;

/// Kleene's three-valued logic, as the contract combines unknown facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    /// Certainly false.
    False,
    /// Depends on a fact that is not known.
    Unknown,
    /// Certainly true.
    True,
}

impl Tri {
    fn of(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    /// A script value as a truth value: `true`, `false`, or unknown for `()` (or anything
    /// that is not a boolean).
    pub(crate) fn of_value(v: &Dynamic) -> Tri {
        v.as_bool().map_or(Tri::Unknown, Tri::of)
    }

    fn not(self) -> Tri {
        match self {
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
            Tri::True => Tri::False,
        }
    }
}

/// What evaluating a gate may do besides reading: record each fact it reads (for a table
/// rule's findings) and give a script helper's memoised value.
pub(crate) trait Hooks {
    /// A fact was read.
    fn read(&self, path: &'static str);
    /// The value of `memo("name", app)`: unknown where it cannot be had.
    fn memo(&self, name: &str) -> Tri;
    /// Whether the list `name` a table rule's rows collect has items so far.
    fn added(&self, name: &str) -> bool;
}

/// What a gate is evaluated against.
#[derive(Clone, Copy)]
pub(crate) struct GateInput<'a> {
    pub app: &'a Application,
    pub phase: Phase,
    /// The category the steps phase reads: `None` before it.
    pub category: Option<Option<Category>>,
    /// Reads recorded and helpers' values (`None`: nothing recorded, every `memo` unknown).
    pub hooks: Option<&'a dyn Hooks>,
}

impl<'a> GateInput<'a> {
    /// The fact's value as a gate compares it, the read recorded.
    fn read(&self, f: &Fact) -> Peeked<'a> {
        if let Some(h) = self.hooks {
            h.read(f.path);
        }
        match f.peek.map_or(Peeked::Other, |p| p(self.app)) {
            Peeked::Other => Peeked::Script((f.read)(self.app)),
            v => v,
        }
    }
}

/// A value written in a gate.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Bool(bool),
    Number(Decimal),
    Word(String),
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lit::Bool(b) => write!(f, "{b}"),
            Lit::Number(n) => write!(f, "{n}"),
            Lit::Word(w) => f.write_str(w),
        }
    }
}

#[derive(Clone)]
pub(crate) struct Fact {
    pub path: &'static str,
    /// The script's value.
    pub read: Reader,
    /// The value in place, for the gate's tests (`None`: they read the script's value).
    pub peek: Option<Peek>,
}

impl fmt::Debug for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path)
    }
}

#[derive(Debug, Clone)]
enum Subject {
    Instrument,
    Phase,
    Category,
    Fact(Fact),
}

#[derive(Debug, Clone)]
enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// A condition of `gates.csv`, by index.
    Condition(usize),
    In(Subject, Vec<Lit>),
    Has(Fact, Vec<Lit>),
    /// The fact, the parameter's comparator, its value and its name.
    Meets(Fact, Comparator, ParamValue, String),
    Known(Fact),
    /// A list fact stated with no items (unknown while the list is).
    Empty(Fact),
    /// An ISIC code fact begins with one of the prefixes (its group, division or class).
    Within(Fact, Vec<String>),
    /// A script helper's memoised value.
    Memo(String),
    /// A list a table rule's earlier rows collected has items (never unknown).
    Added(String),
}

/// A compiled gate: a rule's `when`, or a named condition.
#[derive(Debug, Clone)]
pub struct Gate {
    expr: Expr,
    /// Its tests and operators, named conditions expanded (bounded when it is compiled).
    size: usize,
}

/// The conditions of a pack (`gates.csv`), in file order; a condition may use earlier ones.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    names: Vec<String>,
    texts: Vec<String>,
    gates: Vec<Gate>,
    /// Each condition's line in gates.csv.
    lines: Vec<usize>,
}

impl Conditions {
    fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Adds the condition `name` of gates.csv line `line`.
    pub(in crate::policy) fn push(&mut self, name: String, text: String, gate: Gate, line: usize) {
        self.names.push(name);
        self.texts.push(text);
        self.gates.push(gate);
        self.lines.push(line);
    }

    /// Each condition's gates.csv line and the script helpers it names through `memo` itself
    /// (not through the conditions it uses, which are reported at their own lines).
    pub(in crate::policy) fn memos(&self) -> impl Iterator<Item = (usize, Vec<&str>)> {
        self.lines
            .iter()
            .zip(&self.gates)
            .map(|(line, g)| (*line, g.memos()))
    }

    /// Each condition's name and its gate as written, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.texts.iter().map(String::as_str))
    }

    /// The expanded size of the condition at `index` (see [`Gate::size`]).
    fn size(&self, index: usize) -> usize {
        self.gates.get(index).map_or(1, |g| g.size)
    }

    /// Whether a condition of this name is defined.
    pub(in crate::policy) fn contains(&self, name: &str) -> bool {
        self.index(name).is_some()
    }
}

impl Gate {
    /// The gate that always holds (an empty condition of a table rule's row).
    pub(in crate::policy) fn always() -> Gate {
        Gate {
            expr: Expr::And(Vec::new()),
            size: 1,
        }
    }

    /// Its tests and operators, named conditions expanded: what evaluating it costs, at most.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Evaluates the gate; `conditions` are the pack's.
    pub(crate) fn eval(&self, conditions: &Conditions, input: &GateInput<'_>) -> Tri {
        eval(&self.expr, conditions, input)
    }

    /// The script helpers the gate names through `memo` itself: those of the named conditions
    /// it uses are their own ([`Conditions::memos`]), so a bad one is reported once, at its line.
    pub(crate) fn memos(&self) -> Vec<&str> {
        let mut out = Vec::new();
        walk(&self.expr, None, &mut |e| {
            if let Expr::Memo(n) = e {
                out.push(n.as_str());
            }
        });
        out
    }

    /// The facts the gate reads (its conditions' included), each once.
    pub(crate) fn facts<'a>(&'a self, conditions: &'a Conditions) -> Vec<&'a Fact> {
        let mut out: Vec<&Fact> = Vec::new();
        walk(&self.expr, Some(conditions), &mut |e| {
            let f = match e {
                Expr::In(Subject::Fact(f), _)
                | Expr::Has(f, _)
                | Expr::Meets(f, ..)
                | Expr::Known(f)
                | Expr::Within(f, _)
                | Expr::Empty(f) => f,
                _ => return,
            };
            if !out.iter().any(|o| o.path == f.path) {
                out.push(f);
            }
        });
        out
    }

    /// Whether the gate can be unknown at all: it has a test that is unknown where its fact (or
    /// the category, or a helper's value) is. A gate of `known` tests only is always true or
    /// false.
    pub(crate) fn can_be_unknown(&self, conditions: &Conditions) -> bool {
        let mut found = false;
        walk(&self.expr, Some(conditions), &mut |e| {
            found |= matches!(
                e,
                Expr::In(Subject::Fact(_) | Subject::Category, _)
                    | Expr::Has(..)
                    | Expr::Empty(_)
                    | Expr::Meets(..)
                    | Expr::Within(..)
                    | Expr::Memo(_)
            );
        });
        found
    }

    /// The parameter the gate compares `path` with through `meets`, if it does.
    pub(crate) fn threshold_of<'a>(
        &'a self,
        conditions: &'a Conditions,
        path: &str,
    ) -> Option<&'a str> {
        let mut found = None;
        walk(&self.expr, Some(conditions), &mut |e| {
            if let Expr::Meets(f, _, _, param) = e
                && f.path == path
                && found.is_none()
            {
                found = Some(param.as_str());
            }
        });
        found
    }
}

/// Calls `visit` on every expression of `expr`, and of the named conditions it uses where
/// `conditions` are given (without them, a condition is visited as the name it is).
fn walk<'a>(expr: &'a Expr, conditions: Option<&'a Conditions>, visit: &mut dyn FnMut(&'a Expr)) {
    visit(expr);
    match expr {
        Expr::And(parts) | Expr::Or(parts) => {
            for p in parts {
                walk(p, conditions, visit);
            }
        }
        Expr::Not(inner) => walk(inner, conditions, visit),
        Expr::Condition(i) => {
            if let Some(g) = conditions.and_then(|c| c.gates.get(*i)) {
                walk(&g.expr, conditions, visit);
            }
        }
        _ => {}
    }
}

fn eval(expr: &Expr, conditions: &Conditions, input: &GateInput<'_>) -> Tri {
    match expr {
        Expr::And(parts) => {
            let mut out = Tri::True;
            for p in parts {
                match eval(p, conditions, input) {
                    Tri::False => return Tri::False,
                    Tri::Unknown => out = Tri::Unknown,
                    Tri::True => {}
                }
            }
            out
        }
        Expr::Or(parts) => {
            let mut out = Tri::False;
            for p in parts {
                match eval(p, conditions, input) {
                    Tri::True => return Tri::True,
                    Tri::Unknown => out = Tri::Unknown,
                    Tri::False => {}
                }
            }
            out
        }
        Expr::Not(inner) => eval(inner, conditions, input).not(),
        // Conditions only name earlier ones, so this recursion ends.
        Expr::Condition(i) => conditions
            .gates
            .get(*i)
            .map_or(Tri::Unknown, |g| eval(&g.expr, conditions, input)),
        Expr::In(subject, values) => match subject {
            Subject::Instrument => Tri::of(
                values
                    .iter()
                    .any(|v| word(v, input.app.instrument.as_str())),
            ),
            Subject::Phase => Tri::of(values.iter().any(|v| word(v, input.phase.as_str()))),
            Subject::Category => match input.category {
                None => Tri::Unknown,
                Some(c) => {
                    let name = c.map_or("none", Category::as_str);
                    Tri::of(values.iter().any(|v| word(v, name)))
                }
            },
            Subject::Fact(f) => {
                let v = input.read(f);
                if is_unknown(&v) {
                    return Tri::Unknown;
                }
                let mut out = Tri::False;
                for lit in values {
                    match peek::equals(&v, lit) {
                        Some(true) => return Tri::True,
                        Some(false) => {}
                        // A value of another type than the fact's: the gate does not decide.
                        None => out = Tri::Unknown,
                    }
                }
                out
            }
        },
        Expr::Has(f, values) => peek::has(&input.read(f), values),
        Expr::Meets(f, comparator, threshold, _) => {
            let v = input.read(f);
            if is_unknown(&v) {
                return Tri::Unknown;
            }
            peek::compare(&v, threshold).map_or(Tri::Unknown, |o| Tri::of(comparator.holds(o)))
        }
        Expr::Known(f) => Tri::of(!is_unknown(&input.read(f))),
        Expr::Within(f, prefixes) => peek::within(&input.read(f), prefixes),
        Expr::Empty(f) => peek::is_empty(&input.read(f)).map_or(Tri::Unknown, Tri::of),
        Expr::Memo(name) => input.hooks.map_or(Tri::Unknown, |h| h.memo(name)),
        Expr::Added(list) => input.hooks.map_or(Tri::Unknown, |h| Tri::of(h.added(list))),
    }
}

fn word(lit: &Lit, name: &str) -> bool {
    matches!(lit, Lit::Word(w) if w == name)
}

/// Whether a fact's value is unknown (`()` to a script).
fn is_unknown(v: &Peeked<'_>) -> bool {
    match v {
        Peeked::Unknown => true,
        Peeked::Script(d) => d.is_unit(),
        _ => false,
    }
}
