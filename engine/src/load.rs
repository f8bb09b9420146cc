//! Loading a policy set: the public constructors of [`PolicySet`]. They live above both
//! `policy` (manifests, tables, checks, assembly) and `script` (the engine and the API scripts
//! see), so that neither of those imports the other: the engine is built here and handed to the
//! assembly with the script API's surface.

use std::collections::BTreeMap;
use std::path::Path;

use crate::policy::{Limits, LoadErrors, PolicySet};
use crate::script::{api, build_engine};

impl PolicySet {
    /// Loads every pack and shared table under `dir` with the production limits.
    ///
    /// # Errors
    /// Every problem found: unreadable files, invalid manifests or tables, scripts that do not
    /// compile, pack-contract violations, overlapping versions.
    pub fn load(dir: &Path) -> Result<PolicySet, LoadErrors> {
        PolicySet::load_with(dir, Limits::default())
    }

    /// As [`PolicySet::load`], with other sandbox limits.
    ///
    /// # Errors
    /// As [`PolicySet::load`].
    pub fn load_with(dir: &Path, limits: Limits) -> Result<PolicySet, LoadErrors> {
        let mut files = BTreeMap::new();
        crate::policy::read_tree(dir, dir, &mut files).map_err(|e| LoadErrors(vec![e]))?;
        PolicySet::from_files(files, limits)
    }

    /// Builds a set from files held in memory (relative paths with `/`), as the service does
    /// for a set stored in its database.
    ///
    /// # Errors
    /// As [`PolicySet::load`].
    pub fn from_files(
        files: BTreeMap<String, Vec<u8>>,
        limits: Limits,
    ) -> Result<PolicySet, LoadErrors> {
        let engine = build_engine(&limits);
        PolicySet::assemble(files, limits, engine, &api::SURFACE)
    }
}
