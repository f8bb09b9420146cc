//! A reproducible load generator for `imvo serve`: N keep-alive HTTP/1.1 connections on
//! 127.0.0.1, each sending requests back to back for a fixed time; prints requests per second
//! and latency percentiles, counting every non-2xx answer.
//!
//! ```text
//! cargo run --release --example load -- --url http://127.0.0.1:8080/v1/screenings \
//!     --key "$KEY" --body examples/gas-plant-id-2022.json --connections 64 --seconds 20
//! cargo run --release --example load -- --url http://127.0.0.1:8080/healthz --connections 64
//! cargo run --release --example load -- --url http://127.0.0.1:8080/cases \
//!     --cookie "imvo_session=..." --connections 16
//! ```
//! (`scripts/load.sh` runs the whole comparison.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark tool: failing loudly is right"
)]

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
    host: String,
    path: String,
    key: Option<String>,
    cookie: Option<String>,
    body: Option<Vec<u8>>,
    connections: usize,
    seconds: u64,
}

fn args() -> Args {
    let mut a = Args {
        host: String::new(),
        path: String::new(),
        key: None,
        cookie: None,
        body: None,
        connections: 64,
        seconds: 10,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => {
                let rest = v.strip_prefix("http://").expect("http:// URL");
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                a.host = host.to_owned();
                a.path = format!("/{path}");
            }
            "--key" => a.key = Some(v),
            "--cookie" => a.cookie = Some(v),
            "--body" => a.body = Some(std::fs::read(&v).unwrap()),
            "--connections" => a.connections = v.parse().unwrap(),
            "--seconds" => a.seconds = v.parse().unwrap(),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(!a.host.is_empty(), "--url is required");
    a
}

fn request(a: &Args) -> Vec<u8> {
    let mut r = String::new();
    let method = if a.body.is_some() { "POST" } else { "GET" };
    r.push_str(&format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\n",
        a.path, a.host
    ));
    if let Some(k) = &a.key {
        r.push_str(&format!("Authorization: Bearer {k}\r\n"));
    }
    if let Some(c) = &a.cookie {
        r.push_str(&format!("Cookie: {c}\r\n"));
    }
    let mut bytes = match &a.body {
        Some(b) => {
            r.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                b.len()
            ));
            let mut v = r.into_bytes();
            v.extend_from_slice(b);
            v
        }
        None => {
            r.push_str("\r\n");
            r.into_bytes()
        }
    };
    bytes.shrink_to_fit();
    bytes
}

/// Reads one response; returns its status.
async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> u16 {
    buf.clear();
    let mut chunk = [0u8; 65536];
    let header_end = loop {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let status: u16 = head[9..12].parse().unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buf.len() < header_end + len {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
    }
    status
}

#[tokio::main]
async fn main() {
    let a = args();
    let req = std::sync::Arc::new(request(&a));
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let mut tasks = Vec::new();
    for _ in 0..a.connections {
        let req = std::sync::Arc::clone(&req);
        let host = a.host.clone();
        tasks.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(&host).await.unwrap();
            s.set_nodelay(true).unwrap();
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut buf = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                s.write_all(&req).await.unwrap();
                let status = read_response(&mut s, &mut buf).await;
                lat.push(t.elapsed());
                if !(200..300).contains(&status) {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let start = Instant::now();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let took = start.elapsed().as_secs_f64().max(a.seconds as f64);
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{} {}: {} requests in {:.1} s = {:.0}/s over {} connections; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; non-2xx {}",
        if a.body.is_some() { "POST" } else { "GET" },
        a.path,
        all.len(),
        took,
        all.len() as f64 / took,
        a.connections,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        errors
    );
}
