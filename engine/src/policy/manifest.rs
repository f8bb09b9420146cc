//! A pack's manifest (`pack.toml`): its identity, instruments, dates, sources and tables.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::LoadError;
use super::files::{bool_cell, cell, date_value, text, toml_line};
use crate::application::Instrument;

/// A source document a pack implements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDoc {
    /// Id the rule and parameter tables use.
    pub id: String,
    /// Title, as cited in findings.
    pub document: String,
    /// Official reference (document number).
    #[serde(default)]
    pub reference: Option<String>,
    /// Where it is published.
    #[serde(default)]
    pub url: Option<String>,
    /// What was read of it, and how.
    #[serde(default)]
    pub note: Option<String>,
}

/// A table a pack ships in its own folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDecl {
    /// Name scripts use.
    pub name: String,
    /// File, relative to the pack folder.
    pub file: String,
    /// Key columns.
    pub key: Vec<String>,
    /// Where the content comes from.
    pub source: String,
}

/// A pack manifest (`pack.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// Pack id, stable across versions (shared with every finding of the pack, as is the
    /// version).
    pub id: Arc<str>,
    /// Version.
    pub version: Arc<str>,
    /// Title.
    pub title: String,
    /// Instruments it applies to.
    pub instruments: Vec<Instrument>,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// First day no longer in force.
    pub effective_to: Option<NaiveDate>,
    /// Shared tables it reads.
    pub uses: Vec<String>,
    /// Source documents.
    pub sources: Vec<SourceDoc>,
    /// Its own tables.
    pub tables: Vec<TableDecl>,
    /// An overlay (cross-instrument rules) runs beside an instrument's own pack but never stands
    /// in for it: with only overlays in force the decision is still `no_pack_in_force`.
    pub overlay: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    id: String,
    version: String,
    title: String,
    #[serde(default)]
    description: Option<String>,
    instruments: Vec<String>,
    effective_from: toml::Value,
    #[serde(default)]
    effective_to: Option<toml::Value>,
    #[serde(default)]
    uses: Vec<String>,
    sources: Vec<SourceDoc>,
    #[serde(default)]
    tables: Vec<TableDecl>,
    #[serde(default)]
    overlay: bool,
}

pub(super) fn manifest(
    dir: &str,
    files: &BTreeMap<String, Vec<u8>>,
    errors: &mut Vec<LoadError>,
) -> Option<Manifest> {
    let file = format!("{dir}/pack.toml");
    let src = match text(files, &file) {
        Ok(s) => s,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let raw: RawManifest = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            errors.push(LoadError::invalid(
                &file,
                toml_line(src, &e),
                e.message().to_owned(),
            ));
            return None;
        }
    };
    let _ = raw.description;
    let mut bad = |m: String| errors.push(LoadError::invalid(&file, None, m));
    let mut instruments = Vec::new();
    for i in &raw.instruments {
        match Instrument::from_name(i) {
            Some(x) => instruments.push(x),
            None => bad(format!(
                "`{i}` is not an instrument (expected export_credit, project_finance or trade_mission)"
            )),
        }
    }
    if instruments.is_empty() {
        bad("`instruments` names no instrument".into());
    }
    let effective_from = date_value(&raw.effective_from);
    if effective_from.is_none() {
        bad("`effective_from` is not a YYYY-MM-DD date".into());
    }
    let effective_to = match &raw.effective_to {
        None => None,
        Some(v) => {
            let d = date_value(v);
            if d.is_none() {
                bad("`effective_to` is not a YYYY-MM-DD date".into());
            }
            d
        }
    };
    if let (Some(from), Some(to)) = (effective_from, effective_to)
        && to <= from
    {
        bad(format!(
            "`effective_to` {to} is not after `effective_from` {from}"
        ));
    }
    if raw.sources.is_empty() {
        bad("a pack must cite at least one source document in `[[sources]]`".into());
    }
    let expected_dir = format!("{}-{}", raw.id, raw.version);
    if dir != expected_dir {
        bad(format!(
            "the folder of pack `{}` version `{}` must be named `{expected_dir}`",
            raw.id, raw.version
        ));
    }
    let mut ids = BTreeSet::new();
    for s in &raw.sources {
        if !ids.insert(s.id.as_str()) {
            bad(format!("source id `{}` appears twice", s.id));
        }
    }
    Some(Manifest {
        id: raw.id.into(),
        version: raw.version.into(),
        title: raw.title,
        instruments,
        effective_from: effective_from?,
        effective_to,
        uses: raw.uses,
        sources: raw.sources,
        tables: raw.tables,
        overlay: raw.overlay,
    })
}

const EVIDENCE: [&str; 4] = ["P", "P-copy", "S", "R"];

/// The citation columns of a rule or parameter row, starting at `at`: source id, section,
/// evidence level, verified. Returns (document, section, evidence level, verified).
pub(super) fn citation(
    m: &Manifest,
    row: &[String],
    at: usize,
    what: &str,
) -> Result<(String, Option<String>, String, bool), String> {
    let Some(source) = m.sources.iter().find(|s| s.id == cell(row, at)) else {
        return Err(format!(
            "source `{}` of {what} is not in the manifest's [[sources]]",
            cell(row, at)
        ));
    };
    let evidence = cell(row, at + 2);
    if !EVIDENCE.contains(&evidence) {
        return Err(format!(
            "evidence level `{evidence}` of {what} is not one of P, P-copy, S, R"
        ));
    }
    let Some(verified) = bool_cell(cell(row, at + 3)) else {
        return Err(format!("`verified` of {what} must be true or false"));
    };
    if verified && !matches!(evidence, "P" | "P-copy") {
        return Err(format!(
            "{what} is marked verified but its evidence level is `{evidence}`: only P and P-copy sources count as verified"
        ));
    }
    let section = Some(cell(row, at + 1))
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    Ok((
        source.document.clone(),
        section,
        evidence.to_owned(),
        verified,
    ))
}
