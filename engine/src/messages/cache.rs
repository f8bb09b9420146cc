//! Texts a catalogue has rendered, kept so the same message is rendered once.
//!
//! A portfolio's findings repeat a few hundred messages thousands of times (the 1,000
//! applications of the benchmark mix render 15,226 messages, 372 of them different), and
//! rendering one through Fluent costs about as much as the rest of reporting the finding.
//! Rendering is a function of the catalogue, the language and the message alone, so a catalogue
//! keeps what it rendered. Messages are told apart exactly: a decimal's written scale is part of
//! its text (`1.0` and `1.00` render differently), so decimals are compared and hashed by their
//! representation, not their value. Failures are not kept.
//!
//! Arguments can carry an applicant's values, so the cache is bounded and keyed so that no input
//! can choose collisions: at most [`MAX_TEXTS`] texts, at most [`MAX_BUCKET`] for one hash
//! (std's randomly keyed hasher), and, once full, a miss is rendered as before without taking the
//! lock. A policy set's messages are far fewer; unbounded argument values such as amounts
//! simply render each time. What is kept stays in memory for the life of the policy set,
//! applicant values in arguments included (docs/security.md, "What is logged").

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use chrono::Datelike;

use super::{Arg, Lang, Message};

/// Most texts one catalogue keeps.
pub(crate) const MAX_TEXTS: usize = 8192;

/// Most texts kept under one hash (a collision of a keyed 64-bit hash is rare).
pub(crate) const MAX_BUCKET: usize = 4;

/// The texts whose (language, message) have one hash, told apart exactly.
type Bucket = Vec<(Lang, Message, Arc<str>)>;

#[derive(Default)]
struct Texts {
    by_hash: HashMap<u64, Bucket>,
    count: usize,
}

/// Rendered texts by the keyed hash of (language, message).
#[derive(Default)]
pub(crate) struct Rendered {
    keys: RandomState,
    texts: RwLock<Texts>,
    full: AtomicBool,
}

impl Rendered {
    /// The text rendered earlier for `msg` in `lang`, if any.
    pub(crate) fn get(&self, lang: Lang, msg: &Message) -> Option<Arc<str>> {
        let key = self.key(lang, msg);
        let texts = self.texts.read().ok()?;
        texts
            .by_hash
            .get(&key)?
            .iter()
            .find(|(l, m, _)| *l == lang && same(m, msg))
            .map(|(_, _, t)| Arc::clone(t))
    }

    /// Keeps `text` as what `msg` renders to in `lang`, while there is room.
    pub(crate) fn put(&self, lang: Lang, msg: &Message, text: &Arc<str>) {
        if self.full.load(Ordering::Relaxed) {
            return;
        }
        let key = self.key(lang, msg);
        let Ok(mut texts) = self.texts.write() else {
            return;
        };
        if texts.count >= MAX_TEXTS {
            self.full.store(true, Ordering::Relaxed);
            return;
        }
        insert(&mut texts, key, lang, msg, text);
    }

    fn key(&self, lang: Lang, msg: &Message) -> u64 {
        let mut h = self.keys.build_hasher();
        h.write_u8(lang as u8);
        hash_message(&mut h, msg);
        h.finish()
    }
}

/// Adds a text under `key` unless it is there or its bucket is full.
fn insert(texts: &mut Texts, key: u64, lang: Lang, msg: &Message, text: &Arc<str>) {
    let bucket = texts.by_hash.entry(key).or_default();
    if bucket.len() >= MAX_BUCKET || bucket.iter().any(|(l, m, _)| *l == lang && same(m, msg)) {
        return;
    }
    bucket.push((lang, msg.clone(), Arc::clone(text)));
    texts.count += 1;
}

/// Whether two messages render alike: the same id and arguments, decimals with the same scale.
fn same(a: &Message, b: &Message) -> bool {
    a.id == b.id
        && a.args.len() == b.args.len()
        && a.args
            .iter()
            .zip(&b.args)
            .all(|((ka, va), (kb, vb))| ka == kb && same_arg(va, vb))
}

fn same_arg(a: &Arg, b: &Arg) -> bool {
    match (a, b) {
        (Arg::Number(x), Arg::Number(y)) => x.serialize() == y.serialize(),
        (Arg::Amount(x), Arg::Amount(y)) => {
            x.currency == y.currency && x.amount.serialize() == y.amount.serialize()
        }
        (Arg::Message(x), Arg::Message(y)) => same(x, y),
        (Arg::List(x), Arg::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_arg(a, b))
        }
        (Arg::Number(_) | Arg::Amount(_) | Arg::Message(_) | Arg::List(_), _) => false,
        _ => a == b,
    }
}

/// A string, ended so that `ab`+`c` and `a`+`bc` hash differently.
fn text(h: &mut impl Hasher, s: &str) {
    h.write(s.as_bytes());
    h.write_u8(0xff);
}

fn hash_message(h: &mut impl Hasher, m: &Message) {
    text(h, &m.id);
    for (name, arg) in &m.args {
        text(h, name);
        hash_arg(h, arg);
    }
}

fn hash_arg(h: &mut impl Hasher, a: &Arg) {
    match a {
        Arg::Int(i) => {
            h.write_u8(1);
            h.write_i64(*i);
        }
        Arg::Number(d) => {
            h.write_u8(2);
            h.write(&d.serialize());
        }
        Arg::Amount(m) => {
            h.write_u8(3);
            text(h, &m.currency);
            h.write(&m.amount.serialize());
        }
        Arg::Date(d) => {
            h.write_u8(4);
            h.write_i32(d.num_days_from_ce());
        }
        Arg::Text(t) => {
            h.write_u8(5);
            text(h, t);
        }
        Arg::Term { vocab, value } => {
            h.write_u8(6);
            text(h, vocab);
            text(h, value);
        }
        Arg::Localized(l) => {
            h.write_u8(7);
            text(h, &l.en);
            text(h, &l.nl);
        }
        Arg::Message(m) => {
            h.write_u8(8);
            hash_message(h, m);
        }
        Arg::List(items) => {
            h.write_u8(9);
            h.write_usize(items.len());
            for i in items {
                hash_arg(h, i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn messages_are_told_apart_exactly_and_kept_once() {
        let r = Rendered::default();
        let one = Message::new("m").with("x", Arg::Number(Decimal::new(10, 1)));
        let one_00 = Message::new("m").with("x", Arg::Number(Decimal::new(100, 2)));
        r.put(Lang::En, &one, &Arc::from("1.0"));
        assert_eq!(r.get(Lang::En, &one).as_deref(), Some("1.0"));
        // Equal in value, written differently: not the same message.
        assert_eq!(r.get(Lang::En, &one_00), None);
        assert_eq!(r.get(Lang::Nl, &one), None);
        let split = |a: &str, b: &str| {
            Message::new("m")
                .with("a", Arg::Text(a.into()))
                .with("b", Arg::Text(b.into()))
        };
        r.put(Lang::En, &split("ab", "c"), &Arc::from("abc"));
        assert_eq!(r.get(Lang::En, &split("a", "bc")), None);
        r.put(Lang::En, &one, &Arc::from("other"));
        assert_eq!(r.get(Lang::En, &one).as_deref(), Some("1.0"));
    }

    #[test]
    fn it_stops_growing_at_its_bound() {
        let r = Rendered::default();
        for i in 0..(MAX_TEXTS as i64 + 10) {
            r.put(
                Lang::En,
                &Message::new("m").with("i", Arg::Int(i)),
                &Arc::from("t"),
            );
        }
        let count = r.texts.read().map(|t| t.count).unwrap_or(0);
        assert_eq!(count, MAX_TEXTS);
        assert!(r.full.load(Ordering::Relaxed));
        assert_eq!(
            r.get(Lang::En, &Message::new("m").with("i", Arg::Int(0)))
                .as_deref(),
            Some("t")
        );
        assert_eq!(
            r.get(
                Lang::En,
                &Message::new("m").with("i", Arg::Int(MAX_TEXTS as i64))
            ),
            None
        );
    }

    #[test]
    fn one_hash_holds_a_few_texts_at_most() {
        let mut texts = Texts::default();
        for i in 0..10 {
            insert(
                &mut texts,
                7,
                Lang::En,
                &Message::new("m").with("i", Arg::Int(i)),
                &Arc::from("t"),
            );
        }
        assert_eq!(texts.count, MAX_BUCKET);
        assert_eq!(texts.by_hash.get(&7).map(Vec::len), Some(MAX_BUCKET));
    }
}
