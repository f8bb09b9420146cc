//! The layout rules of docs/ARCHITECTURE.md, checked on the source: no import cycle between
//! the modules of a crate (the top-level modules, and the files of each folder), the layers
//! that must not reach up (the engine's `policy` never imports `script`; nothing below the HTTP
//! edge imports `http` or the command line), and no source file over 700 lines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The module path of a file: `src/a/b.rs` and `src/a/b/mod.rs` are `[a, b]`, the crate roots
/// are `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and string literals (so a path in a doc comment or a
/// message is not a dependency).
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("\"\"");
            }
            // A char literal such as '"' (lifetimes have no closing quote within 3 chars).
            '\'' => {
                let ahead: String = chars.clone().take(3).collect();
                if ahead.starts_with("\\") || ahead.chars().nth(1) == Some('\'') {
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                    out.push_str("' '");
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The modules a file names, as absolute module paths (at most two segments deep):
/// `crate::a::b`, `crate::{a, b::c}`, `super::x` and `self::x`.
fn references(me: &[String], text: &str) -> BTreeSet<Vec<String>> {
    let code = code(text);
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|p| {
                p.trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|p| !p.is_empty())
            .take(2)
            .collect()
    };
    // `self::` is the file's own module, `super::` its parent.
    let here: Vec<String> = me.to_vec();
    let parent: Vec<String> = me[..me.len().saturating_sub(1)].to_vec();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", parent),
        ("self::", here),
    ] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(prefix) {
            let whole = i == 0
                || !rest[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
            let tail = &rest[i + prefix.len()..];
            if whole {
                if let Some(group) = tail.strip_prefix('{') {
                    let end = group.find('}').unwrap_or(group.len());
                    for item in group[..end].split(',') {
                        let mut p = base.clone();
                        p.extend(ident(item));
                        out.insert(p);
                    }
                } else {
                    let mut p = base.clone();
                    p.extend(ident(tail));
                    out.insert(p);
                }
            }
            rest = tail;
        }
    }
    out
}

/// The import graph of a crate at one depth: an edge from each module of that depth to each
/// other module of that depth, under the same parent, that it names.
fn graph(src: &Path, depth: usize) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files = sources(src);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(src, f)).collect();
    let mut g: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for f in &files {
        let me = module_of(src, f);
        if me.len() < depth {
            continue;
        }
        let from = me[..depth].to_vec();
        let text = std::fs::read_to_string(f).unwrap();
        for r in references(&me, &text) {
            if r.len() < depth {
                continue;
            }
            let to = r[..depth].to_vec();
            if to != from && to[..depth - 1] == from[..depth - 1] && modules.contains(&to) {
                g.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    g
}

/// The modules of every cycle (strongly connected component of more than one module).
fn cycles(g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&Vec<String>> = g.keys().chain(g.values().flatten()).collect();
    let reach = |from: &Vec<String>| -> BTreeSet<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for m in g.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    stack.push(m.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut out: BTreeSet<Vec<String>> = BTreeSet::new();
    for n in &nodes {
        let comp: Vec<String> = nodes
            .iter()
            .filter(|m| reachable[*n].contains(**m) && reachable[**m].contains(*n))
            .map(|m| m.join("::"))
            .collect();
        if comp.len() > 1 {
            out.insert(comp);
        }
    }
    out.into_iter().collect()
}

fn crates() -> [PathBuf; 2] {
    [root().join("engine/src"), root().join("service/src")]
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let mut found = Vec::new();
    for src in crates() {
        for depth in 1..=3 {
            for c in cycles(&graph(&src, depth)) {
                found.push(format!("{}: {}", src.display(), c.join(" <-> ")));
            }
        }
    }
    assert!(found.is_empty(), "import cycles:\n  {}", found.join("\n  "));
}

#[test]
fn lower_layers_do_not_reach_up() {
    // (crate, module, modules it must never name)
    let rules: [(&str, &str, &[&str]); 10] = [
        ("engine/src", "policy", &["script", "screen"]),
        ("engine/src", "application", &["policy", "script", "screen"]),
        (
            "service/src",
            "store",
            &["http", "cli", "batch", "screening"],
        ),
        ("service/src", "screening", &["http", "cli", "batch"]),
        ("service/src", "batch", &["http", "cli"]),
        ("service/src", "writer", &["http", "cli"]),
        ("service/src", "access", &["http", "cli"]),
        ("service/src", "four_eyes", &["http", "cli", "batch"]),
        ("service/src", "auth", &["http", "cli"]),
        ("service/src", "scenarios", &["http", "cli", "store"]),
    ];
    let mut found = Vec::new();
    for (krate, module, banned) in rules {
        let src = root().join(krate);
        let g = graph(&src, 1);
        for to in g.get(&vec![module.to_owned()]).into_iter().flatten() {
            if banned.contains(&to[0].as_str()) {
                found.push(format!("{krate}: `{module}` imports `{}`", to[0]));
            }
        }
    }
    assert!(
        found.is_empty(),
        "layer violations:\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn no_source_file_is_over_700_lines() {
    let mut found = Vec::new();
    for src in crates() {
        for f in sources(&src) {
            // The contract parser is exempt (issue 15): one validator per field of the contract.
            if f.ends_with("application/parse.rs") {
                continue;
            }
            let lines = std::fs::read_to_string(&f).unwrap().lines().count();
            if lines > 700 {
                found.push(format!("{}: {lines} lines", f.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "files over 700 lines:\n  {}",
        found.join("\n  ")
    );
}

/// The checker itself: it finds a cycle it is shown, and reads `crate::{..}` groups.
#[test]
fn the_checker_finds_what_it_is_shown() {
    let me = vec!["a".to_owned()];
    let r = references(
        &me,
        "use crate::{b, c::d};\n// crate::e\nlet s = \"crate::f\";",
    );
    assert!(r.contains(&vec!["b".to_owned()]));
    assert!(r.contains(&vec!["c".to_owned(), "d".to_owned()]));
    assert!(!r.iter().any(|p| p[0] == "e" || p[0] == "f"), "{r:?}");
    let mut g = BTreeMap::new();
    g.insert(vec!["a".to_owned()], BTreeSet::from([vec!["b".to_owned()]]));
    g.insert(vec!["b".to_owned()], BTreeSet::from([vec!["a".to_owned()]]));
    g.insert(vec!["c".to_owned()], BTreeSet::from([vec!["a".to_owned()]]));
    assert_eq!(cycles(&g), vec![vec!["a".to_owned(), "b".to_owned()]]);
}
