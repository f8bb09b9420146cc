//! `screen` on a realistic export-credit application with every shipped pack loaded, next to the
//! cost of only parsing and validating the same application (measured in the same run); and a
//! portfolio mix of 1,000 applications (`tools/make_portfolio.py 1000 --seed 7`: all three
//! instruments, many unknown facts) end to end, in reference mode (every applicability gate
//! open) and with the gates, in that order, in the same run.
//! Run: `cargo bench -p imvo-engine --bench screen`; figures go in docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use imvo_engine::{Application, PolicySet, screen};

fn benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let set = PolicySet::load(&root.join("policies")).unwrap();
    let text = std::fs::read_to_string(root.join("examples/gas-plant-id-2022.json")).unwrap();
    let app = Application::parse(&text).unwrap();
    let date = app.application_date;
    assert!(screen(&set, &app, date).errors.is_empty());

    let mut g = c.benchmark_group("export_credit_example");
    g.bench_function("parse_and_validate", |b| {
        b.iter(|| Application::parse(black_box(&text)).unwrap())
    });
    g.bench_function("screen", |b| b.iter(|| screen(&set, black_box(&app), date)));
    let decision = screen(&set, &app, date);
    g.bench_function("serialise_decision", |b| {
        b.iter(|| imvo_engine::json::compact::to_string(black_box(&decision)).unwrap())
    });
    g.bench_function("end_to_end", |b| {
        b.iter(|| {
            let app = Application::parse(black_box(&text)).unwrap();
            let d = screen(&set, &app, app.application_date);
            imvo_engine::json::compact::to_string(&d).unwrap()
        })
    });
    g.finish();

    portfolio_mix(c, &set, root);

    // The engine's own cost: no pack in force (only assembling the decision and its hashes), a
    // pack of 40 rules that do nothing, and the same reading one fact each.
    let mut g = c.benchmark_group("overhead");
    let early = Application::parse(&text.replace("\"2022-11-01\"", "\"2011-11-01\"")).unwrap();
    g.bench_function("clone_application", |b| b.iter(|| black_box(&app).clone()));
    g.bench_function("canonical_json", |b| {
        b.iter(|| black_box(&app).canonical_json())
    });
    g.bench_function("no_pack_in_force", |b| {
        b.iter(|| screen(&set, black_box(&early), early.application_date))
    });
    for (name, body) in [
        ("40_empty_rules", ""),
        (
            "40_rules_one_read",
            "let x = app.project.capacity.thermal_mw;",
        ),
    ] {
        let mut files = std::collections::BTreeMap::new();
        files.insert("o-1.0.0/pack.toml".to_owned(), b"id = \"o\"\nversion = \"1.0.0\"\ntitle = \"o\"\ninstruments = [\"export_credit\"]\neffective_from = \"2016-01-01\"\n[[sources]]\nid = \"s\"\ndocument = \"d\"\n".to_vec());
        let mut rules =
            "id,title,phase,source,section,evidence_level,verified,note,status\n".to_owned();
        let mut src = String::new();
        for i in 0..40 {
            rules.push_str(&format!("R-O-{i:02},r,facts,s,,R,false,,active\n"));
            src.push_str(&format!("fn r_o_{i:02}(app) {{ {body} }}\n"));
        }
        files.insert("o-1.0.0/rules.csv".to_owned(), rules.into_bytes());
        files.insert("o-1.0.0/r.rhai".to_owned(), src.into_bytes());
        let set = PolicySet::from_files(files, imvo_engine::script::Limits::default()).unwrap();
        g.bench_function(name, |b| b.iter(|| screen(&set, black_box(&app), date)));
    }
    g.finish();
}

/// 1,000 applications like a real portfolio, parsed, screened and serialised, in reference mode
/// and with gates. Needs `python3` (the generator is the one the batch benchmark uses).
fn portfolio_mix(c: &mut Criterion, set: &PolicySet, root: &Path) {
    let out = std::process::Command::new("python3")
        .arg(root.join("tools/make_portfolio.py"))
        .args(["1000", "--seed", "7"])
        .output()
        .expect("python3 runs tools/make_portfolio.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let reference = set.without_gates();
    let mut g = c.benchmark_group("portfolio_mix_1000");
    g.sample_size(10);
    for (name, set) in [("end_to_end_no_gates", &reference), ("end_to_end", set)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                for line in &lines {
                    let app = Application::parse(black_box(line)).unwrap();
                    let d = screen(set, &app, app.application_date);
                    black_box(imvo_engine::json::compact::to_string(&d).unwrap());
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches_group, benches);
criterion_main!(benches_group);
