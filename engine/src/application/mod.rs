//! The application: the v1 input contract as typed Rust values.
//!
//! Every field but `reference`, `instrument` and `application_date` may be unknown (absent or
//! `null`), and unknown is kept distinct from `false`, `0` and `[]` all the way into the scripts.
//! [`Application::parse`] validates a JSON document and reports every problem it finds, each with
//! its path and what was expected.

mod fields;
mod parse;
pub mod vocab;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use fields::{FieldKind, FieldSpec, Values};
pub use parse::{FieldError, InputError, field_kinds, field_paths, field_specs, is_field_path};
pub use vocab::{Term, Vocab};

/// Parses a calendar date written exactly as `YYYY-MM-DD` (ISO 8601, four-digit year, no sign,
/// no spaces, two-digit month and day). chrono's `%Y-%m-%d` alone also accepts `+2022-1-01`.
#[must_use]
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() != 10
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

/// The kind of government support applied for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Export credit insurance or guarantee cover.
    ExportCredit,
    /// A project subsidy or development-finance loan.
    ProjectFinance,
    /// A company's place on a government trade mission.
    TradeMission,
}

impl Instrument {
    /// The contract's name for the instrument.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::ExportCredit => "export_credit",
            Instrument::ProjectFinance => "project_finance",
            Instrument::TradeMission => "trade_mission",
        }
    }

    /// The instrument named `s`.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Instrument> {
        match s {
            "export_credit" => Some(Instrument::ExportCredit),
            "project_finance" => Some(Instrument::ProjectFinance),
            "trade_mission" => Some(Instrument::TradeMission),
            _ => None,
        }
    }
}

impl std::fmt::Display for Instrument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money: an exact decimal and its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// The amount, with the scale it was written with.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// ISO 4217 code (`XDR` is the SDR).
    pub currency: String,
}

/// A transparency-benchmark score: a number, or not in the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchmarkScore {
    /// The published score.
    Score(i64),
    /// The company does not fall under the benchmark.
    NotInBenchmark,
}

impl Serialize for BenchmarkScore {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            BenchmarkScore::Score(n) => s.serialize_i64(*n),
            BenchmarkScore::NotInBenchmark => s.serialize_str("not_in_benchmark"),
        }
    }
}

/// A Dutch trade-register (KvK) number, or a known absence of registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// Eight digits.
    Number(String),
    /// Known not to be registered (`"none"`).
    None,
}

impl Serialize for Registration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Registration::Number(n) => s.serialize_str(n),
            Registration::None => s.serialize_str("none"),
        }
    }
}

/// One National Contact Point specific instance the applicant is party to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NcpCase {
    /// Its status.
    pub status: Term,
    /// Year the case was filed.
    pub year: i64,
}

/// One primary supply-chain link: a good and the country it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplyLink {
    /// ISO 3166-1 alpha-2 country of production.
    pub country: String,
    /// Good, in the US Department of Labor list's naming, snake_case.
    pub good: String,
}

/// One product a trade-mission participant deals in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissionProduct {
    /// Good, in the US Department of Labor list's naming, snake_case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub good: Option<String>,
    /// ISIC Rev.4 code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
}

macro_rules! opt_struct {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $(@$attr:meta)? $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize)]
        pub struct $name {
            $( $(#[$fdoc])* #[serde(skip_serializing_if = "Option::is_none")] $(#[$attr])? pub $field: Option<$ty>, )*
        }
    };
}

opt_struct!(
    /// The company applying.
    Applicant {
    /// Adverse media finding.
    adverse_media: Term,
    /// Anti-bribery declaration.
    anti_bribery_declaration: Term,
    /// Has a published human-rights / RBC due-diligence policy.
    due_diligence_policy: bool,
    /// The applicant is a financial intermediary.
    financial_intermediary: bool,
    /// KvK number or `none`.
    kvk_number: Registration,
    /// Company name.
    name: String,
    /// NCP specific instances.
    ncp_cases: Vec<NcpCase>,
    /// OECD Guidelines due-diligence commitment.
    oecd_guidelines_commitment: Term,
    /// Proven bribery.
    proven_bribery: bool,
    /// Sanctions screening of the applicant.
    sanctions_screening: Term,
    /// RBC sector agreement it takes part in, or `none`.
    sector_agreement: String,
    /// RBC self-assessment scan completed (trade missions).
    self_assessment_completed: bool,
    /// `sme` or `large`.
    size: Term,
    /// Transparency-benchmark score.
    transparency_benchmark_score: BenchmarkScore,
});

opt_struct!(
    /// The financial transaction (export credit and project finance).
    Transaction {
    /// Agent fees are disclosed.
    agent_fees_disclosed: bool,
    /// An agent is involved.
    agent_involved: bool,
    /// Sanctions screening of the buyer.
    buyer_sanctions_screening: Term,
    /// Private or sovereign buyer.
    buyer_type: Term,
    /// Value of the export contract.
    contract_value: Money,
    /// When the project information was (or will be) made public.
    disclosure_date: NaiveDate,
    /// Sanctions screening of the end user.
    end_user_sanctions_screening: Term,
    /// The EPFI co-financier's own commitment.
    epfi_commitment: Money,
    /// An Equator Principles financial institution co-finances.
    equator_principles_cofinancier: bool,
    /// Expected final commitment (for project finance: the approval date).
    expected_final_commitment: NaiveDate,
    /// What is exported.
    goods: Term,
    /// The support scheme applies the IFC Performance Standards.
    ifc_performance_standards: bool,
    /// Financial product.
    product: Term,
    /// Total capital cost of the project.
    project_capital_cost: Money,
    /// Repayment term in whole months.
    repayment_term_months: i64,
    /// The insurer's or funder's share.
    support_amount: Money,
});

opt_struct!(
    /// Physical capacities (a capacity counts only for a listed activity).
    Capacity {
    /// Asbestos product.
    asbestos_product: Term,
    /// Asbestos processed, tonnes of finished product a year.
    @serde(with = "rust_decimal::serde::str_option") asbestos_tonnes_per_year: Decimal,
    /// Broiler places.
    broiler_places: i64,
    /// Coal or bituminous shale gasified or liquefied, tonnes a day.
    @serde(with = "rust_decimal::serde::str_option") coal_gasification_tonnes_per_day: Decimal,
    /// Dam height, m.
    @serde(with = "rust_decimal::serde::str_option") dam_height_m: Decimal,
    /// Electrical output, MWe.
    @serde(with = "rust_decimal::serde::str_option") electrical_mw: Decimal,
    /// Groundwater abstraction or recharge, m3 a year.
    @serde(with = "rust_decimal::serde::str_option") groundwater_m3_per_year: Decimal,
    /// Hen places.
    hen_places: i64,
    /// Pulp and paper, air-dried tonnes a day.
    @serde(with = "rust_decimal::serde::str_option") paper_adt_per_day: Decimal,
    /// Production-pig places (over 30 kg).
    pig_places: i64,
    /// Pipeline diameter, mm.
    @serde(with = "rust_decimal::serde::str_option") pipeline_diameter_mm: Decimal,
    /// Overhead power line length, km.
    @serde(with = "rust_decimal::serde::str_option") line_km: Decimal,
    /// Pipeline length, km.
    @serde(with = "rust_decimal::serde::str_option") pipeline_km: Decimal,
    /// Wastewater treatment, population equivalent.
    population_equivalent: i64,
    /// Water held back or stored, m3.
    @serde(with = "rust_decimal::serde::str_option") reservoir_m3: Decimal,
    /// Road length, km.
    @serde(with = "rust_decimal::serde::str_option") road_km: Decimal,
    /// Number of lanes.
    road_lanes: i64,
    /// Basic runway length, m.
    @serde(with = "rust_decimal::serde::str_option") runway_m: Decimal,
    /// Sow places.
    sow_places: i64,
    /// Storage capacity, tonnes.
    @serde(with = "rust_decimal::serde::str_option") storage_tonnes: Decimal,
    /// Tannery output, tonnes of finished product a day.
    @serde(with = "rust_decimal::serde::str_option") tannery_tonnes_per_day: Decimal,
    /// Heat input, MWth.
    @serde(with = "rust_decimal::serde::str_option") thermal_mw: Decimal,
    /// Transmission voltage, kV.
    @serde(with = "rust_decimal::serde::str_option") transmission_kv: Decimal,
    /// Vessel size a port admits, tonnes.
    @serde(with = "rust_decimal::serde::str_option") vessel_tonnes: Decimal,
});

opt_struct!(
    /// Where the project is, as sensitive-area flags.
    Location {
    /// UNESCO MAB biosphere reserve.
    biosphere_reserve: bool,
    /// Conflict-affected area.
    conflict_affected: bool,
    /// Critical habitat (IFC PS6).
    critical_habitat: bool,
    /// Cultural heritage at or near the site.
    cultural_heritage: bool,
    /// Indigenous Peoples present in the area of influence.
    indigenous_peoples_present: bool,
    /// Key Biodiversity Area.
    key_biodiversity_area: bool,
    /// Natural habitat (IFC PS6).
    natural_habitat: bool,
    /// Offshore.
    offshore: bool,
    /// In or near a legally protected area.
    protected_area: bool,
    /// Ramsar wetland.
    ramsar_site: bool,
    /// UNESCO World Heritage site.
    world_heritage_site: bool,
});

opt_struct!(
    /// Land acquisition and displacement (IFC PS5).
    Land {
    /// How land is acquired.
    acquisition: Term,
    /// People economically displaced.
    economically_displaced_people: i64,
    /// Involuntary restrictions on land use or access to resources.
    involuntary_use_restrictions: bool,
    /// People physically displaced.
    physically_displaced_people: i64,
});

opt_struct!(
    /// Impacts on Indigenous Peoples (IFC PS7).
    IndigenousPeoples {
    /// Commercial use of their cultural heritage.
    commercial_use_of_cultural_heritage: bool,
    /// Impacts on critical cultural heritage.
    critical_cultural_heritage: bool,
    /// Impacts on lands under customary use.
    impacts_on_customary_land: bool,
    /// Relocation from communally held lands.
    relocation: bool,
});

opt_struct!(
    /// Coal-fired power (OECD Arrangement coal ban).
    Coal {
    /// A CCUS retrofit.
    ccus_retrofit: bool,
    /// Coal-fired power generation.
    coal_fired_power: bool,
    /// Extends the plant's life or capacity.
    extends_plant_life: bool,
    /// Operational CCUS.
    operational_ccus: bool,
    /// Pollution or CO2 abatement equipment only.
    pollution_abatement_only: bool,
});

opt_struct!(
    /// The project the support relates to.
    Project {
    /// Activity codes.
    activities: Vec<Term>,
    /// Associated facilities.
    associated_facilities: bool,
    /// Does not meet a relevant aspect of the benchmark standards.
    benchmark_deviation: bool,
    /// Capacities.
    capacity: Capacity,
    /// Coal flags.
    coal: Coal,
    /// Collective dismissals planned.
    collective_dismissals: bool,
    /// Sources primary commodities from regions with conversion risk.
    conversion_risk_sourcing: bool,
    /// ISO 3166-1 alpha-2 host country.
    country: String,
    /// All IFC PS6 paragraph 17 conditions for critical habitat are evidenced.
    critical_habitat_conditions_met: bool,
    /// Cumulative impacts.
    cumulative_impacts: bool,
    /// Such dams in a high-risk location.
    dams_in_high_risk_location: bool,
    /// Dams, tailings dams or ash ponds.
    dams_or_tailings: bool,
    /// Sanctions regime of the destination.
    destination_regime: Term,
    /// Exclusion-list activities.
    exclusion_list_activities: Vec<Term>,
    /// Claimed exception to the fossil-fuel exclusion.
    fossil_exception: Term,
    /// Part of the fossil-fuel chain.
    fossil_fuel_chain: bool,
    /// Fuel.
    fuel: Term,
    /// Scope 1 and 2 emissions, t CO2e a year.
    @serde(with = "rust_decimal::serde::str_option") ghg_scope12_tco2e_per_year: Decimal,
    /// Human-rights risk.
    human_rights_risk: Term,
    /// Indigenous Peoples.
    indigenous_peoples: IndigenousPeoples,
    /// Land.
    land: Land,
    /// Sensitive-area flags.
    location: Location,
    /// ISIC Rev.4 code.
    sector: String,
    /// Security forces.
    security_forces: Term,
    /// Significant adverse community impacts.
    significant_community_impacts: bool,
    /// New, expansion, existing or not a project.
    stage: Term,
    /// Primary supply chain.
    supply_chain: Vec<SupplyLink>,
    /// Power technology.
    technology: Term,
    /// Worker accommodation provided.
    worker_accommodation: bool,
    /// Workers under 18.
    workers_under_18: bool,
    /// Workforce.
    workforce: i64,
});

opt_struct!(
    /// A trade mission and the participant's place on it.
    Mission {
    /// ISO 3166-1 alpha-2 destination.
    destination: String,
    /// Sanctions regime of the destination.
    destination_regime: Term,
    /// Objectives or government relationship conflict with the mission.
    objectives_conflict: bool,
    /// Products.
    products: Vec<MissionProduct>,
    /// Deadline for the RBC self-assessment.
    self_assessment_deadline: NaiveDate,
    /// First day of the mission.
    start_date: NaiveDate,
    /// Applies for a mission voucher.
    voucher: bool,
});

/// One application for government support, validated against the v1 contract.
///
/// Every struct of the application declares its fields in alphabetical order, so that serde's
/// compact JSON of it is already the canonical form (RFC 8785: members sorted, no whitespace).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    /// The applicant (all unknown where absent).
    #[serde(skip_serializing_if = "is_default")]
    pub applicant: Applicant,
    /// Date of the application.
    pub application_date: NaiveDate,
    /// Steps already delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<Term>>,
    /// Date by which outstanding information must be in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information_deadline: Option<NaiveDate>,
    /// The instrument.
    pub instrument: Instrument,
    /// The mission (trade missions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mission: Option<Mission>,
    /// The project (export credit and project finance only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Project>,
    /// The caller's reference.
    pub reference: String,
    /// Paths of information the applicant refused to give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusals: Option<Vec<String>>,
    /// The transaction (export credit and project finance only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction: Option<Transaction>,
}

fn is_default(a: &Applicant) -> bool {
    *a == Applicant::default()
}

impl Application {
    /// The application as canonical JSON (RFC 8785): unknown fields omitted, members sorted.
    /// Its SHA-256 is the decision's `input_hash`.
    #[must_use]
    pub fn canonical_json(&self) -> String {
        // Fields are declared in alphabetical order (checked by a test against
        // `json::canonical`), keys are ASCII, and every number is an integer, so serde_json's
        // compact output (which `json::compact` writes, faster) is the RFC 8785 form.
        // Serialising plain data cannot fail.
        crate::json::compact::to_string(self).unwrap_or_default()
    }

    /// Whether `step` is listed in `documents`.
    #[must_use]
    pub fn has_document(&self, step: &str) -> bool {
        self.documents
            .as_ref()
            .is_some_and(|d| d.iter().any(|t| t.as_str() == step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(path: &str) -> &'static FieldSpec {
        field_specs()
            .iter()
            .find(|s| s.path == path)
            .unwrap_or_else(|| panic!("no field {path}"))
    }

    #[test]
    fn fields_know_their_values() {
        assert!(
            matches!(spec("project.country").values, Values::Codes(l) if l.name == "iso-3166-1")
        );
        assert!(matches!(spec("project.sector").values, Values::Codes(l) if l.name == "isic-rev4"));
        assert!(
            matches!(spec("transaction.contract_value.currency").values, Values::Codes(l) if l.name == "iso-4217")
        );
        assert!(matches!(spec("project.fuel").values, Values::Terms(v) if v.name == "fuel"));
        assert!(
            matches!(spec("project.activities").values, Values::Terms(v) if v.name == "activity")
        );
        assert!(matches!(
            spec("transaction.contract_value.amount").values,
            Values::Free
        ));
        assert_eq!(spec("project.supply_chain").kind, FieldKind::ObjectList);
        assert_eq!(spec("project.location").kind, FieldKind::Section);
        assert_eq!(spec("project.coal.coal_fired_power").kind, FieldKind::Bool);
        assert!(spec("application_date").expected.contains("YYYY-MM-DD"));
        // In the contract's order, each path once, and every path of `field_kinds`.
        let paths: Vec<&str> = field_specs().iter().map(|s| s.path.as_str()).collect();
        let pos = |p: &str| paths.iter().position(|x| *x == p);
        assert!(pos("reference") < pos("applicant.name"));
        assert!(pos("applicant.name") < pos("project.country"));
        assert_eq!(paths.len(), field_kinds().len());
    }

    #[test]
    fn dates_must_be_exactly_iso() {
        assert_eq!(
            parse_date("2022-11-01"),
            NaiveDate::from_ymd_opt(2022, 11, 1)
        );
        for bad in [
            "+2022-1-01",
            "2022-11- 1",
            " 2022-11-1",
            "2022-02-30",
            "22-11-01",
            "2022/11/01",
            "2022-11-01T00",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn compact_serialisation_is_the_canonical_form() {
        let text = include_str!("../../../examples/gas-plant-id-2022.json");
        let app = Application::parse(text).unwrap();
        let value = serde_json::to_value(&app).unwrap();
        assert_eq!(app.canonical_json(), crate::json::canonical(&value));
        assert!(
            app.canonical_json()
                .contains(r#""support_amount":{"amount":"60000000.00","currency":"EUR"}"#)
        );
    }
}
