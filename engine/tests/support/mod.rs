//! What the engine's integration tests share: loading a set from files in memory, the errors
//! of one that must not load, and the README's example application with an edit.

#![allow(
    dead_code,
    reason = "each test file uses part of it: what one leaves unused is not dead"
)]

use std::collections::BTreeMap;

use imvo_engine::script::Limits;
use imvo_engine::{Application, PolicySet};

/// The set made of `files`; a load error fails the test.
pub fn load(files: BTreeMap<String, Vec<u8>>) -> PolicySet {
    PolicySet::from_files(files, Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Every load error of `files`, as the loader writes them; loading fails the test.
pub fn errors(files: BTreeMap<String, Vec<u8>>) -> Vec<String> {
    match PolicySet::from_files(files, Limits::default()) {
        Ok(_) => panic!("should not load"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

/// `examples/gas-plant-id-2022.json`, edited by `edit`, parsed.
pub fn example(edit: impl FnOnce(&mut serde_json::Value)) -> Application {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("examples/gas-plant-id-2022.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut v);
    Application::parse(&v.to_string()).unwrap()
}
