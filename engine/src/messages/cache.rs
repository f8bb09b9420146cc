//! Texts a catalogue has rendered, kept so the same message is rendered once.
//!
//! A portfolio's findings repeat a few hundred messages thousands of times (the 1,000
//! applications of the benchmark mix render 15,226 messages, 372 of them different), and
//! rendering one through Fluent costs about as much as the rest of reporting the finding.
//! Rendering is a function of the catalogue, the language and the message alone, so a catalogue
//! keeps what it rendered. Messages are told apart exactly: a decimal's written scale is part of
//! its text (`1.0` and `1.00` render differently), so decimals are compared and hashed by their
//! representation, not their value. Failures are not kept. The cache stops growing at
//! [`MAX_TEXTS`] (a policy set's messages are far fewer; unbounded argument values such as
//! amounts then render as before).

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::RwLock;

use chrono::Datelike;

use super::{Arg, Lang, Message};

/// Most texts one catalogue keeps.
pub(crate) const MAX_TEXTS: usize = 8192;

/// The texts whose (language, message) have one hash, told apart exactly.
type Bucket = Vec<(Lang, Message, String)>;

/// Rendered texts by the hash of (language, message).
#[derive(Default)]
pub(crate) struct Rendered {
    texts: RwLock<HashMap<u64, Bucket>>,
}

impl Rendered {
    /// The text rendered earlier for `msg` in `lang`, if any.
    pub(crate) fn get(&self, lang: Lang, msg: &Message) -> Option<String> {
        let key = key(lang, msg);
        let texts = self.texts.read().ok()?;
        texts
            .get(&key)?
            .iter()
            .find(|(l, m, _)| *l == lang && same(m, msg))
            .map(|(_, _, t)| t.clone())
    }

    /// Keeps `text` as what `msg` renders to in `lang`.
    pub(crate) fn put(&self, lang: Lang, msg: &Message, text: &str) {
        let key = key(lang, msg);
        let Ok(mut texts) = self.texts.write() else {
            return;
        };
        if texts.len() >= MAX_TEXTS {
            return;
        }
        let bucket = texts.entry(key).or_default();
        if !bucket.iter().any(|(l, m, _)| *l == lang && same(m, msg)) {
            bucket.push((lang, msg.clone(), text.to_owned()));
        }
    }
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

fn key(lang: Lang, msg: &Message) -> u64 {
    let mut h = WordHasher(0);
    h.write_u8(lang as u8);
    hash_message(&mut h, msg);
    h.finish()
}

fn hash_message(h: &mut WordHasher, m: &Message) {
    h.write(m.id.as_bytes());
    for (name, arg) in &m.args {
        h.write(name.as_bytes());
        hash_arg(h, arg);
    }
}

fn hash_arg(h: &mut WordHasher, a: &Arg) {
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
            h.write(m.currency.as_bytes());
            h.write(&m.amount.serialize());
        }
        Arg::Date(d) => {
            h.write_u8(4);
            h.write_i32(d.num_days_from_ce());
        }
        Arg::Text(t) => {
            h.write_u8(5);
            h.write(t.as_bytes());
        }
        Arg::Term { vocab, value } => {
            h.write_u8(6);
            h.write(vocab.as_bytes());
            h.write(value.as_bytes());
        }
        Arg::Localized(l) => {
            h.write_u8(7);
            h.write(l.en.as_bytes());
            h.write(l.nl.as_bytes());
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

/// A fast hasher, a word at a time (the keys are this process's own, not an attacker's choice
/// of collisions: a collision costs only an exact comparison).
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8])));
        }
        let mut last = [0u8; 8];
        for (slot, b) in last.iter_mut().zip(words.remainder()) {
            *slot = *b;
        }
        // The length ends each string, so `ab`+`c` and `a`+`bc` differ.
        self.add(u64::from_le_bytes(last) ^ ((bytes.len() as u64) << 56));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
}

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
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
        r.put(Lang::En, &one, "1.0");
        assert_eq!(r.get(Lang::En, &one).as_deref(), Some("1.0"));
        // Equal in value, written differently: not the same message.
        assert_eq!(r.get(Lang::En, &one_00), None);
        assert_eq!(r.get(Lang::Nl, &one), None);
        let split = |a: &str, b: &str| {
            Message::new("m")
                .with("a", Arg::Text(a.into()))
                .with("b", Arg::Text(b.into()))
        };
        r.put(Lang::En, &split("ab", "c"), "abc");
        assert_eq!(r.get(Lang::En, &split("a", "bc")), None);
        r.put(Lang::En, &one, "other");
        assert_eq!(r.get(Lang::En, &one).as_deref(), Some("1.0"));
    }

    #[test]
    fn it_stops_growing_at_its_bound() {
        let r = Rendered::default();
        for i in 0..(MAX_TEXTS as i64 + 10) {
            r.put(Lang::En, &Message::new("m").with("i", Arg::Int(i)), "t");
        }
        let kept: usize = r
            .texts
            .read()
            .map(|t| t.values().map(Vec::len).sum())
            .unwrap_or(0);
        assert!(kept <= MAX_TEXTS + 1, "{kept}");
    }
}
