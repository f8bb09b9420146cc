//! Validation of a JSON document against the v1 contract. Every problem is collected (not only
//! the first), each with its path and what was expected; unknown fields are errors.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fields::{FieldKind, FieldSpec, Values};
use super::vocab::{self, Term, Vocab};
use super::{
    Applicant, Application, BenchmarkScore, Capacity, Coal, IndigenousPeoples, Instrument, Land,
    Location, Mission, MissionProduct, Money, NcpCase, Project, Registration, SupplyLink,
    Transaction,
};
use crate::codes;
use crate::json::Node;

/// Objects with at most this many members are checked for duplicate keys by looking back.
const SMALL_OBJECT: usize = 32;

/// One problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Dotted path of the field (`project.capacity.thermal_mw`, `project.supply_chain[1].good`).
    pub path: String,
    /// What the contract expects there.
    pub expected: String,
    /// What was found, as written, where there was something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.found {
            Some(found) => write!(
                f,
                "{}: expected {}, found {found}",
                self.path, self.expected
            ),
            None => write!(f, "{}: {}", self.path, self.expected),
        }
    }
}

/// Why an input document is not a valid application.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The text is not JSON.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// The JSON breaks the contract; every problem found is listed.
    #[error("{} invalid field{}: {}", .0.len(), if .0.len() == 1 { "" } else { "s" }, .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
}

impl InputError {
    fn from_json(e: &serde_json::Error) -> InputError {
        let message = e.to_string();
        // serde_json appends " at line L column C"; the position is reported separately.
        let message = match message.find(" at line ") {
            Some(i) => message.get(..i).unwrap_or(&message).to_owned(),
            None => message,
        };
        InputError::Syntax {
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

impl Application {
    /// Parses and validates JSON text.
    ///
    /// # Errors
    /// [`InputError::Syntax`] for text that is not JSON, [`InputError::Invalid`] listing every
    /// field that breaks the contract.
    pub fn parse(text: &str) -> Result<Application, InputError> {
        let node = Node::parse(text).map_err(|e| InputError::from_json(&e))?;
        Application::from_node(&node)
    }

    /// Parses and validates JSON bytes (which must be UTF-8).
    ///
    /// # Errors
    /// As [`Application::parse`].
    pub fn parse_slice(bytes: &[u8]) -> Result<Application, InputError> {
        let node = Node::parse_slice(bytes).map_err(|e| InputError::from_json(&e))?;
        Application::from_node(&node)
    }

    /// Validates an already parsed JSON tree.
    ///
    /// # Errors
    /// [`InputError::Invalid`] listing every field that breaks the contract.
    pub fn from_node(node: &Node<'_>) -> Result<Application, InputError> {
        let mut p = Parser {
            errors: Vec::new(),
            walk: None,
            specs: Vec::new(),
        };
        let app = p.application(node);
        match app {
            Some(app) if p.errors.is_empty() => Ok(app),
            _ => {
                if p.errors.is_empty() {
                    p.errors.push(FieldError {
                        path: "$".into(),
                        expected: "a valid application".into(),
                        found: None,
                    });
                }
                Err(InputError::Invalid(p.errors))
            }
        }
    }
}

/// Every field path of the contract with its kind (containers and leaves; list members as
/// `list[].field`).
pub fn field_kinds() -> &'static BTreeMap<String, FieldKind> {
    static KINDS: OnceLock<BTreeMap<String, FieldKind>> = OnceLock::new();
    KINDS.get_or_init(|| {
        let mut kinds = BTreeMap::new();
        for instrument in ["export_credit", "trade_mission"] {
            let mut p = Parser {
                errors: Vec::new(),
                walk: Some(BTreeMap::new()),
                specs: Vec::new(),
            };
            let node = Node::Object(vec![("instrument".into(), Node::String(instrument.into()))]);
            let _ = p.application(&node);
            kinds.extend(p.walk.unwrap_or_default());
        }
        kinds
    })
}

/// Every field of the contract in the order it reads them (sections, lists and leaves; list
/// members as `list[].field`), with the values each takes: what a form of the contract shows.
pub fn field_specs() -> &'static [FieldSpec] {
    static SPECS: OnceLock<Vec<FieldSpec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let mut p = Parser {
            errors: Vec::new(),
            walk: Some(BTreeMap::new()),
            specs: Vec::new(),
        };
        let node = Node::Object(vec![(
            "instrument".into(),
            Node::String("export_credit".into()),
        )]);
        let _ = p.application(&node);
        let mut seen = BTreeSet::new();
        p.specs.retain(|s| seen.insert(s.path.clone()));
        p.specs
    })
}

/// Every field path of the contract (containers and leaves; list members as `list[].field`).
/// `missing` and `refusals` name one of these.
pub fn field_paths() -> &'static BTreeSet<String> {
    static PATHS: OnceLock<BTreeSet<String>> = OnceLock::new();
    PATHS.get_or_init(|| field_kinds().keys().cloned().collect())
}

/// Whether `path` is a field path of the contract.
#[must_use]
pub fn is_field_path(path: &str) -> bool {
    field_paths().contains(path)
}

static EMPTY: Node<'static> = Node::Object(Vec::new());

struct Parser {
    errors: Vec<FieldError>,
    /// In walk mode every section is entered (absent or not) and every path asked is recorded
    /// with its kind.
    walk: Option<BTreeMap<String, FieldKind>>,
    /// In walk mode, every field in the order the contract reads it, with its values.
    specs: Vec<FieldSpec>,
}

struct Fields<'a> {
    path: String,
    members: Vec<(&'a str, &'a Node<'a>)>,
    asked: Vec<&'static str>,
    /// Whether each member was asked for (its key is in `asked`; keys are distinct once
    /// duplicates are dropped), so `close` need not look each one up in `asked`.
    used: Vec<bool>,
}

impl Fields<'_> {
    /// Notes that a reader asked for `key`: a member of that name is then not unknown to
    /// `close`. The member's position, if there is one.
    fn ask(&mut self, key: &'static str) -> Option<usize> {
        self.asked.push(key);
        let at = self.members.iter().position(|(k, _)| *k == key)?;
        if let Some(used) = self.used.get_mut(at) {
            *used = true;
        }
        Some(at)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl Parser {
    fn error(&mut self, path: String, expected: impl Into<String>, found: Option<&Node<'_>>) {
        self.errors.push(FieldError {
            path,
            expected: expected.into(),
            found: found.map(Node::shown),
        });
    }

    /// Opens an object, reporting duplicate keys.
    fn open<'a>(&mut self, node: &'a Node<'a>, path: &str) -> Option<Fields<'a>> {
        let Node::Object(members) = node else {
            let shown = if path.is_empty() {
                "$".to_owned()
            } else {
                path.to_owned()
            };
            self.error(shown, "an object", Some(node));
            return None;
        };
        // An object of the contract has a few dozen members at most: looking back through
        // those kept is cheaper than a set, which is kept for a larger (hostile) one.
        let mut seen = BTreeSet::new();
        let small = members.len() <= SMALL_OBJECT;
        let mut kept: Vec<(&str, &Node<'_>)> = Vec::with_capacity(members.len());
        for (k, v) in members {
            let first = if small {
                !kept.iter().any(|(seen_key, _)| *seen_key == k.as_ref())
            } else {
                seen.insert(k.as_ref())
            };
            if first {
                kept.push((k.as_ref(), v));
            } else {
                self.error(
                    join(path, k),
                    "each field at most once (duplicate key)",
                    None,
                );
            }
        }
        Some(Fields {
            path: path.to_owned(),
            used: vec![false; kept.len()],
            members: kept,
            asked: Vec::new(),
        })
    }

    /// Reports every member that no reader asked for.
    fn close(&mut self, f: Fields<'_>) {
        for ((k, v), used) in f.members.iter().zip(&f.used) {
            if !used {
                let mut names = f.asked.clone();
                names.sort_unstable();
                let expected = format!("no such field (known fields here: {})", names.join(", "));
                self.errors.push(FieldError {
                    path: join(&f.path, k),
                    expected,
                    found: Some(v.shown()),
                });
            }
        }
    }

    /// The member `key`, or `None` where it is absent or `null` (unknown).
    fn get<'a>(&mut self, f: &mut Fields<'a>, key: &'static str) -> Option<&'a Node<'a>> {
        let at = f.ask(key);
        if let Some(w) = self.walk.as_mut() {
            w.entry(join(&f.path, key)).or_insert(FieldKind::Section);
        }
        match f.members.get(at?) {
            None | Some((_, Node::Null)) => None,
            Some((_, v)) => Some(v),
        }
    }

    /// Reads `key` with `conv`, which returns what was expected when the value does not fit.
    fn read<T>(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        conv: impl Fn(&Node<'_>) -> Result<T, String>,
    ) -> Option<T> {
        if let Some(w) = self.walk.as_mut() {
            // The kind of a leaf is what its reader accepts (integer fields are counts, sizes
            // and years).
            let kind = if conv(&Node::Bool(true)).is_ok() {
                FieldKind::Bool
            } else if [0, 1, 2000].iter().any(|&i| conv(&Node::Int(i)).is_ok()) {
                FieldKind::Int
            } else {
                FieldKind::Text
            };
            w.insert(join(&f.path, key), kind);
            self.specs
                .push(FieldSpec::probe(join(&f.path, key), kind, &conv));
        }
        let node = self.get(f, key)?;
        match conv(node) {
            Ok(v) => Some(v),
            Err(expected) => {
                let path = join(&f.path, key);
                self.error(path, expected, Some(node));
                None
            }
        }
    }

    fn required<T>(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        conv: impl Fn(&Node<'_>) -> Result<T, String>,
        what: &str,
    ) -> Option<T> {
        let present = f
            .members
            .iter()
            .any(|(k, v)| *k == key && **v != Node::Null);
        if !present && self.walk.is_none() {
            f.ask(key);
            self.error(join(&f.path, key), format!("{what} (required)"), None);
            return None;
        }
        self.read(f, key, conv)
    }

    /// Opens the nested object `key`; absent or null is `None` (in walk mode an empty object).
    fn section<'a>(&mut self, f: &mut Fields<'a>, key: &'static str) -> Option<Fields<'a>> {
        let path = join(&f.path, key);
        if self.walk.is_some() {
            self.specs.push(FieldSpec::new(
                path.clone(),
                FieldKind::Section,
                Values::Free,
                "",
            ));
        }
        match self.get(f, key) {
            Some(node) => self.open(node, &path),
            None if self.walk.is_some() => self.open(&EMPTY, &path),
            None => None,
        }
    }

    fn list<'a>(
        &mut self,
        f: &mut Fields<'a>,
        key: &'static str,
    ) -> Option<(String, &'a [Node<'a>])> {
        let path = join(&f.path, key);
        if self.walk.is_some() {
            let _ = self.get(f, key);
            if let Some(w) = self.walk.as_mut() {
                w.insert(path.clone(), FieldKind::List);
            }
            self.specs.push(FieldSpec::new(
                path.clone(),
                FieldKind::List,
                Values::Free,
                "a list",
            ));
            return Some((path, &[]));
        }
        let node = self.get(f, key)?;
        match node {
            Node::Array(items) if items.len() <= MAX_LIST => Some((path, items.as_slice())),
            Node::Array(_) => {
                self.error(path, format!("a list of at most {MAX_LIST} items"), None);
                None
            }
            other => {
                self.error(path, "a list (JSON array)", Some(other));
                None
            }
        }
    }

    fn term_list(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        vocab: &'static Vocab,
    ) -> Option<Vec<Term>> {
        let (path, items) = self.list(f, key)?;
        if self.walk.is_some()
            && let Some(spec) = self.specs.last_mut()
        {
            spec.values = Values::Terms(vocab);
            spec.expected = format!("each one of {}, at most once", vocab.expected());
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match term(vocab)(item) {
                Ok(t) if out.contains(&t) => {
                    self.error(
                        format!("{path}[{i}]"),
                        "each value at most once",
                        Some(item),
                    );
                    ok = false;
                }
                Ok(t) => out.push(t),
                Err(e) => {
                    self.error(format!("{path}[{i}]"), e, Some(item));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// Reads a list of objects, each with `read`; `None` where the list is unknown or any item is
    /// invalid (its errors are recorded). In walk mode, reads the template `list[]` once.
    fn object_list<'a, T>(
        &mut self,
        f: &mut Fields<'a>,
        key: &'static str,
        read: impl Fn(&mut Self, &mut Fields<'a>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let (path, items) = self.list(f, key)?;
        let walk = self.walk.is_some();
        if let Some(w) = self.walk.as_mut() {
            w.insert(path.clone(), FieldKind::ObjectList);
            if let Some(spec) = self.specs.last_mut() {
                spec.kind = FieldKind::ObjectList;
                spec.expected = "a list of items".into();
            }
        }
        let nodes: Vec<(Option<usize>, &'a Node<'a>)> = if walk {
            vec![(None, &EMPTY)]
        } else {
            items
                .iter()
                .enumerate()
                .map(|(i, n)| (Some(i), n))
                .collect()
        };
        let mut out = Vec::with_capacity(nodes.len());
        let mut ok = true;
        for (i, node) in nodes {
            let Some(mut s) = self.item(&path, i, node) else {
                ok = false;
                continue;
            };
            let value = read(self, &mut s);
            self.close(s);
            match value {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        (ok && !walk).then_some(out)
    }

    /// Opens the `i`th object of a list (in walk mode: the template `list[]`).
    fn item<'a>(&mut self, path: &str, i: Option<usize>, node: &'a Node<'a>) -> Option<Fields<'a>> {
        let p = match i {
            Some(i) => format!("{path}[{i}]"),
            None => format!("{path}[]"),
        };
        self.open(node, &p)
    }

    fn application(&mut self, node: &Node<'_>) -> Option<Application> {
        let mut f = self.open(node, "")?;
        let reference = self.required(&mut f, "reference", reference, "a reference");
        let instrument = self.required(&mut f, "instrument", instrument, "an instrument");
        let application_date = self.required(&mut f, "application_date", date, "a date");
        let applicant = self.section(&mut f, "applicant").map(|mut s| {
            let a = self.applicant(&mut s);
            self.close(s);
            a
        });
        let finance = matches!(
            instrument,
            Some(Instrument::ExportCredit | Instrument::ProjectFinance)
        ) || self.walk.is_some();
        let mission_allowed =
            matches!(instrument, Some(Instrument::TradeMission)) || self.walk.is_some();
        let mut transaction = None;
        let mut project = None;
        let mut mission = None;
        for key in ["transaction", "project", "mission"] {
            let allowed = if key == "mission" {
                mission_allowed
            } else {
                finance
            };
            let present = f
                .members
                .iter()
                .any(|(k, v)| *k == key && **v != Node::Null);
            if present && !allowed && instrument.is_some() {
                f.ask(match key {
                    "transaction" => "transaction",
                    "project" => "project",
                    _ => "mission",
                });
                let inst = instrument.map(Instrument::as_str).unwrap_or_default();
                let belongs = if key == "mission" {
                    "trade_mission"
                } else {
                    "export_credit and project_finance"
                };
                self.error(
                    key.to_owned(),
                    format!("no `{key}` for instrument `{inst}` (it belongs to {belongs})"),
                    None,
                );
            }
        }
        if finance {
            if let Some(mut s) = self.section(&mut f, "transaction") {
                transaction = Some(self.transaction(&mut s));
                self.close(s);
            }
            if let Some(mut s) = self.section(&mut f, "project") {
                project = Some(self.project(&mut s));
                self.close(s);
            }
        }
        if mission_allowed && let Some(mut s) = self.section(&mut f, "mission") {
            mission = Some(self.mission(&mut s));
            self.close(s);
        }
        let documents = self.term_list(&mut f, "documents", &vocab::STEP);
        let refusals = self.list(&mut f, "refusals").and_then(|(path, items)| {
            let mut out: Vec<String> = Vec::new();
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match item {
                    Node::String(s) if self.walk.is_some() || is_field_path(s) => {
                        out.push(s.to_string())
                    }
                    other => {
                        self.error(
                            format!("{path}[{i}]"),
                            "a field path of the contract, such as `project.land.acquisition`",
                            Some(other),
                        );
                        ok = false;
                    }
                }
            }
            out.sort();
            out.dedup();
            ok.then_some(out)
        });
        let information_deadline = self.read(&mut f, "information_deadline", date);
        self.close(f);
        Some(Application {
            reference: reference?,
            instrument: instrument?,
            application_date: application_date?,
            applicant: applicant.unwrap_or_default(),
            transaction,
            project,
            mission,
            documents,
            refusals,
            information_deadline,
        })
    }

    fn applicant(&mut self, f: &mut Fields<'_>) -> Applicant {
        let ncp_cases = self.object_list(f, "ncp_cases", |p, s| {
            let year = p.required(s, "year", int(1976, 2100), "a year");
            let status = p.required(s, "status", term(&vocab::NCP_STATUS), "an NCP case status");
            Some(NcpCase {
                year: year?,
                status: status?,
            })
        });
        Applicant {
            name: self.read(f, "name", text(200)),
            kvk_number: self.read(f, "kvk_number", |n| match n {
                Node::String(s) if s == "none" => Ok(Registration::None),
                Node::String(s) if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Registration::Number(s.to_string()))
                }
                _ => Err("a KvK number of 8 digits, or `none`".into()),
            }),
            size: self.read(f, "size", term(&vocab::SIZE)),
            oecd_guidelines_commitment: self.read(
                f,
                "oecd_guidelines_commitment",
                term(&vocab::DECLARATION),
            ),
            anti_bribery_declaration: self.read(
                f,
                "anti_bribery_declaration",
                term(&vocab::DECLARATION),
            ),
            due_diligence_policy: self.read(f, "due_diligence_policy", boolean),
            sector_agreement: self.read(f, "sector_agreement", text(200)),
            transparency_benchmark_score: self.read(
                f,
                "transparency_benchmark_score",
                |n| match n {
                    Node::String(s) if s == "not_in_benchmark" => {
                        Ok(BenchmarkScore::NotInBenchmark)
                    }
                    Node::Int(i) if (0..=1000).contains(i) => {
                        Ok(BenchmarkScore::Score(i64::try_from(*i).unwrap_or(0)))
                    }
                    _ => Err("an integer score from 0 to 1000, or `not_in_benchmark`".into()),
                },
            ),
            ncp_cases,
            adverse_media: self.read(f, "adverse_media", term(&vocab::ADVERSE_MEDIA)),
            proven_bribery: self.read(f, "proven_bribery", boolean),
            financial_intermediary: self.read(f, "financial_intermediary", boolean),
            sanctions_screening: self.read(f, "sanctions_screening", term(&vocab::SANCTIONS)),
            self_assessment_completed: self.read(f, "self_assessment_completed", boolean),
        }
    }

    fn money(&mut self, f: &mut Fields<'_>, key: &'static str) -> Option<Money> {
        let mut s = self.section(f, key)?;
        let amount = self.required(&mut s, "amount", decimal, "an amount");
        let currency = self.required(&mut s, "currency", currency, "a currency");
        self.close(s);
        Some(Money {
            amount: amount?,
            currency: currency?,
        })
    }

    fn transaction(&mut self, f: &mut Fields<'_>) -> Transaction {
        Transaction {
            contract_value: self.money(f, "contract_value"),
            support_amount: self.money(f, "support_amount"),
            project_capital_cost: self.money(f, "project_capital_cost"),
            repayment_term_months: self.read(f, "repayment_term_months", int(0, 1200)),
            goods: self.read(f, "goods", term(&vocab::GOODS)),
            product: self.read(f, "product", term(&vocab::PRODUCT)),
            buyer_type: self.read(f, "buyer_type", term(&vocab::BUYER_TYPE)),
            expected_final_commitment: self.read(f, "expected_final_commitment", date),
            disclosure_date: self.read(f, "disclosure_date", date),
            agent_involved: self.read(f, "agent_involved", boolean),
            agent_fees_disclosed: self.read(f, "agent_fees_disclosed", boolean),
            buyer_sanctions_screening: self.read(
                f,
                "buyer_sanctions_screening",
                term(&vocab::SANCTIONS),
            ),
            end_user_sanctions_screening: self.read(
                f,
                "end_user_sanctions_screening",
                term(&vocab::SANCTIONS),
            ),
            ifc_performance_standards: self.read(f, "ifc_performance_standards", boolean),
            equator_principles_cofinancier: self.read(f, "equator_principles_cofinancier", boolean),
            epfi_commitment: self.money(f, "epfi_commitment"),
        }
    }

    fn capacity(&mut self, f: &mut Fields<'_>) -> Capacity {
        Capacity {
            thermal_mw: self.read(f, "thermal_mw", decimal),
            electrical_mw: self.read(f, "electrical_mw", decimal),
            road_km: self.read(f, "road_km", decimal),
            road_lanes: self.read(f, "road_lanes", int(0, 100)),
            runway_m: self.read(f, "runway_m", decimal),
            vessel_tonnes: self.read(f, "vessel_tonnes", decimal),
            storage_tonnes: self.read(f, "storage_tonnes", decimal),
            population_equivalent: self.read(f, "population_equivalent", int(0, 1_000_000_000)),
            reservoir_m3: self.read(f, "reservoir_m3", decimal),
            dam_height_m: self.read(f, "dam_height_m", decimal),
            groundwater_m3_per_year: self.read(f, "groundwater_m3_per_year", decimal),
            paper_adt_per_day: self.read(f, "paper_adt_per_day", decimal),
            tannery_tonnes_per_day: self.read(f, "tannery_tonnes_per_day", decimal),
            coal_gasification_tonnes_per_day: self.read(
                f,
                "coal_gasification_tonnes_per_day",
                decimal,
            ),
            asbestos_tonnes_per_year: self.read(f, "asbestos_tonnes_per_year", decimal),
            asbestos_product: self.read(f, "asbestos_product", term(&vocab::ASBESTOS_PRODUCT)),
            broiler_places: self.read(f, "broiler_places", int(0, 1_000_000_000)),
            hen_places: self.read(f, "hen_places", int(0, 1_000_000_000)),
            pig_places: self.read(f, "pig_places", int(0, 1_000_000_000)),
            sow_places: self.read(f, "sow_places", int(0, 1_000_000_000)),
            transmission_kv: self.read(f, "transmission_kv", decimal),
            line_km: self.read(f, "line_km", decimal),
            pipeline_km: self.read(f, "pipeline_km", decimal),
            pipeline_diameter_mm: self.read(f, "pipeline_diameter_mm", decimal),
        }
    }

    fn location(&mut self, f: &mut Fields<'_>) -> Location {
        Location {
            protected_area: self.read(f, "protected_area", boolean),
            key_biodiversity_area: self.read(f, "key_biodiversity_area", boolean),
            ramsar_site: self.read(f, "ramsar_site", boolean),
            biosphere_reserve: self.read(f, "biosphere_reserve", boolean),
            critical_habitat: self.read(f, "critical_habitat", boolean),
            natural_habitat: self.read(f, "natural_habitat", boolean),
            world_heritage_site: self.read(f, "world_heritage_site", boolean),
            cultural_heritage: self.read(f, "cultural_heritage", boolean),
            indigenous_peoples_present: self.read(f, "indigenous_peoples_present", boolean),
            conflict_affected: self.read(f, "conflict_affected", boolean),
            offshore: self.read(f, "offshore", boolean),
        }
    }

    fn nested<T>(
        &mut self,
        f: &mut Fields<'_>,
        key: &'static str,
        read: impl FnOnce(&mut Self, &mut Fields<'_>) -> T,
    ) -> Option<T> {
        let mut s = self.section(f, key)?;
        let v = read(self, &mut s);
        self.close(s);
        Some(v)
    }

    fn project(&mut self, f: &mut Fields<'_>) -> Project {
        let supply_chain = self.object_list(f, "supply_chain", |p, s| {
            let good = p.required(s, "good", good, "a good");
            let country = p.required(s, "country", country, "a country");
            Some(SupplyLink {
                good: good?,
                country: country?,
            })
        });
        Project {
            country: self.read(f, "country", country),
            sector: self.read(f, "sector", isic),
            stage: self.read(f, "stage", term(&vocab::STAGE)),
            activities: self.term_list(f, "activities", &vocab::ACTIVITY),
            technology: self.read(f, "technology", term(&vocab::TECHNOLOGY)),
            fuel: self.read(f, "fuel", term(&vocab::FUEL)),
            capacity: self.nested(f, "capacity", Self::capacity),
            location: self.nested(f, "location", Self::location),
            destination_regime: self.read(f, "destination_regime", term(&vocab::REGIME)),
            human_rights_risk: self.read(f, "human_rights_risk", term(&vocab::HR_RISK)),
            land: self.nested(f, "land", |p, s| Land {
                acquisition: p.read(s, "acquisition", term(&vocab::LAND_ACQUISITION)),
                involuntary_use_restrictions: p.read(s, "involuntary_use_restrictions", boolean),
                physically_displaced_people: p.read(
                    s,
                    "physically_displaced_people",
                    int(0, 100_000_000),
                ),
                economically_displaced_people: p.read(
                    s,
                    "economically_displaced_people",
                    int(0, 100_000_000),
                ),
            }),
            indigenous_peoples: self.nested(f, "indigenous_peoples", |p, s| IndigenousPeoples {
                relocation: p.read(s, "relocation", boolean),
                impacts_on_customary_land: p.read(s, "impacts_on_customary_land", boolean),
                critical_cultural_heritage: p.read(s, "critical_cultural_heritage", boolean),
                commercial_use_of_cultural_heritage: p.read(
                    s,
                    "commercial_use_of_cultural_heritage",
                    boolean,
                ),
            }),
            ghg_scope12_tco2e_per_year: self.read(f, "ghg_scope12_tco2e_per_year", decimal),
            coal: self.nested(f, "coal", |p, s| Coal {
                coal_fired_power: p.read(s, "coal_fired_power", boolean),
                operational_ccus: p.read(s, "operational_ccus", boolean),
                ccus_retrofit: p.read(s, "ccus_retrofit", boolean),
                pollution_abatement_only: p.read(s, "pollution_abatement_only", boolean),
                extends_plant_life: p.read(s, "extends_plant_life", boolean),
            }),
            fossil_fuel_chain: self.read(f, "fossil_fuel_chain", boolean),
            fossil_exception: self.read(f, "fossil_exception", term(&vocab::FOSSIL_EXCEPTION)),
            exclusion_list_activities: self.term_list(
                f,
                "exclusion_list_activities",
                &vocab::EXCLUSION,
            ),
            security_forces: self.read(f, "security_forces", term(&vocab::SECURITY)),
            workforce: self.read(f, "workforce", int(0, 100_000_000)),
            workers_under_18: self.read(f, "workers_under_18", boolean),
            collective_dismissals: self.read(f, "collective_dismissals", boolean),
            worker_accommodation: self.read(f, "worker_accommodation", boolean),
            dams_or_tailings: self.read(f, "dams_or_tailings", boolean),
            dams_in_high_risk_location: self.read(f, "dams_in_high_risk_location", boolean),
            significant_community_impacts: self.read(f, "significant_community_impacts", boolean),
            associated_facilities: self.read(f, "associated_facilities", boolean),
            cumulative_impacts: self.read(f, "cumulative_impacts", boolean),
            critical_habitat_conditions_met: self.read(
                f,
                "critical_habitat_conditions_met",
                boolean,
            ),
            conversion_risk_sourcing: self.read(f, "conversion_risk_sourcing", boolean),
            benchmark_deviation: self.read(f, "benchmark_deviation", boolean),
            supply_chain,
        }
    }

    fn mission(&mut self, f: &mut Fields<'_>) -> Mission {
        let products = self.object_list(f, "products", |p, s| {
            Some(MissionProduct {
                good: p.read(s, "good", good),
                sector: p.read(s, "sector", isic),
            })
        });
        Mission {
            destination: self.read(f, "destination", country),
            start_date: self.read(f, "start_date", date),
            self_assessment_deadline: self.read(f, "self_assessment_deadline", date),
            destination_regime: self.read(f, "destination_regime", term(&vocab::REGIME)),
            voucher: self.read(f, "voucher", boolean),
            objectives_conflict: self.read(f, "objectives_conflict", boolean),
            products,
        }
    }
}

const MAX_LIST: usize = 256;

fn boolean(n: &Node<'_>) -> Result<bool, String> {
    match n {
        Node::Bool(b) => Ok(*b),
        _ => Err("`true` or `false`".into()),
    }
}

fn int(min: i64, max: i64) -> impl Fn(&Node<'_>) -> Result<i64, String> {
    move |n| match n {
        Node::Int(i) if (i128::from(min)..=i128::from(max)).contains(i) => {
            Ok(i64::try_from(*i).unwrap_or(min))
        }
        _ => Err(format!("a JSON integer from {min} to {max}")),
    }
}

/// A non-negative decimal written as a string: digits, optionally a point and more digits.
fn decimal(n: &Node<'_>) -> Result<Decimal, String> {
    const EXPECTED: &str =
        "a non-negative decimal number written as a string, such as \"12500000.00\"";
    let Node::String(s) = n else {
        return Err(EXPECTED.into());
    };
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_ref(), None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int_part) || frac.is_some_and(|f| !digits(f)) {
        return Err(EXPECTED.into());
    }
    Decimal::from_str(s).map_err(|_| "a decimal number of at most 28 significant digits".to_owned())
}

fn date(n: &Node<'_>) -> Result<NaiveDate, String> {
    const EXPECTED: &str = "an ISO 8601 date (YYYY-MM-DD)";
    match n {
        Node::String(s) if s.len() == 10 => super::parse_date(s).ok_or_else(|| EXPECTED.to_owned()),
        _ => Err(EXPECTED.into()),
    }
}

fn term(vocab: &'static Vocab) -> impl Fn(&Node<'_>) -> Result<Term, String> {
    move |n| match n {
        Node::String(s) => vocab
            .term(s)
            .ok_or_else(|| format!("one of {}", vocab.expected())),
        _ => Err(format!("one of {}", vocab.expected())),
    }
}

fn text(max: usize) -> impl Fn(&Node<'_>) -> Result<String, String> {
    move |n| match n {
        Node::String(s) if !s.trim().is_empty() && s.chars().count() <= max => Ok(s.to_string()),
        _ => Err(format!("a non-empty string of at most {max} characters")),
    }
}

fn reference(n: &Node<'_>) -> Result<String, String> {
    match n {
        Node::String(s)
            if (1..=64).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) =>
        {
            Ok(s.to_string())
        }
        _ => Err("1 to 64 characters of A-Z a-z 0-9 . _ -".into()),
    }
}

fn instrument(n: &Node<'_>) -> Result<Instrument, String> {
    match n {
        Node::String(s) => Instrument::from_name(s).ok_or_else(|| {
            "one of `export_credit`, `project_finance` or `trade_mission`".to_owned()
        }),
        _ => Err("one of `export_credit`, `project_finance` or `trade_mission`".into()),
    }
}

fn country(n: &Node<'_>) -> Result<String, String> {
    match n {
        Node::String(s) if codes::countries().contains(s) => Ok(s.to_string()),
        _ => Err("an ISO 3166-1 alpha-2 country code (upper case, such as \"NL\")".into()),
    }
}

fn currency(n: &Node<'_>) -> Result<String, String> {
    match n {
        Node::String(s) if codes::currencies().contains(s) => Ok(s.to_string()),
        _ => Err(
            "an ISO 4217 currency code (upper case, such as \"EUR\"; \"XDR\" for the SDR)".into(),
        ),
    }
}

fn isic(n: &Node<'_>) -> Result<String, String> {
    match n {
        Node::String(s) if codes::isic().contains(s) => Ok(s.to_string()),
        _ => Err(
            "an ISIC Rev.4 code: a section letter or a 2, 3 or 4 digit code, such as \"3510\""
                .into(),
        ),
    }
}

/// Goods are named as in the US Department of Labor list, in snake_case (engine/data/goods.csv).
fn good(n: &Node<'_>) -> Result<String, String> {
    match n {
        Node::String(s) if codes::goods().contains(s) => Ok(s.to_string()),
        _ => Err(
            "a good of the US Department of Labor list in snake_case, such as \"cotton\" or \"coffee\" (engine/data/goods.csv lists them)"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match Application::parse(text) {
            Err(InputError::Invalid(e)) => e.iter().map(ToString::to_string).collect(),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    const BASE: &str =
        r#""reference": "T-1", "instrument": "export_credit", "application_date": "2022-11-01""#;

    #[test]
    fn minimal_application_parses_with_everything_unknown() {
        let app = Application::parse(&format!("{{{BASE}}}")).unwrap();
        assert_eq!(app.reference, "T-1");
        assert!(app.project.is_none() && app.transaction.is_none());
        assert_eq!(
            app.canonical_json(),
            r#"{"application_date":"2022-11-01","instrument":"export_credit","reference":"T-1"}"#
        );
    }

    #[test]
    fn every_problem_is_listed_with_its_path() {
        let e = errors(&format!(
            r#"{{{BASE}, "project": {{"country": "XX", "sector": "3599", "capacity": {{"thermal_mw": 420}}, "colour": "red"}},
               "transaction": {{"support_amount": {{"amount": "1.5", "currency": "EUR"}}, "repayment_term_months": "84"}}}}"#
        ));
        assert_eq!(e.len(), 5, "{e:#?}");
        assert!(e.contains(&"project.country: expected an ISO 3166-1 alpha-2 country code (upper case, such as \"NL\"), found \"XX\"".to_owned()));
        assert!(
            e.iter()
                .any(|m| m.starts_with("project.sector: expected an ISIC Rev.4 code"))
        );
        assert!(e.contains(&"project.capacity.thermal_mw: expected a non-negative decimal number written as a string, such as \"12500000.00\", found 420".to_owned()));
        assert!(e.iter().any(|m| m.starts_with(
            "project.colour: expected no such field (known fields here: activities,"
        )));
        assert!(e.contains(&"transaction.repayment_term_months: expected a JSON integer from 0 to 1200, found \"84\"".to_owned()));
    }

    #[test]
    fn required_fields_and_wrong_sections() {
        let e = errors(r#"{"instrument": "trade_mission", "project": {}}"#);
        assert_eq!(
            e,
            vec![
                "reference: a reference (required)",
                "application_date: a date (required)",
                "project: no `project` for instrument `trade_mission` (it belongs to export_credit and project_finance)",
            ]
        );
        // A required field stated as null is missing, not a field of another name.
        let e = errors(
            r#"{"reference": null, "instrument": "export_credit", "application_date": "2022-11-01"}"#,
        );
        assert_eq!(e, vec!["reference: a reference (required)"]);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = errors(&format!(
            r#"{{{BASE}, "documents": ["esia"], "documents": []}}"#
        ));
        assert_eq!(
            e,
            vec!["documents: each field at most once (duplicate key)"]
        );
        // In an object too large to look back through (a set finds them there), the same.
        let many: String = (0..SMALL_OBJECT)
            .map(|i| format!(r#""x{i}": 1, "#))
            .collect();
        let e = errors(&format!(
            r#"{{{BASE}, {many}"documents": ["esia"], "documents": []}}"#
        ));
        assert_eq!(
            e.iter()
                .filter(|m| m.contains("duplicate key"))
                .collect::<Vec<_>>(),
            vec!["documents: each field at most once (duplicate key)"]
        );
        assert_eq!(
            e.iter().filter(|m| m.starts_with('x')).count(),
            SMALL_OBJECT
        );
    }

    #[test]
    fn null_is_unknown_and_false_is_known() {
        let app = Application::parse(&format!(r#"{{{BASE}, "project": {{"location": {{"protected_area": null, "offshore": false}}}}}}"#)).unwrap();
        let loc = app.project.unwrap().location.unwrap();
        assert_eq!(loc.protected_area, None);
        assert_eq!(loc.offshore, Some(false));
    }

    #[test]
    fn decimals_keep_their_scale_and_reject_numbers() {
        let app = Application::parse(&format!(r#"{{{BASE}, "transaction": {{"support_amount": {{"amount": "40800000.00", "currency": "EUR"}}}}}}"#)).unwrap();
        let m = app.transaction.unwrap().support_amount.unwrap();
        assert_eq!(m.amount.to_string(), "40800000.00");
        for bad in [r#""-1""#, r#""1e6""#, r#"" 1""#, r#""1.""#, "1.5"] {
            let e = errors(&format!(
                r#"{{{BASE}, "project": {{"ghg_scope12_tco2e_per_year": {bad}}}}}"#
            ));
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
        }
    }

    #[test]
    fn malformed_json_reports_position() {
        match Application::parse("{\"reference\": \n  tru}") {
            Err(InputError::Syntax { line, column, .. }) => assert_eq!((line, column), (2, 6)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn field_paths_cover_the_contract() {
        for p in [
            "reference",
            "project.capacity.thermal_mw",
            "project.supply_chain",
            "project.supply_chain[].good",
            "applicant.ncp_cases[].status",
            "mission.products[].sector",
            "transaction.support_amount.amount",
            "information_deadline",
        ] {
            assert!(is_field_path(p), "{p}");
        }
        assert!(!is_field_path("project.colour"));
    }

    #[test]
    fn field_kinds_follow_the_readers() {
        let k = field_kinds();
        let kind = |p: &str| k.get(p).copied();
        assert_eq!(kind("project.capacity.thermal_mw"), Some(FieldKind::Text));
        assert_eq!(kind("project.workforce"), Some(FieldKind::Int));
        assert_eq!(kind("applicant.ncp_cases[].year"), Some(FieldKind::Int));
        assert_eq!(kind("project.workers_under_18"), Some(FieldKind::Bool));
        assert_eq!(kind("application_date"), Some(FieldKind::Text));
        assert_eq!(kind("project.activities"), Some(FieldKind::List));
        assert_eq!(kind("refusals"), Some(FieldKind::List));
        assert_eq!(kind("project.supply_chain"), Some(FieldKind::ObjectList));
        assert_eq!(kind("project.supply_chain[].good"), Some(FieldKind::Text));
        assert_eq!(kind("project.capacity"), Some(FieldKind::Section));
        assert_eq!(k.len(), field_paths().len());
    }

    #[test]
    fn refusals_must_name_contract_paths() {
        let e = errors(&format!(
            r#"{{{BASE}, "refusals": ["project.land.acquisition", "project.land.size"]}}"#
        ));
        assert_eq!(
            e,
            vec![
                "refusals[1]: expected a field path of the contract, such as `project.land.acquisition`, found \"project.land.size\""
            ]
        );
    }
}
