//! The server on a real socket: a client that never finishes its headers or its body is cut off, requests
//! are answered over keep-alive connections, and a shutdown finishes the request in flight.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::time::{Duration, Instant};

use imvo_engine::PolicySet;
use imvo_service::http::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn read_all(s: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf)).await;
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test]
async fn slow_headers_are_cut_off_and_shutdown_drains() {
    let (store, _) = support::sqlite().await;
    let set = PolicySet::load(&support::root().join("policies")).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = Settings {
        header_read_timeout: Duration::from_secs(1),
        body_read_timeout: Duration::from_secs(1),
        ..Settings::default()
    };
    let key = imvo_service::auth::create_key(&store, &[imvo_service::auth::Role::Analyst], None)
        .await
        .unwrap()
        .1;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(imvo_service::http::server::serve_on(
        listener,
        store,
        set,
        settings,
        async {
            let _ = stopped.await;
        },
    ));

    // A normal request over a connection.
    let mut c = TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let r = read_all(&mut c).await;
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    assert!(r.to_ascii_lowercase().contains("x-request-id:"), "{r}");

    // Half the headers, then silence: closed after the header-read timeout, not held open.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let t = Instant::now();
    let r = read_all(&mut slow).await;
    let took = t.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "a slow client held the connection for {took:?}: {r}"
    );

    // A body that trickles: a tenth of what it declared, then silence. Answered 408 after the
    // body deadline, without holding a request slot meanwhile.
    let mut trickle = TcpStream::connect(addr).await.unwrap();
    trickle
        .write_all(
            format!(
                "POST /v1/screenings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"referen"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let t = Instant::now();
    let r = read_all(&mut trickle).await;
    assert!(r.starts_with("HTTP/1.1 408"), "{r}");
    assert!(r.contains("body-timeout"), "{r}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());

    // Shutdown: stop accepting, and the server task ends.
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(35), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}
