//! The `imvo` binary as a user runs it: exit codes, explanations, JSON output, errors that name
//! each bad field, and a hostile pack passed with `--policies`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    reason = "test code: a failed expectation is a test failure; a scenario test reads top to bottom"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn imvo(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_imvo"));
    cmd.current_dir(root())
        .args(args)
        .env_remove("IMVO_POLICIES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn example() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/gas-plant-id-2022.json")).unwrap(),
    )
    .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("imvo-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn the_bundled_example_is_explained() {
    let out = imvo(&["screen", "examples/gas-plant-id-2022.json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for needle in [
        "Outcome:   proceed with conditions",
        "Category:  A",
        "R-EC-06.2",
        "thermal power station of 400 MWth",
        "public disclosure of the impact assessment before final commitment",
        "due by 30 January 2023",
        "earliest final commitment 14 February 2023",
        "Missing\n  nothing",
    ] {
        assert!(s.contains(needle), "`{needle}` not in:\n{s}");
    }
}

#[test]
fn the_example_is_explained_in_dutch_and_its_json_is_the_same_in_every_language() {
    let file = "examples/gas-plant-id-2022.json";
    let out = imvo(&["--lang", "nl", "screen", file], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for needle in [
        "Uitkomst:  doorgaan onder voorwaarden",
        "Categorie: A (definitief)",
        "uiterlijk 30 januari 2023",
        "milieu- en sociale effectrapportage (ESIA)",
    ] {
        assert!(s.contains(needle), "`{needle}` not in:\n{s}");
    }
    let en = imvo(&["--json", "--lang", "en", "screen", file], None);
    let nl = imvo(&["--json", "--lang", "nl", "screen", file], None);
    assert_eq!(
        en.stdout, nl.stdout,
        "the decision does not depend on the language"
    );
    let bad = imvo(&["--lang", "fr", "screen", file], None);
    assert_eq!(bad.status.code(), Some(4));
    assert!(text(&bad.stderr).contains("`fr` is not a language of imvo"));
}

#[test]
fn a_refused_participant_gets_a_letter_with_the_reasons_and_their_sources() {
    let out = imvo(
        &["--lang", "nl", "letter", "--date", "2027-02-01", "-"],
        Some(include_str!("fixtures/not-registered.json")),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for needle in [
        "# Uw aanvraag TM-not-registered: handelsmissie",
        "Datum: 1 februari 2027",
        "Uw aanvraag komt niet in aanmerking voor steun.",
        "## Waarom we uw aanvraag niet kunnen steunen",
        "niet ingeschreven in het Handelsregister van de KvK",
        "Bron: RVO: conditions for attending trade missions",
    ] {
        assert!(s.contains(needle), "`{needle}` not in:\n{s}");
    }
}

#[test]
fn the_trade_mission_example_is_referred_with_a_risk_level() {
    let out = imvo(&["screen", "examples/trade-mission-vn-2027.json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for needle in [
        "Outcome:   refer to an analyst",
        "Category:  none (not categorised: trade missions are screened for a risk level)",
        "Risk:      high",
        "R-X-07",
        "applicant.self_assessment_completed",
    ] {
        assert!(s.contains(needle), "`{needle}` not in:\n{s}");
    }
}

#[test]
fn json_output_is_the_decision() {
    let out = imvo(
        &["screen", "--json", "examples/gas-plant-id-2022.json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["category"], "A");
    assert_eq!(d["outcome"], "proceed_with_conditions");
    assert_eq!(d["provenance"]["as_of"], "2022-11-01");
    assert_eq!(d["provenance"]["rates"][0]["to"], "EUR");
}

#[test]
fn acceptance_250_mwth_and_small_short_deal_from_stdin() {
    let mut app = example();
    app["project"]["capacity"]["thermal_mw"] = "250".into();
    let out = imvo(&["screen", "--json", "-"], Some(&app.to_string()));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(d["category"], "A");
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule_id"] != "R-EC-06.2")
    );

    let mut app = example();
    app["transaction"]["support_amount"]["amount"] = "5000000.00".into();
    app["transaction"]["repayment_term_months"] = 12.into();
    let out = imvo(&["screen", "-"], Some(&app.to_string()));
    let s = text(&out.stdout);
    assert!(s.contains("Category:  none (outside the Common Approaches' scope: a repayment term of 12 months is below the 24 months"), "{s}");
}

#[test]
fn as_of_selects_the_packs_in_force() {
    let mut app = example();
    app["application_date"] = "2015-01-10".into();
    let out = imvo(&["screen", "--json", "-"], Some(&app.to_string()));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["outcome"], "refer");
    assert_eq!(d["errors"][0]["kind"], "no_pack_in_force");
    let out = imvo(
        &["screen", "--json", "--as-of", "2022-11-01", "-"],
        Some(&app.to_string()),
    );
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["category"], "A");
}

#[test]
fn invalid_input_names_every_bad_field() {
    let mut app = example();
    app["project"]["country"] = "XX".into();
    app["transaction"]["support_amount"]["amount"] = serde_json::json!(60000000);
    app["project"]["colour"] = "red".into();
    app["transaction"]["repayment_term_months"] = "120".into();
    let out = imvo(&["screen", "-"], Some(&app.to_string()));
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for needle in [
        "4 problems",
        "project.country: expected an ISO 3166-1 alpha-2 country code",
        "transaction.support_amount.amount: expected a non-negative decimal number written as a string",
        "project.colour: expected no such field",
        "transaction.repayment_term_months: expected a JSON integer from 0 to 1200, found \"120\"",
    ] {
        assert!(err.contains(needle), "`{needle}` not in:\n{err}");
    }
    assert!(out.stdout.is_empty());

    let out = imvo(&["screen", "--json", "-"], Some(&app.to_string()));
    assert_eq!(out.status.code(), Some(2));
    let e: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["error"]["kind"], "invalid_input");
    let paths: Vec<&str> = e["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "transaction.support_amount.amount",
            "transaction.repayment_term_months",
            "project.country",
            "project.colour"
        ]
    );

    let out = imvo(&["screen", "-"], Some("{\"reference\": "));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is not valid JSON: line 1, column 14"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_hostile_pack_is_contained_and_the_other_rules_still_report() {
    let dir = temp_dir("hostile");
    copy_tree(&root().join("policies"), &dir);
    copy_tree(
        &root().join("service/tests/fixtures/hostile-loop-1.0.0"),
        &dir.join("hostile-loop-1.0.0"),
    );
    let start = Instant::now();
    let out = imvo(
        &[
            "screen",
            "--json",
            "--policies",
            dir.to_str().unwrap(),
            "examples/gas-plant-id-2022.json",
        ],
        None,
    );
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["outcome"], "refer");
    assert_eq!(d["errors"].as_array().unwrap().len(), 1);
    assert_eq!(d["errors"][0]["rule_id"], "R-HX-01");
    assert_eq!(d["errors"][0]["kind"], "limit");
    let fired: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(
        fired.contains(&"R-HX-02") && fired.contains(&"R-EC-06.2"),
        "{fired:?}"
    );
    assert_eq!(d["category"], "A", "the other rules' floors stay");
    // The whole process, including loading and compiling every pack, well under a second in
    // release; a debug build is slower, so the bound here only catches a hang.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn broken_policies_exit_3_with_file_and_line() {
    let dir = temp_dir("broken");
    copy_tree(
        &root().join("service/tests/fixtures/hostile-loop-1.0.0"),
        &dir.join("hostile-loop-1.0.0"),
    );
    std::fs::write(
        dir.join("hostile-loop-1.0.0/rules.rhai"),
        "fn r_hx_01(app) {\n  let x = ;\n}\nfn r_hx_02(app) { }\n",
    )
    .unwrap();
    let out = imvo(
        &["policies", "check", "--policies", dir.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("hostile-loop-1.0.0/rules.rhai:2:"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn usage_and_io_errors_exit_4() {
    assert_eq!(imvo(&["screen"], None).status.code(), Some(4));
    assert_eq!(imvo(&["frobnicate"], None).status.code(), Some(4));
    let out = imvo(&["screen", "no/such/file.json"], None);
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stderr).contains("cannot read `no/such/file.json`"));
    assert_eq!(
        imvo(
            &[
                "screen",
                "--as-of",
                "2022-13-01",
                "examples/gas-plant-id-2022.json"
            ],
            None
        )
        .status
        .code(),
        Some(4)
    );
    assert_eq!(imvo(&["--help"], None).status.code(), Some(0));
}

#[test]
fn policies_list_check_and_show() {
    let out = imvo(&["policies", "list"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("oecd-common-approaches"));
    let out = imvo(&["policies", "check"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("ok: "));
    let out = imvo(&["policies", "show", "oecd-common-approaches"], None);
    let s = text(&out.stdout);
    assert!(
        s.contains("R-EC-06.2")
            && s.contains("Annex I, item 2")
            && s.contains("annex_i.thermal_mwth"),
        "{s}"
    );
    // A table rule shows its rows.
    assert!(
        s.contains("row: project.activities known and project.activities has tannery and annex_i and project.capacity.tannery_tonnes_per_day meets annex_i.tannery_t_day => floor A: ca-annex-item-24"),
        "{s}"
    );
    assert_eq!(
        imvo(&["policies", "show", "no-such-pack"], None)
            .status
            .code(),
        Some(4)
    );
}

#[test]
fn scenarios_run_reports_and_fails_on_a_mismatch() {
    let out = imvo(&["scenarios", "run", "--coverage"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("R-EC-06.25") && stdout.contains(" 0 not covered"),
        "{stdout}"
    );
    assert!(
        text(&out.stdout)
            .lines()
            .last()
            .unwrap()
            .ends_with(" passed, 0 failed")
    );

    let dir = temp_dir("scenarios");
    let mut s: Value = serde_json::from_str(
        &std::fs::read_to_string(
            root().join("scenarios/oecd-common-approaches/thermal-300mwth.json"),
        )
        .unwrap(),
    )
    .unwrap();
    s["expect"]["category"] = "C".into();
    std::fs::write(dir.join("wrong.json"), s.to_string()).unwrap();
    let out = imvo(&["scenarios", "run", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FAIL")
            && stdout.contains("category: expected C, got A")
            && stdout.contains("0 passed, 1 failed"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn scenarios_agreement_prints_matrices_and_rejects_an_unquoted_fact() {
    let out = imvo(&["scenarios", "agreement", "--as-of", "2026-11-28"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("screened as of 2026-11-28"), "{s}");
    assert!(
        s.contains("World Bank (IBRD/IDA)")
            && s.contains("International Finance Corporation (IFC)"),
        "{s}"
    );
    assert!(
        s.contains("published \\ engine      A     B     C  none"),
        "{s}"
    );
    assert!(
        s.contains("Held-out half") && s.contains("Tuning half") && s.contains("Both halves"),
        "{s}"
    );
    // A case whose encoded fact has no quoted basis is reported and fails the run.
    let dir = std::env::temp_dir().join(format!("imvo-calib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = r#"{"source_id": "X-1", "half": "held_out", "institution": "Test", "published_category": "B", "source": "s",
        "summary": "a road", "basis": {"project.country": "Kenya"},
        "application": {"reference": "X-1", "instrument": "project_finance", "application_date": "2013-01-01",
                        "project": {"country": "KE", "stage": "new"}}}"#;
    std::fs::write(dir.join("x-1.json"), case).unwrap();
    let out = imvo(
        &[
            "scenarios",
            "agreement",
            dir.to_str().unwrap(),
            "--as-of",
            "2026-11-28",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("`project.stage` has no basis"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keys_and_audit_commands_use_the_database() {
    let dir = std::env::temp_dir().join(format!("imvo-cli-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite:{}", dir.join("imvo.db").display());
    let out = imvo(
        &[
            "--database",
            &db,
            "keys",
            "create",
            "--role",
            "analyst",
            "--role",
            "auditor",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "the key alone on one line: {stdout}");
    assert!(
        lines[0].starts_with("imvo_") && lines[0].len() == 5 + 12 + 1 + 64,
        "{stdout}"
    );
    let id = &lines[0][5..17];
    let listed = text(&imvo(&["--database", &db, "keys", "list"], None).stdout);
    assert!(
        listed.contains(id)
            && listed.contains("analyst,auditor")
            && !listed.contains(&lines[0][18..]),
        "{listed}"
    );
    let bad = imvo(
        &["--database", &db, "keys", "create", "--role", "superuser"],
        None,
    );
    assert_eq!(bad.status.code(), Some(4));
    // A key for a named person: the holder is listed with it (one without reads as its id).
    let held = imvo(
        &[
            "--database",
            &db,
            "keys",
            "create",
            "--role",
            "analyst",
            "--holder",
            "Anna de Vries",
        ],
        None,
    );
    assert_eq!(held.status.code(), Some(0), "{}", text(&held.stderr));
    assert!(text(&held.stderr).contains("held by Anna de Vries"));
    let listed = text(&imvo(&["--database", &db, "--json", "keys", "list"], None).stdout);
    let keys: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let holders: Vec<&str> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["holder"].as_str().unwrap())
        .collect();
    assert_eq!(holders.len(), 2, "{listed}");
    assert!(
        holders.contains(&"Anna de Vries") && holders.contains(&id),
        "{listed}"
    );
    let bad = imvo(
        &[
            "--database",
            &db,
            "keys",
            "create",
            "--role",
            "analyst",
            "--holder",
            " x",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(4), "{}", text(&bad.stderr));
    assert_eq!(
        imvo(&["--database", &db, "keys", "revoke", id], None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        imvo(&["--database", &db, "keys", "revoke", id], None)
            .status
            .code(),
        Some(1)
    );

    let out = imvo(&["--database", &db, "audit", "checkpoint"], None);
    assert_eq!(out.status.code(), Some(0));
    let cp: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(cp["seq"], 0);
    let cp_file = dir.join("checkpoint.json");
    std::fs::write(&cp_file, text(&out.stdout)).unwrap();
    let out = imvo(
        &[
            "--database",
            &db,
            "audit",
            "verify",
            "--checkpoint",
            cp_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("chain intact: 0 record(s)"));
    // A checkpoint the chain never held fails the check.
    std::fs::write(&cp_file, r#"{"seq": 3, "hash": "sha256:00"}"#).unwrap();
    let out = imvo(
        &[
            "--database",
            &db,
            "audit",
            "verify",
            "--checkpoint",
            cp_file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // An unusable database URL is an I/O error naming it, without a password.
    let out = imvo(
        &["--database", "mysql://u:secret@h/db", "audit", "verify"],
        None,
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(
        !text(&out.stderr).contains("secret"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `imvo serve` runs from the README command's defaults apart from the port and database, logs
/// structured lines with request ids, never logs a key, and stops cleanly on SIGTERM.
#[test]
fn serve_logs_no_secrets_and_stops_on_sigterm() {
    use std::io::{Read as _, Write as _};
    let dir = std::env::temp_dir().join(format!("imvo-cli-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite:{}", dir.join("imvo.db").display());
    let key = text(
        &imvo(
            &["--database", &db, "keys", "create", "--role", "analyst"],
            None,
        )
        .stdout,
    )
    .trim()
    .to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_imvo"))
        .current_dir(root())
        .args(["--database", &db, "serve", "--listen", &listen])
        .env("IMVO_LOG", "debug")
        .env_remove("IMVO_POLICIES")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stream = None;
    for _ in 0..100 {
        if let Ok(s) = std::net::TcpStream::connect(&listen) {
            stream = Some(s);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut s = stream.expect("the service listens");
    let body = std::fs::read_to_string(root().join("examples/trade-mission-vn-2027.json")).unwrap();
    write!(
        s,
        "POST /v1/screenings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 201"), "{resp}");
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("\"request_id\""), "{log}");
    assert!(log.contains("stopped"), "{log}");
    let secret = &key[18..];
    assert!(
        !log.contains(secret) && !log.contains(&key),
        "the key appears in the log"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `imvo rescreen` reports what a policy change moves: raising the Annex I thermal threshold
/// from 300 to 500 MWth moves the 400 MWth gas plant from A to B, through R-EC-06.2.
#[test]
fn rescreen_reports_the_category_migration_of_a_policy_change() {
    let dir = std::env::temp_dir().join(format!("imvo-cli-rescreen-{}", std::process::id()));
    let changed = dir.join("policies");
    let copy = |from: &Path, to: &Path| {
        fn walk(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for e in std::fs::read_dir(from).unwrap() {
                let e = e.unwrap();
                let t = to.join(e.file_name());
                if e.path().is_dir() {
                    walk(&e.path(), &t)
                } else {
                    std::fs::copy(e.path(), &t).unwrap();
                }
            }
        }
        walk(from, to);
    };
    copy(&root().join("policies"), &changed);
    let params = changed.join("oecd-common-approaches-2016.1.0/params.csv");
    let csv = std::fs::read_to_string(&params)
        .unwrap()
        .replace("annex_i.thermal_mwth,300,", "annex_i.thermal_mwth,500,");
    std::fs::write(&params, csv).unwrap();
    // And a risk table: coffee from Colombia leaves the US DoL list.
    let goods = changed.join("data/tvpra-goods/tvpra-goods.csv");
    let table = std::fs::read_to_string(&goods).unwrap();
    assert!(table.contains("\ncoffee,CO,"));
    let table: String = table
        .lines()
        .filter(|l| !l.starts_with("coffee,CO,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&goods, table).unwrap();
    let mut mission: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/trade-mission-vn-2027.json")).unwrap(),
    )
    .unwrap();
    mission["mission"]["destination"] = "CO".into();
    mission["applicant"]["ncp_cases"] = serde_json::json!([]);
    mission["applicant"]["due_diligence_policy"] = true.into();
    mission["applicant"]["self_assessment_completed"] = true.into();
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/gas-plant-id-2022.json")).unwrap(),
    )
    .unwrap();
    let input = dir.join("portfolio.jsonl");
    std::fs::write(&input, format!("{example}\n{{broken\n{mission}\n")).unwrap();
    let out = imvo(
        &[
            "--json",
            "rescreen",
            input.to_str().unwrap(),
            "--from",
            "policies",
            "--to",
            changed.to_str().unwrap(),
            "--as-of",
            "2027-02-01",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a rejected line: {}",
        text(&out.stderr)
    );
    let v: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let impact = &v["impact"];
    assert_eq!(impact["categories"]["A -> B"], 1, "{impact}");
    assert_eq!(impact["changed"], 2, "{impact}");
    assert_eq!(impact["risk_changes"]["high -> low"], 1, "{impact}");
    assert_eq!(impact["rules"]["R-TM-05"], 1, "{impact}");
    assert_eq!(impact["rejected"], serde_json::json!([2]));
    // Each rejected line says why.
    assert_eq!(impact["rejections"][0]["line"], 2, "{impact}");
    assert_eq!(
        impact["rejections"][0]["error"], "malformed_json",
        "{impact}"
    );
    assert!(impact["rules"].get("R-EC-06.2").is_some(), "{impact}");
    assert_eq!(
        impact["exposure_moved"]["EUR"],
        example["transaction"]["support_amount"]["amount"]
    );

    // The same change against the stored decisions: the latest screening of each application
    // (an older one of the same reference is ignored), under a folder and under a stored hash.
    let db = format!("sqlite:{}", dir.join("imvo.db").display());
    let set = imvo_engine::PolicySet::load(&root().join("policies")).unwrap();
    let app = imvo_engine::Application::parse(&example.to_string()).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2022, 11, 1).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = imvo_service::store::Store::connect(&db).await.unwrap();
        store
            .save_policy_set(set.hash(), set.files())
            .await
            .unwrap();
        for _ in 0..2 {
            let d = imvo_engine::screen(&set, &app, date);
            let rec = imvo_service::store::NewRecord {
                kind: imvo_service::store::RecordKind::Screening,
                created_by: "test".into(),
                holder: None,
                reference: app.reference.clone(),
                instrument: app.instrument.as_str().into(),
                outcome: Some(d.outcome.as_str().into()),
                category: d.category.map(|c| c.as_str().into()),
                as_of: Some(date.to_string()),
                policy_set: Some(set.hash().into()),
                engine_version: imvo_engine::ENGINE_VERSION.into(),
                input: Some(app.canonical_json()),
                decision: Some(serde_json::to_string(&d).unwrap()),
                review_of: None,
                review: None,
            };
            store.append(vec![(rec, None)]).await.unwrap();
        }
        store.close().await;
    });
    let stored = |to: &str| {
        let out = imvo(
            &[
                "--database",
                &db,
                "--json",
                "rescreen",
                "--stored",
                "--to",
                to,
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_str::<Value>(&text(&out.stdout)).unwrap()
    };
    let v = stored(changed.to_str().unwrap());
    assert_eq!(v["impact"]["applications"], 1, "{v}");
    assert_eq!(v["impact"]["categories"]["A -> B"], 1, "{v}");
    assert!(v["impact"]["changes"][0]["screening_id"].is_string(), "{v}");
    let v = stored(set.hash());
    assert_eq!(v["impact"]["changed"], 0, "{v}");
    assert_eq!(v["impact"]["categories"]["A -> A"], 1, "{v}");
    assert_eq!(v["impact"]["same_basis"], 1, "the same set: it stands, {v}");
    // The text report in Dutch, words of the command line's own included.
    let out = imvo(
        &[
            "--lang",
            "nl",
            "--database",
            &db,
            "rescreen",
            "--stored",
            "--to",
            set.hash(),
        ],
        None,
    );
    let nl = text(&out.stdout);
    assert!(
        nl.starts_with("per de datum van elk opgeslagen besluit: 1 aanvraag/aanvragen vergeleken onder de opgeslagen besluiten")
            && nl.contains("1 daarvan berusten onder beide sets op dezelfde packs"),
        "{nl}"
    );
    let out = imvo(
        &[
            "--database",
            &db,
            "rescreen",
            "--stored",
            "--to",
            "sha256:0000",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains("no policy set `sha256:0000`"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `imvo batch` on CSV: a good file is screened; a header that does not fit the contract, a
/// UTF-16 file and an empty file stop the batch with exit 2 before anything is written.
#[test]
fn batch_reads_csv_and_refuses_files_it_cannot_read() {
    let dir = std::env::temp_dir().join(format!("imvo-cli-batch-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |n: &str| dir.join(n).to_str().unwrap().to_owned();
    std::fs::write(
        path("good.csv"),
        "reference,instrument,application_date,mission.destination,applicant.self_assessment_completed\n\
         TM-1,trade_mission,2026-03-01,VN,TRUE\n\
         TM-2,trade_mission,2026-03-01,VN,maybe\n",
    )
    .unwrap();
    let out = imvo(
        &[
            "batch",
            &path("good.csv"),
            "--out",
            &path("good.out.csv"),
            "--errors",
            &path("good.err"),
        ],
        None,
    );
    let errors = std::fs::read_to_string(path("good.err")).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "one bad row: {}",
        text(&out.stderr)
    );
    // The summary counts the missions' risk levels.
    assert!(
        text(&out.stderr).contains("risk levels (trade missions): "),
        "{}",
        text(&out.stderr)
    );
    assert!(
        errors.contains("\"line\":3") && errors.contains("applicant.self_assessment_completed"),
        "{errors}"
    );
    let decided = std::fs::read_to_string(path("good.out.csv")).unwrap();
    assert!(
        decided
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("2,TM-1,trade_mission,"),
        "{decided}"
    );

    // Without --errors the rejected line is reported on stderr, with its line and field.
    let out = imvo(
        &["batch", &path("good.csv"), "--out", &path("good2.out.csv")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("\"line\":3") && err.contains("applicant.self_assessment_completed"),
        "{err}"
    );
    // The batch never writes over its input, nor decisions and errors into one file.
    let before = std::fs::read(path("good.csv")).unwrap();
    for args in [
        vec!["--out", "GOOD"],
        vec!["--out", "x.jsonl", "--errors", "GOOD"],
        vec!["--out", "same.jsonl", "--errors", "same.jsonl"],
    ] {
        let mut argv = vec!["batch".to_owned(), path("good.csv")];
        argv.extend(args.iter().map(|a| match *a {
            "GOOD" => path("good.csv"),
            other if other.contains('.') => path(other),
            other => other.to_owned(),
        }));
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = imvo(&argv, None);
        assert_eq!(
            out.status.code(),
            Some(4),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("same file")
                || text(&out.stderr).contains("is the input file"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(std::fs::read(path("good.csv")).unwrap(), before);
    // Also when the input comes on stdin, redirected from the file.
    let jsonl = path("stdin.jsonl");
    std::fs::write(&jsonl, format!("{}\n", example())).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_imvo"))
        .current_dir(root())
        .args(["batch", "-", "--out", &jsonl])
        .stdin(std::fs::File::open(&jsonl).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&jsonl).unwrap(),
        format!("{}\n", example())
    );
    // Devices are not "the same file": decisions and errors may both be thrown away.
    let out = imvo(
        &[
            "batch",
            &path("good.csv"),
            "--out",
            "/dev/null",
            "--errors",
            "/dev/null",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // rescreen on an empty file says so, as batch does.
    std::fs::write(path("nothing.jsonl"), b"").unwrap();
    let out = imvo(
        &[
            "rescreen",
            &path("nothing.jsonl"),
            "--from",
            "policies",
            "--to",
            "policies",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("holds no applications"));

    // `--errors -` is stdout.
    let out = imvo(
        &[
            "batch",
            &path("good.csv"),
            "--out",
            &path("good3.out.csv"),
            "--errors",
            "-",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("\"line\":3"),
        "{}",
        text(&out.stdout)
    );

    // None of these files empties an output that is already there.
    std::fs::write(path("x.out"), "keep\n").unwrap();
    for (name, bytes, says) in [
        (
            "typo.csv",
            &b"reference,instrument,application_date,mision.destination\n"[..],
            "did you mean `mission.destination`",
        ),
        ("utf16.csv", &b"\xFF\xFEr\0e\0f\0"[..], "UTF-16"),
        ("empty.jsonl", &b""[..], "holds no applications"),
    ] {
        std::fs::write(path(name), bytes).unwrap();
        let out = imvo(&["batch", &path(name), "--out", &path("x.out")], None);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains(says),
            "{name}: {}",
            text(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(path("x.out")).unwrap(),
            "keep\n",
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `imvo` with its stdout a pipe whose reader has gone before the first line, as
/// `imvo ... | head -1` leaves it once head has its line: every write to stdout fails with a
/// broken pipe. With `close_stderr`, stderr is such a pipe as well (`2>&1 | head -1`).
fn imvo_to_closed_pipe(args: &[&str], close_stderr: bool) -> Output {
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_imvo"));
    cmd.current_dir(root())
        .args(args)
        .env_remove("IMVO_POLICIES")
        .stdin(Stdio::null())
        .stdout(closed());
    if close_stderr {
        cmd.stderr(closed());
    } else {
        cmd.stderr(Stdio::piped());
    }
    cmd.output().unwrap()
}

/// A portfolio of `n` copies of the bundled example, each `bad`-th line broken (0: none).
fn portfolio(dir: &Path, n: usize, bad: usize) -> String {
    let line = example().to_string();
    let text: String = (1..=n)
        .map(|i| {
            if bad > 0 && i % bad == 0 {
                "{broken\n".to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    let path = dir.join(format!("portfolio-{n}-{bad}.jsonl"));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Issue 14, the command line's edges: a reader of stdout that stops early (`| head -1`) made
/// `policies show`, `scenarios run`, `scenarios agreement`, `screen` and `rescreen` panic
/// ("failed printing to stdout: Broken pipe", exit 101), and `batch --out -` fail with exit 4.
/// Now the output stops quietly: no message, and the command's own exit code (a batch whose
/// decisions' reader left stops with 0).
#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    let dir = temp_dir("closed-stdout");
    let jsonl = portfolio(&dir, 40, 0);
    let commands: Vec<Vec<&str>> = vec![
        vec!["policies", "show", "oecd-common-approaches"],
        vec!["policies", "list"],
        vec!["policies", "check"],
        vec!["scenarios", "run", "--coverage"],
        vec!["--json", "scenarios", "run"],
        vec!["scenarios", "agreement", "--as-of", "2026-11-28", "--cases"],
        vec!["screen", "examples/gas-plant-id-2022.json"],
        vec!["--json", "screen", "examples/gas-plant-id-2022.json"],
        vec![
            "rescreen",
            &jsonl,
            "--from",
            "policies",
            "--to",
            "policies",
            "--as-of",
            "2026-11-28",
        ],
        vec!["batch", &jsonl, "--out", "-"],
        vec!["batch", &jsonl, "--out", "-", "--out-format", "csv"],
    ];
    for args in &commands {
        let out = imvo_to_closed_pipe(args, false);
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} is not quiet: {err}");
    }
    // Also when stderr is gone too: the summary and the messages are lost, never a panic.
    for args in &commands[8..] {
        let out = imvo_to_closed_pipe(args, true);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }

    // The same as a user meets it: one line read, then the pipe closed.
    for args in [
        &["scenarios", "run", "--coverage"][..],
        &["policies", "show", "oecd-common-approaches"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_imvo"))
            .current_dir(root())
            .args(args)
            .env_remove("IMVO_POLICIES")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut first,
        )
        .unwrap();
        assert!(!first.is_empty(), "{args:?}");
        let out = child.wait_with_output().unwrap();
        let err = text(&out.stderr);
        assert!(
            out.status.code() != Some(101) && !err.contains("panicked"),
            "{args:?}: {err}"
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }

    // A closed stream of rejected lines (`--errors -`, or stderr without `--errors`) drops them
    // and the batch goes on: every decision is written and the exit code counts the rejections.
    let bad = portfolio(&dir, 600, 3);
    let decisions = dir.join("decisions.jsonl");
    for (errors, close_stderr) in [(Some("-"), false), (None, true)] {
        let _ = std::fs::remove_file(&decisions);
        let mut args = vec!["batch", &bad, "--out", decisions.to_str().unwrap()];
        if let Some(e) = errors {
            args.extend(["--errors", e]);
        }
        let out = imvo_to_closed_pipe(&args, close_stderr);
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(
            std::fs::read_to_string(&decisions).unwrap().lines().count(),
            400,
            "{args:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, the command line's edges: `--threads` had no cap (`--threads 100000` tried to start
/// them all), and a thread the system refused panicked. Now 1 to 256 (256 included), anything
/// else is a usage error naming the flag and the range (exit 4), and a thread that cannot start
/// is reported (exit 4).
#[test]
fn threads_are_capped_and_a_thread_that_cannot_start_is_reported() {
    let dir = temp_dir("threads");
    let jsonl = portfolio(&dir, 3, 0);
    let batch = |threads: &str| {
        vec![
            "batch".to_owned(),
            jsonl.clone(),
            "--out".to_owned(),
            "/dev/null".to_owned(),
            "--threads".to_owned(),
            threads.to_owned(),
        ]
    };
    let rescreen = |threads: &str| {
        [
            "rescreen",
            &jsonl,
            "--from",
            "policies",
            "--to",
            "policies",
            "--as-of",
            "2026-11-28",
            "--threads",
            threads,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    for args in [
        batch("257"),
        batch("100000"),
        batch("0"),
        rescreen("257"),
        rescreen("0"),
    ] {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = imvo(&argv, None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(
            err.contains("--threads") && err.contains("1..=256"),
            "{args:?}: {err}"
        );
    }
    for args in [batch("256"), rescreen("256")] {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = imvo(&argv, None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    // A system that refuses every thread (here: a stack larger than the address space, through
    // the standard library's RUST_MIN_STACK).
    for args in [batch("2"), rescreen("2")] {
        let out = Command::new(env!("CARGO_BIN_EXE_imvo"))
            .current_dir(root())
            .args(&args)
            .env_remove("IMVO_POLICIES")
            .env("RUST_MIN_STACK", (1u64 << 60).to_string())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(
            err.contains("cannot start screening thread 1 of 2"),
            "{args:?}: {err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, the command line's edges: `imvo screen FILE` read its input whole, whatever its
/// size (`imvo screen /dev/zero` grew until the memory ran out). It now reads at most what
/// `POST /v1/screenings` takes (`api::BODY_LIMIT`) and refuses more as invalid input (exit 2),
/// naming the limit.
#[test]
fn screen_reads_no_more_than_one_application_may_hold() {
    let limit = imvo_service::http::BODY_LIMIT;
    // Under a cap on the address space, so that a reader without a limit fails here instead of
    // taking the machine's memory; and with a deadline.
    let start = Instant::now();
    let mut child = Command::new("sh")
        .current_dir(root())
        .args([
            "-c",
            "ulimit -v 2000000 && exec \"$0\" screen /dev/zero",
            env!("CARGO_BIN_EXE_imvo"),
        ])
        .env_remove("IMVO_POLICIES")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("`imvo screen /dev/zero` still reading after 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("`/dev/zero` is larger than {limit} bytes")),
        "{err}"
    );

    // The example padded to the limit is read; one byte more is refused, from a file and from
    // stdin.
    let dir = temp_dir("screen-limit");
    let app = example().to_string();
    let padded = |n: usize| format!("{app}{}", " ".repeat(n - app.len()));
    let at = dir.join("at-limit.json");
    let over = dir.join("over-limit.json");
    std::fs::write(&at, padded(limit)).unwrap();
    std::fs::write(&over, padded(limit + 1)).unwrap();
    let out = imvo(&["screen", "--json", at.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = imvo(&["screen", over.to_str().unwrap()], None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "`{}` is larger than {limit} bytes",
            over.display()
        )) && err.contains("POST /v1/screenings"),
        "{err}"
    );
    let out = imvo(&["--json", "screen", "-"], Some(&padded(limit + 1)));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let e: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["error"]["kind"], "invalid_input");
    assert_eq!(e["error"]["details"]["limit_bytes"], limit);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("standard input is larger than"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, the command line's edges: a directory given as the input of `imvo batch` (or
/// `imvo rescreen`) was reported as invalid input (exit 2); it is an I/O error (exit 4) naming
/// the path.
#[test]
fn a_directory_as_input_is_an_io_error() {
    let dir = temp_dir("dir-input");
    let input = dir.join("portfolio.jsonl");
    std::fs::create_dir_all(&input).unwrap();
    let input = input.to_str().unwrap();
    for args in [
        vec!["batch", input, "--out", "/dev/null"],
        vec!["batch", input, "--out", "/dev/null", "--format", "csv"],
        vec!["rescreen", input, "--from", "policies", "--to", "policies"],
    ] {
        let out = imvo(&args, None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(
            err.contains(&format!("cannot read `{input}`: it is a directory")),
            "{args:?}: {err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Outside the checkout, with no `--policies` and no `./policies`, the binary runs the policy
/// set built into it: the same set (same hash) as the shipped folder, and a screening works.
#[test]
fn outside_the_checkout_the_built_in_policies_are_in_force() {
    let elsewhere = std::env::temp_dir().join(format!("imvo-elsewhere-{}", std::process::id()));
    std::fs::create_dir_all(&elsewhere).unwrap();
    let run = |dir: &Path, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_imvo"))
            .current_dir(dir)
            .args(args)
            .env_remove("IMVO_POLICIES")
            .output()
            .unwrap()
    };
    let hash = |out: &Output| -> String {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["policy_set"].as_str().unwrap().to_owned()
    };
    let built_in = hash(&run(&elsewhere, &["--json", "policies", "list"]));
    let folder = hash(&run(&root(), &["--json", "policies", "list"]));
    assert_eq!(built_in, folder);
    let example = root().join("examples/gas-plant-id-2022.json");
    let out = run(&elsewhere, &["--json", "screen", example.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["provenance"]["policy_set"], serde_json::json!(folder));
    // A folder named explicitly still wins, and one that does not exist is an error (exit 3).
    let missing = run(
        &elsewhere,
        &["--policies", "no-such-folder", "policies", "check"],
    );
    assert_eq!(missing.status.code(), Some(3));
    let _ = std::fs::remove_dir_all(&elsewhere);
}

/// `--no-gates` (reference mode: every rule's script runs, whatever its gate) gives the same
/// decision as the gated engine.
#[test]
fn reference_mode_screens_to_the_same_decision() {
    let example = root().join("examples/gas-plant-id-2022.json");
    let example = example.to_str().unwrap();
    let gated = imvo(&["--json", "screen", example], None);
    let reference = imvo(&["--json", "--no-gates", "screen", example], None);
    assert!(gated.status.success() && reference.status.success());
    assert_eq!(gated.stdout, reference.stdout);
    let d: serde_json::Value = serde_json::from_slice(&gated.stdout).unwrap();
    assert_eq!(d["category"], "A");
}
