//! Reading one pack (manifest, rule table, parameter table, tables, scripts) and one shared
//! table, with the pack contract checked.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rhai::{AST, Engine};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::tables::{SdrRates, Table};
use super::{LoadError, Pack};
use crate::application::{Instrument, Money};
use crate::codes;
use crate::script::engine::Limits;

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
    /// Pack id, stable across versions.
    pub id: String,
    /// Version.
    pub version: String,
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

/// The evaluation phase a rule runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Facts and triggers: scope, exclusions, sanctions, Performance Standards PS2-PS8.
    Facts,
    /// Category floors.
    Floors,
    /// Category-dependent steps (PS1, documents, disclosure, reporting) and risk levels.
    Steps,
    /// Rules that judge the decision so far as a whole (information refused or still outstanding
    /// after the deadline); they see every finding of the three phases before.
    Final,
}

impl Phase {
    /// All phases in evaluation order.
    pub const ALL: [Phase; 4] = [Phase::Facts, Phase::Floors, Phase::Steps, Phase::Final];

    /// The name used in rule tables.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Facts => "facts",
            Phase::Floors => "floors",
            Phase::Steps => "steps",
            Phase::Final => "final",
        }
    }
}

/// One row of a rule table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Rule id (`R-EC-06.2`).
    pub id: String,
    /// Short title.
    pub title: String,
    /// The phases it runs in, in evaluation order (`facts`, or `facts+floors+steps` for a rule
    /// that triggers, raises a floor and requires steps).
    pub phases: Vec<Phase>,
    /// Source document title.
    pub document: String,
    /// Paragraph or section, where known.
    pub section: Option<String>,
    /// Evidence level: P, P-copy, S or R.
    pub evidence_level: String,
    /// Checked against the primary text.
    pub verified: bool,
    /// Notes (readings, deviations from the reference).
    pub note: String,
    /// The rule needs data that cannot be shipped under an acceptable licence: it reports an
    /// `info` finding saying what a deployment must supply (rules.csv `status`
    /// `data_unavailable`, otherwise `active`).
    pub data_unavailable: bool,
    /// The script function that implements it.
    pub function: String,
}

impl Rule {
    /// Whether the rule runs in `phase`.
    #[must_use]
    pub fn runs_in(&self, phase: Phase) -> bool {
        self.phases.contains(&phase)
    }

    /// The phases as written in the rule table (`facts+floors`).
    #[must_use]
    pub fn phase_names(&self) -> String {
        self.phases
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// `facts`, `floors`, `steps`, or several joined by `+` in evaluation order, each once.
fn parse_phases(text: &str) -> Option<Vec<Phase>> {
    let mut out: Vec<Phase> = Vec::new();
    for name in text.split('+') {
        let phase = Phase::ALL.into_iter().find(|p| p.as_str() == name)?;
        if out.last().is_some_and(|last| *last >= phase) {
            return None;
        }
        out.push(phase);
    }
    (!out.is_empty()).then_some(out)
}

/// How a parameter is compared with a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    /// At least.
    #[serde(rename = ">=")]
    AtLeast,
    /// More than.
    #[serde(rename = ">")]
    MoreThan,
    /// At most.
    #[serde(rename = "<=")]
    AtMost,
    /// Less than.
    #[serde(rename = "<")]
    LessThan,
}

impl Comparator {
    /// The symbol.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::MoreThan => ">",
            Comparator::AtMost => "<=",
            Comparator::LessThan => "<",
        }
    }

    /// Whether `ordering` (fact compared with threshold) satisfies the comparator.
    #[must_use]
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Comparator::AtLeast => matches!(ordering, Greater | Equal),
            Comparator::MoreThan => ordering == Greater,
            Comparator::AtMost => matches!(ordering, Less | Equal),
            Comparator::LessThan => ordering == Less,
        }
    }
}

/// A parameter value, typed by its unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A decimal quantity (MWth, km, t/yr).
    Decimal(#[serde(with = "rust_decimal::serde::str")] Decimal),
    /// A whole number (days, months, people, places).
    Int(i64),
    /// An amount in a currency.
    Money(Money),
    /// A date.
    Date(NaiveDate),
}

/// One row of a parameter table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    /// Name (`annex_i.thermal_mwth`).
    pub name: String,
    /// Value.
    pub value: ParamValue,
    /// Unit (a currency code for money, `date`, `days`, `MWth`, ...).
    pub unit: String,
    /// How a fact is compared with it, where it is a threshold.
    pub comparator: Option<Comparator>,
    /// Source document title.
    pub document: String,
    /// Section.
    pub section: Option<String>,
    /// Evidence level.
    pub evidence_level: String,
    /// Checked against the primary text.
    pub verified: bool,
    /// Notes.
    pub note: String,
}

const INT_UNITS: [&str; 8] = [
    "days",
    "months",
    "years",
    "people",
    "places",
    "lanes",
    "count",
    "population_equivalent",
];
const EVIDENCE: [&str; 4] = ["P", "P-copy", "S", "R"];

/// The generated function that runs every rule of `phase` in a pack.
#[must_use]
pub fn dispatcher_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Facts => "__imvo_facts",
        Phase::Floors => "__imvo_floors",
        Phase::Steps => "__imvo_steps",
        Phase::Final => "__imvo_final",
    }
}

/// The script function name for a rule id: lower case, every other character `_`
/// (`R-EC-06.2` is `r_ec_06_2`).
#[must_use]
pub fn function_name(rule_id: &str) -> String {
    rule_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn valid_rule_id(id: &str) -> bool {
    let mut parts = id.split('-');
    let (Some("R"), Some(family), Some(rest), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let family_ok = !family.is_empty() && family.bytes().all(|b| b.is_ascii_uppercase());
    let mut nums = rest.split('.');
    let main_ok = nums
        .next()
        .is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit()));
    let subs_ok = nums.all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    family_ok && main_ok && subs_ok
}

fn text<'a>(files: &'a BTreeMap<String, Vec<u8>>, path: &str) -> Result<&'a str, LoadError> {
    let bytes = files
        .get(path)
        .ok_or_else(|| LoadError::invalid(path, None, "file not found"))?;
    std::str::from_utf8(bytes)
        .map_err(|e| LoadError::invalid(path, None, format!("not UTF-8: {e}")))
}

fn toml_line(text: &str, e: &toml::de::Error) -> Option<usize> {
    e.span().map(|s| {
        text.get(..s.start)
            .unwrap_or_default()
            .matches('\n')
            .count()
            + 1
    })
}

fn date_value(v: &toml::Value) -> Option<NaiveDate> {
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return None,
    };
    crate::application::parse_date(&s)
}

fn bool_cell(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Reads a CSV whose header must be exactly `header`; returns rows with their line numbers.
fn csv_rows(
    file: &str,
    text: &str,
    header: &[&str],
) -> Result<Vec<(usize, Vec<String>)>, LoadError> {
    let (found, records) = super::tables::read_csv(file, text)?;
    if !found.iter().map(String::as_str).eq(header.iter().copied()) {
        return Err(LoadError::invalid(
            file,
            Some(1),
            format!("the header must be `{}`", header.join(",")),
        ));
    }
    Ok(records
        .into_iter()
        .map(|(line, r)| (line.unwrap_or(0), r.iter().map(str::to_owned).collect()))
        .collect())
}

/// The citation columns of a rule or parameter row, starting at `at`: source id, section,
/// evidence level, verified. Returns (document, section, evidence level, verified).
fn citation(
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

fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

fn manifest(
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
        id: raw.id,
        version: raw.version,
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

fn rules(
    dir: &str,
    m: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
    errors: &mut Vec<LoadError>,
) -> Vec<Rule> {
    let file = format!("{dir}/rules.csv");
    let rows = match text(files, &file).and_then(|t| {
        csv_rows(
            &file,
            t,
            &[
                "id",
                "title",
                "phase",
                "source",
                "section",
                "evidence_level",
                "verified",
                "note",
                "status",
            ],
        )
    }) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let mut out: Vec<Rule> = Vec::new();
    for (line, row) in rows {
        let mut bad = |m: String| errors.push(LoadError::invalid(&file, Some(line), m));
        let id = cell(&row, 0);
        if !valid_rule_id(id) {
            bad(format!(
                "`{id}` is not a rule id of the form R-<FAMILY>-<NN>[.<item>]"
            ));
            continue;
        }
        if out.iter().any(|r| r.id == id) {
            bad(format!("rule `{id}` appears twice"));
            continue;
        }
        let Some(phases) = parse_phases(cell(&row, 2)) else {
            bad(format!(
                "phase `{}` of rule `{id}` is not facts, floors, steps or final, or several of them in that order joined by `+`",
                cell(&row, 2)
            ));
            continue;
        };
        let (document, section, evidence, verified) =
            match citation(m, &row, 3, &format!("rule `{id}`")) {
                Ok(c) => c,
                Err(e) => {
                    bad(e);
                    continue;
                }
            };
        let data_unavailable = match cell(&row, 8) {
            "active" => false,
            "data_unavailable" => true,
            other => {
                bad(format!(
                    "status `{other}` of rule `{id}` is not `active` or `data_unavailable`"
                ));
                continue;
            }
        };
        let title = cell(&row, 1);
        if title.is_empty() {
            bad(format!("rule `{id}` has no title"));
            continue;
        }
        out.push(Rule {
            id: id.to_owned(),
            title: title.to_owned(),
            phases,
            document,
            section,
            evidence_level: evidence,
            verified,
            note: cell(&row, 7).to_owned(),
            data_unavailable,
            function: function_name(id),
        });
    }
    if out.is_empty()
        && !errors
            .iter()
            .any(|e| matches!(e, LoadError::Invalid { file: f, .. } if *f == file))
    {
        errors.push(LoadError::invalid(&file, None, "the rule table is empty"));
    }
    out
}

fn params(
    dir: &str,
    m: &Manifest,
    files: &BTreeMap<String, Vec<u8>>,
    errors: &mut Vec<LoadError>,
) -> BTreeMap<String, Param> {
    let file = format!("{dir}/params.csv");
    let mut out = BTreeMap::new();
    if !files.contains_key(&file) {
        return out;
    }
    let rows = match text(files, &file).and_then(|t| {
        csv_rows(
            &file,
            t,
            &[
                "name",
                "value",
                "unit",
                "comparator",
                "source",
                "section",
                "evidence_level",
                "verified",
                "note",
            ],
        )
    }) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            return out;
        }
    };
    for (line, row) in rows {
        let mut bad = |m: String| errors.push(LoadError::invalid(&file, Some(line), m));
        let name = cell(&row, 0);
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
        {
            bad(format!(
                "`{name}` is not a parameter name (lower case, digits, `_` and `.`)"
            ));
            continue;
        }
        let (raw, unit) = (cell(&row, 1), cell(&row, 2));
        let value = if unit == "date" {
            crate::application::parse_date(raw).map(ParamValue::Date)
        } else if INT_UNITS.contains(&unit) {
            raw.parse::<i64>().ok().map(ParamValue::Int)
        } else if unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase()) {
            if codes::currencies().contains(unit) {
                Decimal::from_str(raw).ok().map(|amount| {
                    ParamValue::Money(Money {
                        amount,
                        currency: unit.to_owned(),
                    })
                })
            } else {
                bad(format!(
                    "unit `{unit}` of `{name}` looks like a currency but is not an ISO 4217 code"
                ));
                continue;
            }
        } else if unit.is_empty() {
            None
        } else {
            Decimal::from_str(raw).ok().map(ParamValue::Decimal)
        };
        let Some(value) = value else {
            bad(format!(
                "value `{raw}` of `{name}` does not fit its unit `{unit}`"
            ));
            continue;
        };
        let comparator = match cell(&row, 3) {
            "" => None,
            ">=" => Some(Comparator::AtLeast),
            ">" => Some(Comparator::MoreThan),
            "<=" => Some(Comparator::AtMost),
            "<" => Some(Comparator::LessThan),
            other => {
                bad(format!(
                    "comparator `{other}` of `{name}` is not one of >=, >, <=, <"
                ));
                continue;
            }
        };
        let (document, section, evidence, verified) =
            match citation(m, &row, 4, &format!("parameter `{name}`")) {
                Ok(c) => c,
                Err(e) => {
                    bad(e);
                    continue;
                }
            };
        let param = Param {
            name: name.to_owned(),
            value,
            unit: unit.to_owned(),
            comparator,
            document,
            section,
            evidence_level: evidence,
            verified,
            note: cell(&row, 8).to_owned(),
        };
        if out.insert(name.to_owned(), param).is_some() {
            bad(format!("parameter `{name}` appears twice"));
        }
    }
    out
}

/// Quoted literals that follow `prefix` in a script (`param("` finds parameter names).
fn literals_after<'a>(src: &'a str, prefix: &str) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut offset = 0;
    while let Some(i) = rest.find(prefix) {
        let start = i + prefix.len();
        let tail = rest.get(start..).unwrap_or_default();
        // A call like `param("` must not be the end of a longer name (`capacity_meets("`).
        let before = src.get(..offset + i).and_then(|b| b.chars().next_back());
        let whole_word = !prefix.starts_with(|c: char| c.is_ascii_alphabetic())
            || !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if let (true, Some(end)) = (whole_word, tail.find('"')) {
            let line = src
                .get(..offset + start)
                .unwrap_or_default()
                .matches('\n')
                .count()
                + 1;
            out.push((line, tail.get(..end).unwrap_or_default()));
        }
        offset += start;
        rest = tail;
    }
    out
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the loader's state"
)]
pub(super) fn load_pack(
    engine: &Engine,
    limits: &Limits,
    dir: &str,
    files: &BTreeMap<String, Vec<u8>>,
    hash: String,
    shared: &BTreeMap<String, Arc<Table>>,
    shared_names: &BTreeSet<&str>,
) -> Result<Pack, Vec<LoadError>> {
    let mut errors = Vec::new();
    let Some(m) = manifest(dir, files, &mut errors) else {
        return Err(errors);
    };
    let before_rules = errors.len();
    let rules = rules(dir, &m, files, &mut errors);
    // A rejected rule row would make its function look orphaned: report the row only.
    let rules_ok = errors.len() == before_rules;
    let params = params(dir, &m, files, &mut errors);
    let manifest_file = format!("{dir}/pack.toml");

    let mut tables: BTreeMap<String, Arc<Table>> = BTreeMap::new();
    for name in &m.uses {
        if let Some(t) = shared.get(name) {
            // A shared fact table is checked against each pack that uses it (its `meets` rows
            // name that pack's parameters).
            for problem in crate::script::api::check_fact_table(t, &|p| params.contains_key(p)) {
                errors.push(LoadError::invalid(
                    &manifest_file,
                    None,
                    format!("shared table `{name}`: {problem}"),
                ));
            }
            tables.insert(name.clone(), Arc::clone(t));
        } else if !shared_names.contains(name.as_str()) {
            errors.push(LoadError::invalid(
                &manifest_file,
                None,
                format!("`uses` names `{name}`, which is not a table in `data/`"),
            ));
        }
    }
    for decl in &m.tables {
        let file = format!("{dir}/{}", decl.file);
        match text(files, &file).and_then(|t| {
            Table::from_csv(
                &decl.name,
                &m.version,
                format!("(pack {})", m.id),
                &file,
                t,
                &decl.key,
            )
        }) {
            Ok(t) => {
                for problem in
                    crate::script::api::check_fact_table(&t, &|name| params.contains_key(name))
                {
                    errors.push(LoadError::invalid(&file, None, problem));
                }
                if tables.insert(decl.name.clone(), Arc::new(t)).is_some() {
                    errors.push(LoadError::invalid(
                        &manifest_file,
                        None,
                        format!("table `{}` is declared twice", decl.name),
                    ));
                }
            }
            Err(e) => errors.push(e),
        }
    }

    // Scripts: every `.rhai` file directly in the pack folder, in name order, merged into one AST.
    let prefix = format!("{dir}/");
    let mut ast: Option<AST> = None;
    let mut functions: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut script_count = 0;
    let mut external_rules: Vec<(String, usize, String)> = Vec::new();
    let mut compile_failed = false;
    for (path, bytes) in files.range(prefix.clone()..) {
        let Some(name) = path.strip_prefix(&prefix) else {
            break;
        };
        if name.contains('/') || !name.ends_with(".rhai") {
            continue;
        }
        script_count += 1;
        if bytes.len() > limits.max_script_bytes {
            errors.push(LoadError::invalid(
                path,
                None,
                format!(
                    "the script is {} bytes; the limit is {}",
                    bytes.len(),
                    limits.max_script_bytes
                ),
            ));
            continue;
        }
        let src = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                errors.push(LoadError::invalid(path, None, format!("not UTF-8: {e}")));
                continue;
            }
        };
        let mut compiled = match engine.compile(src) {
            Ok(a) => a,
            Err(e) => {
                let pos = e.position();
                errors.push(LoadError::Compile {
                    file: path.clone(),
                    line: pos.line().unwrap_or(0),
                    column: pos.position().unwrap_or(0),
                    message: e.err_type().to_string(),
                });
                compile_failed = true;
                continue;
            }
        };
        compiled.set_source(path.as_str());
        if src.contains("__imvo") {
            errors.push(LoadError::invalid(
                path,
                None,
                "names starting with `__imvo` are reserved for the engine",
            ));
            continue;
        }
        if !compiled.statements().is_empty() {
            errors.push(LoadError::invalid(path, None, "a pack script holds only functions: move top-level statements into a rule function"));
            continue;
        }
        for f in compiled.iter_functions() {
            if let Some((other, _)) =
                functions.insert(f.name.to_owned(), (path.clone(), f.params.len()))
            {
                errors.push(LoadError::invalid(
                    path,
                    None,
                    format!("function `{}` is also defined in `{other}`", f.name),
                ));
            }
        }
        // Literal references to rule ids, parameters and tables must exist.
        // `fired("R-...")` may name another pack's rule: checked against the whole set later.
        let asked: Vec<(usize, &str)> = literals_after(src, "fired(\"");
        for (line, id) in &asked {
            if !rules.iter().any(|r| r.id == *id) {
                external_rules.push((path.clone(), *line, (*id).to_owned()));
            }
        }
        for (line, id) in literals_after(src, "\"R-") {
            let id = format!("R-{id}");
            if asked.iter().any(|(_, a)| *a == id) {
                continue;
            }
            if !rules.iter().any(|r| r.id == id) {
                errors.push(LoadError::invalid(
                    path,
                    Some(line),
                    format!("rule `{id}` is not in the pack's rule table"),
                ));
            }
        }
        // Parameter and table names given as literals must exist.
        let mut check =
            |calls: &[&str], exists: &dyn Fn(&str) -> bool, what: &str, problem: &str| {
                for call in calls {
                    for (line, name) in literals_after(src, call) {
                        if !exists(name) {
                            errors.push(LoadError::invalid(
                                path,
                                Some(line),
                                format!("{what} `{name}` {problem}"),
                            ));
                        }
                    }
                }
            };
        check(
            &["param(\"", "meets(\"", "meeting(\""],
            &|p| params.contains_key(p),
            "parameter",
            "is not in the pack's parameter table",
        );
        check(
            &[
                "lookup(\"",
                "in_table(\"",
                "in_table_within(\"",
                "indicators(\"",
                "listed(\"",
            ],
            &|t| tables.contains_key(t),
            "table",
            "is neither a table of the pack nor one it `uses`",
        );
        ast = Some(match ast {
            Some(a) => a.merge(&compiled),
            None => compiled,
        });
    }
    if script_count == 0 {
        errors.push(LoadError::invalid(
            &manifest_file,
            None,
            "the pack has no `.rhai` script",
        ));
    }
    // Every rule has exactly one function `r_...(app)`, except an item (`R-EC-06.2`) whose parent
    // rule has one: the parent may report its items. Every `r_...` function is a rule.
    let has_parent_function = |id: &str| {
        id.rsplit_once('.').is_some_and(|(parent, _)| {
            rules
                .iter()
                .any(|r| r.id == parent && functions.contains_key(&r.function))
        })
    };
    for r in &rules {
        match functions.get(&r.function) {
            Some((_, 1)) => {}
            Some((file, n)) => errors.push(LoadError::invalid(
                file,
                None,
                format!("function `{}` of rule `{}` takes {n} parameters; it must take one, `app`", r.function, r.id),
            )),
            None if has_parent_function(&r.id) || script_count == 0 || compile_failed => {}
            None => errors.push(LoadError::invalid(
                &format!("{dir}/rules.csv"),
                None,
                format!("rule `{}` has no function `{}(app)` in the pack's scripts (nor a parent rule that reports it)", r.id, r.function),
            )),
        }
    }
    for (name, (file, _)) in &functions {
        if name.starts_with("__") {
            errors.push(LoadError::invalid(
                file,
                None,
                format!("function `{name}`: names starting with `__` are reserved for the engine"),
            ));
        }
        if rules_ok && name.starts_with("r_") && !rules.iter().any(|r| &r.function == name) {
            errors.push(LoadError::invalid(file, None, format!("function `{name}` looks like a rule function but no rule in the table maps to it (helpers must not start with `r_`)")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(mut ast) = ast else {
        return Err(errors);
    };
    // One dispatcher per phase calls the phase's rules in table order, announcing each to the
    // host; `from` lets the host resume after a rule that failed.
    let mut dispatch = String::new();
    for phase in Phase::ALL {
        dispatch.push_str(&format!("fn {}(app, from) {{\n", dispatcher_name(phase)));
        for (i, r) in rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.runs_in(phase) && functions.contains_key(&r.function))
        {
            dispatch.push_str(&format!(
                "    if from <= {i} {{ __imvo_enter({i}); {}(app); }}\n",
                r.function
            ));
        }
        dispatch.push_str("}\n");
    }
    match engine.compile(&dispatch) {
        Ok(d) => ast = ast.merge(&d),
        Err(e) => {
            return Err(vec![LoadError::invalid(
                &manifest_file,
                None,
                format!("internal: the rule dispatcher does not compile: {e}"),
            )]);
        }
    }
    let functions = functions
        .into_iter()
        .map(|(name, (file, _))| (name, file))
        .collect();
    Ok(Pack {
        external_rules,
        manifest: m,
        dir: dir.to_owned(),
        rules,
        params,
        tables,
        hash,
        functions,
        ast,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    name: String,
    version: String,
    title: String,
    kind: String,
    file: String,
    #[serde(default)]
    key: Vec<String>,
    source: String,
    licence: String,
    method: String,
}

pub(super) enum Shared {
    Table(Table),
    Rates(SdrRates),
}

pub(super) fn load_shared_table(
    tdir: &str,
    prefix: &str,
    files: &BTreeMap<String, Vec<u8>>,
    hash: String,
) -> Result<Shared, LoadError> {
    let file = format!("{prefix}table.toml");
    let src = text(files, &file)?;
    let raw: RawTable = toml::from_str(src)
        .map_err(|e| LoadError::invalid(&file, toml_line(src, &e), e.message().to_owned()))?;
    let _ = (&raw.title, &raw.licence, &raw.method);
    if raw.name != tdir {
        return Err(LoadError::invalid(
            &file,
            None,
            format!("table `{}` must live in `data/{}/`", raw.name, raw.name),
        ));
    }
    let data_file = format!("{prefix}{}", raw.file);
    let data = text(files, &data_file)?;
    match raw.kind.as_str() {
        "sdr_rates" => {
            SdrRates::from_csv(&raw.version, hash, &raw.source, &data_file, data).map(Shared::Rates)
        }
        "lookup" => Table::from_csv(&raw.name, &raw.version, hash, &data_file, data, &raw.key)
            .map(Shared::Table),
        other => Err(LoadError::invalid(
            &file,
            None,
            format!("kind `{other}` is not `lookup` or `sdr_rates`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_and_function_names() {
        for ok in ["R-EC-06", "R-EC-06.2", "R-X-01", "R-PS-10", "R-EC-06.2.1"] {
            assert!(valid_rule_id(ok), "{ok}");
        }
        for bad in [
            "R-EC-6",
            "EC-06",
            "R-ec-06",
            "R-EC-06.",
            "R-EC-06-1",
            "R--01",
        ] {
            assert!(!valid_rule_id(bad), "{bad}");
        }
        assert_eq!(function_name("R-EC-06.2"), "r_ec_06_2");
    }

    #[test]
    fn literals_are_found_with_lines() {
        let src = "fn a(app) {\n floor(\"R-EC-06.2\", \"A\", \"x\");\n param(\"annex_i.x\") }";
        assert_eq!(literals_after(src, "\"R-"), vec![(2, "EC-06.2")]);
        assert_eq!(literals_after(src, "param(\""), vec![(3, "annex_i.x")]);
        assert_eq!(
            literals_after("capacity_meets(\"R-X-01\", \"a\")", "meets(\""),
            vec![]
        );
    }
}
