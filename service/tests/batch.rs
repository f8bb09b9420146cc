//! Batch screening: the output equals screening each line one by one, in input order, for any
//! number of threads; bad lines (broken JSON, contract violations, invalid UTF-8) are reported
//! with their line numbers and do not stop the batch; an empty file is an empty batch.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::io::Cursor;

use imvo_engine::{Application, PolicySet, screen};
use imvo_service::batch::{OutFormat, Sinks, run};
use serde_json::Value;

fn portfolio() -> (Vec<u8>, Vec<u64>) {
    // Every golden scenario's application (a spread of instruments, categories and outcomes),
    // three times over, with broken lines in between.
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut n = 0u64;
    let files = imvo_service::scenarios::files(&support::root().join("scenarios")).unwrap();
    for round in 0..3 {
        for (i, path) in files.iter().enumerate() {
            let s: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let mut app = s["application"].clone();
            app["reference"] = Value::String(format!("B-{round}-{i}"));
            out.extend_from_slice(app.to_string().as_bytes());
            out.push(b'\n');
            n += 1;
            if i % 97 == 5 {
                out.extend_from_slice(b"{\"reference\": \"broken\"\n");
                n += 1;
                bad.push(n);
                out.extend_from_slice(b"{\"reference\":\"X\",\"instrument\":\"export_credit\",\"application_date\":\"2022-02-30\"}\n");
                n += 1;
                bad.push(n);
                out.extend_from_slice(b"\n");
                n += 1;
                out.extend_from_slice(b"{\"reference\":\"\xff\xfe\"}\n");
                n += 1;
                bad.push(n);
            }
        }
    }
    (out, bad)
}

#[test]
fn batch_output_equals_one_by_one_screening_for_any_thread_count() {
    let set = PolicySet::load(&support::root().join("policies")).unwrap();
    let (input, bad) = portfolio();
    let mut outputs = Vec::new();
    for threads in [1, 3, 8] {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut calls = 0;
        let mut progress = |_: u64| calls += 1;
        let summary = run(
            &set,
            Cursor::new(input.clone()),
            None,
            threads,
            OutFormat::JsonLines,
            Sinks {
                out: &mut out,
                errors: Some(&mut errors),
                progress: &mut progress,
            },
        )
        .unwrap();
        assert!(calls >= 1);
        assert_eq!(summary.rejected, bad.len() as u64, "{threads} threads");
        let rejected: Vec<u64> = String::from_utf8(errors)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["line"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            rejected, bad,
            "rejected lines named by their line numbers, in order"
        );
        outputs.push(out);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "1 and 3 threads give the same bytes"
    );
    assert_eq!(
        outputs[0], outputs[2],
        "1 and 8 threads give the same bytes"
    );

    // Each output line is the decision of screening that input line alone.
    let lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    let text = String::from_utf8(outputs.remove(0)).unwrap();
    let mut count = 0;
    let mut last = 0;
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let n = v["line"].as_u64().unwrap();
        assert!(n > last, "input order");
        last = n;
        let app =
            Application::parse(std::str::from_utf8(lines[(n - 1) as usize]).unwrap()).unwrap();
        let direct = screen(&set, &app, app.application_date);
        assert_eq!(
            v["decision"],
            serde_json::to_value(&direct).unwrap(),
            "line {n}"
        );
        count += 1;
    }
    assert_eq!(
        count,
        3 * imvo_service::scenarios::files(&support::root().join("scenarios"))
            .unwrap()
            .len()
    );
}

#[test]
fn an_empty_file_is_an_empty_batch_and_csv_has_the_main_columns() {
    let set = PolicySet::load(&support::root().join("policies")).unwrap();
    let mut out = Vec::new();
    let mut progress = |_: u64| {};
    let s = run(
        &set,
        Cursor::new(Vec::new()),
        None,
        2,
        OutFormat::JsonLines,
        Sinks {
            out: &mut out,
            errors: None,
            progress: &mut progress,
        },
    )
    .unwrap();
    assert_eq!((s.lines, s.decided, s.rejected), (0, 0, 0));
    assert!(out.is_empty());

    let example =
        std::fs::read_to_string(support::root().join("examples/gas-plant-id-2022.json")).unwrap();
    let line = serde_json::from_str::<Value>(&example).unwrap().to_string();
    let mut out = Vec::new();
    let s = run(
        &set,
        Cursor::new(format!("{line}\n{line}\n").into_bytes()),
        None,
        2,
        OutFormat::Csv,
        Sinks {
            out: &mut out,
            errors: None,
            progress: &mut progress,
        },
    )
    .unwrap();
    assert_eq!(s.decided, 2);
    assert_eq!(s.by_category.get("A"), Some(&2));
    let text = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[0].starts_with("line,reference,instrument,outcome,category"));
    assert!(
        rows[1].starts_with("1,ADSB-2022-0412,export_credit,proceed_with_conditions,A,"),
        "{}",
        rows[1]
    );
    assert!(rows[2].starts_with("2,"));
}
