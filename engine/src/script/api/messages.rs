//! Messages: `msg("id")` and `msg("id", #{name: value, ...})`, what a rule reports in place of a
//! sentence when its pack has catalogues.
//!
//! Argument types follow the script's values: an integer is a whole number, a decimal a
//! quantity, a date a date, money an amount, a string verbatim text, a vocabulary term its
//! name in the language, a
//! message a part of the sentence, and an array a list (`a, b and c`). An unknown value `()`
//! is refused: a rule says what it knows.

use std::sync::Arc;

use rhai::{Array, Dynamic, Engine, Map};

use super::{Res, fail};
use crate::application::Money;
use crate::application::vocab::Term;
use crate::messages::{Arg, Lang, Localized, Message};
use crate::script::budget::charge;
use crate::script::context;

use crate::messages::{MAX_DEPTH, MAX_NODES};

/// Whether `id` is written as a Fluent message id: a letter, then letters, digits, `-`, `_`.
fn is_message_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The size of a message's tree so far, kept under [`MAX_NODES`] and [`MAX_DEPTH`] as it is
/// built, so that no script can make one that costs more to copy, store or render.
struct Size {
    nodes: usize,
}

impl Size {
    fn add(&mut self, name: &str, nodes: usize) -> Res<()> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return fail(format!(
                "message argument `{name}`: the message would hold more than {MAX_NODES} parts"
            ));
        }
        Ok(())
    }
}

fn arg(name: &str, d: &Dynamic, depth: usize, size: &mut Size) -> Res<Arg> {
    size.add(name, 1)?;
    if depth > MAX_DEPTH {
        return fail(format!(
            "message argument `{name}` is nested more than {MAX_DEPTH} deep"
        ));
    }
    if d.is_unit() {
        return fail(format!(
            "message argument `{name}` is unknown `()`: report only what is known"
        ));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Arg::Int(i));
    }
    if let Ok(x) = d.as_decimal() {
        return Ok(Arg::Number(x));
    }
    if d.is_string() {
        return Ok(Arg::Text(d.to_string()));
    }
    if let Some(t) = d.read_lock::<Term>() {
        return Ok(Arg::Term {
            vocab: t.vocab().name.to_owned(),
            value: t.as_str().to_owned(),
        });
    }
    if let Some(x) = d.read_lock::<chrono::NaiveDate>() {
        return Ok(Arg::Date(*x));
    }
    if let Some(m) = d.read_lock::<Money>() {
        return Ok(Arg::Amount(m.clone()));
    }
    if let Some(m) = d.read_lock::<Message>() {
        // A message was checked when it was made: its own size and depth count here too.
        let (nodes, deep) = (m.nodes(), m.depth());
        size.add(name, nodes)?;
        if depth + deep > MAX_DEPTH {
            return fail(format!(
                "message argument `{name}` is nested more than {MAX_DEPTH} deep"
            ));
        }
        return Ok(Arg::Message(Box::new(m.clone())));
    }
    if let Some(l) = d.read_lock::<Localized>() {
        return Ok(Arg::Localized(l.clone()));
    }
    if let Some(items) = d.read_lock::<Array>() {
        charge(items.len() as u64)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            out.push(arg(name, item, depth + 1, size)?);
        }
        return Ok(Arg::List(out));
    }
    fail(format!(
        "message argument `{name}` is a {}, which a message cannot show (expected a number, decimal, date, amount, text, term, message or array)",
        d.type_name()
    ))
}

pub(super) fn message(id: &str, args: &Map) -> Res<Message> {
    if !is_message_id(id) {
        return fail(format!(
            "`{id}` is not a message id (a letter, then letters, digits, `-` and `_`)"
        ));
    }
    charge(args.len() as u64)?;
    let mut m = Message::new(id);
    let mut size = Size { nodes: 1 };
    for (name, value) in args {
        m.args
            .insert(name.to_string(), arg(name, value, 1, &mut size)?);
    }
    charge(size.nodes as u64)?;
    Ok(m)
}

pub(super) fn register_messages(e: &mut Engine) {
    e.register_type_with_name::<Message>("Message")
        .register_fn("to_string", |m: &mut Message| format!("msg(\"{}\")", m.id))
        .register_fn("to_debug", |m: &mut Message| format!("msg(\"{}\")", m.id));
    // An indicator table's label in both languages: text (English) wherever a string is used.
    // It compares with a string as its English does, as the table's plain labels did.
    e.register_type_with_name::<Localized>("Label")
        .register_fn("to_string", |l: &mut Localized| l.en.clone())
        .register_fn("to_debug", |l: &mut Localized| l.en.clone())
        .register_fn("==", |l: &mut Localized, s: &str| l.en == s)
        .register_fn("!=", |l: &mut Localized, s: &str| l.en != s)
        .register_fn("==", |s: &str, l: Localized| l.en == s)
        .register_fn("!=", |s: &str, l: Localized| l.en != s);
    e.register_fn("msg", |id: &str| message(id, &Map::new()));
    e.register_fn("msg", |id: &str, args: Map| message(id, &args));
}

/// What a reporting call was given as its explanation: a sentence (packs without catalogues)
/// or a message (packs with them), as the English text and the message.
///
/// A pack with catalogues must give a message: its rules never compose sentences. A message is
/// rendered in English here, once, for the finding's `reason`.
pub(super) fn explanation(call: &str, why: Dynamic) -> Res<(Arc<str>, Option<Message>)> {
    let catalogue = context::with(|c| c.pack.as_ref().and_then(|p| p.catalogue.clone())).flatten();
    if why.is::<Message>() {
        let Some(m) = why.try_cast::<Message>() else {
            return fail(format!("`{call}` was given a message it could not read"));
        };
        let Some(cat) = catalogue else {
            return fail(format!(
                "`{call}` was given a message, but this pack has no `messages/en.ftl`"
            ));
        };
        // Rendering costs like a finding's copy: charged by its length.
        let text = cat
            .render_shared(Lang::En, &m)
            .or_else(|e| fail(format!("`{call}`: {e}")))?;
        charge(text.len() as u64 / 64)?;
        return Ok((text, Some(m)));
    }
    if !why.is_string() {
        return fail(format!(
            "`{call}` needs a reason: a message `msg(\"id\", #{{...}})`, or text in a pack without catalogues (got a {})",
            why.type_name()
        ));
    }
    if catalogue.is_some() {
        return fail(format!(
            "`{call}`: this pack's explanations are message ids; give `msg(\"id\", #{{...}})`, not a sentence"
        ));
    }
    let text = why.to_string();
    if text.trim().is_empty() {
        return fail(format!("`{call}` needs a reason"));
    }
    Ok((text.into(), None))
}
