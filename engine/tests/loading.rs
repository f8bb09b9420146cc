//! Loading policy folders: every kind of broken pack is refused with its file, line and what is
//! wrong; the set hash changes exactly when the content does; packs are selected by date.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use imvo_engine::script::Limits;
use imvo_engine::{Instrument, PolicySet};
use proptest::prelude::*;

fn pack(
    dir: &str,
    id: &str,
    version: &str,
    from: &str,
    to: Option<&str>,
) -> BTreeMap<String, Vec<u8>> {
    let mut f = BTreeMap::new();
    let to = to
        .map(|t| format!("effective_to = \"{t}\"\n"))
        .unwrap_or_default();
    f.insert(
        format!("{dir}/pack.toml"),
        format!("id = \"{id}\"\nversion = \"{version}\"\ntitle = \"t\"\ninstruments = [\"export_credit\"]\neffective_from = \"{from}\"\n{to}[[sources]]\nid = \"s\"\ndocument = \"d\"\n").into_bytes(),
    );
    f.insert(format!("{dir}/rules.csv"), b"id,title,phase,source,section,evidence_level,verified,note,status\nR-T-01,a,floors,s,,R,false,,active\n".to_vec());
    f.insert(format!("{dir}/params.csv"), b"name,value,unit,comparator,source,section,evidence_level,verified,note\nt.limit,10,MW,>=,s,,S,false,\n".to_vec());
    f.insert(format!("{dir}/r.rhai"), b"fn r_t_01(app) { }\n".to_vec());
    f
}

fn errors(files: BTreeMap<String, Vec<u8>>) -> Vec<String> {
    match PolicySet::from_files(files, Limits::default()) {
        Ok(_) => panic!("should not load"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

fn with(mut f: BTreeMap<String, Vec<u8>>, path: &str, content: &str) -> BTreeMap<String, Vec<u8>> {
    f.insert(path.to_owned(), content.as_bytes().to_vec());
    f
}

#[test]
fn a_valid_pack_loads() {
    let set = PolicySet::from_files(
        pack("t-1.0.0", "t", "1.0.0", "2020-01-01", None),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(set.packs().len(), 1);
    assert!(set.hash().starts_with("sha256:") && set.hash().len() == 71);
}

#[test]
fn broken_manifests_name_the_file_line_and_problem() {
    let base = pack("t-1.0.0", "t", "1.0.0", "2020-01-01", None);
    let e = errors(with(
        base.clone(),
        "t-1.0.0/pack.toml",
        "id = \"t\"\nversion = \"1.0.0\"\ntitle = 3\n",
    ));
    assert!(e[0].starts_with("t-1.0.0/pack.toml:3: "), "{e:?}");
    let e = errors(with(
        base.clone(),
        "t-1.0.0/pack.toml",
        "id = \"t\"\nversion = \"1.0.0\"\ntitle = \"t\"\ninstruments = [\"export_credits\"]\neffective_from = \"2020-13-01\"\n[[sources]]\nid = \"s\"\ndocument = \"d\"\n",
    ));
    assert!(
        e.iter()
            .any(|m| m.contains("`export_credits` is not an instrument")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("`effective_from` is not a YYYY-MM-DD date")),
        "{e:?}"
    );
    let e = errors(pack("t-2.0.0", "t", "1.0.0", "2020-01-01", None));
    assert!(
        e.iter().any(|m| m.contains("must be named `t-1.0.0`")),
        "{e:?}"
    );
}

#[test]
fn broken_rule_and_parameter_tables_are_refused_with_their_line() {
    let base = pack("t-1.0.0", "t", "1.0.0", "2020-01-01", None);
    let rules = "id,title,phase,source,section,evidence_level,verified,note,status\nR-T-01,a,floors,s,,S,true,,active\n";
    assert_eq!(
        errors(with(base.clone(), "t-1.0.0/rules.csv", rules)),
        vec![
            "t-1.0.0/rules.csv:2: rule `R-T-01` is marked verified but its evidence level is `S`: only P and P-copy sources count as verified"
        ]
    );
    let rules = "id,title,phase,source,section,evidence_level,verified,note,status\nR-T-01,a,later,s,,S,false,,active\n";
    assert!(errors(with(base.clone(), "t-1.0.0/rules.csv", rules))[0].contains("phase `later`"));
    let rules = "id,title,phase,source,section,evidence_level,verified,note,status\nR-T-01,a,floors,nope,,S,false,,active\n";
    assert!(errors(with(base.clone(), "t-1.0.0/rules.csv", rules))[0].contains("source `nope`"));
    let params = "name,value,unit,comparator,source,section,evidence_level,verified,note\nt.limit,ten,MW,>=,s,,S,false,\n";
    assert_eq!(
        errors(with(base.clone(), "t-1.0.0/params.csv", params)),
        vec!["t-1.0.0/params.csv:2: value `ten` of `t.limit` does not fit its unit `MW`"]
    );
    let e = errors(with(base, "t-1.0.0/r.rhai", "fn r_t_01(app, extra) { }\n"));
    assert!(e[0].contains("takes 2 parameters"), "{e:?}");
}

#[test]
fn a_folder_that_is_not_a_pack_is_refused() {
    let mut f = pack("t-1.0.0", "t", "1.0.0", "2020-01-01", None);
    f.insert("stray/notes.txt".into(), b"x".to_vec());
    assert_eq!(
        errors(f),
        vec!["stray: not a pack: a folder beside `data/` must hold a `pack.toml`"]
    );
}

#[test]
fn two_versions_in_force_on_one_day_are_refused() {
    let mut f = pack("t-1.0.0", "t", "1.0.0", "2020-01-01", Some("2022-01-01"));
    f.extend(pack("t-2.0.0", "t", "2.0.0", "2021-06-01", None));
    let e = errors(f);
    assert!(
        e[0].contains("versions `1.0.0` and `2.0.0` of pack `t` are both in force from 2021-06-01"),
        "{e:?}"
    );
}

#[test]
fn versions_are_selected_by_date() {
    let mut f = pack("t-1.0.0", "t", "1.0.0", "2020-01-01", Some("2022-01-01"));
    f.extend(pack("t-2.0.0", "t", "2.0.0", "2022-01-01", None));
    let set = PolicySet::from_files(f, Limits::default()).unwrap();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let version = |s: &str| {
        set.in_force(Instrument::ExportCredit, d(s))
            .iter()
            .map(|p| p.manifest.version.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(version("2019-12-31"), Vec::<String>::new());
    assert_eq!(version("2020-01-01"), vec!["1.0.0"]);
    assert_eq!(
        version("2021-12-31"),
        vec!["1.0.0"],
        "effective_to is exclusive"
    );
    assert_eq!(version("2022-01-01"), vec!["2.0.0"]);
    assert!(
        set.in_force(Instrument::TradeMission, d("2022-01-01"))
            .is_empty()
    );
}

#[test]
fn the_shipped_policies_load_and_every_rule_cites_its_source() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let set = PolicySet::load(&root.join("policies")).unwrap();
    assert!(set.rates().is_some());
    for pack in set.packs() {
        for r in &pack.rules {
            assert!(!r.document.is_empty());
            assert!(
                !r.verified || matches!(&*r.evidence_level, "P" | "P-copy"),
                "{}",
                r.id
            );
        }
        for p in pack.params.values() {
            assert!(!p.document.is_empty(), "{}", p.name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The set hash changes if and only if the content changes (model: the map of files).
    #[test]
    fn the_hash_follows_the_content(edits in prop::collection::vec(0usize..4, 0..4)) {
        let base = pack("t-1.0.0", "t", "1.0.0", "2020-01-01", None);
        let original = PolicySet::from_files(base.clone(), Limits::default()).unwrap();
        let mut model = base.clone();
        for file in &edits {
            let key = model.keys().nth(*file).unwrap().clone();
            // Append a comment or blank line: valid in every file type here, changes the bytes.
            let extra: &[u8] = if key.ends_with(".rhai") { b"// x\n" } else if key.ends_with(".toml") { b"# x\n" } else { b"" };
            let v = model.get_mut(&key).unwrap();
            if extra.is_empty() { continue; }
            v.extend_from_slice(extra);
        }
        let changed = PolicySet::from_files(model.clone(), Limits::default()).unwrap();
        prop_assert_eq!(model != base, changed.hash() != original.hash());
        let again = PolicySet::from_files(model, Limits::default()).unwrap();
        prop_assert_eq!(again.hash(), changed.hash());
    }
}

/// The test pack with catalogues and a script reporting through them.
fn with_messages(script: &str, en: &str, nl: &str) -> BTreeMap<String, Vec<u8>> {
    let f = with(
        pack("t-1.0.0", "t", "1.0.0", "2020-01-01", None),
        "t-1.0.0/r.rhai",
        script,
    );
    let f = with(f, "t-1.0.0/messages/en.ftl", en);
    with(f, "t-1.0.0/messages/nl.ftl", nl)
}

#[test]
fn message_catalogues_are_checked_against_the_scripts() {
    let script = "fn r_t_01(app) {\n  info(\"R-T-01\", msg(\"t-limit\", #{mw: 10}));\n}\n";
    let en = "t-limit = a limit of { $mw } MW\n";
    let ok = with_messages(script, en, "t-limit = een grens van { $mw } MW\n");
    assert!(PolicySet::from_files(ok, Limits::default()).is_ok());

    // An id missing in Dutch, a Dutch variable the English lacks, a catalogue that does not parse.
    let e = errors(with_messages(script, en, "t-other = x\n"));
    assert!(
        e.iter()
            .any(|m| m.starts_with("t-1.0.0/messages/nl.ftl: `t-limit` is missing")),
        "{e:?}"
    );
    let e = errors(with_messages(script, en, "t-limit = { $mw } en { $kw }\n"));
    assert!(
        e.iter()
            .any(|m| m.starts_with("t-1.0.0/messages/nl.ftl:1: ") && m.contains("$kw")),
        "{e:?}"
    );
    let e = errors(with_messages(script, "\n\nt-limit = { \n", "t-limit = x\n"));
    assert!(
        e.iter()
            .any(|m| m.starts_with("t-1.0.0/messages/en.ftl:3: does not parse")),
        "{e:?}"
    );

    // A call whose id is unknown, whose arguments do not match, or whose id is not a literal.
    let e = errors(with_messages(
        "fn r_t_01(app) {\n info(\"R-T-01\", msg(\"t-nope\"));\n}\n",
        en,
        "t-limit = x { $mw }\n",
    ));
    assert!(
        e.iter()
            .any(|m| m.starts_with("t-1.0.0/r.rhai:2: message `t-nope` is not in")),
        "{e:?}"
    );
    let e = errors(with_messages(
        "fn r_t_01(app) {\n info(\"R-T-01\", msg(\"t-limit\", #{kw: 1}));\n}\n",
        en,
        "t-limit = x { $mw }\n",
    ));
    assert!(
        e.iter()
            .any(|m| m.contains("uses `$mw`, which this call does not give")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("gives `kw`, which message `t-limit` does not use")),
        "{e:?}"
    );
    let e = errors(with_messages(
        "fn r_t_01(app) {\n let id = \"t-limit\";\n info(\"R-T-01\", msg(id));\n}\n",
        en,
        "t-limit = x { $mw }\n",
    ));
    assert!(
        e.iter().any(|m| m.contains("must be written as a literal")),
        "{e:?}"
    );

    // A message no script uses.
    let e = errors(with_messages(
        script,
        "t-limit = { $mw }\nt-spare = x\n",
        "t-limit = { $mw }\nt-spare = x\n",
    ));
    assert!(
        e.iter()
            .any(|m| m.starts_with("t-1.0.0/messages/en.ftl:2: message `t-spare` is never used")),
        "{e:?}"
    );

    // `msg` in a pack without catalogues.
    let e = errors(with(
        pack("t-1.0.0", "t", "1.0.0", "2020-01-01", None),
        "t-1.0.0/r.rhai",
        script,
    ));
    assert!(
        e.iter()
            .any(|m| m.contains("has no `t-1.0.0/messages/en.ftl`")),
        "{e:?}"
    );
}

#[test]
fn a_pack_with_catalogues_cannot_report_a_sentence() {
    let app =
        imvo_engine::Application::parse(include_str!("../../examples/gas-plant-id-2022.json"))
            .unwrap();
    let screen_with = |script: &str| {
        let f = with_messages(
            script,
            "t-limit = a limit of { $mw } MW\n",
            "t-limit = een grens van { $mw } MW\n",
        );
        let set = PolicySet::from_files(f, Limits::default()).unwrap();
        imvo_engine::screen(&set, &app, app.application_date)
    };
    let d = screen_with(
        "fn r_t_01(app) { info(\"R-T-01\", msg(\"t-limit\", #{mw: 10})); }\n// msg(\"t-limit\", #{mw: 1})\n",
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(&*d.findings[0].reason, "a limit of 10 MW");
    assert_eq!(d.findings[0].message.as_ref().unwrap().id, "t-limit");
    // A sentence, or a message missing an argument at run time: the rule fails, the decision fails closed.
    let d = screen_with(
        "fn r_t_01(app) { info(\"R-T-01\", \"a sentence\"); let m = #{}; info(\"R-T-01\", msg(\"t-limit\", #{mw: 1})); }\n",
    );
    assert!(
        d.errors[0].message.contains("explanations are message ids"),
        "{:?}",
        d.errors
    );
    let d = screen_with("fn r_t_01(app) { let m = #{}; info(\"R-T-01\", msg(\"t-limit\", m)); }\n");
    assert!(d.errors[0].message.contains("t-limit"), "{:?}", d.errors);
}

#[test]
fn a_pack_without_catalogues_decides_exactly_as_before_message_ids() {
    // A policy set stored before message ids replays byte for byte: no `message` anywhere, and
    // the step's timing note in the engine's English as it always was.
    let app =
        imvo_engine::Application::parse(include_str!("../../examples/gas-plant-id-2022.json"))
            .unwrap();
    let script = "fn r_t_01(app) { require_disclosure(\"R-T-01\", \"public_disclosure\", 30, \"publish it\"); }\n";
    let old = with(
        pack("t-1.0.0", "t", "1.0.0", "2020-01-01", None),
        "t-1.0.0/r.rhai",
        script,
    );
    let set = PolicySet::from_files(old, Limits::default()).unwrap();
    let d = imvo_engine::screen(&set, &app, app.application_date);
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains("\"message\""), "{json}");
    assert_eq!(
        d.required_steps[0].note.as_deref(),
        Some("publish at least 30 calendar days before final commitment")
    );

    // The same rule through a catalogue: the finding and the step carry their messages.
    let script = "fn r_t_01(app) { require_disclosure(\"R-T-01\", \"public_disclosure\", 30, msg(\"t-limit\", #{mw: 30})); }\n";
    let f = with_messages(
        script,
        "t-limit = publish { $mw } days ahead\n",
        "t-limit = { $mw } dagen vooraf publiceren\n",
    );
    let set = PolicySet::from_files(f, Limits::default()).unwrap();
    let d = imvo_engine::screen(&set, &app, app.application_date);
    assert_eq!(&*d.findings[0].reason, "publish 30 days ahead");
    assert_eq!(
        d.required_steps[0].message.as_ref().unwrap().id,
        "step-disclosure-note"
    );
    assert_eq!(
        d.required_steps[0].note.as_deref(),
        Some("publish at least 30 calendar days before final commitment")
    );
}

#[test]
fn a_hostile_pack_cannot_build_or_render_an_unbounded_message() {
    let app =
        imvo_engine::Application::parse(include_str!("../../examples/gas-plant-id-2022.json"))
            .unwrap();
    // A message of a million parts, built in a few native calls: refused at 256 parts.
    let script = "fn r_t_01(app) { let a = []; a.pad(1000, msg(\"t-x\", #{a: \"y\"})); info(\"R-T-01\", msg(\"t-x\", #{a: a})); }\n";
    let many = "{ $a }".repeat(100);
    let f = with_messages(script, "t-x = { $a }\n", &format!("t-x = {many}\n"));
    let set = PolicySet::from_files(f, Limits::default()).unwrap();
    let d = imvo_engine::screen(&set, &app, app.application_date);
    assert!(
        d.errors[0].message.contains("more than 256 parts"),
        "{:?}",
        d.errors
    );

    // A Dutch text that repeats its argument a hundred times, nested: the English is short, the
    // Dutch would be 10^10 bytes. Rendering stops at 8 KiB and falls back to the English.
    let script = "fn r_t_01(app) { let m = msg(\"t-x\", #{a: \"0123456789\"}); for i in 0..4 { m = msg(\"t-x\", #{a: m}); } info(\"R-T-01\", m); }\n";
    let f = with_messages(script, "t-x = { $a }\n", &format!("t-x = {many}\n"));
    let set = PolicySet::from_files(f, Limits::default()).unwrap();
    let d = imvo_engine::screen(&set, &app, app.application_date);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(&*d.findings[0].reason, "0123456789");
    let nl = imvo_engine::render::finding_text(
        Some(&set),
        &d.findings[0],
        imvo_engine::messages::Lang::Nl,
    );
    assert!(nl.starts_with("0123456789 "), "{nl}");
}
