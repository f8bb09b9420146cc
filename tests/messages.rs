//! Explanations in Dutch and English (issue 18): every shipped pack explains through its
//! catalogues, nothing a person reads is composed outside them (the pseudo-language run over
//! every golden scenario), and three golden renderings per language stay as reviewed.
//!
//! `IMVO_BLESS=1 cargo test -p imvo-tests --test messages` rewrites the golden renderings in
//! `tests/renderings/` (review the difference before committing it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::collections::BTreeSet;

use imvo_engine::messages::{Arg, Lang, Message};
use imvo_engine::render::explain;
use imvo_engine::{Application, Decision, screen};
use imvo_service::scenarios;

fn decision_of(path: &std::path::Path) -> Decision {
    let text = std::fs::read_to_string(path).unwrap();
    let s: scenarios::Scenario = serde_json::from_str(&text).unwrap();
    let app = Application::parse(&s.application.to_string()).unwrap();
    let as_of = s.as_of.unwrap_or(app.application_date);
    screen(support::policies(), &app, as_of)
}

#[test]
fn every_shipped_pack_explains_through_its_catalogues() {
    for p in support::policies().packs() {
        assert!(
            p.catalogue.is_some(),
            "{} has no messages/en.ftl and messages/nl.ftl",
            p.dir
        );
    }
    // And every finding of every golden scenario carries a message.
    for path in scenarios::files(&support::root().join("scenarios")).unwrap() {
        let d = decision_of(&path);
        for f in &d.findings {
            assert!(
                f.message.is_some(),
                "{}: {} reported a sentence, not a message",
                path.display(),
                f.rule_id
            );
        }
    }
}

/// Every verbatim text a decision may show: argument texts, codes, paths, citations, hashes.
fn verbatim(d: &Decision) -> BTreeSet<String> {
    fn args(m: &Message, out: &mut BTreeSet<String>) {
        for a in m.args.values() {
            arg(a, out);
        }
    }
    fn arg(a: &Arg, out: &mut BTreeSet<String>) {
        match a {
            Arg::Text(t) => {
                out.insert(t.clone());
            }
            // A term without a name in the catalogue is shown as its code.
            Arg::Term { value, .. } => {
                out.insert(value.clone());
            }
            Arg::Message(m) => args(m, out),
            Arg::List(items) => items.iter().for_each(|i| arg(i, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    out.insert(d.reference.clone());
    for f in &d.findings {
        out.insert(f.rule_id.to_string());
        out.insert(f.source.document.to_string());
        out.insert(f.evidence_level.to_string());
        out.extend(f.source.section.as_deref().map(str::to_owned));
        out.extend(f.value.clone());
        out.extend(f.facts.keys().map(|k| k.to_string()));
        if let Some(m) = &f.message {
            args(m, &mut out);
        }
    }
    for m in &d.missing {
        out.insert(m.path.clone());
    }
    for e in &d.errors {
        out.insert(e.message.clone());
        out.extend(e.pack.clone());
    }
    for p in &d.provenance.packs {
        out.insert(p.id.to_string());
    }
    out.insert(d.provenance.policy_set.clone());
    out.insert(d.provenance.input_hash.clone());
    for r in &d.provenance.rates {
        out.insert(r.source.clone());
    }
    if let Some(i) = &d.indicative {
        for a in &i.assumed {
            out.insert(a.path.clone());
            out.insert(a.value.clone());
            if let Some(m) = &a.message {
                args(m, &mut out);
            }
        }
        for p in &i.typical {
            if let Some(m) = &p.message {
                args(m, &mut out);
            }
        }
        for dc in &i.deciding {
            out.insert(dc.path.clone());
            if let Some(serde_json::Value::String(v)) = &dc.value {
                out.insert(v.clone());
            }
        }
    }
    out
}

/// What is left of `line` once the catalogue's wrapped text and the verbatim texts are taken
/// out: English words there were composed outside the catalogues.
fn english_left(line: &str, verbatim: &BTreeSet<String>) -> Vec<String> {
    let mut rest = String::new();
    let mut depth = 0;
    for c in line.chars() {
        match c {
            '⟦' => depth += 1,
            '⟧' => depth -= 1,
            c if depth == 0 => rest.push(c),
            _ => {}
        }
    }
    // Longest first, so a text is not cut by a shorter one inside it.
    // One letter (a category, an evidence level) is never a word: taking it out would cut words.
    let mut texts: Vec<&String> = verbatim.iter().filter(|t| t.len() > 1).collect();
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    for t in texts {
        rest = rest.replace(t.as_str(), " ");
    }
    rest.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_pseudo_language_leaves_no_english_in_any_golden_scenario() {
    let set = support::policies();
    let mut found = Vec::new();
    for path in scenarios::files(&support::root().join("scenarios")).unwrap() {
        let d = decision_of(&path);
        let allowed = verbatim(&d);
        let text = explain(&d, Some(set), Lang::Pseudo);
        for line in text.lines() {
            let left = english_left(line, &allowed);
            if !left.is_empty() {
                found.push(format!("{}: {left:?} in `{line}`", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "text composed outside the catalogues ({}):\n{}",
        found.len(),
        found
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_check_finds_a_composed_sentence() {
    let allowed: BTreeSet<String> = ["R-EC-01".to_owned()].into();
    assert_eq!(
        english_left("⟦Whý⟧ R-EC-01 the plant", &allowed),
        vec!["the", "plant"]
    );
    assert!(english_left("⟦Whý: ⟧R-EC-01 EUR 12,500,000", &allowed).is_empty());
}

/// The rendering with the policy set's and the input's hashes masked (they change whenever a
/// pack does).
fn masked(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|l| {
            let mut out = String::new();
            for (i, part) in l.split("sha256:").enumerate() {
                if i == 0 {
                    out.push_str(part);
                } else {
                    out.push_str("sha256:…");
                    out.push_str(part.trim_start_matches(|c: char| c.is_ascii_hexdigit()));
                }
            }
            out
        })
        .collect()
}

#[test]
fn golden_renderings_in_dutch_and_english() {
    let cases = [
        (
            "export-credit-category-a",
            "scenarios/oecd-common-approaches/gas-plant-400mwth-indonesia-2022.json",
        ),
        (
            "trade-mission-refused",
            "scenarios/nl-trade-missions/not-registered.json",
        ),
        (
            "project-finance-missing-facts",
            "scenarios/nl-project-finance/indicative-mine-stage-unknown.json",
        ),
    ];
    let bless = std::env::var_os("IMVO_BLESS").is_some();
    let mut differ = Vec::new();
    for (name, file) in cases {
        let d = decision_of(&support::root().join(file));
        let json = serde_json::to_string(&d).unwrap();
        for lang in [Lang::En, Lang::Nl] {
            let got = masked(&explain(&d, Some(support::policies()), lang));
            let path = support::root().join(format!("tests/renderings/{name}.{lang}.txt"));
            if bless {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap_or_default();
            if got != want {
                differ.push(format!("{}:\n{got}", path.display()));
            }
        }
        // Rendering reads the decision and never changes it.
        assert_eq!(serde_json::to_string(&d).unwrap(), json);
    }
    assert!(
        differ.is_empty(),
        "renderings differ (IMVO_BLESS=1 rewrites them):\n{}",
        differ.join("\n")
    );
}

#[test]
fn every_engine_word_and_question_is_in_both_languages() {
    use imvo_engine::application::{field_specs, vocab};
    use imvo_engine::render::t;
    let mut ids: Vec<String> = Vec::new();
    ids.extend(vocab::STEP.values.iter().map(|s| format!("step-{s}")));
    for o in [
        "proceed",
        "proceed_with_conditions",
        "insufficient_information",
        "refer",
        "decline",
    ] {
        ids.push(format!("outcome-{o}"));
        ids.push(format!("verdict-{o}"));
        ids.push(format!("letter-intro-{o}"));
    }
    for i in ["export_credit", "project_finance", "trade_mission"] {
        ids.push(format!("instrument-{i}"));
    }
    for s in [
        "determined",
        "provisional",
        "undetermined",
        "not_applicable",
    ] {
        ids.push(format!("category-status-{s}"));
    }
    for e in [
        "category_floor",
        "require",
        "trigger",
        "risk_level",
        "decline",
        "refer",
        "insufficient_information",
        "info",
    ] {
        ids.push(format!("effect-{e}"));
    }
    ids.extend(vocab::RISK_LEVEL.values.iter().map(|r| format!("risk-{r}")));
    ids.extend(["A", "B", "C", "not_categorised"].map(|m| format!("move-{m}")));
    // Every field can be asked for in a letter.
    ids.extend(
        field_specs()
            .iter()
            .map(|f| imvo_engine::letter::question_id(&f.path)),
    );
    let mut absent = Vec::new();
    for id in &ids {
        for lang in [Lang::En, Lang::Nl] {
            // `t` gives the id back when the catalogue lacks it.
            let args = [
                ("value", Arg::Text("x".into())),
                ("count", Arg::Int(2)),
                ("reference", Arg::Text("R".into())),
                ("instrument", Arg::Text("I".into())),
            ];
            if t(lang, id, &args) == *id {
                absent.push(format!("{id} ({lang})"));
            }
        }
    }
    assert!(
        absent.is_empty(),
        "not in the engine's catalogue: {absent:?}"
    );
}
