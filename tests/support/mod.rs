//! Shared test helpers: the workspace's policy set, loaded once.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use imvo_engine::PolicySet;

/// The repository root (the parent of `tests/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The shipped policies, loaded once per test binary.
pub fn policies() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| PolicySet::load(&root().join("policies")).unwrap_or_else(|e| panic!("{e}")))
}
