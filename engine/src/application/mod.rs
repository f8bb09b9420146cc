//! The application: the v1 input contract as typed Rust values.
//!
//! Every field but `reference`, `instrument` and `application_date` may be unknown (absent or
//! `null`), and unknown is kept distinct from `false`, `0` and `[]` all the way into the scripts.
//! [`Application::parse`] validates a JSON document and reports every problem it finds, each with
//! its path and what was expected.

mod parse;
pub mod vocab;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use parse::{FieldError, InputError, field_paths, is_field_path};
pub use vocab::{Term, Vocab};

/// The kind of government support applied for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// Year the case was filed.
    pub year: i64,
    /// Its status.
    pub status: Term,
}

/// One primary supply-chain link: a good and the country it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplyLink {
    /// Good, in the US Department of Labor list's naming, snake_case.
    pub good: String,
    /// ISO 3166-1 alpha-2 country of production.
    pub country: String,
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
    /// Company name.
    name: String,
    /// KvK number or `none`.
    kvk_number: Registration,
    /// `sme` or `large`.
    size: Term,
    /// OECD Guidelines due-diligence commitment.
    oecd_guidelines_commitment: Term,
    /// Anti-bribery declaration.
    anti_bribery_declaration: Term,
    /// Has a published human-rights / RBC due-diligence policy.
    due_diligence_policy: bool,
    /// RBC sector agreement it takes part in, or `none`.
    sector_agreement: String,
    /// Transparency-benchmark score.
    transparency_benchmark_score: BenchmarkScore,
    /// NCP specific instances.
    ncp_cases: Vec<NcpCase>,
    /// Adverse media finding.
    adverse_media: Term,
    /// Proven bribery.
    proven_bribery: bool,
    /// The applicant is a financial intermediary.
    financial_intermediary: bool,
    /// Sanctions screening of the applicant.
    sanctions_screening: Term,
    /// RBC self-assessment scan completed (trade missions).
    self_assessment_completed: bool,
});

opt_struct!(
    /// The financial transaction (export credit and project finance).
    Transaction {
    /// Value of the export contract.
    contract_value: Money,
    /// The insurer's or funder's share.
    support_amount: Money,
    /// Total capital cost of the project.
    project_capital_cost: Money,
    /// Repayment term in whole months.
    repayment_term_months: i64,
    /// What is exported.
    goods: Term,
    /// Financial product.
    product: Term,
    /// Private or sovereign buyer.
    buyer_type: Term,
    /// Expected final commitment (for project finance: the approval date).
    expected_final_commitment: NaiveDate,
    /// When the project information was (or will be) made public.
    disclosure_date: NaiveDate,
    /// An agent is involved.
    agent_involved: bool,
    /// Agent fees are disclosed.
    agent_fees_disclosed: bool,
    /// Sanctions screening of the buyer.
    buyer_sanctions_screening: Term,
    /// Sanctions screening of the end user.
    end_user_sanctions_screening: Term,
    /// The support scheme applies the IFC Performance Standards.
    ifc_performance_standards: bool,
    /// An Equator Principles financial institution co-finances.
    equator_principles_cofinancier: bool,
    /// The EPFI co-financier's own commitment.
    epfi_commitment: Money,
});

opt_struct!(
    /// Physical capacities (a capacity counts only for a listed activity).
    Capacity {
    /// Heat input, MWth.
    @serde(with = "rust_decimal::serde::str_option") thermal_mw: Decimal,
    /// Electrical output, MWe.
    @serde(with = "rust_decimal::serde::str_option") electrical_mw: Decimal,
    /// Road length, km.
    @serde(with = "rust_decimal::serde::str_option") road_km: Decimal,
    /// Number of lanes.
    road_lanes: i64,
    /// Basic runway length, m.
    @serde(with = "rust_decimal::serde::str_option") runway_m: Decimal,
    /// Vessel size a port admits, tonnes.
    @serde(with = "rust_decimal::serde::str_option") vessel_tonnes: Decimal,
    /// Storage capacity, tonnes.
    @serde(with = "rust_decimal::serde::str_option") storage_tonnes: Decimal,
    /// Wastewater treatment, population equivalent.
    population_equivalent: i64,
    /// Water held back or stored, m3.
    @serde(with = "rust_decimal::serde::str_option") reservoir_m3: Decimal,
    /// Dam height, m.
    @serde(with = "rust_decimal::serde::str_option") dam_height_m: Decimal,
    /// Groundwater abstraction or recharge, m3 a year.
    @serde(with = "rust_decimal::serde::str_option") groundwater_m3_per_year: Decimal,
    /// Pulp and paper, air-dried tonnes a day.
    @serde(with = "rust_decimal::serde::str_option") paper_adt_per_day: Decimal,
    /// Tannery output, tonnes of finished product a day.
    @serde(with = "rust_decimal::serde::str_option") tannery_tonnes_per_day: Decimal,
    /// Coal or bituminous shale gasified or liquefied, tonnes a day.
    @serde(with = "rust_decimal::serde::str_option") coal_gasification_tonnes_per_day: Decimal,
    /// Asbestos processed, tonnes of finished product a year.
    @serde(with = "rust_decimal::serde::str_option") asbestos_tonnes_per_year: Decimal,
    /// Asbestos product.
    asbestos_product: Term,
    /// Broiler places.
    broiler_places: i64,
    /// Hen places.
    hen_places: i64,
    /// Production-pig places (over 30 kg).
    pig_places: i64,
    /// Sow places.
    sow_places: i64,
    /// Transmission voltage, kV.
    @serde(with = "rust_decimal::serde::str_option") transmission_kv: Decimal,
    /// Pipeline length, km.
    @serde(with = "rust_decimal::serde::str_option") pipeline_km: Decimal,
    /// Pipeline diameter, mm.
    @serde(with = "rust_decimal::serde::str_option") pipeline_diameter_mm: Decimal,
});

opt_struct!(
    /// Where the project is, as sensitive-area flags.
    Location {
    /// In or near a legally protected area.
    protected_area: bool,
    /// Key Biodiversity Area.
    key_biodiversity_area: bool,
    /// Ramsar wetland.
    ramsar_site: bool,
    /// UNESCO MAB biosphere reserve.
    biosphere_reserve: bool,
    /// Critical habitat (IFC PS6).
    critical_habitat: bool,
    /// Natural habitat (IFC PS6).
    natural_habitat: bool,
    /// UNESCO World Heritage site.
    world_heritage_site: bool,
    /// Cultural heritage at or near the site.
    cultural_heritage: bool,
    /// Indigenous Peoples present in the area of influence.
    indigenous_peoples_present: bool,
    /// Conflict-affected area.
    conflict_affected: bool,
    /// Offshore.
    offshore: bool,
});

opt_struct!(
    /// Land acquisition and displacement (IFC PS5).
    Land {
    /// How land is acquired.
    acquisition: Term,
    /// Involuntary restrictions on land use or access to resources.
    involuntary_use_restrictions: bool,
    /// People physically displaced.
    physically_displaced_people: i64,
    /// People economically displaced.
    economically_displaced_people: i64,
});

opt_struct!(
    /// Impacts on Indigenous Peoples (IFC PS7).
    IndigenousPeoples {
    /// Relocation from communally held lands.
    relocation: bool,
    /// Impacts on lands under customary use.
    impacts_on_customary_land: bool,
    /// Impacts on critical cultural heritage.
    critical_cultural_heritage: bool,
    /// Commercial use of their cultural heritage.
    commercial_use_of_cultural_heritage: bool,
});

opt_struct!(
    /// Coal-fired power (OECD Arrangement coal ban).
    Coal {
    /// Coal-fired power generation.
    coal_fired_power: bool,
    /// Operational CCUS.
    operational_ccus: bool,
    /// A CCUS retrofit.
    ccus_retrofit: bool,
    /// Pollution or CO2 abatement equipment only.
    pollution_abatement_only: bool,
    /// Extends the plant's life or capacity.
    extends_plant_life: bool,
});

opt_struct!(
    /// The project the support relates to.
    Project {
    /// ISO 3166-1 alpha-2 host country.
    country: String,
    /// ISIC Rev.4 code.
    sector: String,
    /// New, expansion, existing or not a project.
    stage: Term,
    /// Activity codes.
    activities: Vec<Term>,
    /// Power technology.
    technology: Term,
    /// Fuel.
    fuel: Term,
    /// Capacities.
    capacity: Capacity,
    /// Sensitive-area flags.
    location: Location,
    /// Sanctions regime of the destination.
    destination_regime: Term,
    /// Human-rights risk.
    human_rights_risk: Term,
    /// Land.
    land: Land,
    /// Indigenous Peoples.
    indigenous_peoples: IndigenousPeoples,
    /// Scope 1 and 2 emissions, t CO2e a year.
    @serde(with = "rust_decimal::serde::str_option") ghg_scope12_tco2e_per_year: Decimal,
    /// Coal flags.
    coal: Coal,
    /// Part of the fossil-fuel chain.
    fossil_fuel_chain: bool,
    /// Claimed exception to the fossil-fuel exclusion.
    fossil_exception: Term,
    /// Exclusion-list activities.
    exclusion_list_activities: Vec<Term>,
    /// Security forces.
    security_forces: Term,
    /// Workforce.
    workforce: i64,
    /// Workers under 18.
    workers_under_18: bool,
    /// Collective dismissals planned.
    collective_dismissals: bool,
    /// Worker accommodation provided.
    worker_accommodation: bool,
    /// Dams, tailings dams or ash ponds.
    dams_or_tailings: bool,
    /// Such dams in a high-risk location.
    dams_in_high_risk_location: bool,
    /// Significant adverse community impacts.
    significant_community_impacts: bool,
    /// Associated facilities.
    associated_facilities: bool,
    /// Cumulative impacts.
    cumulative_impacts: bool,
    /// All IFC PS6 paragraph 17 conditions for critical habitat are evidenced.
    critical_habitat_conditions_met: bool,
    /// Sources primary commodities from regions with conversion risk.
    conversion_risk_sourcing: bool,
    /// Does not meet a relevant aspect of the benchmark standards.
    benchmark_deviation: bool,
    /// Primary supply chain.
    supply_chain: Vec<SupplyLink>,
});

opt_struct!(
    /// A trade mission and the participant's place on it.
    Mission {
    /// ISO 3166-1 alpha-2 destination.
    destination: String,
    /// First day of the mission.
    start_date: NaiveDate,
    /// Deadline for the RBC self-assessment.
    self_assessment_deadline: NaiveDate,
    /// Sanctions regime of the destination.
    destination_regime: Term,
    /// Applies for a mission voucher.
    voucher: bool,
    /// Objectives or government relationship conflict with the mission.
    objectives_conflict: bool,
    /// Products.
    products: Vec<MissionProduct>,
});

/// One application for government support, validated against the v1 contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    /// The caller's reference.
    pub reference: String,
    /// The instrument.
    pub instrument: Instrument,
    /// Date of the application.
    pub application_date: NaiveDate,
    /// The applicant (all unknown where absent).
    #[serde(skip_serializing_if = "is_default")]
    pub applicant: Applicant,
    /// The transaction (export credit and project finance only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction: Option<Transaction>,
    /// The project (export credit and project finance only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Project>,
    /// The mission (trade missions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mission: Option<Mission>,
    /// Steps already delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<Term>>,
    /// Paths of information the applicant refused to give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusals: Option<Vec<String>>,
    /// Date by which outstanding information must be in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information_deadline: Option<NaiveDate>,
}

fn is_default(a: &Applicant) -> bool {
    *a == Applicant::default()
}

impl Application {
    /// The application as canonical JSON (RFC 8785): unknown fields omitted, members sorted.
    /// Its SHA-256 is the decision's `input_hash`.
    #[must_use]
    pub fn canonical_json(&self) -> String {
        match serde_json::to_value(self) {
            Ok(v) => crate::json::canonical(&v),
            // Serialising these plain data types cannot fail; an empty string would still hash.
            Err(_) => String::new(),
        }
    }

    /// Whether `step` is listed in `documents`.
    #[must_use]
    pub fn has_document(&self, step: &str) -> bool {
        self.documents
            .as_ref()
            .is_some_and(|d| d.iter().any(|t| t.as_str() == step))
    }
}
