//! The gate language's parser: tokens, the grammar of the module's documentation, and the
//! checks of what a gate names (facts, parameters, conditions, values).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::{Conditions, Expr, Fact, Gate, Lit, Subject};
use crate::application::vocab;
use crate::application::{FieldKind, Instrument, Values, field_kinds, field_specs};
use crate::policy::params::{Param, ParamValue};
use crate::policy::rules::Phase;

/// What a gate may name: facts (through the script layer's readers), the pack's parameters and
/// its earlier conditions.
pub(in crate::policy) struct Names<'a> {
    pub reader: fn(&str) -> Option<Fact>,
    pub params: &'a BTreeMap<String, Param>,
    pub conditions: &'a Conditions,
    /// The lists a table rule's earlier rows collect (`add <list>`), which `added <list>` may
    /// test; `None` outside `checks.csv`, where `added` is refused.
    pub lists: Option<&'a BTreeSet<String>>,
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
    /// A number, with its text as written (`014` for a code's leading digits).
    Number(Decimal, String),
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
                    Ok(n) if c.is_ascii_digit() || c == '-' => Tok::Number(n, w.to_owned()),
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
    /// `not` and parentheses open around the current position.
    depth: usize,
    /// Reading the values after `has`: items of a list fact, not the fact's own value.
    items: bool,
}

/// How deep `not` and parentheses may nest in a condition.
const MAX_DEPTH: usize = 32;

/// How many tests a condition may expand to, a named condition counted each time it is used:
/// evaluating a gate, and walking it at load, are linear in this.
const MAX_SIZE: usize = 512;

const KEYWORDS: [&str; 11] = [
    "and", "or", "not", "in", "has", "meets", "known", "empty", "memo", "added", "within",
];

/// Words a condition may not be named.
pub(in crate::policy) const RESERVED: [&str; 16] = [
    "within",
    "memo",
    "added",
    "and",
    "or",
    "not",
    "in",
    "has",
    "meets",
    "known",
    "empty",
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
        self.joined("or", Self::conj, Expr::Or)
    }

    fn conj(&mut self) -> Result<Expr, GateError> {
        self.joined("and", Self::unary, Expr::And)
    }

    /// One or more `part`s separated by `keyword`: the part itself where there is one, else
    /// `join` of them all.
    fn joined(
        &mut self,
        keyword: &str,
        part: fn(&mut Self) -> Result<Expr, GateError>,
        join: fn(Vec<Expr>) -> Expr,
    ) -> Result<Expr, GateError> {
        let mut parts = vec![part(self)?];
        while self.keyword(keyword) {
            parts.push(part(self)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            join(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, GateError> {
        let nested = matches!(self.peek(), Some(Tok::Open))
            || matches!(self.peek(), Some(Tok::Word(w)) if w == "not");
        if !nested {
            return self.test();
        }
        if self.depth >= MAX_DEPTH {
            return self.err(format!(
                "`not` and parentheses nest more than {MAX_DEPTH} deep"
            ));
        }
        self.depth += 1;
        let out = if self.keyword("not") {
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else {
            self.pos += 1;
            self.gate()
                .and_then(|inner| self.expect(&Tok::Close, "`)`").map(|()| inner))
        };
        self.depth -= 1;
        out
    }

    /// `memo HELPER` or `added LIST`, after its keyword.
    fn named_test(&mut self, keyword: &str) -> Result<Expr, GateError> {
        let Some(Tok::Word(name)) = self.peek().cloned() else {
            return self.err(if keyword == "memo" {
                "expected the name of a script helper after `memo`"
            } else {
                "expected the name of a list after `added`"
            });
        };
        if keyword == "memo" {
            self.pos += 1;
            return Ok(Expr::Memo(name));
        }
        let Some(lists) = self.names.lists else {
            return self.err(
                "`added` tests a list a table rule's rows collect: it is for `checks.csv` only",
            );
        };
        if !lists.contains(&name) {
            return self.err(format!(
                "no earlier row of this rule adds to a list `{name}` (`add {name}`)"
            ));
        }
        self.pos += 1;
        Ok(Expr::Added(name))
    }

    fn test(&mut self) -> Result<Expr, GateError> {
        let start = self.at();
        let Some(Tok::Word(name)) = self.peek().cloned() else {
            return self.err("expected a fact, `instrument`, `phase`, `category` or a condition");
        };
        if name == "memo" || name == "added" {
            self.pos += 1;
            return self.named_test(&name);
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
                    Some(fact) => Subject::Fact(fact),
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
                // `has` compares the items with words, so a list of objects does not take it.
                list_fact(
                    &f,
                    "has",
                    &[FieldKind::List],
                    "compare it with `=` or `in`",
                    start,
                )?;
                self.items = true;
                let values = if self.peek() == Some(&Tok::OpenList) {
                    self.list(&Subject::Fact(f.clone()))
                } else {
                    self.value(&Subject::Fact(f.clone())).map(|v| vec![v])
                };
                self.items = false;
                return Ok(Expr::Has(f, values?));
            }
            Some(Tok::Word(w)) if w == "within" && !negated => {
                self.pos += 1;
                let f = fact(&subject, "within")?;
                return self.within(f, start);
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
            Some(Tok::Word(w)) if w == "empty" && !negated => {
                self.pos += 1;
                let f = fact(&subject, "empty")?;
                list_fact(
                    &f,
                    "empty",
                    &[FieldKind::List, FieldKind::ObjectList],
                    "test it with `known`",
                    start,
                )?;
                return Ok(Expr::Empty(f));
            }
            _ if negated => return self.err("expected `in` after `not`"),
            _ => {
                return self.err(
                    "expected `=`, `!=`, `in`, `not in`, `has`, `meets`, `within`, `known` or `empty`",
                );
            }
        };
        Ok(if negated {
            Expr::Not(Box::new(expr))
        } else {
            expr
        })
    }

    /// `fact within [prefix, ...]`: an ISIC code fact against the leading digits of codes (its
    /// group, division or class), each a prefix of some code of the list.
    fn within(&mut self, f: Fact, start: usize) -> Result<Expr, GateError> {
        let isic = crate::codes::isic();
        if !matches!(takes(f.path), Takes::Codes(list) if std::ptr::eq(list, isic)) {
            return Err(GateError {
                at: start,
                message: format!(
                    "`within` needs an ISIC code fact (`project.sector`); `{}` is not one",
                    f.path
                ),
            });
        }
        self.expect(&Tok::OpenList, "`[`")?;
        let mut prefixes = Vec::new();
        loop {
            let raw = match self.peek() {
                Some(Tok::Number(_, raw)) => raw.clone(),
                Some(Tok::Word(w)) => w.clone(),
                _ => return self.err("expected the leading digits of an ISIC code"),
            };
            if !isic
                .entries
                .keys()
                .any(|code| code.starts_with(raw.as_str()))
            {
                return self.err(format!(
                    "`{raw}` begins no ISIC Rev.4 code (a misspelt prefix would skip the rule)"
                ));
            }
            self.pos += 1;
            prefixes.push(raw);
            if self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.expect(&Tok::CloseList, "`,` or `]`")?;
        Ok(Expr::Within(f, prefixes))
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
            Some(Tok::Number(n, _)) => Lit::Number(n),
            Some(Tok::Word(w)) if w == "true" => Lit::Bool(true),
            Some(Tok::Word(w)) if w == "false" => Lit::Bool(false),
            Some(Tok::Word(w)) => Lit::Word(w),
            _ => return self.err("expected a value"),
        };
        let valid = match (subject, &lit) {
            (Subject::Instrument, Lit::Word(w)) => Instrument::from_name(w).is_some(),
            (Subject::Phase, Lit::Word(w)) => Phase::ALL.iter().any(|p| p.as_str() == w),
            (Subject::Category, Lit::Word(w)) => matches!(w.as_str(), "A" | "B" | "C" | "none"),
            (Subject::Fact(f), Lit::Word(w)) if self.items => item_takes(f.path, w),
            (Subject::Fact(f), lit) if !self.items => fact_takes(f.path, lit),
            _ => false,
        };
        if !valid {
            let expected = match subject {
                Subject::Instrument => {
                    "an instrument (export_credit, project_finance, trade_mission)"
                }
                Subject::Phase => "a phase (facts, floors, steps, final)",
                Subject::Category => "a category (A, B, C or none)",
                Subject::Fact(f) if self.items => &format!(
                    "an item `{}` can hold (a word of its vocabulary; a misspelt value would skip the rule)",
                    f.path
                ),
                Subject::Fact(f) => &format!(
                    "a value `{}` can have ({}; a misspelt value would skip the rule)",
                    f.path,
                    kind_expected(f.path)
                ),
            };
            return self.err(format!("`{lit}` is not {expected}"));
        }
        self.pos += 1;
        Ok(lit)
    }
}

/// Refuses `keyword` on the fact `f` unless it is a list of one of `kinds`; `instead` says what
/// to write for the fact.
fn list_fact(
    f: &Fact,
    keyword: &str,
    kinds: &[FieldKind],
    instead: &str,
    at: usize,
) -> Result<(), GateError> {
    if field_kinds().get(f.path).is_some_and(|k| kinds.contains(k)) {
        return Ok(());
    }
    Err(GateError {
        at,
        message: format!(
            "`{keyword}` needs a list fact; `{}` is not a list ({instead})",
            f.path
        ),
    })
}

/// Words a fact without a vocabulary can still have: the contract's spelled-out answers.
const SPECIAL_WORDS: [(&str, &str); 2] = [
    ("applicant.kvk_number", "none"),
    ("applicant.transparency_benchmark_score", "not_in_benchmark"),
];

/// What the field at `path` takes, for comparing it in a gate.
enum Takes {
    /// A term of this vocabulary (for a list: each item).
    Terms(&'static vocab::Vocab),
    /// A code of this compiled-in list (countries, ISIC): not compared in gates, but an ISIC
    /// code is tested by its leading digits (`within`).
    Codes(&'static crate::codes::CodeList),
    /// Anything its check accepts: a decimal written as a string, a date, text.
    Free,
    /// Not in the contract's field list: nothing (every fact a gate can name is in it).
    Unlisted,
}

fn takes(path: &str) -> Takes {
    match field_specs()
        .iter()
        .find(|s| s.path == path)
        .map(|s| s.values)
    {
        Some(Values::Terms(v)) => Takes::Terms(v),
        Some(Values::Codes(list)) => Takes::Codes(list),
        Some(Values::Free) => Takes::Free,
        None => Takes::Unlisted,
    }
}

/// Whether a value written in a gate is of the kind the fact at `path` has: `true` or `false`
/// for a yes/no fact, a number for a count or a decimal, a word of its vocabulary for a term.
/// A value of another kind never equals the fact: the test would stay unknown wherever the
/// fact is known, and the gate would never decide anything.
fn fact_takes(path: &str, lit: &Lit) -> bool {
    let kind = field_kinds().get(path).copied();
    match (kind, lit) {
        (Some(FieldKind::Bool), Lit::Bool(_)) | (Some(FieldKind::Int), Lit::Number(_)) => true,
        (Some(FieldKind::Int | FieldKind::Text), Lit::Word(w))
            if SPECIAL_WORDS.contains(&(path, w.as_str())) =>
        {
            true
        }
        (Some(FieldKind::Text), Lit::Word(w)) => match takes(path) {
            Takes::Terms(v) => v.values.contains(&w.as_str()),
            Takes::Codes(_) | Takes::Free | Takes::Unlisted => false,
        },
        (Some(FieldKind::Text), Lit::Number(_)) => matches!(takes(path), Takes::Free),
        _ => false,
    }
}

/// Whether a word can be an item of the list fact at `path` (after `has`).
fn item_takes(path: &str, w: &str) -> bool {
    match takes(path) {
        Takes::Terms(v) => v.values.contains(&w),
        Takes::Codes(_) | Takes::Free | Takes::Unlisted => false,
    }
}

/// What a gate may compare the fact at `path` with, as an error says it.
fn kind_expected(path: &str) -> &'static str {
    match field_kinds().get(path) {
        Some(FieldKind::Bool) => "`true` or `false`",
        Some(FieldKind::Int) => "a number",
        Some(FieldKind::Text) => match takes(path) {
            Takes::Terms(_) => "a word of its vocabulary",
            Takes::Codes(_) => "nothing: codes are not compared in gates",
            Takes::Free => "a number (a decimal); dates and text are not compared in gates",
            Takes::Unlisted => "no value",
        },
        // `has` takes the list's items; `=` and `in` never equal a list.
        Some(FieldKind::List | FieldKind::ObjectList) => "a list: test its items with `has`",
        Some(FieldKind::Section) | None => "no value",
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
        depth: 0,
        items: false,
    };
    let expr = p.gate()?;
    if p.pos < p.toks.len() {
        return p.err("expected `and`, `or` or the end of the gate");
    }
    let size = expanded_size(&expr, names.conditions);
    if size > MAX_SIZE {
        return Err(GateError {
            at: 1,
            message: format!(
                "the condition expands to {size} tests, more than {MAX_SIZE} (a named condition counts each time it is used)"
            ),
        });
    }
    Ok(Gate { expr, size })
}

/// The tests and operators of `expr`, a named condition counted at its own expanded size.
fn expanded_size(expr: &Expr, conditions: &Conditions) -> usize {
    match expr {
        Expr::And(parts) | Expr::Or(parts) => parts.iter().fold(1usize, |n, p| {
            n.saturating_add(expanded_size(p, conditions))
        }),
        Expr::Not(inner) => expanded_size(inner, conditions).saturating_add(1),
        Expr::Condition(i) => conditions.size(*i),
        _ => 1,
    }
}
