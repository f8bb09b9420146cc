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
//!          | "memo" HELPER                          a script helper's memoised value
//! subject := "instrument" | "phase" | "category" | fact
//! ```
//!
//! `memo HELPER` is the value of `memo("HELPER", app)` in the pack's scripts: true, false, or
//! unknown where the helper returned `()`. A rule's gate reads only a value some rule already
//! memoised in this screening (unknown before: the rule runs); a table rule's check computes it
//! as a script's `memo` call would.
//!
//! `category` is known from the steps phase on (it is the category the steps phase reads, `none`
//! where the application is not categorised); in the facts and floors phases it is unknown.

mod load;

use std::collections::BTreeMap;
use std::fmt;

use rhai::Dynamic;
use rust_decimal::Decimal;

pub(super) use load::compile_gates;

use super::params::{Comparator, Param, ParamValue};
use super::rules::Phase;
use crate::application::vocab::{self, Term};
use crate::application::{Application, Instrument};
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

impl GateInput<'_> {
    fn read(&self, f: &Fact) -> Dynamic {
        if let Some(h) = self.hooks {
            h.read(f.path);
        }
        (f.read)(self.app)
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
    pub read: Reader,
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
    /// A script helper's memoised value.
    Memo(String),
}

/// A compiled gate: a rule's `when`, or a named condition.
#[derive(Debug, Clone)]
pub struct Gate {
    expr: Expr,
}

/// The conditions of a pack (`gates.csv`), in file order; a condition may use earlier ones.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    names: Vec<String>,
    texts: Vec<String>,
    gates: Vec<Gate>,
}

impl Conditions {
    fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    pub(in crate::policy) fn push(&mut self, name: String, text: String, gate: Gate) {
        self.names.push(name);
        self.texts.push(text);
        self.gates.push(gate);
    }

    /// Each condition's name and its gate as written, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.texts.iter().map(String::as_str))
    }

    /// Whether a condition of this name is defined.
    pub(in crate::policy) fn contains(&self, name: &str) -> bool {
        self.index(name).is_some()
    }
}

impl Gate {
    /// Evaluates the gate; `conditions` are the pack's.
    pub(crate) fn eval(&self, conditions: &Conditions, input: &GateInput<'_>) -> Tri {
        eval(&self.expr, conditions, input)
    }

    /// The script helpers the gate names through `memo` (its conditions' included).
    pub(crate) fn memos<'a>(&'a self, conditions: &'a Conditions) -> Vec<&'a str> {
        let mut out = Vec::new();
        walk(&self.expr, conditions, &mut |e| {
            if let Expr::Memo(n) = e {
                out.push(n.as_str());
            }
        });
        out
    }

    /// The facts the gate reads (its conditions' included), each once.
    pub(crate) fn facts<'a>(&'a self, conditions: &'a Conditions) -> Vec<&'a Fact> {
        let mut out: Vec<&Fact> = Vec::new();
        walk(&self.expr, conditions, &mut |e| {
            let f = match e {
                Expr::In(Subject::Fact(f), _)
                | Expr::Has(f, _)
                | Expr::Meets(f, ..)
                | Expr::Known(f) => f,
                _ => return,
            };
            if !out.iter().any(|o| o.path == f.path) {
                out.push(f);
            }
        });
        out
    }

    /// The parameter the gate compares `path` with through `meets`, if it does.
    pub(crate) fn threshold_of<'a>(
        &'a self,
        conditions: &'a Conditions,
        path: &str,
    ) -> Option<&'a str> {
        let mut found = None;
        walk(&self.expr, conditions, &mut |e| {
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

/// Calls `visit` on every expression of `expr`, following named conditions.
fn walk<'a>(expr: &'a Expr, conditions: &'a Conditions, visit: &mut dyn FnMut(&'a Expr)) {
    visit(expr);
    match expr {
        Expr::And(parts) | Expr::Or(parts) => {
            for p in parts {
                walk(p, conditions, visit);
            }
        }
        Expr::Not(inner) => walk(inner, conditions, visit),
        Expr::Condition(i) => {
            if let Some(g) = conditions.gates.get(*i) {
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
                if v.is_unit() {
                    return Tri::Unknown;
                }
                let mut out = Tri::False;
                for lit in values {
                    match equals(&v, lit) {
                        Some(true) => return Tri::True,
                        Some(false) => {}
                        // A value of another type than the fact's: the gate does not decide.
                        None => out = Tri::Unknown,
                    }
                }
                out
            }
        },
        Expr::Has(f, values) => {
            let v = input.read(f);
            if v.is_unit() {
                return Tri::Unknown;
            }
            let Some(items) = v.read_lock::<rhai::Array>() else {
                return Tri::Unknown;
            };
            let mut out = Tri::False;
            for item in items.iter() {
                for lit in values {
                    match equals(item, lit) {
                        Some(true) => return Tri::True,
                        Some(false) => {}
                        None => out = Tri::Unknown,
                    }
                }
            }
            out
        }
        Expr::Meets(f, comparator, threshold, _) => {
            let v = input.read(f);
            if v.is_unit() {
                return Tri::Unknown;
            }
            compare(&v, threshold).map_or(Tri::Unknown, |o| Tri::of(comparator.holds(o)))
        }
        Expr::Known(f) => Tri::of(!input.read(f).is_unit()),
        Expr::Memo(name) => input.hooks.map_or(Tri::Unknown, |h| h.memo(name)),
    }
}

fn word(lit: &Lit, name: &str) -> bool {
    matches!(lit, Lit::Word(w) if w == name)
}

/// Whether a fact's value equals a literal; `None` where their types differ.
fn equals(v: &Dynamic, lit: &Lit) -> Option<bool> {
    match lit {
        Lit::Bool(b) => v.as_bool().ok().map(|x| x == *b),
        Lit::Number(n) => v
            .as_int()
            .ok()
            .map(|i| Decimal::from(i) == *n)
            .or_else(|| v.as_decimal().ok().map(|d| d == *n)),
        Lit::Word(w) => {
            if let Some(t) = v.read_lock::<Term>() {
                return Some(t.as_str() == w);
            }
            v.read_lock::<rhai::ImmutableString>()
                .map(|s| s.as_str() == w)
        }
    }
}

/// A fact against a threshold, as the scripts' `meets` compares them (never money: an amount in
/// another currency would need the SDR rate, which the decision records as used).
fn compare(v: &Dynamic, threshold: &ParamValue) -> Option<std::cmp::Ordering> {
    match threshold {
        ParamValue::Decimal(t) => v
            .as_decimal()
            .ok()
            .or_else(|| v.as_int().ok().map(Decimal::from))
            .map(|x| x.cmp(t)),
        ParamValue::Int(t) => match (v.as_int(), v.as_decimal()) {
            (Ok(i), _) => Some(i.cmp(t)),
            (_, Ok(x)) => Some(x.cmp(&Decimal::from(*t))),
            _ => None,
        },
        ParamValue::Date(t) => v.read_lock::<chrono::NaiveDate>().map(|d| d.cmp(t)),
        ParamValue::Money(_) => None,
    }
}

/// What a gate may name: facts (through the script layer's readers), the pack's parameters and
/// its earlier conditions.
pub(in crate::policy) struct Names<'a> {
    pub reader: fn(&str) -> Option<(&'static str, Reader)>,
    pub params: &'a BTreeMap<String, Param>,
    pub conditions: &'a Conditions,
}

/// Why a gate does not compile: the character (1-based) and what is wrong.
#[derive(Debug)]
pub(in crate::policy) struct GateError {
    pub at: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Number(Decimal),
    Open,
    Close,
    OpenList,
    CloseList,
    Comma,
    Eq,
    NotEq,
}

fn tokens(text: &str) -> Result<Vec<(usize, Tok)>, GateError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        let col = text.get(..at).map_or(0, |s| s.chars().count()) + 1;
        i += 1;
        let tok = match c {
            ' ' | '\t' => continue,
            '(' => Tok::Open,
            ')' => Tok::Close,
            '[' => Tok::OpenList,
            ']' => Tok::CloseList,
            ',' => Tok::Comma,
            '=' => Tok::Eq,
            '!' if chars.get(i).is_some_and(|&(_, n)| n == '=') => {
                i += 1;
                Tok::NotEq
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                let mut end = text.len();
                while let Some(&(j, n)) = chars.get(i) {
                    if n.is_ascii_alphanumeric() || matches!(n, '_' | '-' | '.') {
                        i += 1;
                    } else {
                        end = j;
                        break;
                    }
                }
                let w = text.get(at..end).unwrap_or_default();
                match w.parse::<Decimal>() {
                    Ok(n) if c.is_ascii_digit() || c == '-' => Tok::Number(n),
                    _ => Tok::Word(w.to_owned()),
                }
            }
            other => {
                return Err(GateError {
                    at: col,
                    message: format!("unexpected character `{other}`"),
                });
            }
        };
        out.push((col, tok));
    }
    Ok(out)
}

struct Parser<'a, 'n> {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
    names: &'a Names<'n>,
}

const KEYWORDS: [&str; 8] = ["and", "or", "not", "in", "has", "meets", "known", "memo"];

/// Words a condition may not be named.
pub(in crate::policy) const RESERVED: [&str; 13] = [
    "memo",
    "and",
    "or",
    "not",
    "in",
    "has",
    "meets",
    "known",
    "true",
    "false",
    "instrument",
    "phase",
    "category",
];

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(c, _)| *c)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, GateError> {
        Err(GateError {
            at: self.at(),
            message: message.into(),
        })
    }

    fn keyword(&mut self, k: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(w)) if w == k) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Tok, what: &str) -> Result<(), GateError> {
        if self.peek() == Some(t) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected {what}"))
        }
    }

    fn gate(&mut self) -> Result<Expr, GateError> {
        let mut parts = vec![self.conj()?];
        while self.keyword("or") {
            parts.push(self.conj()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn conj(&mut self) -> Result<Expr, GateError> {
        let mut parts = vec![self.unary()?];
        while self.keyword("and") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, GateError> {
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Tok::Open) {
            self.pos += 1;
            let inner = self.gate()?;
            self.expect(&Tok::Close, "`)`")?;
            return Ok(inner);
        }
        self.test()
    }

    fn test(&mut self) -> Result<Expr, GateError> {
        let start = self.at();
        let Some(Tok::Word(name)) = self.peek().cloned() else {
            return self.err("expected a fact, `instrument`, `phase`, `category` or a condition");
        };
        if name == "memo" {
            self.pos += 1;
            let Some(Tok::Word(helper)) = self.peek().cloned() else {
                return self.err("expected the name of a script helper after `memo`");
            };
            self.pos += 1;
            return Ok(Expr::Memo(helper));
        }
        if KEYWORDS.contains(&name.as_str()) {
            return self.err(format!("expected a fact or a condition, found `{name}`"));
        }
        self.pos += 1;
        let subject = match name.as_str() {
            "instrument" => Subject::Instrument,
            "phase" => Subject::Phase,
            "category" => Subject::Category,
            _ => {
                if let Some(i) = self.names.conditions.index(&name) {
                    return Ok(Expr::Condition(i));
                }
                match (self.names.reader)(&name) {
                    Some((path, read)) => Subject::Fact(Fact { path, read }),
                    None => {
                        return Err(GateError {
                            at: start,
                            message: format!(
                                "`{name}` is not a fact of the contract, `instrument`, `phase`, `category` or a condition of gates.csv defined above"
                            ),
                        });
                    }
                }
            }
        };
        let fact = |s: &Subject, what: &str| -> Result<Fact, GateError> {
            match s {
                Subject::Fact(f) => Ok(f.clone()),
                _ => Err(GateError {
                    at: start,
                    message: format!("`{what}` needs a fact, not `{name}`"),
                }),
            }
        };
        let negated = self.keyword("not");
        let expr = match self.peek().cloned() {
            Some(Tok::Eq | Tok::NotEq) if !negated => {
                let ne = self.peek() == Some(&Tok::NotEq);
                self.pos += 1;
                let v = self.value(&subject)?;
                let e = Expr::In(subject, vec![v]);
                return Ok(if ne { Expr::Not(Box::new(e)) } else { e });
            }
            Some(Tok::Word(w)) if w == "in" => {
                self.pos += 1;
                let values = self.list(&subject)?;
                Expr::In(subject, values)
            }
            Some(Tok::Word(w)) if w == "has" && !negated => {
                self.pos += 1;
                let f = fact(&subject, "has")?;
                let values = if self.peek() == Some(&Tok::OpenList) {
                    self.list(&Subject::Fact(f.clone()))?
                } else {
                    vec![self.value(&Subject::Fact(f.clone()))?]
                };
                return Ok(Expr::Has(f, values));
            }
            Some(Tok::Word(w)) if w == "meets" && !negated => {
                self.pos += 1;
                let f = fact(&subject, "meets")?;
                return self.meets(f);
            }
            Some(Tok::Word(w)) if w == "known" && !negated => {
                self.pos += 1;
                return Ok(Expr::Known(fact(&subject, "known")?));
            }
            _ if negated => return self.err("expected `in` after `not`"),
            _ => return self.err("expected `=`, `!=`, `in`, `not in`, `has`, `meets` or `known`"),
        };
        Ok(if negated {
            Expr::Not(Box::new(expr))
        } else {
            expr
        })
    }

    fn meets(&mut self, f: Fact) -> Result<Expr, GateError> {
        let Some(Tok::Word(param)) = self.peek().cloned() else {
            return self.err("expected a parameter of params.csv after `meets`");
        };
        let Some(p) = self.names.params.get(&param) else {
            return self.err(format!(
                "parameter `{param}` is not in the pack's params.csv"
            ));
        };
        let Some(comparator) = p.comparator else {
            return self.err(format!("parameter `{param}` has no comparator"));
        };
        if matches!(p.value, ParamValue::Money(_)) {
            return self.err(format!(
                "parameter `{param}` is an amount of money: comparing it may need an SDR rate, which only a rule may use (the decision records it)"
            ));
        }
        self.pos += 1;
        Ok(Expr::Meets(f, comparator, p.value.clone(), param))
    }

    fn list(&mut self, subject: &Subject) -> Result<Vec<Lit>, GateError> {
        self.expect(&Tok::OpenList, "`[`")?;
        let mut out = vec![self.value(subject)?];
        while self.peek() == Some(&Tok::Comma) {
            self.pos += 1;
            out.push(self.value(subject)?);
        }
        self.expect(&Tok::CloseList, "`,` or `]`")?;
        Ok(out)
    }

    fn value(&mut self, subject: &Subject) -> Result<Lit, GateError> {
        let lit = match self.peek().cloned() {
            Some(Tok::Number(n)) => Lit::Number(n),
            Some(Tok::Word(w)) if w == "true" => Lit::Bool(true),
            Some(Tok::Word(w)) if w == "false" => Lit::Bool(false),
            Some(Tok::Word(w)) => Lit::Word(w),
            _ => return self.err("expected a value"),
        };
        let valid = match (subject, &lit) {
            (Subject::Instrument, Lit::Word(w)) => Instrument::from_name(w).is_some(),
            (Subject::Phase, Lit::Word(w)) => Phase::ALL.iter().any(|p| p.as_str() == w),
            (Subject::Category, Lit::Word(w)) => matches!(w.as_str(), "A" | "B" | "C" | "none"),
            (Subject::Fact(f), Lit::Word(w)) => fact_word(f.path, w),
            (Subject::Fact(_), _) => true,
            _ => false,
        };
        if !valid {
            let expected = match subject {
                Subject::Instrument => {
                    "an instrument (export_credit, project_finance, trade_mission)"
                }
                Subject::Phase => "a phase (facts, floors, steps, final)",
                Subject::Category => "a category (A, B, C or none)",
                Subject::Fact(f) => &format!(
                    "a value `{}` can have (a misspelt value would skip the rule)",
                    f.path
                ),
            };
            return self.err(format!("`{lit}` is not {expected}"));
        }
        self.pos += 1;
        Ok(lit)
    }
}

/// Whether a word can be a value of the fact at `path`: a value of its vocabulary, where one is
/// named as the field is (`project.fuel`: `fuel`; `project.activities`: `activity`), or else of
/// some vocabulary of the contract. Free text (country codes, ISIC codes) is not compared in
/// gates: a misspelt value would silently skip a rule.
fn fact_word(path: &str, w: &str) -> bool {
    let field = path.rsplit('.').next().unwrap_or(path);
    let singular = field
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| field.strip_suffix('s').map(str::to_owned));
    let own = vocab::ALL
        .iter()
        .find(|v| v.name == field || singular.as_deref() == Some(v.name));
    match own {
        Some(v) => v.values.contains(&w),
        None => vocab::ALL.iter().any(|v| v.values.contains(&w)),
    }
}

/// Compiles a gate's text against what it may name.
pub(in crate::policy) fn compile(text: &str, names: &Names<'_>) -> Result<Gate, GateError> {
    let toks = tokens(text)?;
    let end = text.chars().count() + 1;
    let mut p = Parser {
        toks,
        pos: 0,
        end,
        names,
    };
    let expr = p.gate()?;
    if p.pos < p.toks.len() {
        return p.err("expected `and`, `or` or the end of the gate");
    }
    Ok(Gate { expr })
}
