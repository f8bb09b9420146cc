//! Message ids: every sentence a person reads, as an id and typed arguments, rendered in a
//! language from Project Fluent catalogues.
//!
//! A rule reports `msg("ca-annex-i-listed", #{item: 2})`, never a composed sentence. The finding
//! keeps the [`Message`] beside its `reason`, which is the message rendered in English when the
//! rule reported it, so the decision's bytes and hash never depend on a reader's language.
//! Rendering in another language happens where text is produced ([`crate::render`]).
//!
//! Catalogues: the engine's own (outcomes, categories, steps, headings) in `engine/messages/`,
//! compiled in; each pack's in its `messages/en.ftl` and `messages/nl.ftl`, checked when the
//! policy set loads ([`catalogue`]). Amounts, dates, numbers and lists are formatted here, as
//! each language writes them, because Fluent's own number formatting does not group digits by
//! locale.

mod cache;
pub mod catalogue;
mod format;

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::application::Money;

pub use catalogue::{Catalogue, CatalogueError, RenderError, engine_catalogue, render_engine};
pub use format::{amount, date, list, number};

/// At most this many parts (the message, each argument, each list item, each nested message's
/// parts) in one message: a script cannot build one that costs more to copy, store or render.
pub const MAX_NODES: usize = 256;

/// Messages and lists nested deeper than this are refused.
pub const MAX_DEPTH: usize = 6;

/// A rendered message longer than this (in bytes) is refused: no catalogue text multiplies an
/// argument without bound.
pub const MAX_TEXT: usize = 8192;

/// A language text is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
    /// A pseudo-language for checking that nothing is composed outside the catalogues: the
    /// English catalogue with every piece of its text wrapped in `⟦…⟧` and its vowels accented.
    Pseudo,
}

impl Lang {
    /// Every language, in the order they are offered.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Nl, Lang::Pseudo];

    /// The languages a catalogue must hold (the pseudo-language is derived from English).
    pub const CATALOGUES: [Lang; 2] = [Lang::En, Lang::Nl];

    /// The code: `en`, `nl` or `pseudo`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
            Lang::Pseudo => "pseudo",
        }
    }

    /// The language of a code (`en`, `nl`, `pseudo`; a region such as `nl-NL` is accepted).
    #[must_use]
    pub fn parse(s: &str) -> Option<Lang> {
        let code = s.trim().split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(code))
    }

    /// The best language of an HTTP `Accept-Language` header: the first listed, by quality,
    /// that imvo has (`pseudo` is never chosen this way); `None` when it names none of them.
    #[must_use]
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut offered: Vec<(u16, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1000), quality)?;
                (lang != Lang::Pseudo && q > 0).then_some((q, i, lang))
            })
            .collect();
        offered.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        offered.first().map(|o| o.2)
    }

    /// The catalogue file a pack ships for this language (`messages/en.ftl`).
    #[must_use]
    pub fn file(self) -> &'static str {
        match self {
            Lang::En | Lang::Pseudo => "messages/en.ftl",
            Lang::Nl => "messages/nl.ftl",
        }
    }
}

/// An HTTP quality value (`0.8`) in thousandths; `None` if it is not one.
fn quality(q: &str) -> Option<u16> {
    let d: Decimal = q.trim().parse().ok()?;
    if d < Decimal::ZERO || d > Decimal::ONE {
        return None;
    }
    u16::try_from((d * Decimal::from(1000)).trunc().mantissa()).ok()
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sentence as an id in a catalogue and the arguments it is written with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The Fluent message id (`ca-annex-i-listed`).
    pub id: String,
    /// The arguments by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

impl Message {
    /// A message without arguments.
    #[must_use]
    pub fn new(id: &str) -> Message {
        Message {
            id: id.to_owned(),
            args: BTreeMap::new(),
        }
    }

    /// The message with one more argument.
    #[must_use]
    pub fn with(mut self, name: &str, arg: Arg) -> Message {
        self.args.insert(name.to_owned(), arg);
        self
    }

    /// Its parts: itself, each argument, each list item, each nested message's parts.
    #[must_use]
    pub fn nodes(&self) -> usize {
        1 + self.args.values().map(Arg::nodes).sum::<usize>()
    }

    /// How deep its arguments nest (0 for plain arguments only).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.args.values().map(Arg::depth).max().unwrap_or(0)
    }
}

impl Arg {
    fn nodes(&self) -> usize {
        match self {
            Arg::Message(m) => m.nodes(),
            Arg::List(items) => 1 + items.iter().map(Arg::nodes).sum::<usize>(),
            _ => 1,
        }
    }

    fn depth(&self) -> usize {
        match self {
            Arg::Message(m) => 1 + m.depth(),
            Arg::List(items) => 1 + items.iter().map(Arg::depth).max().unwrap_or(0),
            _ => 1,
        }
    }
}

/// A typed message argument: each is written as the language writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    /// A whole number, written as is (years, counts, item numbers); plural rules apply to it.
    Int(i64),
    /// A quantity: digits grouped from 10,000 on, the language's decimal sign.
    Number(#[serde(with = "rust_decimal::serde::str")] Decimal),
    /// Money: currency code and amount, digits always grouped (`EUR 12.500.000`).
    Amount(Money),
    /// A date, written out (`12 januari 2023`).
    Date(NaiveDate),
    /// Verbatim text that no language translates: codes, names, field paths, rule ids.
    Text(String),
    /// A value of one of the contract's closed vocabularies, written as the language names it
    /// (`term-<vocab>-<value>` in the engine's catalogue), or as its code where it has no name.
    Term {
        /// The vocabulary (`activity`, `goods`, ...).
        vocab: String,
        /// The value (`thermal_power`).
        value: String,
    },
    /// Text given by data in each language (a table's `label` and `label_nl`).
    Localized(Localized),
    /// A message rendered in the same language (a part of a sentence).
    Message(Box<Message>),
    /// Items joined as the language lists them (`a, b en c`), duplicates dropped, at most
    /// twelve named.
    List(Vec<Arg>),
}

/// A text that data gives in both languages (an indicator table's `label` and `label_nl`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Localized {
    /// English.
    pub en: String,
    /// Dutch.
    pub nl: String,
}

impl Localized {
    /// The text in `lang` (the pseudo-language takes the English).
    #[must_use]
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En | Lang::Pseudo => &self.en,
        }
    }
}
