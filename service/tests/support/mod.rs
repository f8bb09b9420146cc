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

/// Every golden scenario's application, in file order: a spread of instruments, categories
/// and outcomes to build portfolios from.
pub fn templates() -> Vec<serde_json::Value> {
    imvo_service::scenarios::files(&root().join("scenarios"))
        .unwrap()
        .iter()
        .map(|p| {
            let s: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            s["application"].clone()
        })
        .collect()
}

/// Writes applications as the CSV form of the contract: one column per dotted leaf path that
/// any of them uses, `;`-separated lists, lists of objects as aligned member columns.
pub fn to_csv(apps: &[serde_json::Value]) -> String {
    use serde_json::Value;
    fn cell(v: &Value) -> String {
        match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    fn flatten(prefix: &str, v: &Value, out: &mut std::collections::BTreeMap<String, String>) {
        let join = |k: &str| {
            if prefix.is_empty() {
                k.to_owned()
            } else {
                format!("{prefix}.{k}")
            }
        };
        match v {
            Value::Null => {}
            Value::Object(m) => {
                for (k, v) in m {
                    flatten(&join(k), v, out);
                }
            }
            Value::Array(items) if items.is_empty() => {
                out.insert(prefix.to_owned(), "[]".into());
            }
            Value::Array(items) if items.iter().all(Value::is_object) => {
                let mut members = std::collections::BTreeSet::new();
                for i in items {
                    members.extend(i.as_object().unwrap().keys().cloned());
                }
                for m in members {
                    let vals: Vec<String> = items.iter().map(|i| cell(&i[&m])).collect();
                    out.insert(format!("{prefix}.{m}"), vals.join(";"));
                }
            }
            Value::Array(items) => {
                let vals: Vec<String> = items.iter().map(cell).collect();
                out.insert(prefix.to_owned(), vals.join(";"));
            }
            other => {
                out.insert(prefix.to_owned(), cell(other));
            }
        }
    }
    let rows: Vec<_> = apps
        .iter()
        .map(|a| {
            let mut m = std::collections::BTreeMap::new();
            flatten("", a, &mut m);
            m
        })
        .collect();
    let mut columns = std::collections::BTreeSet::new();
    for r in &rows {
        columns.extend(r.keys().cloned());
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&columns).unwrap();
    for r in &rows {
        w.write_record(
            columns
                .iter()
                .map(|c| r.get(c).cloned().unwrap_or_default()),
        )
        .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The application as the form posts it: (path, value) pairs, a list's values repeated, a
/// known empty list `[]`, a list of objects one member column per row.
pub fn form_fields(v: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    match v {
        Value::Null => {}
        Value::Object(m) => {
            for (k, v) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                form_fields(v, &p, out);
            }
        }
        Value::Array(items) if items.is_empty() => out.push((path.into(), "[]".into())),
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(m) => {
                        for (k, v) in m {
                            out.push((
                                format!("{path}[].{k}"),
                                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                            ));
                        }
                    }
                    other => out.push((path.into(), other.as_str().unwrap().to_owned())),
                }
            }
        }
        Value::String(s) => out.push((path.into(), s.clone())),
        other => out.push((path.into(), other.to_string())),
    }
}
