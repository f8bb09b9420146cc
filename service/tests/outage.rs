//! No answer contradicts the record while the database stalls: screenings sent while the
//! database cannot be reached are answered `201` (stored), `503 timeout` or `503 database`
//! (never stored) or `503 outcome-unknown` (perhaps stored: a retry with the same
//! `Idempotency-Key` makes exactly one record). Every answer is then checked against the record.
//!
//! SQLite stalls by another connection holding its write lock; PostgreSQL by a TCP proxy in
//! front of the shared server that this test stops forwarding through and then lets go (the
//! shared cluster itself is never touched). Each stall lasts longer than the request timeout.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use imvo_engine::PolicySet;
use imvo_service::auth::{Role, create_key};
use imvo_service::http::{AppState, Settings, router};
use imvo_service::store::{Digested, RecordKind, Store};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

type Stall = Box<dyn Fn(bool) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// How long the database stays unreachable; the request timeout is a third of it.
const STALL: Duration = Duration::from_secs(3);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
const REQUESTS: usize = 12;

struct Answer {
    reference: String,
    key: Option<String>,
    status: StatusCode,
    kind: String,
    id: Option<String>,
}

async fn screen(
    app: &Router,
    api_key: &str,
    body: &str,
    idem: Option<&str>,
) -> (StatusCode, Value) {
    let mut b = Request::builder()
        .method("POST")
        .uri("/v1/screenings")
        .header(header::AUTHORIZATION, format!("Bearer {api_key}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = idem {
        b = b.header("idempotency-key", k);
    }
    let resp = app
        .clone()
        .oneshot(b.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn application(reference: &str) -> String {
    std::fs::read_to_string(support::root().join("examples/gas-plant-id-2022.json"))
        .unwrap()
        .replace("ADSB-2022-0412", reference)
}

async fn screenings_of(store: &Store, reference: &str) -> Vec<String> {
    store
        .history(reference, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == RecordKind::Screening)
        .map(|r| r.id)
        .collect()
}

/// Sends [`REQUESTS`] screenings, 100 ms apart, into a stall of [`STALL`], then checks every
/// answer against what `inspect` (a connection that does not stall) finds stored.
async fn no_answer_contradicts_the_record(
    name: &str,
    store: Store,
    inspect: Store,
    stall: Stall,
    write_timeout: Duration,
) -> Vec<String> {
    let set = PolicySet::load(&support::root().join("policies")).unwrap();
    let settings = Settings {
        request_timeout: REQUEST_TIMEOUT,
        write_timeout,
        ..Settings::default()
    };
    let (state, _writer) = AppState::new(store.clone(), set, settings).await.unwrap();
    let app = router(state);
    let key = create_key(&store, &[Role::Analyst], None).await.unwrap().1;
    let run = imvo_service::store::sha256(name);
    let run = run.get(7..15).unwrap();
    // Warm: the pool holds a connection that the stall then catches mid-use.
    let (s, _) = screen(&app, &key, &application(&format!("WARM-{run}")), None).await;
    assert_eq!(s, StatusCode::CREATED, "{name}");

    stall(true).await;
    let mut tasks = Vec::new();
    for i in 0..REQUESTS {
        let (app, key) = (app.clone(), key.clone());
        let reference = format!("OUT-{run}-{i}");
        let idem = (i % 2 == 0).then(|| format!("out-{run}-{i}"));
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100) * u32::try_from(i).unwrap()).await;
            let (status, v) = screen(&app, &key, &application(&reference), idem.as_deref()).await;
            Answer {
                reference,
                key: idem,
                status,
                kind: v["type"].as_str().map_or_else(String::new, |t| {
                    t.trim_start_matches("urn:imvo:problem:").to_owned()
                }),
                id: v["id"].as_str().map(str::to_owned),
            }
        }));
    }
    tokio::time::sleep(STALL).await;
    stall(false).await;
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    // The writer works its groups in order: once a screening sent now is stored, every group
    // taken before it has finished, committed or not.
    let (s, v) = screen(&app, &key, &application(&format!("SETTLE-{run}")), None).await;
    assert_eq!(s, StatusCode::CREATED, "{name}: {v}");

    let mut kinds = Vec::new();
    for a in &answers {
        let stored = screenings_of(&inspect, &a.reference).await;
        let what = format!("{name}: {} answered {} {}", a.reference, a.status, a.kind);
        match (a.status, a.kind.as_str()) {
            (StatusCode::CREATED, _) => {
                assert_eq!(
                    stored,
                    vec![a.id.clone().unwrap()],
                    "{what}: not stored as answered"
                );
            }
            (StatusCode::SERVICE_UNAVAILABLE, "outcome-unknown") => {
                assert!(stored.len() <= 1, "{what}: stored {} times", stored.len());
                if let Some(k) = &a.key {
                    // A retry with the same key learns the outcome; one record either way.
                    let (s, v) = screen(&app, &key, &application(&a.reference), Some(k)).await;
                    assert_eq!(s, StatusCode::CREATED, "{what}: retry: {v}");
                    let after = screenings_of(&inspect, &a.reference).await;
                    assert_eq!(
                        after,
                        vec![v["id"].as_str().unwrap().to_owned()],
                        "{what}: retry"
                    );
                }
            }
            (StatusCode::SERVICE_UNAVAILABLE, "timeout" | "database") => {
                assert!(stored.is_empty(), "{what}, yet it was stored");
            }
            _ => panic!("{what}: an answer this test does not expect"),
        }
        kinds.push(format!("{} {}", a.status.as_u16(), a.kind));
    }
    eprintln!("{name}: {kinds:?}");
    kinds
}

/// SQLite: another connection holds the write lock for the stall.
fn sqlite_stall(url: &str) -> Stall {
    use sqlx::Connection;
    let url = url.to_owned();
    let held = std::sync::Arc::new(tokio::sync::Mutex::new(None::<sqlx::SqliteConnection>));
    Box::new(move |on| {
        let (url, held) = (url.clone(), std::sync::Arc::clone(&held));
        Box::pin(async move {
            let mut held = held.lock().await;
            if on {
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query("BEGIN IMMEDIATE")
                    .execute(&mut c)
                    .await
                    .unwrap();
                *held = Some(c);
            } else if let Some(mut c) = held.take() {
                sqlx::query("COMMIT").execute(&mut c).await.unwrap();
                c.close().await.unwrap();
            }
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_locked_longer_than_the_request_timeout() {
    // The writer waits out the stall: requests it took are answered 201 late, the rest 503.
    let (store, url) = support::sqlite().await;
    let kinds = no_answer_contradicts_the_record(
        "sqlite",
        store.clone(),
        store,
        sqlite_stall(&url),
        Duration::from_secs(10),
    )
    .await;
    assert!(kinds.iter().any(|k| k.starts_with("201")), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "503 timeout"), "{kinds:?}");

    // The stall outlasts the writer's bound: those it took are told the outcome is unknown.
    let (store, url) = support::sqlite().await;
    let kinds = no_answer_contradicts_the_record(
        "sqlite-bound",
        store.clone(),
        store,
        sqlite_stall(&url),
        Duration::from_millis(1500),
    )
    .await;
    assert!(
        kinds.iter().any(|k| k == "503 outcome-unknown"),
        "{kinds:?}"
    );
}

/// A TCP proxy that forwards to `upstream` while open and, while closed, holds whatever either
/// side sends until it opens again (a network partition that heals).
async fn proxy(upstream: SocketAddr) -> (SocketAddr, watch::Sender<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (open, rx) = watch::channel(true);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let mut rx = rx.clone();
            tokio::spawn(async move {
                let _ = rx.wait_for(|o| *o).await;
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::join!(pump(cr, sw, rx.clone()), pump(sr, cw, rx));
            });
        }
    });
    (addr, open)
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut open: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if open.wait_for(|o| *o).await.is_err() || to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_partitioned_longer_than_the_request_timeout() {
    let Some(url) = support::postgres_url() else {
        return;
    };
    // postgres://user@host:port/db: the proxy takes the host's place.
    let (head, tail) = url.split_once('@').unwrap();
    let (host, db) = tail.split_once('/').unwrap();
    let upstream = tokio::net::lookup_host(host).await.unwrap().next().unwrap();
    for (name, write_timeout) in [
        ("postgres", Duration::from_secs(10)),
        ("postgres-bound", Duration::from_millis(1500)),
    ] {
        let (addr, open) = proxy(upstream).await;
        let through = format!("{head}@{addr}/{db}");
        let schema = support::unique("imvo_outage");
        let store = Store::connect_with_schema(&through, Some(&schema))
            .await
            .unwrap();
        let inspect = Store::connect_with_schema(&url, Some(&schema))
            .await
            .unwrap();
        let open = std::sync::Arc::new(open);
        let stall: Stall = Box::new(move |on| {
            let open = std::sync::Arc::clone(&open);
            Box::pin(async move {
                open.send_replace(!on);
            })
        });
        let kinds =
            no_answer_contradicts_the_record(name, store, inspect, stall, write_timeout).await;
        assert!(
            kinds.iter().any(|k| k.starts_with("503")),
            "{name}: the stall was felt: {kinds:?}"
        );
    }
}

fn record(reference: &str) -> imvo_service::store::NewRecord {
    imvo_service::store::NewRecord {
        kind: RecordKind::Screening,
        created_by: "key-outage".into(),
        reference: reference.into(),
        instrument: "export_credit".into(),
        outcome: Some("proceed".into()),
        engine_version: "0.2.0".into(),
        input: Some("{}".into()),
        decision: Some("{}".into()),
        ..imvo_service::store::NewRecord::default()
    }
}

/// The writer's bound runs out while the database holds the write: the request is told the
/// outcome is unknown, the write finishes later, and the idempotency key then says what it
/// stored. A record whose claim was released before its write is left out, never stored
/// without its key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_outcome_is_settled_by_the_idempotency_key() {
    use imvo_service::store::{IdemKey, IdemState};
    use imvo_service::writer::{Ticket, WriteError, Writer};
    let (store, url) = support::sqlite().await;
    let (writer, _task) = Writer::start(store.clone(), Duration::from_millis(300));
    let k = IdemKey {
        principal: "key-outage".into(),
        key: "unknown-1".into(),
    };
    assert_eq!(
        store
            .claim_idempotency(&k.principal, &k.key, "h1")
            .await
            .unwrap(),
        IdemState::Claimed
    );
    let stall = sqlite_stall(&url);
    stall(true).await;
    let ticket = Ticket::default();
    let r = writer
        .append(record("UNK-1"), Some(k.clone()), ticket.clone())
        .await;
    assert!(matches!(r, Err(WriteError::Unknown(_))), "{r:?}");
    assert!(!ticket.withdraw(), "taken: too late to withdraw");
    stall(false).await;
    // The late write finishes before the writer takes the next group.
    writer
        .append(record("UNK-2"), None, Ticket::default())
        .await
        .unwrap();
    let IdemState::Done(id) = store
        .claim_idempotency(&k.principal, &k.key, "h1")
        .await
        .unwrap()
    else {
        panic!("the late write completed the key");
    };
    assert_eq!(screenings_of(&store, "UNK-1").await, vec![id]);

    // Claimed, then released (its request gave up): the write leaves the record out.
    let k2 = IdemKey {
        principal: "key-outage".into(),
        key: "released-1".into(),
    };
    store
        .claim_idempotency(&k2.principal, &k2.key, "h2")
        .await
        .unwrap();
    store
        .release_idempotency(&k2.principal, &k2.key)
        .await
        .unwrap();
    let placed = store
        .append_claimed(vec![
            (Digested::new(record("REL-1")), Some(k2)),
            (Digested::new(record("REL-2")), None),
        ])
        .await
        .unwrap();
    assert!(placed[0].is_none() && placed[1].is_some(), "{placed:?}");
    assert!(screenings_of(&store, "REL-1").await.is_empty());
    assert_eq!(screenings_of(&store, "REL-2").await.len(), 1);
    assert!(store.verify(None).await.unwrap().broken.is_none());

    // Withdrawn before the writer took it: never written.
    let t = Ticket::default();
    assert!(t.withdraw());
    let r = writer.append(record("WD-1"), None, t).await;
    assert!(matches!(r, Err(WriteError::NotStored(_))), "{r:?}");
    assert!(screenings_of(&store, "WD-1").await.is_empty());
}
