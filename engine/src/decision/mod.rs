//! The decision: what a screening concluded, why, what is required and missing, and everything
//! needed to reproduce it. Field order and sorting follow the contract, so the same inputs give
//! byte-identical JSON.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::application::Instrument;

mod order;
pub use order::rule_order;
pub(crate) use order::sort_findings;

/// The screening outcome, from softest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Support may proceed (trade missions: admit).
    Proceed,
    /// Support may proceed once the required steps are delivered (admit with conditions).
    ProceedWithConditions,
    /// The facts needed to conclude are missing.
    InsufficientInformation,
    /// An analyst must decide.
    Refer,
    /// Support is refused.
    Decline,
}

impl Outcome {
    /// The contract's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Proceed => "proceed",
            Outcome::ProceedWithConditions => "proceed_with_conditions",
            Outcome::InsufficientInformation => "insufficient_information",
            Outcome::Refer => "refer",
            Outcome::Decline => "decline",
        }
    }

    /// The outcome of a contract name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::Proceed,
            Outcome::ProceedWithConditions,
            Outcome::InsufficientInformation,
            Outcome::Refer,
            Outcome::Decline,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An environmental and social category; `A` is the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Category {
    /// Minimal or no adverse impacts.
    C,
    /// Limited, site-specific, mostly reversible impacts.
    B,
    /// Significant, diverse, irreversible or unprecedented impacts.
    A,
}

impl Category {
    /// `"A"`, `"B"` or `"C"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Category::A => "A",
            Category::B => "B",
            Category::C => "C",
        }
    }

    /// Parses `"A"`, `"B"` or `"C"`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Category> {
        match s {
            "A" => Some(Category::A),
            "B" => Some(Category::B),
            "C" => Some(Category::C),
            _ => None,
        }
    }
}

/// A trade-mission risk level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

impl RiskLevel {
    /// The contract's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }

    /// Parses `low`, `medium` or `high`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<RiskLevel> {
        match s {
            "low" => Some(RiskLevel::Low),
            "medium" => Some(RiskLevel::Medium),
            "high" => Some(RiskLevel::High),
            _ => None,
        }
    }
}

/// What a finding does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Refuse support.
    Decline,
    /// An analyst must decide.
    Refer,
    /// A fact needed to decide is unknown (its path is in `missing`).
    InsufficientInformation,
    /// Raise the category to at least the value.
    CategoryFloor,
    /// The applicant or sponsor must deliver a step (the value).
    Require,
    /// An IFC Performance Standard applies (the value).
    Trigger,
    /// A trade-mission risk level (the value).
    RiskLevel,
    /// For the record: changes neither outcome nor category.
    Info,
}

impl Effect {
    /// The contract's name (`category_floor`), as serialised.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Decline => "decline",
            Effect::Refer => "refer",
            Effect::InsufficientInformation => "insufficient_information",
            Effect::CategoryFloor => "category_floor",
            Effect::Require => "require",
            Effect::Trigger => "trigger",
            Effect::RiskLevel => "risk_level",
            Effect::Info => "info",
        }
    }
}

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Source {
    /// The document.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub document: Arc<str>,
    /// Paragraph or section, `null` where it is not known.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub section: Option<Arc<str>>,
}

/// The application facts a rule read: path to value (`null` where unknown).
pub type Facts = BTreeMap<Cow<'static, str>, Value>;

/// One thing a rule found, with its citation and the facts it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Rule id (`R-EC-06.2`).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub rule_id: Arc<str>,
    /// Pack id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pack: Arc<str>,
    /// Pack version.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pack_version: Arc<str>,
    /// What the finding does.
    pub effect: Effect,
    /// The effect's value (a category, step, standard or risk level), else `null`.
    pub value: Option<String>,
    /// Citation from the pack's rule table.
    pub source: Source,
    /// Evidence level of the citation (P, P-copy, S, R).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub evidence_level: Arc<str>,
    /// Whether the rule was checked against the primary text.
    pub verified: bool,
    /// The application facts the rule read (path to value; `null` where unknown). The paths
    /// are the contract's, borrowed from the engine's readers (no copy per finding).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub facts: Arc<Facts>,
    /// Why, in words (English). Where the pack has message catalogues, this is `message`
    /// rendered in English when the rule reported it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: Arc<str>,
    /// Why, as a message id and its arguments, to render in any language (absent for packs
    /// without catalogues and for decisions made before message ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub message: Option<crate::messages::Message>,
}

/// A step the applicant or sponsor must deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequiredStep {
    /// Step id.
    pub step: String,
    /// Rules that require it.
    pub rule_ids: Vec<String>,
    /// Already delivered (in `documents`).
    pub provided: bool,
    /// Date it is due, where the rule sets one.
    pub due_by: Option<NaiveDate>,
    /// For a disclosure: the earliest permissible final commitment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_final_commitment: Option<NaiveDate>,
    /// A note on timing (English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note as a message of the engine's catalogue, to render in any language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub message: Option<crate::messages::Message>,
}

/// An IFC Performance Standard that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PerformanceStandard {
    /// `PS1` to `PS8`.
    pub standard: String,
    /// Rules that triggered it.
    pub rule_ids: Vec<String>,
    /// Why (the reasons of the triggering findings).
    pub reason: String,
}

/// A fact that is needed but unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Missing {
    /// Field path.
    pub path: String,
    /// Rules that need it.
    pub needed_by: Vec<String>,
}

/// Kind of a recorded evaluation error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The script failed (a runtime error, a misuse of the API, a panic in a host function).
    Script,
    /// The script hit a sandbox limit (operations, call depth, data size).
    Limit,
    /// The script ran past the wall-clock deadline (not reproducible).
    Deadline,
    /// No pack is in force for the instrument on the date.
    NoPackInForce,
}

/// An error met while evaluating; the decision fails closed (at least `refer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionError {
    /// Pack id, or `null`.
    pub pack: Option<String>,
    /// Rule id, or `null`.
    pub rule_id: Option<String>,
    /// Kind.
    pub kind: ErrorKind,
    /// What happened.
    pub message: String,
}

/// A pack that ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackRef {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: Arc<str>,
    /// Version.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub version: Arc<str>,
    /// `sha256:` content hash of the pack's files.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub hash: Arc<str>,
}

/// A data table the decision relied on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataRef {
    /// Table name.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub table: Arc<str>,
    /// Its version.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub version: Arc<str>,
    /// `sha256:` content hash.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub hash: Arc<str>,
}

/// An exchange rate used to compare amounts in different currencies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateUsed {
    /// Always `XDR`: rates are units of `to` per SDR.
    pub from: String,
    /// Currency.
    pub to: String,
    /// Units of `to` per SDR, as published in the table.
    pub rate: String,
    /// Date of the rate (on or before the application date).
    pub date: NaiveDate,
    /// Source of the value.
    pub source: String,
}

/// Everything needed to reproduce the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Provenance {
    /// Engine version.
    pub engine_version: String,
    /// The "today" of every rule and the date that selected the packs.
    pub as_of: NaiveDate,
    /// `sha256:` over every file of the loaded policy set.
    pub policy_set: String,
    /// Packs that ran.
    pub packs: Vec<PackRef>,
    /// Data tables and code lists.
    pub data: Vec<DataRef>,
    /// Exchange rates used.
    pub rates: Vec<RateUsed>,
    /// `sha256:` over the canonical JSON (RFC 8785) of the application.
    pub input_hash: String,
}

/// Where a decision stands on its category. Decisions stored before engine 0.2.0 carry no
/// status; reading one back gives `undetermined`, which claims nothing.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CategoryStatus {
    /// The category is settled by known facts: no unknown fact can change it.
    Determined,
    /// A floor is raised (the category shown) but an unknown fact could still raise it.
    Provisional,
    /// No category yet: facts that decide it, or whether one applies, are unknown.
    #[default]
    Undetermined,
    /// No A/B/C category applies: a trade mission, outside the framework's scope, not a project,
    /// or a financial intermediary (`category_reason` says which).
    NotApplicable,
}

impl CategoryStatus {
    /// The contract's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CategoryStatus::Determined => "determined",
            CategoryStatus::Provisional => "provisional",
            CategoryStatus::Undetermined => "undetermined",
            CategoryStatus::NotApplicable => "not_applicable",
        }
    }
}

/// Where a deciding fact would move the category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Move {
    /// To Category C.
    C,
    /// To Category B.
    B,
    /// To Category A.
    A,
    /// Out of the A/B/C categorisation (outside scope, not a project, a financial intermediary).
    #[serde(rename = "not_categorised")]
    NotCategorised,
}

impl Move {
    /// `A`, `B`, `C` or `not_categorised`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Move::A => "A",
            Move::B => "B",
            Move::C => "C",
            Move::NotCategorised => "not_categorised",
        }
    }

    /// Parses `A`, `B`, `C` or `not_categorised`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Move> {
        match s {
            "not_categorised" => Some(Move::NotCategorised),
            _ => Category::from_name(s).map(Move::from),
        }
    }

    /// The category moved to, `None` for `not_categorised`.
    #[must_use]
    pub fn category(self) -> Option<Category> {
        match self {
            Move::A => Some(Category::A),
            Move::B => Some(Category::B),
            Move::C => Some(Category::C),
            Move::NotCategorised => None,
        }
    }
}

impl From<Category> for Move {
    fn from(c: Category) -> Self {
        match c {
            Category::A => Move::A,
            Category::B => Move::B,
            Category::C => Move::C,
        }
    }
}

/// A fact the indicative category takes as given while it is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assumption {
    /// Field path.
    pub path: String,
    /// The value assumed, in words (`24 months or more`).
    pub value: String,
    /// Why it is safe to assume for an indicative category.
    pub why: String,
    /// `why` as a message, where the pack has catalogues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub message: Option<crate::messages::Message>,
    /// The rule that made the assumption.
    pub rule_id: String,
    /// The rule's citation.
    pub source: Source,
}

/// An unknown fact that would move the indicative category, and where to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deciding {
    /// Field path.
    pub path: String,
    /// A value that would move it: of the fact's own type where the rule knows one (`true`, a
    /// threshold such as `"300"`, a vocabulary term), else words; `null` where no rule stated one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub value: Option<Value>,
    /// Where it would move: a category or `not_categorised`; `null` where no rule stated it.
    pub to: Option<Move>,
    /// The rules that said so.
    pub rule_ids: Vec<String>,
}

/// A category the known facts point to without settling it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pointer {
    /// Rule id.
    pub rule_id: String,
    /// The category.
    pub category: Category,
    /// Why, in words.
    pub reason: String,
    /// `reason` as a message, where the pack has catalogues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub message: Option<crate::messages::Message>,
}

/// The lowest and highest category a decision could still reach once its unknowns are known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryRange {
    /// Lowest (the floors the known facts raise; C where none is raised).
    pub lowest: Category,
    /// Highest.
    pub highest: Category,
}

/// The category the known facts point to where none is determined (or the one shown is
/// provisional), under stated intake assumptions. It never drives an outcome, a step or a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicative {
    /// The indicative category, `null` where the known facts point nowhere yet (the activities
    /// are unknown, or an assumption that may not be made would be needed).
    pub category: Option<Category>,
    /// The range the category could still move in, if the application is categorised at all.
    pub range: CategoryRange,
    /// What it may not be: `true` where a deciding fact could take the application out of the
    /// A/B/C categorisation altogether.
    pub may_be_not_categorised: bool,
    /// Facts assumed while unknown, sorted by path.
    pub assumed: Vec<Assumption>,
    /// The typical category of a known activity whose size is unknown, where the sources give
    /// one.
    pub typical: Vec<Pointer>,
    /// Unknown facts ranked by how far they could move the category, then by path.
    pub deciding: Vec<Deciding>,
    /// The indicative category in words.
    pub text: String,
}

/// The result of screening one application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// The application's reference.
    pub reference: String,
    /// Its instrument.
    pub instrument: Instrument,
    /// The outcome.
    pub outcome: Outcome,
    /// The category, or `null` with `category_reason`.
    pub category: Option<Category>,
    /// Why there is no category.
    pub category_reason: Option<String>,
    /// Whether the category is determined, provisional, undetermined or not applicable.
    #[serde(default)]
    pub category_status: CategoryStatus,
    /// Where the category is not determined: what the known facts point to, under which
    /// assumptions, and which unknowns decide it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicative: Option<Indicative>,
    /// Trade missions: the risk level.
    pub risk_level: Option<RiskLevel>,
    /// What the rules found, sorted by rule id.
    pub findings: Vec<Finding>,
    /// Steps the applicant or sponsor must deliver, sorted by step.
    pub required_steps: Vec<RequiredStep>,
    /// Performance Standards that apply (Category A and B).
    pub performance_standards: Vec<PerformanceStandard>,
    /// Unknown facts that are needed, sorted by path.
    pub missing: Vec<Missing>,
    /// Evaluation errors.
    pub errors: Vec<DecisionError>,
    /// Reproduction data.
    pub provenance: Provenance,
}

impl Decision {
    /// The decision as pretty JSON (the stable, sorted serialisation).
    #[must_use]
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for Instrument {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Instrument::from_name(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown instrument `{s}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_effect_is_named_as_it_is_serialised() {
        for e in [
            Effect::Decline,
            Effect::Refer,
            Effect::InsufficientInformation,
            Effect::CategoryFloor,
            Effect::Require,
            Effect::Trigger,
            Effect::RiskLevel,
            Effect::Info,
        ] {
            assert_eq!(
                serde_json::to_value(e).unwrap(),
                serde_json::json!(e.as_str())
            );
        }
    }

    #[test]
    fn outcomes_and_categories_are_ordered_by_strength() {
        assert!(Outcome::Decline > Outcome::Refer);
        assert!(Outcome::Refer > Outcome::InsufficientInformation);
        assert!(Outcome::InsufficientInformation > Outcome::ProceedWithConditions);
        assert!(Outcome::ProceedWithConditions > Outcome::Proceed);
        assert!(Category::A > Category::B && Category::B > Category::C);
    }

    #[test]
    fn a_decision_stored_before_0_2_0_still_reads() {
        // Engine 0.1.0 stored no category_status and no indicative block.
        let old = r#"{"reference":"R","instrument":"export_credit","outcome":"proceed",
            "category":"C","category_reason":null,"risk_level":null,"findings":[],
            "required_steps":[],"performance_standards":[],"missing":[],"errors":[],
            "provenance":{"engine_version":"0.1.0","as_of":"2022-11-01","policy_set":"sha256:00",
            "packs":[],"data":[],"rates":[],"input_hash":"sha256:00"}}"#;
        let d: Decision = serde_json::from_str(old).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.category, Some(Category::C));
        assert_eq!(d.category_status, CategoryStatus::Undetermined);
        assert!(d.indicative.is_none());
        // Written back, the new status is there and no indicative block is invented.
        let again = serde_json::to_value(&d).unwrap_or_default();
        assert_eq!(again["category_status"], "undetermined");
        assert!(again.get("indicative").is_none());
    }

    #[test]
    fn moves_name_categories_and_not_categorised() {
        assert_eq!(
            Move::from_name("not_categorised"),
            Some(Move::NotCategorised)
        );
        assert_eq!(
            Move::from_name("A").and_then(Move::category),
            Some(Category::A)
        );
        assert_eq!(Move::from_name("D"), None);
        assert_eq!(
            serde_json::to_value(Move::NotCategorised).unwrap_or_default(),
            "not_categorised"
        );
    }
}
