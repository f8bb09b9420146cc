//! The policy sets shipped with imvo, built into the binary (`service/build.rs` embeds
//! `policies/` as it was when the binary was built): what an installed `imvo` runs when it is
//! given no `--policies` folder and finds no `./policies`.

use std::collections::BTreeMap;

use imvo_engine::script::Limits;
use imvo_engine::{LoadErrors, PolicySet};

mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));
}

/// The embedded files, as [`PolicySet::from_files`] takes them.
#[must_use]
pub fn files() -> BTreeMap<String, Vec<u8>> {
    files::FILES
        .iter()
        .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
        .collect()
}

/// The embedded policy set, compiled with `limits`.
///
/// # Errors
/// The embedded files do not load (a binary built from a broken `policies/`).
pub fn policy_set(limits: Limits) -> Result<PolicySet, LoadErrors> {
    PolicySet::from_files(files(), limits)
}
