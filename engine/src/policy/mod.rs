//! Policy packs and policy sets: loading, validation, compilation and content hashes.
//!
//! A policy folder holds one folder per pack version (`<id>-<version>/`, with `pack.toml`,
//! `rules.csv`, `params.csv`, `*.rhai` scripts and optional `tables/`) and a `data/` folder of
//! shared tables (`data/<name>/table.toml` plus the table file). Loading reads every file,
//! validates every manifest and table, compiles every script once, and checks the pack contract;
//! any problem refuses the whole set, with every error found. A loaded [`PolicySet`] is
//! immutable and identified by a SHA-256 over all its files.

mod checks;
mod files;
mod gates;
mod limits;
mod manifest;
mod messages;
mod pack;
mod params;
mod rules;
mod shared;
pub mod tables;
pub(crate) mod warm;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use rhai::{AST, Engine};
use sha2::{Digest, Sha256};

use crate::application::Instrument;
use crate::codes::hex;

pub(crate) use checks::{ArgSource, Check, Then};
pub(crate) use gates::Hooks;
pub use gates::{Conditions, Gate, Tri};
pub(crate) use gates::{Fact, GateInput, Peek, PeekField, Peeked, Reader};
pub use limits::Limits;
pub use manifest::{Manifest, SourceDoc, TableDecl};
pub use params::{Comparator, Param, ParamValue};
pub use rules::{Phase, Rule, dispatcher_name, reference_dispatcher_name};
pub use tables::{Rate, SdrRates, Table};

/// Why a policy folder could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file or folder could not be read.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A manifest, table or pack-contract violation.
    #[error("{file}{}: {message}", .line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// File, relative to the policy folder.
        file: String,
        /// 1-based line, where known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A script does not compile.
    #[error("{file}:{line}:{column}: {message}")]
    Compile {
        /// Script file, relative to the policy folder.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// rhai's message.
        message: String,
    },
}

impl LoadError {
    pub(crate) fn invalid(
        file: &str,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> LoadError {
        LoadError::Invalid {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

/// Every error found while loading a policy folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} error{} loading policies:\n  {}", .0.len(), if .0.len() == 1 { "" } else { "s" }, .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
pub struct LoadErrors(pub Vec<LoadError>);

/// One compiled pack version.
#[derive(Debug)]
pub struct Pack {
    /// The manifest.
    pub manifest: Manifest,
    /// Folder name, relative to the policy folder.
    pub dir: String,
    /// Rules, in table order.
    pub rules: Vec<Rule>,
    /// Parameters by name.
    pub params: BTreeMap<String, Param>,
    /// Tables the pack may read: its own and the shared ones it `uses`.
    pub tables: BTreeMap<String, Arc<Table>>,
    /// `sha256:` over the pack's files.
    pub hash: String,
    /// Script function name to the file that defines it (for error positions).
    pub functions: BTreeMap<String, String>,
    /// Rules of other packs the scripts name in `fired(...)`: (file, line, rule id).
    pub external_rules: Vec<(String, usize, String)>,
    /// The pack's named conditions (`gates.csv`).
    pub conditions: Conditions,
    /// Each rule's compiled gate, by rule index (`None`: the rule always runs).
    pub gates: Vec<Option<Gate>>,
    /// Each rule's checks (`checks.csv`), by rule index: empty for a rule written as a script.
    pub(crate) checks: Vec<Vec<Check>>,
    /// The pack's message catalogues (`messages/en.ftl`, `messages/nl.ftl`), if it has them:
    /// then every explanation its rules report is a message id, never a sentence.
    pub catalogue: Option<Arc<crate::messages::Catalogue>>,
    pub(crate) ast: AST,
    /// Function-resolution caches kept warm between calls into `ast` (`script::warm`).
    pub(crate) warm: warm::Pool,
}

impl Pack {
    /// Whether the pack applies to `instrument` on `date` (`effective_from` inclusive,
    /// `effective_to` exclusive).
    #[must_use]
    pub fn in_force(&self, instrument: Instrument, date: NaiveDate) -> bool {
        self.manifest.instruments.contains(&instrument)
            && self.manifest.effective_from <= date
            && self.manifest.effective_to.is_none_or(|to| date < to)
    }

    /// Whether the rule at `index` is a table rule (rows in `checks.csv`).
    #[must_use]
    pub fn is_table_rule(&self, index: usize) -> bool {
        self.checks.get(index).is_some_and(|c| !c.is_empty())
    }

    /// The rows of the table rule at `index` as written (`when`, `then`, `message`, `args`),
    /// in file order; none for a script rule.
    pub fn table_rows(&self, index: usize) -> impl Iterator<Item = &[String; 4]> {
        self.checks
            .get(index)
            .into_iter()
            .flatten()
            .map(|c| &c.text)
    }

    /// The rule with id `id`.
    #[must_use]
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| &*r.id == id)
    }
}

/// What a literal argument of a script function names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    /// A parameter of the pack's parameter table.
    Parameter,
    /// A table of the pack, or a shared table it `uses`.
    Table,
}

/// What the loader checks packs against, of the script API: given by the script layer
/// (`script::api::SURFACE`), so that this module never imports it.
#[derive(Debug)]
pub(crate) struct ScriptApi {
    /// Whether a path is a fact of the application that scripts and fact tables can read.
    pub is_fact: fn(&str) -> bool,
    /// The functions whose first string argument names a parameter or a table: such literals
    /// in scripts must exist in the pack.
    pub named_arguments: &'static [(&'static str, Named)],
    /// The native readers of a fact path, with the path as the readers hold it, resolved once
    /// when a gate or a table rule is compiled.
    pub reader: fn(&str) -> Option<Fact>,
}

/// An immutable, compiled set of packs and data, identified by a content hash.
#[derive(Debug, Clone)]
pub struct PolicySet {
    inner: Arc<SetInner>,
    /// Whether rules' applicability gates are evaluated (see [`PolicySet::without_gates`]).
    gates: bool,
}

#[derive(Debug)]
struct SetInner {
    hash: String,
    packs: Vec<Arc<Pack>>,
    tables: BTreeMap<String, Arc<Table>>,
    rates: Option<Arc<SdrRates>>,
    engine: Engine,
    limits: Limits,
    files: BTreeMap<String, Vec<u8>>,
    /// The provenance's references for each combination of packs screened under so far
    /// ([`PolicySet::provenance_refs`]).
    refs: std::sync::RwLock<Vec<(Vec<Arc<Pack>>, ProvenanceRefs)>>,
}

/// The packs and the data tables a decision's provenance names.
pub(crate) type ProvenanceRefs =
    Arc<(Vec<crate::decision::PackRef>, Vec<crate::decision::DataRef>)>;

impl PolicySet {
    /// Builds a set from files held in memory, compiling scripts with `engine` and checking
    /// them against `api`, what the script layer registers (the public constructors,
    /// `PolicySet::load` and `PolicySet::from_files`, are in `crate::load`, which knows both).
    ///
    /// # Errors
    /// Every problem found, as `PolicySet::load` describes.
    pub(crate) fn assemble(
        files: BTreeMap<String, Vec<u8>>,
        limits: Limits,
        engine: Engine,
        api: &ScriptApi,
    ) -> Result<PolicySet, LoadErrors> {
        let mut errors = Vec::new();
        let mut kept: BTreeMap<String, Vec<u8>> = BTreeMap::new();

        // Top-level folders: `data` holds shared tables; every other folder must be a pack.
        let mut top: BTreeSet<&str> = BTreeSet::new();
        for path in files.keys() {
            if let Some((first, _)) = path.split_once('/') {
                top.insert(first);
            }
        }
        let mut tables = BTreeMap::new();
        let mut rates = None;
        let mut pack_dirs = Vec::new();
        for dir in &top {
            if *dir == "data" {
                continue;
            }
            if files.contains_key(&format!("{dir}/pack.toml")) {
                pack_dirs.push((*dir).to_owned());
            } else {
                errors.push(LoadError::invalid(
                    dir,
                    None,
                    "not a pack: a folder beside `data/` must hold a `pack.toml`",
                ));
            }
        }
        // Shared tables.
        let table_dirs: BTreeSet<&str> = files
            .keys()
            .filter_map(|p| p.strip_prefix("data/"))
            .filter_map(|p| p.split_once('/').map(|(d, _)| d))
            .collect();
        for tdir in table_dirs {
            let prefix = format!("data/{tdir}/");
            let hash = keep_folder(&files, &prefix, &mut kept);
            match shared::load_shared_table(tdir, &prefix, &files, hash) {
                Ok(shared::Shared::Table(t)) => {
                    tables.insert(t.name.clone(), Arc::new(t));
                }
                Ok(shared::Shared::Rates(r)) => rates = Some(Arc::new(r)),
                Err(e) => errors.push(e),
            }
        }
        let rate_name = "sdr-rates";
        let mut packs = Vec::new();
        for dir in pack_dirs {
            let hash = keep_folder(&files, &format!("{dir}/"), &mut kept);
            let shared_names: BTreeSet<&str> = tables
                .keys()
                .map(String::as_str)
                .chain(rates.as_ref().map(|_| rate_name))
                .collect();
            match pack::load_pack(
                &engine,
                &limits,
                api,
                &dir,
                &files,
                hash,
                &tables,
                &shared_names,
            ) {
                Ok(p) => packs.push(Arc::new(p)),
                Err(mut e) => errors.append(&mut e),
            }
        }
        check_overlaps(&packs, &mut errors);
        let all_rules: BTreeSet<&str> = packs
            .iter()
            .flat_map(|p| p.rules.iter().map(|r| &*r.id))
            .collect();
        for pack in &packs {
            for (file, line, id) in &pack.external_rules {
                if !all_rules.contains(id.as_str()) {
                    errors.push(LoadError::invalid(
                        file,
                        Some(*line),
                        format!("`fired` names rule `{id}`, which no pack of the set defines"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(LoadErrors(errors));
        }
        packs.sort_by(|a, b| {
            (&a.manifest.id, a.manifest.effective_from)
                .cmp(&(&b.manifest.id, b.manifest.effective_from))
        });
        let hash = hash_files(kept.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
        Ok(PolicySet {
            inner: Arc::new(SetInner {
                hash,
                packs,
                tables,
                rates,
                engine,
                limits,
                files: kept,
                refs: std::sync::RwLock::default(),
            }),
            gates: true,
        })
    }

    /// The same set in reference mode: every applicability gate forced open, so every rule's
    /// script runs and decides for itself whether it applies, and every table rule that keeps a
    /// reference script runs that script instead of its rows. Decisions are identical (the
    /// differential property test holds the shipped packs to that); it is slower, and exists to
    /// check a gate or a table rule against its script. Hash and provenance do not change.
    #[must_use]
    pub fn without_gates(&self) -> PolicySet {
        PolicySet {
            inner: Arc::clone(&self.inner),
            gates: false,
        }
    }

    /// Whether applicability gates are evaluated (false in reference mode).
    #[must_use]
    pub fn gates(&self) -> bool {
        self.gates
    }

    /// `sha256:` over every file of the set (path and content, sorted by path).
    #[must_use]
    pub fn hash(&self) -> &str {
        &self.inner.hash
    }

    /// Every pack version, sorted by id and start date.
    #[must_use]
    pub fn packs(&self) -> &[Arc<Pack>] {
        &self.inner.packs
    }

    /// The packs in force for `instrument` on `date`, sorted by id.
    #[must_use]
    pub fn in_force(&self, instrument: Instrument, date: NaiveDate) -> Vec<Arc<Pack>> {
        self.inner
            .packs
            .iter()
            .filter(|p| p.in_force(instrument, date))
            .cloned()
            .collect()
    }

    /// Shared tables by name.
    #[must_use]
    pub fn tables(&self) -> &BTreeMap<String, Arc<Table>> {
        &self.inner.tables
    }

    /// The provenance's references for a screening under `packs` (packs of this set): built by
    /// `build` the first time that combination of packs is asked for, then shared.
    pub(crate) fn provenance_refs(
        &self,
        packs: &[Arc<Pack>],
        build: impl FnOnce() -> (Vec<crate::decision::PackRef>, Vec<crate::decision::DataRef>),
    ) -> ProvenanceRefs {
        let same = |known: &[Arc<Pack>]| {
            known.len() == packs.len() && known.iter().zip(packs).all(|(a, b)| Arc::ptr_eq(a, b))
        };
        // A poisoned lock only means another screening panicked while it held it: the list is
        // still whole (entries are pushed complete), so it is read on.
        let known = self
            .inner
            .refs
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find(|(k, _)| same(k))
            .map(|(_, r)| Arc::clone(r));
        if let Some(r) = known {
            return r;
        }
        let built = Arc::new(build());
        let mut all = self
            .inner
            .refs
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, r)) = all.iter().find(|(k, _)| same(k)) {
            return Arc::clone(r);
        }
        all.push((packs.to_vec(), Arc::clone(&built)));
        built
    }

    /// The SDR rate table, if the set has one.
    #[must_use]
    pub fn rates(&self) -> Option<&Arc<SdrRates>> {
        self.inner.rates.as_ref()
    }

    /// Every file the hash covers (relative path to content).
    #[must_use]
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.inner.files
    }

    /// The sandbox limits the set was compiled and runs with.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.inner.engine
    }
}

/// Copies the files under `prefix` into `kept` (the files the set hash covers) and returns their
/// own hash (a pack's or a table's).
fn keep_folder(
    files: &BTreeMap<String, Vec<u8>>,
    prefix: &str,
    kept: &mut BTreeMap<String, Vec<u8>>,
) -> String {
    let own: Vec<(&String, &Vec<u8>)> = files
        .range(prefix.to_owned()..)
        .take_while(|(p, _)| p.starts_with(prefix))
        .collect();
    for (p, b) in &own {
        kept.insert((*p).clone(), (*b).clone());
    }
    hash_files(own.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
}

/// The hash a policy set made of exactly these files has (as [`PolicySet::hash`]), computed
/// without loading them: a stored set is checked against the hash it is kept under.
#[must_use]
pub fn hash_of_files(files: &BTreeMap<String, Vec<u8>>) -> String {
    hash_files(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
}

/// `sha256:` over `(path, content)` pairs in the order given: each as the path's bytes, a NUL,
/// the content length as 8 little-endian bytes, then the content.
fn hash_files<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut h = Sha256::new();
    for (path, bytes) in files {
        h.update(path.as_bytes());
        h.update([0u8]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    format!("sha256:{}", hex(&h.finalize()))
}

pub(crate) fn read_tree(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), LoadError> {
    let io = |p: &Path, e: std::io::Error| LoadError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        let meta = std::fs::metadata(&path).map_err(|e| io(&path, e))?;
        if meta.is_dir() {
            read_tree(root, &path, out)?;
        } else if meta.is_file() {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            // Files at the top level (README.md) document the folder; they are not policy content.
            if rel.len() > 1 {
                let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
                out.insert(rel.join("/"), bytes);
            }
        }
    }
    Ok(())
}

/// Two versions of one pack, or two packs sharing an instrument and a rule id, may not be in
/// force on the same day.
fn check_overlaps(packs: &[Arc<Pack>], errors: &mut Vec<LoadError>) {
    let overlap = |a: &Manifest, b: &Manifest| {
        let a_before_b_ends = b.effective_to.is_none_or(|to| a.effective_from < to);
        let b_before_a_ends = a.effective_to.is_none_or(|to| b.effective_from < to);
        a_before_b_ends && b_before_a_ends
    };
    for (i, a) in packs.iter().enumerate() {
        for b in packs.iter().skip(i + 1) {
            let (ma, mb) = (&a.manifest, &b.manifest);
            if !overlap(ma, mb) {
                continue;
            }
            if ma.id == mb.id {
                errors.push(LoadError::invalid(
                    &format!("{}/pack.toml", b.dir),
                    None,
                    format!(
                        "versions `{}` and `{}` of pack `{}` are both in force from {}",
                        ma.version,
                        mb.version,
                        ma.id,
                        ma.effective_from.max(mb.effective_from)
                    ),
                ));
                continue;
            }
            if !ma.instruments.iter().any(|i| mb.instruments.contains(i)) {
                continue;
            }
            for r in &a.rules {
                if b.rule(&r.id).is_some() {
                    errors.push(LoadError::invalid(
                        &format!("{}/rules.csv", b.dir),
                        None,
                        format!("rule `{}` is also defined by pack `{}`, in force on the same days for the same instrument", r.id, ma.id),
                    ));
                }
            }
        }
    }
}
