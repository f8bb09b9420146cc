//! Test databases: a fresh SQLite file always, and a fresh PostgreSQL schema when
//! `TEST_POSTGRES_URL` is set (under `CI=true` a missing PostgreSQL is a failure, not a skip).

#![allow(dead_code, reason = "each test binary uses part of the support module")]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use imvo_service::store::Store;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// A unique name for this process and call.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A fresh SQLite database in a temporary file.
pub async fn sqlite() -> (Store, String) {
    let dir = std::env::temp_dir().join(unique("imvo-test"));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("imvo.db").display());
    (Store::connect(&url).await.unwrap(), url)
}

/// The PostgreSQL URL for tests, if there is one. Under `CI=true` it must be set.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but TEST_POSTGRES_URL is not set: the PostgreSQL tests must run"
            );
            None
        }
    }
}

/// A fresh PostgreSQL schema, if a server is configured.
pub async fn postgres() -> Option<(Store, String)> {
    let url = postgres_url()?;
    let schema = unique("imvo_test");
    let store = Store::connect_with_schema(&url, Some(&schema))
        .await
        .unwrap();
    Some((store, schema))
}

/// Every store to run a test on: SQLite always, PostgreSQL when configured.
pub async fn stores() -> Vec<(&'static str, Store)> {
    let mut out = vec![("sqlite", sqlite().await.0)];
    if let Some((pg, _)) = postgres().await {
        out.push(("postgres", pg));
    }
    out
}
