//! Fluent catalogues: parsed and checked once, then rendering a [`Message`] in a [`Lang`].
//!
//! A catalogue holds one file per language, `en` and `nl`, with the same message ids. It is
//! refused, with the file, line and id, when a file does not parse, holds an id twice, holds an
//! id the other language lacks, or when the Dutch text uses a variable the English does not
//! (the English is the reference for which arguments a message takes).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use super::cache::Rendered;
use super::format::{amount, date, list, number, pseudo};
use super::{Arg, Lang, MAX_TEXT, Message};

/// At most this many items of a list argument are named; the rest are counted.
const LIST_MAX: usize = 12;

/// Nested message arguments deeper than this are refused; the list words and terms a list or
/// term needs sit one level further down.
const MAX_DEPTH: usize = super::MAX_DEPTH + 2;

type Bundle = FluentBundle<Arc<FluentResource>>;

/// A problem with a catalogue file, found when it is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    /// The file (as the caller named it).
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// A message could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("message `{id}`: {message}")]
pub struct RenderError {
    /// The message id.
    pub id: String,
    /// What went wrong (an unknown id, an argument the text uses but was not given, ...).
    pub message: String,
}

/// One message as a file defines it: where, and the variables its text uses.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// 1-based line of the id in the English file.
    pub line: usize,
    /// Variables (`$name`) the English text uses.
    pub vars: BTreeSet<String>,
    /// Messages the English or Dutch text refers to (`{ other-id }`).
    pub refs: BTreeSet<String>,
}

/// The `en` and `nl` catalogues of a pack (or of the engine), with the pseudo-language derived.
pub struct Catalogue {
    en: Bundle,
    nl: Bundle,
    pseudo: Bundle,
    entries: BTreeMap<String, Entry>,
    /// What it has rendered (see [`super::cache`]).
    rendered: Rendered,
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalogue")
            .field("ids", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// 1-based line of byte offset `at` in `src`.
fn line_of(src: &str, at: usize) -> usize {
    src.get(..at).unwrap_or(src).matches('\n').count() + 1
}

/// What a pattern uses: variables (through selectors, variants and call arguments) and the
/// messages it refers to.
#[derive(Default)]
struct Uses {
    vars: BTreeSet<String>,
    refs: BTreeSet<String>,
}

fn pattern_uses(p: &ast::Pattern<&str>, out: &mut Uses) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_uses(expression, out);
        }
    }
}

fn expression_uses(e: &ast::Expression<&str>, out: &mut Uses) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_uses(selector, out);
            for v in variants {
                pattern_uses(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline_uses(i, out),
    }
}

fn inline_uses(i: &ast::InlineExpression<&str>, out: &mut Uses) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::MessageReference { id, .. } => {
            out.refs.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_uses(a, out);
            }
            for a in &arguments.named {
                inline_uses(&a.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_uses(expression, out),
        _ => {}
    }
}

/// One file parsed: its resource and its messages (id to line and variables).
fn parse_file(
    file: &str,
    src: &str,
    errors: &mut Vec<CatalogueError>,
) -> Option<(Arc<FluentResource>, BTreeMap<String, Entry>)> {
    let resource = match FluentResource::try_new(src.to_owned()) {
        Ok(r) => r,
        Err((_, found)) => {
            for e in found {
                // The entry that does not parse starts at the first visible character of the
                // slice the parser skipped (its position is where it gave up).
                let start = e.slice.as_ref().map_or(e.pos.start, |r| r.start);
                let skipped = src
                    .get(start..)
                    .map_or(0, |rest| rest.len() - rest.trim_start().len());
                errors.push(CatalogueError {
                    file: file.to_owned(),
                    line: Some(line_of(src, (start + skipped).min(e.pos.start))),
                    message: format!("does not parse: {}", e.kind),
                });
            }
            return None;
        }
    };
    let mut entries = BTreeMap::new();
    // Lines: find each entry's id at the start of a line, in order.
    let mut cursor = 0;
    for entry in resource.entries() {
        let ast::Entry::Message(m) = entry else {
            continue;
        };
        let name = m.id.name;
        let at = src
            .get(cursor..)
            .and_then(|rest| {
                rest.match_indices(name).find(|(i, _)| {
                    let start = cursor + i;
                    (start == 0 || src.get(start - 1..start) == Some("\n"))
                        && src
                            .get(start + name.len()..)
                            .is_some_and(|t| t.trim_start_matches(' ').starts_with('='))
                })
            })
            .map_or(cursor, |(i, _)| cursor + i);
        cursor = at;
        let line = line_of(src, at);
        let Some(value) = &m.value else {
            errors.push(CatalogueError {
                file: file.to_owned(),
                line: Some(line),
                message: format!("`{name}` has no text of its own"),
            });
            continue;
        };
        let mut uses = Uses::default();
        pattern_uses(value, &mut uses);
        let entry = Entry {
            line,
            vars: uses.vars,
            refs: uses.refs,
        };
        if entries.insert(name.to_owned(), entry).is_some() {
            errors.push(CatalogueError {
                file: file.to_owned(),
                line: Some(line),
                message: format!("`{name}` is defined twice"),
            });
        }
    }
    Some((Arc::new(resource), entries))
}

/// Wraps and accents a piece of catalogue text, for the pseudo-language (whitespace alone is
/// left as it is).
fn pseudo_transform(text: &str) -> Cow<'_, str> {
    if text.trim().is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(pseudo(text))
}

fn bundle(lang: &str, resource: &Arc<FluentResource>, transform: bool) -> Bundle {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    b.set_use_isolating(false);
    if transform {
        b.set_transform(Some(pseudo_transform));
    }
    // Duplicates were reported by `parse_file`; the bundle keeps the first.
    let _ = b.add_resource(Arc::clone(resource));
    b
}

impl Catalogue {
    /// Parses and checks the English and Dutch files (`en_file` and `nl_file` name them in
    /// errors).
    ///
    /// # Errors
    /// Every problem found, each with its file and line.
    pub fn parse(
        en_file: &str,
        en: &str,
        nl_file: &str,
        nl: &str,
    ) -> Result<Catalogue, Vec<CatalogueError>> {
        let mut errors = Vec::new();
        let en_parsed = parse_file(en_file, en, &mut errors);
        let nl_parsed = parse_file(nl_file, nl, &mut errors);
        let (Some((en_res, en_entries)), Some((nl_res, nl_entries))) = (en_parsed, nl_parsed)
        else {
            return Err(errors);
        };
        for (id, e) in &en_entries {
            match nl_entries.get(id) {
                None => errors.push(CatalogueError {
                    file: nl_file.to_owned(),
                    line: None,
                    message: format!("`{id}` is missing (it is in {en_file}:{})", e.line),
                }),
                Some(n) => {
                    for v in n.vars.difference(&e.vars) {
                        errors.push(CatalogueError {
                            file: nl_file.to_owned(),
                            line: Some(n.line),
                            message: format!(
                                "`{id}` uses `${v}`, which the English text does not take"
                            ),
                        });
                    }
                }
            }
        }
        for (id, n) in &nl_entries {
            if !en_entries.contains_key(id) {
                errors.push(CatalogueError {
                    file: en_file.to_owned(),
                    line: None,
                    message: format!("`{id}` is missing (it is in {nl_file}:{})", n.line),
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut entries = en_entries;
        for (id, e) in &mut entries {
            if let Some(n) = nl_entries.get(id) {
                e.refs.extend(n.refs.iter().cloned());
            }
        }
        let catalogue = Catalogue {
            en: bundle("en", &en_res, false),
            nl: bundle("nl", &nl_res, false),
            pseudo: bundle("en", &en_res, true),
            entries,
            rendered: Rendered::default(),
        };
        // Every message rendered once in each language with stand-in arguments: a reference to
        // a message, term or function that does not exist, or a cycle, is found now, not when
        // a reader first asks for that language.
        for (id, e) in &catalogue.entries {
            let mut args = FluentArgs::with_capacity(e.vars.len());
            for v in &e.vars {
                args.set(v.as_str(), FluentValue::from("x"));
            }
            for (lang, file, line) in [
                (Lang::En, en_file, Some(e.line)),
                (Lang::Nl, nl_file, nl_entries.get(id).map(|n| n.line)),
            ] {
                let bundle = catalogue.bundle(lang);
                let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                    continue;
                };
                let mut found = Vec::new();
                let _ = bundle.format_pattern(pattern, Some(&args), &mut found);
                if let Some(err) = found.first() {
                    errors.push(CatalogueError {
                        file: file.to_owned(),
                        line,
                        message: format!("`{id}` does not render: {err}"),
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(catalogue)
    }

    /// The messages, by id, with their line and variables.
    #[must_use]
    pub fn entries(&self) -> &BTreeMap<String, Entry> {
        &self.entries
    }

    /// Whether the catalogue defines `id`.
    #[must_use]
    pub fn has(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    fn bundle(&self, lang: Lang) -> &Bundle {
        match lang {
            Lang::En => &self.en,
            Lang::Nl => &self.nl,
            Lang::Pseudo => &self.pseudo,
        }
    }

    /// Renders `msg` in `lang`, looking its id (and those of nested messages) up here first and
    /// then in the engine's catalogue.
    ///
    /// # Errors
    /// The id is in neither catalogue, or the text uses an argument that was not given.
    pub fn render(&self, lang: Lang, msg: &Message) -> Result<String, RenderError> {
        self.render_shared(lang, msg).map(|text| text.to_string())
    }

    /// As [`Catalogue::render`], the text shared with the catalogue's cache of rendered texts
    /// (a finding's reason is such a text: no copy per finding).
    ///
    /// # Errors
    /// As [`Catalogue::render`].
    pub fn render_shared(&self, lang: Lang, msg: &Message) -> Result<Arc<str>, RenderError> {
        if let Some(text) = self.rendered.get(lang, msg) {
            return Ok(text);
        }
        let text: Arc<str> = render_in(Some(self), lang, msg, 0)?.into();
        self.rendered.put(lang, msg, &text);
        Ok(text)
    }
}

/// The engine's own catalogue (outcomes, categories, steps, headings, list words), compiled in.
///
/// # Errors
/// The compiled-in files do not parse or check (a broken build; a test guards it).
pub fn engine_catalogue() -> Result<&'static Catalogue, RenderError> {
    static CATALOGUE: OnceLock<Result<Catalogue, String>> = OnceLock::new();
    CATALOGUE
        .get_or_init(|| {
            // The questions for missing facts and the vocabulary's words are kept in files of
            // their own, read as one
            // catalogue with the rest (an error's line counts from the start of `en.ftl`).
            let en = [
                include_str!("../../messages/en.ftl"),
                include_str!("../../messages/questions.en.ftl"),
                include_str!("../../messages/terms.en.ftl"),
            ]
            .join("\n");
            let nl = [
                include_str!("../../messages/nl.ftl"),
                include_str!("../../messages/questions.nl.ftl"),
                include_str!("../../messages/terms.nl.ftl"),
            ]
            .join("\n");
            Catalogue::parse(
                "engine/messages/en.ftl (+ questions.en.ftl, terms.en.ftl)",
                &en,
                "engine/messages/nl.ftl (+ questions.nl.ftl, terms.nl.ftl)",
                &nl,
            )
            .map_err(|errors| {
                errors
                    .iter()
                    .map(|e| format!("{}:{}: {}", e.file, e.line.unwrap_or(0), e.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        })
        .as_ref()
        .map_err(|e| RenderError {
            id: "(engine catalogue)".to_owned(),
            message: e.clone(),
        })
}

/// Renders an engine message (an outcome, a heading) in `lang`.
///
/// # Errors
/// As [`Catalogue::render`].
pub fn render_engine(lang: Lang, msg: &Message) -> Result<String, RenderError> {
    render_in(None, lang, msg, 0)
}

fn render_in(
    own: Option<&Catalogue>,
    lang: Lang,
    msg: &Message,
    depth: usize,
) -> Result<String, RenderError> {
    let fail = |message: String| RenderError {
        id: msg.id.clone(),
        message,
    };
    if depth > MAX_DEPTH {
        return Err(fail(format!("messages nested more than {MAX_DEPTH} deep")));
    }
    let engine = engine_catalogue()?;
    let cat = match own {
        Some(c) if c.has(&msg.id) => c,
        _ if engine.has(&msg.id) => engine,
        _ => return Err(fail("no such message in the catalogue".to_owned())),
    };
    let bundle = cat.bundle(lang);
    let pattern = bundle
        .get_message(&msg.id)
        .and_then(|m| m.value())
        .ok_or_else(|| fail("no such message in the catalogue".to_owned()))?;
    let mut args = FluentArgs::with_capacity(msg.args.len());
    for (name, arg) in &msg.args {
        args.set(name.as_str(), value(own, lang, arg, depth)?);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
    if let Some(e) = errors.first() {
        return Err(fail(e.to_string()));
    }
    if text.len() > MAX_TEXT {
        return Err(fail(format!(
            "the text would be {} bytes, more than the {MAX_TEXT} a message may be",
            text.len()
        )));
    }
    Ok(text.into_owned())
}

/// An argument as a Fluent value in `lang`: whole numbers stay numbers (for plural rules),
/// everything else is written out here.
fn value(
    own: Option<&Catalogue>,
    lang: Lang,
    arg: &Arg,
    depth: usize,
) -> Result<FluentValue<'static>, RenderError> {
    Ok(match arg {
        Arg::Int(i) => FluentValue::from(*i),
        Arg::Number(d) => FluentValue::from(number(lang, d)),
        Arg::Amount(m) => FluentValue::from(amount(lang, m)),
        Arg::Date(d) => FluentValue::from(date(lang, *d)),
        Arg::Text(t) => FluentValue::from(t.clone()),
        // Data's own words; in the pseudo-language marked as catalogue text is, since it is
        // translated (by the data) rather than composed.
        Arg::Localized(l) => match lang {
            Lang::Pseudo => FluentValue::from(pseudo(&l.en)),
            _ => FluentValue::from(l.get(lang).to_owned()),
        },
        Arg::Term { vocab, value } => {
            let m = Message::new(&format!("term-{vocab}-{value}"));
            FluentValue::from(
                render_in(None, lang, &m, depth + 1).unwrap_or_else(|_| value.clone()),
            )
        }
        Arg::Message(m) => FluentValue::from(render_in(own, lang, m, depth + 1)?),
        Arg::List(items) => {
            let mut words = Vec::with_capacity(items.len());
            for item in items {
                words.push(text(own, lang, item, depth + 1)?);
            }
            let and = render_in(None, lang, &Message::new("list-and"), depth + 1)?;
            let more = |n: usize| {
                let m = Message::new("list-more").with("count", Arg::Int(n as i64));
                render_in(None, lang, &m, depth + 1).unwrap_or_default()
            };
            FluentValue::from(list(&words, LIST_MAX, &and, more))
        }
    })
}

/// An argument written out as text in `lang`.
fn text(
    own: Option<&Catalogue>,
    lang: Lang,
    arg: &Arg,
    depth: usize,
) -> Result<String, RenderError> {
    Ok(match arg {
        Arg::Int(i) => i.to_string(),
        other => match value(own, lang, other, depth)? {
            FluentValue::String(s) => s.into_owned(),
            _ => String::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(en: &str, nl: &str) -> Result<Catalogue, Vec<CatalogueError>> {
        Catalogue::parse("en.ftl", en, "nl.ftl", nl)
    }

    #[test]
    fn renders_each_language_with_typed_arguments() {
        let c = cat(
            "due = Due on { $date }: { $amount }.\n",
            "due = Uiterlijk op { $date }: { $amount }.\n",
        )
        .unwrap();
        let m = Message::new("due")
            .with("date", Arg::Date("2023-01-12".parse().unwrap()))
            .with(
                "amount",
                Arg::Amount(crate::application::Money {
                    amount: "12500000".parse().unwrap(),
                    currency: "EUR".to_owned(),
                }),
            );
        assert_eq!(
            c.render(Lang::Nl, &m).unwrap(),
            "Uiterlijk op 12 januari 2023: EUR 12.500.000."
        );
        assert_eq!(
            c.render(Lang::En, &m).unwrap(),
            "Due on 12 January 2023: EUR 12,500,000."
        );
        assert_eq!(
            c.render(Lang::Pseudo, &m).unwrap(),
            "⟦Dúé ón ⟧12 ⟦Jánúáry⟧ 2023⟦: ⟧EUR 12,500,000⟦.⟧"
        );
    }

    #[test]
    fn lists_and_nested_messages_use_the_engine_words() {
        let c = cat(
            "kinds = { $kinds } on the list\nchild = child labour\n",
            "kinds = { $kinds } op de lijst\nchild = kinderarbeid\n",
        )
        .unwrap();
        let m = Message::new("kinds").with(
            "kinds",
            Arg::List(vec![
                Arg::Message(Box::new(Message::new("child"))),
                Arg::Text("cotton".to_owned()),
            ]),
        );
        assert_eq!(
            c.render(Lang::Nl, &m).unwrap(),
            "kinderarbeid en cotton op de lijst"
        );
        assert_eq!(
            c.render(Lang::En, &m).unwrap(),
            "child labour and cotton on the list"
        );
    }

    #[test]
    fn a_missing_argument_or_id_is_an_error() {
        let c = cat("a = { $x } and { $y }\n", "a = { $x } en { $y }\n").unwrap();
        let m = Message::new("a").with("x", Arg::Int(1));
        assert!(c.render(Lang::En, &m).is_err());
        assert!(c.render(Lang::En, &Message::new("nope")).is_err());
    }

    #[test]
    fn bad_catalogues_are_refused_with_file_and_line() {
        let e = cat("a = x\nb = y\n", "a = x\n").unwrap_err();
        assert!(
            e.iter()
                .any(|e| e.file == "nl.ftl" && e.message.contains("`b`"))
        );
        let e = cat("a = x\n", "a = { $z }\n").unwrap_err();
        assert_eq!(e[0].line, Some(1));
        assert!(e[0].message.contains("$z"));
        let e = cat("a = x\n\nb = { \n", "a = x\n").unwrap_err();
        assert_eq!((e[0].file.as_str(), e[0].line), ("en.ftl", Some(3)));
        let e = cat("a = x\na = y\n", "a = x\n").unwrap_err();
        assert!(e[0].message.contains("twice"));
    }

    #[test]
    fn the_engine_catalogue_loads() {
        let c = engine_catalogue().unwrap();
        assert!(c.has("list-and"));
        assert_eq!(
            render_engine(
                Lang::Nl,
                &Message::new("list-more").with("count", Arg::Int(3))
            )
            .unwrap(),
            "en nog 3"
        );
    }
}
