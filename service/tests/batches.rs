//! Stored batches on real databases: through the router (upload, status, results, errors, roles,
//! bad uploads), and through the real binary killed with SIGKILL in the middle of a batch and
//! restarted (on PostgreSQL, as two replicas sharing the rest): every line ends with exactly one
//! result and the record chain verifies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    reason = "test code: a failed expectation is a test failure; a scenario test reads top to bottom"
)]

mod support;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use imvo_engine::{Application, PolicySet, screen};
use imvo_service::auth::{Role, create_key};
use imvo_service::batch::workers::Workers;
use imvo_service::http::{AppState, Settings, router};
use imvo_service::store::{BatchState, Db, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

fn policies() -> PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| PolicySet::load(&support::root().join("policies")).unwrap())
        .clone()
}

/// `n` applications from the golden templates with unique references; every `bad_every`th
/// line broken. Returns the JSON Lines and the broken line numbers.
fn portfolio(n: usize, bad_every: usize, prefix: &str) -> (String, BTreeSet<u64>) {
    let t = support::templates();
    let mut out = String::new();
    let mut bad = BTreeSet::new();
    for i in 0..n {
        let line = i as u64 + 1;
        if bad_every > 0 && i % bad_every == bad_every - 1 {
            out.push_str("{\"reference\": \"broken\"\n");
            bad.insert(line);
            continue;
        }
        let mut app = t[i % t.len()].clone();
        app["reference"] = Value::String(format!("{prefix}-{line}"));
        out.push_str(&app.to_string());
        out.push('\n');
    }
    (out, bad)
}

struct Api {
    app: Router,
    store: Store,
    workers: Workers,
    analyst: String,
    organiser: String,
    auditor: String,
}

async fn api_on(store: Store) -> Api {
    let (state, _writer) = AppState::new(store.clone(), policies(), Settings::default())
        .await
        .unwrap();
    let workers = Workers::start(state.batch_context());
    let key = |r: Role| {
        let store = store.clone();
        async move { create_key(&store, &[r], None).await.unwrap().1 }
    };
    Api {
        app: router(Arc::clone(&state)),
        analyst: key(Role::Analyst).await,
        organiser: key(Role::MissionOrganiser).await,
        auditor: key(Role::Auditor).await,
        workers,
        store,
    }
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    key: &str,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Vec<u8>) {
    let b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    let req = match body {
        Some((ct, bytes)) => b
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(bytes))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, body)
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

async fn wait_done(app: &Router, key: &str, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let (s, b) = call(app, "GET", &format!("/v1/batches/{id}"), key, None).await;
        assert_eq!(s, StatusCode::OK);
        let v = json_of(&b);
        if v["status"] == "done" {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "batch not done: {v}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_batch_is_screened_once_per_line_and_readable_by_role() {
    for (name, store) in support::stores().await {
        let api = api_on(store).await;
        let (input, bad) = portfolio(600, 97, "SB");
        let (s, b) = call(
            &api.app,
            "POST",
            "/v1/batches",
            &api.analyst,
            Some(("application/x-ndjson", input.clone().into_bytes())),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::ACCEPTED,
            "{name}: {}",
            String::from_utf8_lossy(&b)
        );
        let created = json_of(&b);
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["total"], 600, "{name}");
        assert_eq!(created["status"], "queued", "{name}");

        let status = wait_done(&api.app, &api.analyst, &id).await;
        assert_eq!(status["done"], 600, "{name}: {status}");
        assert_eq!(status["failed"], bad.len(), "{name}");
        assert_eq!(status["screened"], 600 - bad.len(), "{name}");
        let by_outcome: i64 = status["by_outcome"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_i64().unwrap())
            .sum();
        assert_eq!(by_outcome, 600 - bad.len() as i64, "{name}");
        // The list shows it, without counters rather than with false zeros.
        let (s, b) = call(&api.app, "GET", "/v1/batches", &api.auditor, None).await;
        assert_eq!(s, StatusCode::OK, "{name}");
        let listed = json_of(&b)["batches"][0].clone();
        assert_eq!(listed["id"], id.as_str(), "{name}");
        assert_eq!(
            (&listed["status"], &listed["total"]),
            (&json!("done"), &json!(600))
        );
        assert!(listed.get("done").is_none(), "{name}: {listed}");

        // Results: one per good line, in order, each the engine's decision for that line alone.
        let (s, b) = call(
            &api.app,
            "GET",
            &format!("/v1/batches/{id}/results"),
            &api.auditor,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let text = String::from_utf8(b).unwrap();
        let lines: Vec<&str> = input.lines().collect();
        let mut seen = Vec::new();
        for l in text.lines() {
            let v: Value = serde_json::from_str(l).unwrap();
            let n = v["line"].as_u64().unwrap();
            seen.push(n);
            let app = Application::parse(lines[(n - 1) as usize]).unwrap();
            let direct = screen(&policies(), &app, app.application_date);
            assert_eq!(
                v["decision"],
                serde_json::to_value(&direct).unwrap(),
                "{name} line {n}"
            );
            // The decision is a stored screening like any other.
            let (s, r) = call(
                &api.app,
                "GET",
                &format!("/v1/screenings/{}", v["screening_id"].as_str().unwrap()),
                &api.analyst,
                None,
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{name}");
            assert_eq!(json_of(&r)["decision"], v["decision"]);
            if n > 40 {
                break; // reading every record back is slow; the count check below covers the rest
            }
        }
        let all: Vec<u64> = text
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["line"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        let expected: Vec<u64> = (1..=600).filter(|n| !bad.contains(n)).collect();
        assert_eq!(all, expected, "{name}: every good line once, in order");
        let (_, b) = call(
            &api.app,
            "GET",
            &format!("/v1/batches/{id}/errors"),
            &api.analyst,
            None,
        )
        .await;
        let errs: Vec<u64> = String::from_utf8(b)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["line"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(errs, bad.iter().copied().collect::<Vec<_>>(), "{name}");
        // The chain holds exactly the screened lines.
        let v = api.store.verify(None).await.unwrap();
        assert!(v.broken.is_none(), "{name}");
        assert_eq!(v.records, (600 - bad.len()) as i64, "{name}");

        // Roles: a mission organiser does not see an analyst's batch, an auditor cannot upload,
        // and a mission organiser's lines of other instruments are rejected, not screened.
        let (s, _) = call(
            &api.app,
            "GET",
            &format!("/v1/batches/{id}"),
            &api.organiser,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{name}");
        let (s, _) = call(
            &api.app,
            "POST",
            "/v1/batches",
            &api.auditor,
            Some(("application/x-ndjson", input.clone().into_bytes())),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{name}");
        let (mixed, _) = portfolio(40, 0, "MO");
        let (s, b) = call(
            &api.app,
            "POST",
            "/v1/batches",
            &api.organiser,
            Some(("application/x-ndjson", mixed.clone().into_bytes())),
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{name}");
        let mid = json_of(&b)["id"].as_str().unwrap().to_owned();
        let st = wait_done(&api.app, &api.organiser, &mid).await;
        let missions = mixed
            .lines()
            .filter(|l| l.contains("\"trade_mission\""))
            .count();
        assert!(missions > 0 && missions < 40);
        assert_eq!(st["screened"], missions, "{name}: {st}");
        let (_, b) = call(
            &api.app,
            "GET",
            &format!("/v1/batches/{mid}/errors"),
            &api.organiser,
            None,
        )
        .await;
        assert!(
            String::from_utf8(b)
                .unwrap()
                .lines()
                .all(|l| l.contains("forbidden_instrument"))
        );

        // Bad uploads: nothing queued, the problem names what is wrong.
        let (s, b) = call(
            &api.app,
            "POST",
            "/v1/batches",
            &api.analyst,
            Some((
                "text/csv",
                b"reference,instrument,application_date,project.capcity.thermal_mw\n".to_vec(),
            )),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let p = json_of(&b);
        assert!(
            p["errors"][0]["path"]
                .as_str()
                .unwrap()
                .contains("project.capcity.thermal_mw"),
            "{p}"
        );
        assert!(
            p["errors"][0]["expected"]
                .as_str()
                .unwrap()
                .contains("project.capacity.thermal_mw"),
            "{p}"
        );
        let (s, b) = call(
            &api.app,
            "POST",
            "/v1/batches",
            &api.analyst,
            Some(("application/x-ndjson", b"\n\n".to_vec())),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            String::from_utf8_lossy(&b)
        );
        assert!(
            json_of(&b)["type"]
                .as_str()
                .unwrap()
                .ends_with("empty-batch")
        );
        let (s, _) = call(
            &api.app,
            "POST",
            "/v1/batches",
            &api.analyst,
            Some(("application/json", input.clone().into_bytes())),
        )
        .await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{name}");
        let (s, b) = call(
            &api.app,
            "POST",
            "/v1/batches",
            &api.analyst,
            Some(("text/csv", b"\xFF\xFEr\0e\0".to_vec())),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(json_of(&b)["detail"].as_str().unwrap().contains("UTF-16"));
        // Idempotency: the same key returns the batch already stored (200), without a second
        // batch; the key with other content is a conflict.
        let idem = |body: &str| {
            Request::builder()
                .method("POST")
                .uri("/v1/batches")
                .header(header::AUTHORIZATION, format!("Bearer {}", api.analyst))
                .header(header::CONTENT_TYPE, "application/x-ndjson")
                .header("idempotency-key", "portfolio-2026-q4")
                .body(Body::from(body.to_owned()))
                .unwrap()
        };
        let (small, _) = portfolio(5, 0, "ID");
        let first = api.app.clone().oneshot(idem(&small)).await.unwrap();
        assert_eq!(first.status(), StatusCode::ACCEPTED, "{name}");
        let first = json_of(&first.into_body().collect().await.unwrap().to_bytes());
        let again = api.app.clone().oneshot(idem(&small)).await.unwrap();
        assert_eq!(again.status(), StatusCode::OK, "{name}");
        let again = json_of(&again.into_body().collect().await.unwrap().to_bytes());
        assert_eq!(first["id"], again["id"], "{name}");
        wait_done(&api.app, &api.analyst, first["id"].as_str().unwrap()).await;
        let (other, _) = portfolio(6, 0, "ID");
        // The early check finds the stored batch whatever the body: the key names the upload.
        // Its counters are the batch's as they are now (done), not those of a new upload.
        let third = api.app.clone().oneshot(idem(&other)).await.unwrap();
        assert_eq!(third.status(), StatusCode::OK, "{name}");
        let third = json_of(&third.into_body().collect().await.unwrap().to_bytes());
        assert_eq!(
            (third["total"].as_i64(), third["done"].as_i64()),
            (Some(5), Some(5)),
            "{name}: {third}"
        );
        // A screening's key cannot take the batch namespace.
        let (s, b) = call(
            &api.app,
            "POST",
            "/v1/screenings",
            &api.analyst,
            Some((
                "application/json",
                small.lines().next().unwrap().as_bytes().to_vec(),
            )),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::CREATED,
            "{name}: {}",
            String::from_utf8_lossy(&b)
        );
        let screening_with_key = Request::builder()
            .method("POST")
            .uri("/v1/screenings")
            .header(header::AUTHORIZATION, format!("Bearer {}", api.analyst))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", "batch:portfolio-2026-q4")
            .body(Body::from(small.lines().next().unwrap().to_owned()))
            .unwrap();
        let r = api.app.clone().oneshot(screening_with_key).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{name}");
        // The list pages, newest first, and refuses what it does not know; other methods are
        // problems too.
        let (s, b) = call(&api.app, "GET", "/v1/batches?limit=1", &api.analyst, None).await;
        assert_eq!(s, StatusCode::OK, "{name}");
        let page = json_of(&b);
        assert_eq!(
            page["batches"].as_array().unwrap().len(),
            1,
            "{name}: {page}"
        );
        let next = page["next"].as_str().unwrap().to_owned();
        assert_eq!(
            page["batches"][0]["id"], first["id"],
            "{name}: newest first"
        );
        let (_, b) = call(
            &api.app,
            "GET",
            &format!("/v1/batches?before={next}"),
            &api.analyst,
            None,
        )
        .await;
        let rest = json_of(&b);
        assert!(
            rest["batches"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["id"] != first["id"]),
            "{name}: {rest}"
        );
        let (s, _) = call(&api.app, "GET", "/v1/batches?cursor=x", &api.analyst, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{name}");
        let (s, b) = call(
            &api.app,
            "DELETE",
            &format!("/v1/batches/{next}"),
            &api.analyst,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "{name}");
        assert!(
            json_of(&b)["type"]
                .as_str()
                .unwrap()
                .ends_with("method-not-allowed"),
            "{name}"
        );

        // A CSV upload works like JSON Lines.
        let csv = support::to_csv(&support::templates()[..20]);
        let (s, b) = call(
            &api.app,
            "POST",
            "/v1/batches?format=csv",
            &api.analyst,
            Some(("text/plain", csv.into_bytes())),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::ACCEPTED,
            "{name}: {}",
            String::from_utf8_lossy(&b)
        );
        let cid = json_of(&b)["id"].as_str().unwrap().to_owned();
        let st = wait_done(&api.app, &api.analyst, &cid).await;
        assert_eq!(
            (st["total"].as_i64(), st["failed"].as_i64()),
            (Some(20), Some(0)),
            "{name}: {st}"
        );
        api.workers.stop(Duration::from_secs(30)).await;
    }
}

/// Uploads are limited per process (a fifth at once is answered 503), and an upload whose
/// request goes away (the client left, the service stops) is abandoned, not left receiving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_limited_and_a_dropped_upload_is_abandoned() {
    let api = api_on(support::sqlite().await.0).await;
    let mut senders = Vec::new();
    let mut tasks = Vec::new();
    // Four keys: one key may hold only half of the process's upload slots.
    for _ in 0..4 {
        let key = create_key(&api.store, &[Role::Analyst], None)
            .await
            .unwrap()
            .1;
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::io::Error>>(1);
        let stream =
            futures_util::stream::unfold(
                rx,
                |mut rx| async move { rx.recv().await.map(|x| (x, rx)) },
            );
        let req = Request::builder()
            .method("POST")
            .uri("/v1/batches")
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, "application/x-ndjson")
            .body(Body::from_stream(stream))
            .unwrap();
        let (small, _) = portfolio(1, 0, "SLOW");
        tx.send(Ok(small.into())).await.unwrap();
        senders.push(tx);
        tasks.push(tokio::spawn(api.app.clone().oneshot(req)));
    }
    let start = Instant::now();
    loop {
        let receiving = api
            .store
            .batches(None, None, true, 10)
            .await
            .unwrap()
            .iter()
            .filter(|b| b.state == BatchState::Receiving)
            .count();
        if receiving == 4 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "uploads did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (fifth, _) = portfolio(1, 0, "FIFTH");
    let (s, b) = call(
        &api.app,
        "POST",
        "/v1/batches",
        &api.analyst,
        Some(("application/x-ndjson", fifth.clone().into_bytes())),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        String::from_utf8_lossy(&b)
    );
    assert!(
        json_of(&b)["type"]
            .as_str()
            .unwrap()
            .ends_with("too-many-uploads")
    );
    for t in &tasks {
        t.abort();
    }
    drop(senders);
    let start = Instant::now();
    loop {
        let rows = api.store.batches(None, None, true, 10).await.unwrap();
        if rows
            .iter()
            .filter(|b| b.state == BatchState::Abandoned)
            .count()
            == 4
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "not abandoned: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Failed uploads stay out of the list unless asked for.
    let (_, b) = call(&api.app, "GET", "/v1/batches", &api.analyst, None).await;
    assert!(
        json_of(&b)["batches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] != "abandoned"),
        "{}",
        String::from_utf8_lossy(&b)
    );
    let (_, b) = call(
        &api.app,
        "GET",
        "/v1/batches?abandoned=true",
        &api.analyst,
        None,
    )
    .await;
    assert_eq!(
        json_of(&b)["batches"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["status"] == "abandoned")
            .count(),
        4
    );
    let (s, _) = call(
        &api.app,
        "POST",
        "/v1/batches",
        &api.analyst,
        Some(("application/x-ndjson", fifth.into_bytes())),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "the slots are free again");
    api.workers.stop(Duration::from_secs(10)).await;
}

/// A chunk that fails every time (here: its batch's policy set is not in the store) is given up
/// after a few attempts: every line gets a `not_screened` error and the batch finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunk_that_always_fails_is_given_up_with_an_error_per_line() {
    use imvo_service::store::NewBatch;
    let store = support::sqlite().await.0;
    let settings = Settings {
        batch_lease: Duration::from_millis(20),
        ..Settings::default()
    };
    let (state, _writer) = AppState::new(store.clone(), policies(), settings)
        .await
        .unwrap();
    store
        .create_batch(&NewBatch {
            id: "doomed".into(),
            created_by: "k".into(),
            format: "jsonl".into(),
            as_of: None,
            policy_set: "sha256:not-stored".into(),
            missions_only: false,
        })
        .await
        .unwrap();
    store
        .add_chunk(
            "doomed",
            0,
            r#"[{"line":1,"json":"{}"},{"line":2,"json":"{}"}]"#,
        )
        .await
        .unwrap();
    store.queue_batch("doomed", 2, 1, None).await.unwrap();
    let workers = Workers::start(state.batch_context());
    let start = Instant::now();
    loop {
        let b = store.batch("doomed").await.unwrap().unwrap();
        if b.state == BatchState::Done {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "never given up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let errors = store.batch_errors("doomed", 0, 10).await.unwrap();
    assert_eq!(errors.len(), 2);
    assert!(
        errors.iter().all(|(_, e)| e.contains("not_screened")),
        "{errors:?}"
    );
    assert_eq!(store.verify(None).await.unwrap().records, 0);
    workers.stop(Duration::from_secs(10)).await;
}

// ---- the real binary, killed and restarted ----

fn imvo(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_imvo"))
        .current_dir(support::root())
        .args(["--database", db])
        .args(args)
        .output()
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(db: &str, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_imvo"))
        .current_dir(support::root())
        .env("IMVO_LOG", "warn")
        .args([
            "--database",
            db,
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--batch-lease-secs",
            "2",
            "--batch-workers",
            "2",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the service did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// A minimal HTTP/1.1 exchange: (status, body).
fn http(port: u16, method: &str, path: &str, key: &str, body: Option<&[u8]>) -> (u16, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let len = body.map_or(0, <[u8]>::len);
    write!(s, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n").unwrap();
    if let Some(b) = body {
        s.write_all(b).unwrap();
    }
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + size]);
            rest = &rest[nl + 2 + size + 2..];
        }
        body = out;
    }
    (status, body)
}

fn batch_status(port: u16, key: &str, id: &str) -> Value {
    let (s, b) = http(port, "GET", &format!("/v1/batches/{id}"), key, None);
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
    serde_json::from_slice(&b).unwrap()
}

/// Kills a batch hard in the middle and restarts: `replicas` processes after the restart.
fn kill_and_resume(db: &str, replicas: usize) -> Vec<String> {
    let out = imvo(db, &["keys", "create", "--role", "analyst"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let (input, bad) = portfolio(10_000, 1000, "KR");

    let port = free_port();
    let mut first = start(db, port);
    let (s, b) = http(port, "POST", "/v1/batches", &key, Some(input.as_bytes()));
    assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
    let id = serde_json::from_slice::<Value>(&b).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Wait until part of the batch is done, then SIGKILL.
    let t = Instant::now();
    let at_kill = loop {
        let v = batch_status(port, &key, &id);
        let done = v["done"].as_i64().unwrap();
        if done >= 1_000 {
            break done;
        }
        assert!(t.elapsed() < Duration::from_secs(300), "no progress: {v}");
        std::thread::sleep(Duration::from_millis(50));
    };
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        at_kill < 10_000,
        "killed after the batch finished: the test proves nothing"
    );

    let ports: Vec<u16> = (0..replicas).map(|_| free_port()).collect();
    let mut children: Vec<Child> = ports.iter().map(|&p| start(db, p)).collect();
    let t = Instant::now();
    let status = loop {
        let v = batch_status(ports[0], &key, &id);
        if v["status"] == "done" {
            break v;
        }
        assert!(t.elapsed() < Duration::from_secs(600), "not resumed: {v}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(status["total"], 10_000);
    assert_eq!(status["done"], 10_000, "{status}");
    assert_eq!(status["failed"], bad.len(), "{status}");

    // Exactly once: every good line has one decision, every bad line one error.
    let (_, b) = http(
        ports[0],
        "GET",
        &format!("/v1/batches/{id}/results"),
        &key,
        None,
    );
    let lines: Vec<u64> = String::from_utf8(b)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    let expected: Vec<u64> = (1..=10_000).filter(|n| !bad.contains(n)).collect();
    assert_eq!(lines, expected);
    let (_, b) = http(
        ports[0],
        "GET",
        &format!("/v1/batches/{id}/errors"),
        &key,
        None,
    );
    assert_eq!(String::from_utf8(b).unwrap().lines().count(), bad.len());
    for c in &mut children {
        c.kill().unwrap();
        c.wait().unwrap();
    }
    // The chain verifies and holds one record per decision: nothing was stored twice.
    let out = imvo(db, &["--json", "audit", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], expected.len(), "{v}");
    assert_eq!(v["broken"], Value::Null);
    vec![id]
}

#[test]
fn kill_9_in_the_middle_of_a_batch_then_resume_exactly_once_sqlite() {
    let dir = std::env::temp_dir().join(support::unique("imvo-kill"));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite:{}", dir.join("imvo.db").display());
    kill_and_resume(&db, 1);
}

#[test]
fn kill_9_in_the_middle_of_a_batch_then_two_replicas_finish_it_postgres() {
    let Some(url) = support::postgres_url() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (store, schema) = rt.block_on(support::postgres()).unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = format!("{url}{sep}options[search_path]={schema}");
    let ids = kill_and_resume(&db, 2);
    // Both replicas took part: the chunks done after the restart name two processes.
    let Db::Postgres(pool) = store.db() else {
        unreachable!()
    };
    let owners: Vec<String> = rt
        .block_on(
            sqlx::query_scalar::<_, String>(
                "SELECT lease_owner FROM batch_chunks WHERE batch_id = $1",
            )
            .bind(&ids[0])
            .fetch_all(pool),
        )
        .unwrap();
    let processes: BTreeSet<String> = owners
        .iter()
        .map(|o| o.rsplit_once(':').unwrap().0.to_owned())
        .collect();
    assert!(
        processes.len() >= 3,
        "the killed process and both replicas did chunks: {processes:?}"
    );
}
