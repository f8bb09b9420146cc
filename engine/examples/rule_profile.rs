//! Which rules a portfolio spends its screening time in, and how often each says nothing (or
//! fails, which a gate must not skip): the
//! rules worth an applicability gate or a table (docs/policy-authoring.md, "Finding the rules
//! worth a gate"). One thread, wall time; the shares matter, not the absolute figures.
//!
//!   cargo run --release -p imvo-engine --example rule_profile -- PORTFOLIO.jsonl [--no-gates] [--policies DIR] [--top N]
//!
//! PORTFOLIO.jsonl holds one application per line (`tools/make_portfolio.py 2000 --seed 11`);
//! lines that do not parse are counted and skipped.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use imvo_engine::script::profile;
use imvo_engine::{Application, PolicySet, screen};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut input = None;
    let mut no_gates = false;
    let mut top = 40usize;
    let mut policies = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policies");
    while let Some(a) = args.next() {
        match a.as_str() {
            "--no-gates" => no_gates = true,
            "--policies" => policies = args.next().ok_or("--policies needs a folder")?.into(),
            "--top" => top = args.next().ok_or("--top needs a number")?.parse()?,
            _ => input = Some(a),
        }
    }
    let input = input
        .ok_or("usage: rule_profile PORTFOLIO.jsonl [--no-gates] [--policies DIR] [--top N]")?;
    let mut set = PolicySet::load(&policies)?;
    if no_gates {
        set = set.without_gates();
    }
    let text = std::fs::read_to_string(&input)?;

    let (mut parse, mut screening, mut serialise) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut n, mut bad) = (0u32, 0u32);
    profile::start();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let a = Instant::now();
        let Ok(app) = Application::parse(line) else {
            bad += 1;
            continue;
        };
        let b = Instant::now();
        let decision = screen(&set, &app, app.application_date);
        let c = Instant::now();
        let json = imvo_engine::json::compact::to_string(&decision)?;
        std::hint::black_box(json);
        parse += b - a;
        screening += c - b;
        serialise += c.elapsed();
        n += 1;
    }
    let costs = profile::stop();
    if n == 0 {
        return Err(format!("no application in {input} parsed ({bad} lines did not)").into());
    }
    let in_rules: u128 = costs.iter().map(|c| c.nanos).sum();
    let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(n);
    println!(
        "{n} applications ({bad} lines skipped), {}: per application parse {:.1} µs, screen {:.1} µs (in rules {:.1} µs), serialise {:.1} µs",
        if no_gates {
            "reference mode"
        } else {
            "with gates"
        },
        per(parse),
        per(screening),
        in_rules as f64 / 1e3 / f64::from(n),
        per(serialise),
    );
    println!(
        "{:<8} {:<28} {:<10} {:>8} {:>7} {:>7} {:>9} {:>6}",
        "phase", "pack", "rule", "calls", "silent", "errors", "µs/call", "share"
    );
    for c in costs.iter().take(top) {
        println!(
            "{:<8} {:<28} {:<10} {:>8} {:>6.0}% {:>7} {:>9.1} {:>5.1}%",
            c.phase.as_str(),
            c.pack,
            c.rule_id,
            c.calls,
            100.0 * c.silent as f64 / c.calls.max(1) as f64,
            c.errors,
            c.nanos as f64 / 1e3 / c.calls.max(1) as f64,
            100.0 * c.nanos as f64 / in_rules.max(1) as f64,
        );
    }
    Ok(())
}
