//! A pack's message catalogues (`messages/en.ftl`, `messages/nl.ftl`) and the checks of the
//! scripts' `msg("id", #{...})` calls against them.
//!
//! Refused when the set loads, each with the file and line: a catalogue that does not parse or
//! whose languages differ ([`Catalogue::parse`]); a `msg` whose id is not a literal, or is in
//! neither the pack's catalogue nor the engine's; a call whose argument map (when written as a
//! literal) lacks a variable the message uses, or gives one it never uses; a message of the
//! pack that no script uses and no other message refers to; scripts that call `msg` in a pack
//! without catalogues.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::LoadError;
use super::files::text;
use crate::messages::{Catalogue, Lang, engine_catalogue};

/// The largest catalogue file a pack may ship.
const MAX_CATALOGUE_BYTES: usize = 512 * 1024;

/// One `msg(...)` call found in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Use {
    line: usize,
    /// The id, `None` when it is not a string literal.
    id: Option<String>,
    /// The argument names, when the map is written as a literal (`None` otherwise).
    keys: Option<BTreeSet<String>>,
}

impl Use {
    /// A use of message `id` from a table rule's row (`checks.csv`), with its argument names.
    pub(super) fn new(line: usize, id: &str, keys: Option<BTreeSet<String>>) -> Use {
        Use {
            line,
            id: Some(id.to_owned()),
            keys,
        }
    }
}

/// Reads a rhai identifier at the start of `s`.
fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    s.get(..end).unwrap_or_default()
}

/// The keys of a literal map `#{a: 1, b: f(x, #{c: 2})}` at the start of `s` (after `#{`):
/// the names at the map's own level, up to its closing brace.
fn map_keys(s: &str) -> Option<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
    let mut depth = 0usize;
    let mut expect_key = true;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '`' => {
                // Skip a string (escapes included).
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c {
                        break;
                    }
                }
                expect_key = false;
            }
            '(' | '[' | '{' => {
                depth += 1;
                expect_key = false;
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            '}' if depth == 0 => return Some(keys),
            '}' => depth -= 1,
            ',' if depth == 0 => expect_key = true,
            c if c.is_whitespace() => {}
            _ if expect_key && depth == 0 => {
                let name = ident(s.get(i..).unwrap_or_default());
                if name.is_empty() {
                    return None;
                }
                keys.insert(name.to_owned());
                for _ in 1..name.len() {
                    chars.next();
                }
                expect_key = false;
            }
            _ => {}
        }
    }
    None
}

/// The call that starts right after `msg(` at byte `at` of `src`: its id (if a literal) and the
/// keys of its argument map (if a literal).
fn call_at(src: &str, at: usize, line: usize) -> Use {
    let rest = src.get(at..).unwrap_or_default().trim_start();
    let id = rest
        .strip_prefix('"')
        .and_then(|r| r.find('"').and_then(|e| r.get(..e)))
        .map(str::to_owned);
    let after_id = id
        .as_ref()
        .and_then(|id| rest.get(id.len() + 2..))
        .unwrap_or_default()
        .trim_start();
    let keys = match after_id.strip_prefix(',') {
        None => Some(BTreeSet::new()),
        Some(r) => r.trim_start().strip_prefix("#{").and_then(map_keys),
    };
    Use { line, id, keys }
}

/// Every `msg(` call in a script, outside comments and string literals (so a sentence that
/// mentions `msg(` is not a call), with its line.
pub(super) fn uses(src: &str) -> Vec<Use> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let (mut i, mut line) = (0usize, 1usize);
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => line += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while let Some(&c) = bytes.get(i) {
                    if c == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        i += 1;
                        break;
                    }
                    line += usize::from(c == b'\n');
                    i += 1;
                }
            }
            b'"' | b'`' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b {
                        break;
                    } else if c == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            b'm' if src.get(i..i + 4) == Some("msg(")
                && !i
                    .checked_sub(1)
                    .and_then(|p| bytes.get(p))
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') =>
            {
                out.push(call_at(src, i + 4, line));
                i += 4;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Loads the pack's catalogues, if it has any, and checks every `msg` call of its scripts and
/// every message `table_uses` of its table rules' rows.
pub(super) fn pack_catalogue(
    dir: &str,
    files: &BTreeMap<String, Vec<u8>>,
    table_uses: Vec<(String, Use)>,
    errors: &mut Vec<LoadError>,
) -> Option<Arc<Catalogue>> {
    let en_file = format!("{dir}/{}", Lang::En.file());
    let nl_file = format!("{dir}/{}", Lang::Nl.file());
    let mut calls: Vec<(String, Use)> = table_uses;
    for (path, _) in files.iter().filter(|(p, _)| {
        p.strip_prefix(&format!("{dir}/"))
            .is_some_and(|n| !n.contains('/') && n.ends_with(".rhai"))
    }) {
        match text(files, path) {
            Ok(src) => calls.extend(uses(src).into_iter().map(|u| (path.clone(), u))),
            Err(e) => errors.push(e),
        }
    }
    let has_files = files.contains_key(&en_file) || files.contains_key(&nl_file);
    if !has_files {
        if let Some((file, u)) = calls.first() {
            errors.push(LoadError::invalid(
                file,
                Some(u.line),
                format!("a message is used, but the pack has no `{en_file}` and `{nl_file}`"),
            ));
        }
        return None;
    }
    // A catalogue is text a person reads: far below this. The cap keeps a hostile pack from
    // making the loader parse and check megabytes of it.
    for f in [&en_file, &nl_file] {
        if files
            .get(f.as_str())
            .is_some_and(|b| b.len() > MAX_CATALOGUE_BYTES)
        {
            errors.push(LoadError::invalid(
                f,
                None,
                format!("the catalogue is larger than {MAX_CATALOGUE_BYTES} bytes"),
            ));
            return None;
        }
    }
    let (en, nl) = match (text(files, &en_file), text(files, &nl_file)) {
        (Ok(en), Ok(nl)) => (en, nl),
        (en, nl) => {
            errors.extend(en.err().into_iter().chain(nl.err()));
            return None;
        }
    };
    let catalogue = match Catalogue::parse(&en_file, en, &nl_file, nl) {
        Ok(c) => c,
        Err(found) => {
            errors.extend(
                found
                    .into_iter()
                    .map(|e| LoadError::invalid(&e.file, e.line, e.message)),
            );
            return None;
        }
    };
    check_calls(&catalogue, &calls, &en_file, errors);
    Some(Arc::new(catalogue))
}

/// The calls against the catalogue, and the catalogue's messages against the calls.
fn check_calls(
    catalogue: &Catalogue,
    calls: &[(String, Use)],
    en_file: &str,
    errors: &mut Vec<LoadError>,
) {
    let engine = engine_catalogue().ok();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for (file, u) in calls {
        let bad = |message: String| LoadError::invalid(file, Some(u.line), message);
        let Some(id) = &u.id else {
            errors.push(bad(
                "a message id must be written as a literal: `msg(\"id\", #{...})`".to_owned(),
            ));
            continue;
        };
        let entry = match (catalogue.entries().get(id), engine) {
            (Some(e), _) => e,
            (None, Some(eng)) if eng.has(id) => match eng.entries().get(id) {
                Some(e) => e,
                None => continue,
            },
            _ => {
                errors.push(bad(format!(
                    "message `{id}` is not in `{en_file}` or the engine's catalogue"
                )));
                continue;
            }
        };
        used.insert(id);
        let Some(keys) = &u.keys else {
            continue;
        };
        for v in entry.vars.difference(keys) {
            errors.push(bad(format!(
                "message `{id}` uses `${v}`, which this call does not give"
            )));
        }
        for k in keys.difference(&entry.vars) {
            errors.push(bad(format!(
                "this call gives `{k}`, which message `{id}` does not use"
            )));
        }
    }
    // A message used only through another's text counts as used.
    let mut reached: BTreeSet<&str> = used.clone();
    let mut frontier: Vec<&str> = used.into_iter().collect();
    while let Some(id) = frontier.pop() {
        for r in catalogue
            .entries()
            .get(id)
            .into_iter()
            .flat_map(|e| &e.refs)
        {
            if reached.insert(r) {
                frontier.push(r);
            }
        }
    }
    for (id, e) in catalogue.entries() {
        if !reached.contains(id.as_str()) {
            errors.push(LoadError::invalid(
                en_file,
                Some(e.line),
                format!("message `{id}` is never used by the pack's scripts or table rules"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_found_with_their_ids_and_literal_keys() {
        let src = "fn a() {\n  refer(\"R\", msg(\"x-y\", #{a: 1, b: f(2, #{c: 3}), d: \"}\"}));\n  // msg(\"comment\")\n  info(\"R\", msg(\"z\"));\n  t(msg(id));\n  u(msg(\"w\", m));\n}";
        let found = uses(src);
        let keys = |v: &[&str]| Some(v.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(found.len(), 4);
        assert_eq!(found[0].id.as_deref(), Some("x-y"));
        assert_eq!(found[0].keys, keys(&["a", "b", "d"]));
        assert_eq!(found[0].line, 2);
        assert_eq!(
            (found[1].id.as_deref(), &found[1].keys),
            (Some("z"), &keys(&[]))
        );
        assert_eq!(found[2].id, None);
        assert_eq!(found[3].keys, None);
    }

    #[test]
    fn strings_comments_and_crlf_do_not_mislead_the_scanner() {
        let src = "fn a() {\r\n  info(\"R\", \"see msg(x) in the manual\");\r\n  /* msg(\"no\") */\r\n  info(\"R\", msg(\"yes\", #{a: 1}));\r\n}";
        let found = uses(src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].id.as_deref(), Some("yes"));
        assert_eq!(found[0].line, 4);
        assert_eq!(found[0].keys, Some(["a"].map(str::to_owned).into()));
    }

    #[test]
    fn a_map_over_several_lines_is_read() {
        let src = "x(msg(\"m\", #{\n  first: a.b,\n  second: [1, 2]\n}));";
        let found = uses(src);
        assert_eq!(
            found[0].keys,
            Some(["first", "second"].map(str::to_owned).into())
        );
    }
}
