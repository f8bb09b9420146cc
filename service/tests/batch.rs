//! Batch screening: the output equals screening each line one by one, in input order, for any
//! number of threads (a property over generated portfolios); CSV input gives the same decisions
//! as JSON Lines; bad lines (broken JSON, contract violations, invalid UTF-8, short CSV rows) are
//! reported with their line numbers and do not stop the batch.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::io::Cursor;
use std::sync::OnceLock;

use imvo_engine::{Application, PolicySet, screen};
use imvo_service::batch::input::{self, Format};
use imvo_service::batch::{Options, OutFormat, Sinks, Summary, run};
use proptest::prelude::*;
use serde_json::Value;

fn set() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| PolicySet::load(&support::root().join("policies")).unwrap())
}

fn templates() -> &'static Vec<Value> {
    static T: OnceLock<Vec<Value>> = OnceLock::new();
    T.get_or_init(support::templates)
}

/// Runs a batch over `input`: (summary, output, errors).
fn batch(
    input: &[u8],
    format: Format,
    threads: usize,
    out: OutFormat,
) -> (Summary, String, String) {
    let (summary, output, errors) = try_batch(input, format, threads, out);
    (summary.unwrap(), output, errors)
}

/// Runs a batch over `input`: (the outcome, output, errors), whether or not the run failed.
fn try_batch(
    input: &[u8],
    format: Format,
    threads: usize,
    out: OutFormat,
) -> (std::io::Result<Summary>, String, String) {
    let items = input::open(format, Cursor::new(input.to_vec())).unwrap();
    let mut output = Vec::new();
    let mut errors = Vec::new();
    let mut progress = |_: u64| {};
    let summary = run(
        set(),
        items,
        Options {
            as_of: None,
            threads,
            format: out,
            floor: false,
        },
        Sinks {
            out: &mut output,
            errors: Some(&mut errors),
            progress: &mut progress,
        },
    );
    (
        summary,
        String::from_utf8(output).unwrap(),
        String::from_utf8(errors).unwrap(),
    )
}

/// What one portfolio line is.
#[derive(Debug, Clone)]
enum Line {
    /// Template `i` with a fresh reference.
    App(usize),
    /// Broken JSON.
    Broken,
    /// Breaks the contract (an impossible date).
    Invalid,
    /// Not UTF-8.
    Latin1,
    /// Blank (skipped, but counted in line numbers).
    Blank,
}

fn line_strategy() -> impl Strategy<Value = Line> {
    let n = templates().len();
    prop_oneof![
        12 => (0..n).prop_map(Line::App),
        1 => Just(Line::Broken),
        1 => Just(Line::Invalid),
        1 => Just(Line::Latin1),
        1 => Just(Line::Blank),
    ]
}

/// The portfolio as JSON Lines, with the line numbers that must be rejected.
fn render(lines: &[Line]) -> (Vec<u8>, Vec<u64>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let n = i as u64 + 1;
        match l {
            Line::App(t) => {
                let mut app = templates()[*t].clone();
                app["reference"] = Value::String(format!("P-{n}"));
                out.extend_from_slice(app.to_string().as_bytes());
            }
            Line::Broken => {
                out.extend_from_slice(b"{\"reference\": \"broken\"");
                bad.push(n);
            }
            Line::Invalid => {
                out.extend_from_slice(b"{\"reference\":\"X\",\"instrument\":\"export_credit\",\"application_date\":\"2022-02-30\"}");
                bad.push(n);
            }
            Line::Latin1 => {
                out.extend_from_slice(b"{\"reference\":\"Soci\xe9t\xe9\"}");
                bad.push(n);
            }
            Line::Blank => {}
        }
        out.push(b'\n');
    }
    (out, bad)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    /// Any portfolio, any thread count: each decision is the decision of screening that line
    /// alone, in input order, and exactly the bad lines are rejected, by number.
    #[test]
    fn batch_equals_one_by_one(lines in prop::collection::vec(line_strategy(), 1..48), threads in 1usize..7) {
        let (input, bad) = render(&lines);
        let (summary, out, errors) = batch(&input, Format::JsonLines, threads, OutFormat::JsonLines);
        let rejected: Vec<u64> = errors
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["line"].as_u64().unwrap())
            .collect();
        prop_assert_eq!(&rejected, &bad);
        prop_assert_eq!(summary.rejected, bad.len() as u64);
        let raw: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
        let mut expected_lines = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if matches!(l, Line::App(_)) {
                expected_lines.push(i as u64 + 1);
            }
        }
        let mut got_lines = Vec::new();
        for l in out.lines() {
            let v: Value = serde_json::from_str(l).unwrap();
            let n = v["line"].as_u64().unwrap();
            got_lines.push(n);
            let app = Application::parse(std::str::from_utf8(raw[(n - 1) as usize]).unwrap()).unwrap();
            let direct = screen(set(), &app, app.application_date);
            prop_assert_eq!(&v["decision"], &serde_json::to_value(&direct).unwrap(), "line {}", n);
        }
        prop_assert_eq!(got_lines, expected_lines);
    }
}

#[test]
fn csv_input_gives_the_decisions_of_json_lines() {
    // Every golden application through the CSV form (nested sections, term lists, lists of
    // objects as aligned member columns, `[]`, booleans, integers, decimals).
    let apps = templates();
    let csv = support::to_csv(apps);
    let jsonl: String = apps.iter().map(|a| format!("{a}\n")).collect();
    let (s_csv, out_csv, err_csv) = batch(csv.as_bytes(), Format::Csv, 2, OutFormat::JsonLines);
    let (s_json, out_json, _) = batch(jsonl.as_bytes(), Format::JsonLines, 2, OutFormat::JsonLines);
    assert_eq!(err_csv, "", "no CSV row rejected");
    assert_eq!((s_csv.decided, s_csv.rejected), (apps.len() as u64, 0));
    assert_eq!(s_csv.by_outcome, s_json.by_outcome);
    // Same decisions; CSV line numbers are one more (the header is line 1). The input hash may
    // differ: CSV cannot write an empty section (`{}`) or an explicit `null`, which mean the same
    // as leaving them out.
    for (c, j) in out_csv.lines().zip(out_json.lines()) {
        let mut c: Value = serde_json::from_str(c).unwrap();
        let mut j: Value = serde_json::from_str(j).unwrap();
        c["decision"]["provenance"]["input_hash"] = Value::Null;
        j["decision"]["provenance"]["input_hash"] = Value::Null;
        assert_eq!(c["line"].as_u64().unwrap(), j["line"].as_u64().unwrap() + 1);
        assert_eq!(c["decision"], j["decision"], "line {}", c["line"]);
    }
    assert_eq!(out_csv.lines().count(), apps.len());
}

#[test]
fn bad_csv_rows_are_reported_by_line_and_field() {
    let csv = "reference,instrument,application_date,project.workforce,project.supply_chain.good,project.supply_chain.country\n\
               OK-1,export_credit,2026-01-05,12,cotton,UZ\n\
               BAD-2,export_credit,2026-01-05,many,,\n\
               BAD-3,export_credit,2026-01-05,,cotton;cocoa,UZ\n\
               BAD-4,export_credit\n\
               OK-5,export_credit,2026-01-05,,,\n";
    let (s, out, errors) = batch(csv.as_bytes(), Format::Csv, 2, OutFormat::Csv);
    assert_eq!((s.decided, s.rejected), (2, 3));
    let errs: Vec<Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lines: Vec<u64> = errs.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5]);
    assert_eq!(errs[0]["errors"][0]["path"], "project.workforce");
    assert_eq!(errs[1]["errors"][0]["path"], "project.supply_chain");
    assert!(
        errs[2]["errors"][0]["expected"]
            .as_str()
            .unwrap()
            .contains("6 cells")
    );
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows[1].starts_with("2,OK-1,export_credit,"), "{}", rows[1]);
    assert!(rows[2].starts_with("6,OK-5,export_credit,"), "{}", rows[2]);
}

#[test]
fn an_empty_file_is_an_empty_batch_and_csv_output_has_the_main_columns() {
    let (s, out, _) = batch(b"", Format::JsonLines, 2, OutFormat::JsonLines);
    assert_eq!((s.lines, s.decided, s.rejected), (0, 0, 0));
    assert!(out.is_empty());

    let example =
        std::fs::read_to_string(support::root().join("examples/gas-plant-id-2022.json")).unwrap();
    let line = serde_json::from_str::<Value>(&example).unwrap().to_string();
    let (s, out, _) = batch(
        format!("{line}\n{line}\n").as_bytes(),
        Format::JsonLines,
        2,
        OutFormat::Csv,
    );
    assert_eq!(s.decided, 2);
    assert_eq!(s.by_category.get("A"), Some(&2));
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].starts_with("line,reference,instrument,outcome,category"));
    assert!(
        rows[1].starts_with("1,ADSB-2022-0412,export_credit,proceed_with_conditions,A,"),
        "{}",
        rows[1]
    );
    assert!(rows[2].starts_with("2,"));
}

/// A CSV row that runs on past the size limit (a quote left open) stops the batch, but every
/// line before it is screened and written, and the error names the row's own line.
#[test]
fn input_that_breaks_off_keeps_the_lines_before_it() {
    let mut csv = String::from("reference,instrument,application_date,project.country\n");
    for i in 1..=300 {
        csv.push_str(&format!("R{i},export_credit,2026-01-05,ID\n"));
    }
    csv.push_str("R301,export_credit,2026-01-05,\"ID");
    csv.push_str(&"x".repeat(input::MAX_LINE + 100_000));
    let (summary, output, _) = try_batch(csv.as_bytes(), Format::Csv, 2, OutFormat::JsonLines);
    let e = summary.unwrap_err().to_string();
    assert!(e.contains("from line 302"), "{e}");
    assert!(e.contains("the 300 line(s) before it"), "{e}");
    let lines: Vec<u64> = output
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, (2..=301).collect::<Vec<u64>>());
}

/// The error file says what was found, not only what was expected.
#[test]
fn the_error_file_shows_what_was_found() {
    let (_, _, errors) = batch(
        b"{\"reference\":\"X-1\",\"instrument\":\"export_credt\",\"application_date\":\"2026-01-05\"}\n",
        Format::JsonLines,
        1,
        OutFormat::JsonLines,
    );
    let e: Value = serde_json::from_str(errors.lines().next().unwrap()).unwrap();
    let field = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "instrument")
        .unwrap();
    assert!(
        field["found"].as_str().unwrap().contains("export_credt"),
        "{e}"
    );
}

/// `rescreen --stored` compares the latest stored screening of each application, read from the
/// database in pages while the pages before are screened: the same report for any page size
/// and number of threads, on the runtime the command line uses (one thread). A screening stored
/// later supersedes the earlier one of the same application; a record whose decision cannot be
/// read is rejected, not dropped; a stored decision reads back to the verdict of the decision
/// itself, so screening every one again under the same set changes nothing. A stored decision
/// whose packs, data and engine a policy change leaves as they were stands without being
/// screened again, and the report is the one a full re-screening gives.
#[tokio::test(flavor = "current_thread")]
async fn rescreening_the_stored_screenings_reads_every_page_and_the_latest_only() {
    use imvo_service::batch::rescreen::{Verdict, impact_stored_in_pages};
    use imvo_service::store::{NewRecord, RecordKind};
    let (store, _) = support::sqlite().await;
    let apps: Vec<Application> = templates()
        .iter()
        .filter_map(|t| Application::parse(&t.to_string()).ok())
        .collect();
    let record = |app: &Application, decision: String| NewRecord {
        kind: RecordKind::Screening,
        created_by: "test".into(),
        reference: app.reference.clone(),
        instrument: app.instrument.as_str().into(),
        as_of: Some(app.application_date.to_string()),
        engine_version: imvo_engine::ENGINE_VERSION.into(),
        input: Some(app.canonical_json()),
        decision: Some(decision),
        ..NewRecord::default()
    };
    // Every template, then the first three again: their later screening is the one compared.
    let mut clean = std::collections::BTreeMap::new();
    for app in apps.iter().chain(apps.iter().take(3)) {
        let d = screen(set(), app, app.application_date);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            Verdict::of_stored(&json),
            Some(Verdict::of(&d)),
            "{}",
            app.reference
        );
        clean.insert((app.reference.clone(), app.instrument), d.errors.is_empty());
        store.append(vec![(record(app, json), None)]).await.unwrap();
    }
    // Not a whole decision (no steps, no provenance, ...), though it has what a verdict needs.
    let mut broken = apps[0].clone();
    broken.reference = "BROKEN-1".into();
    store
        .append(vec![(
            record(&broken, r#"{"outcome":"proceed","findings":[]}"#.into()),
            None,
        )])
        .await
        .unwrap();
    // Decisions whose provenance names another data table, engine version or date than a
    // screening now would: none stands, each is screened again (and decided as stored).
    let clean_apps: Vec<&Application> = apps
        .iter()
        .filter(|a| screen(set(), a, a.application_date).errors.is_empty())
        .take(3)
        .collect();
    for (n, (app, doctor)) in clean_apps
        .into_iter()
        .zip([
            &(|p: &mut Value| p["data"][0]["hash"] = "sha256:00".into()) as &dyn Fn(&mut Value),
            &|p: &mut Value| p["engine_version"] = "0.0.1".into(),
            &|p: &mut Value| p["as_of"] = "2000-01-01".into(),
        ])
        .enumerate()
    {
        let mut app = app.clone();
        app.reference = format!("OTHER-BASIS-{n}");
        let mut d = serde_json::to_value(screen(set(), &app, app.application_date)).unwrap();
        doctor(&mut d["provenance"]);
        store
            .append(vec![(record(&app, d.to_string()), None)])
            .await
            .unwrap();
    }
    let clean = clean.values().filter(|c| **c).count() as u64;

    let full = impact_stored_in_pages(&store, set(), None, 1, true, 10_000)
        .await
        .unwrap();
    assert_eq!(full.applications, apps.len() as u64 - duplicates(&apps) + 3);
    assert_eq!(full.rejected.len(), 1, "{:?}", full.rejections);
    assert_eq!(full.rejections[0]["error"], "unreadable_record");
    assert_eq!(
        (full.changed, full.same_basis),
        (0, 0),
        "{:?}",
        full.changes
    );
    let mut full = serde_json::to_value(&full).unwrap();
    for (threads, page) in [(1, 1), (2, 3), (3, 7)] {
        let r = impact_stored_in_pages(&store, set(), None, threads, false, page)
            .await
            .unwrap();
        assert_eq!(
            r.same_basis, clean,
            "every decision without an error stands"
        );
        let mut r = serde_json::to_value(&r).unwrap();
        r["same_basis"] = full["same_basis"].clone();
        assert_eq!(r, full, "{threads} threads, pages of {page}");
    }

    // A change to the Common Approaches: their applications are screened again, the others
    // stand, and the report is the full re-screening's.
    let changed = changed_set();
    let skipped = impact_stored_in_pages(&store, changed, None, 2, false, 5)
        .await
        .unwrap();
    full = serde_json::to_value(
        impact_stored_in_pages(&store, changed, None, 2, true, 5)
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(full["changed"].as_u64().unwrap() > 0, "{full}");
    assert!(skipped.same_basis > 0 && skipped.same_basis < clean);
    let mut skipped = serde_json::to_value(&skipped).unwrap();
    skipped["same_basis"] = full["same_basis"].clone();
    assert_eq!(skipped, full);
    store.close().await;
}

/// Templates that repeat an earlier one's reference and instrument.
fn duplicates(apps: &[Application]) -> u64 {
    let distinct: std::collections::BTreeSet<_> = apps
        .iter()
        .map(|a| (a.reference.clone(), a.instrument))
        .collect();
    (apps.len() - distinct.len()) as u64
}

/// The shipped set with the Common Approaches' Annex I thermal line at 500 MWth instead of 300:
/// a change to the export-credit pack only.
fn changed_set() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut files = set().files().clone();
        let params = files
            .get_mut("oecd-common-approaches-2016.1.0/params.csv")
            .unwrap();
        let text = String::from_utf8(params.clone()).unwrap();
        assert!(text.contains("\nannex_i.thermal_mwth,300,"));
        *params = text
            .replace("\nannex_i.thermal_mwth,300,", "\nannex_i.thermal_mwth,500,")
            .into_bytes();
        PolicySet::from_files(files, set().limits().clone()).unwrap()
    })
}

/// `rescreen INPUT --from --to` screens an application once where its screening rests on the
/// same packs and data under both sets, and reports what screening it under both reports.
#[test]
fn the_impact_of_a_change_screens_once_what_it_cannot_touch() {
    use imvo_service::batch::rescreen::impact;
    let lines: String = templates().iter().map(|t| format!("{t}\n")).collect();
    let run = |full: bool| {
        let items =
            input::open(Format::JsonLines, Cursor::new(lines.clone().into_bytes())).unwrap();
        impact(set(), changed_set(), items, None, 2, full).unwrap()
    };
    let (skipped, full) = (run(false), run(true));
    assert!(full.changed > 0, "{:?}", full.categories);
    assert_eq!(full.same_basis, 0);
    assert!(skipped.same_basis > 0 && skipped.same_basis < skipped.applications);
    let mut skipped = serde_json::to_value(&skipped).unwrap();
    let full = serde_json::to_value(&full).unwrap();
    skipped["same_basis"] = full["same_basis"].clone();
    assert_eq!(skipped, full);
}

/// A panic in the work of one item (a defect, not a bad line) stops the pipeline with an error
/// that says how far it got, and never hangs: with one panicking item among many, and with every
/// item panicking (every worker gone while the reader still has chunks to give).
#[test]
fn a_panic_in_the_work_stops_the_pipeline_with_an_error_and_never_hangs() {
    use imvo_service::batch::{CHUNK, ordered};
    let n = CHUNK * 12;
    for threads in 1..=3 {
        for poison in [CHUNK * 5 + 3, 0] {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let input = (0..n).map(Ok::<usize, std::io::Error>);
                let result = ordered(
                    input,
                    threads,
                    "test",
                    |i| {
                        assert!(i != poison && poison != 0, "deliberate panic on item {i}");
                        i
                    },
                    |i| {
                        seen.push(i);
                        Ok(())
                    },
                );
                let _ = tx.send((result.map_err(|e| e.to_string()), seen));
            });
            let (result, seen) = rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| {
                    panic!("the pipeline hung ({threads} threads, poison {poison})")
                });
            let message = result.expect_err("a panic must be an error");
            assert!(message.contains("failed unexpectedly"), "{message}");
            // What was written is the items before the failing chunk, in order, and no more.
            assert!(
                seen.iter().copied().eq(0..seen.len()),
                "out of order: {seen:?}"
            );
            assert!(
                seen.len() <= poison / CHUNK * CHUNK,
                "{} written",
                seen.len()
            );
        }
    }
}
