//! The closed vocabularies of the v1 contract. A value of one is a [`Term`]: scripts compare it
//! with a string, and a string that is not in the vocabulary is a script error, so a misspelt
//! literal in a policy (`fuel == "cole"`) fails loudly instead of being silently false.

use std::fmt;

use serde::{Serialize, Serializer};

/// A closed vocabulary: its name (the field it belongs to) and its values.
#[derive(Debug, PartialEq, Eq)]
pub struct Vocab {
    /// Name, for messages (`fuel`, `activity`).
    pub name: &'static str,
    /// Allowed values, in the order the contract lists them.
    pub values: &'static [&'static str],
}

impl Vocab {
    /// The term for `value`, if it is in this vocabulary.
    #[must_use]
    pub fn term(&'static self, value: &str) -> Option<Term> {
        self.values
            .iter()
            .position(|v| *v == value)
            .map(|index| Term { vocab: self, index })
    }

    /// The values, joined for an error message: `` `a`, `b` or `c` ``.
    #[must_use]
    pub fn expected(&self) -> String {
        let quoted: Vec<String> = self.values.iter().map(|v| format!("`{v}`")).collect();
        match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            Some((last, _)) => last.clone(),
            None => String::new(),
        }
    }
}

/// A value of a closed vocabulary.
#[derive(Clone, Copy)]
pub struct Term {
    vocab: &'static Vocab,
    index: usize,
}

impl Term {
    /// The value as a string.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        self.vocab
            .values
            .get(self.index)
            .copied()
            .unwrap_or_default()
    }

    /// The vocabulary this value belongs to.
    #[must_use]
    pub fn vocab(&self) -> &'static Vocab {
        self.vocab
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.vocab, other.vocab) && self.index == other.index
    }
}
impl Eq for Term {}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", self.vocab.name, self.as_str())
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Term {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

macro_rules! vocabs {
    ($($(#[$doc:meta])* $ident:ident = $name:literal [$($v:literal),+ $(,)?];)+) => {
        $( $(#[$doc])* pub static $ident: Vocab = Vocab { name: $name, values: &[$($v),+] }; )+
        /// Every vocabulary, for documentation and tests.
        pub static ALL: &[&Vocab] = &[$(&$ident),+];
    };
}

vocabs! {
    /// `applicant.size`.
    SIZE = "size" ["sme", "large"];
    /// Declarations: `applicant.oecd_guidelines_commitment`, `applicant.anti_bribery_declaration`.
    DECLARATION = "declaration" ["signed", "pending", "refused"];
    /// `applicant.ncp_cases[].status`.
    NCP_STATUS = "ncp_status" ["pending", "concluded_agreement", "concluded_no_agreement", "concluded_non_cooperation", "concluded_non_observance"];
    /// `applicant.adverse_media`.
    ADVERSE_MEDIA = "adverse_media" ["none", "unconfirmed", "credible"];
    /// Sanctions screening results.
    SANCTIONS = "sanctions_screening" ["no_match", "possible_match", "confirmed_match"];
    /// `transaction.goods`.
    GOODS = "goods" ["capital_goods", "services", "spare_parts", "military", "agricultural_commodities"];
    /// `transaction.product`.
    PRODUCT = "product" ["supplier_credit", "buyer_credit", "project_finance", "project_related_corporate_loan", "bridge_loan", "grant"];
    /// `transaction.buyer_type`.
    BUYER_TYPE = "buyer_type" ["private", "sovereign"];
    /// `project.stage`.
    STAGE = "stage" ["new", "expansion", "existing_no_material_change", "not_a_project"];
    /// `project.activities[]`.
    ACTIVITY = "activity" [
        "crude_oil_refinery", "coal_gasification", "thermal_power", "nuclear_power", "nuclear_fuel",
        "integrated_steel", "non_ferrous_smelting", "asbestos", "integrated_chemicals", "motorway",
        "express_road", "long_distance_railway", "airport", "road", "large_pipeline", "sea_port",
        "inland_waterway", "hazardous_waste_disposal", "large_dam", "groundwater_abstraction",
        "pulp_paper", "mining", "peat_extraction", "quarry", "oil_gas_extraction",
        "oil_chemical_storage", "large_scale_logging", "wastewater_treatment",
        "municipal_solid_waste", "tourism_retail_development", "high_voltage_power_line",
        "land_reclamation", "large_scale_agriculture", "tannery", "intensive_livestock",
        "aquaculture", "offshore_wind", "onshore_wind", "solar", "hydropower", "lng", "urban_rail",
        "substation", "hospital", "school", "water_supply", "irrigation", "telecom",
        "manufacturing", "other"
    ];
    /// `project.technology`.
    TECHNOLOGY = "technology" ["steam", "single_cycle_gas_turbine", "combined_cycle", "engine", "other"];
    /// `project.fuel`.
    FUEL = "fuel" ["coal", "oil", "natural_gas", "biomass", "waste", "none", "other"];
    /// `project.capacity.asbestos_product`.
    ASBESTOS_PRODUCT = "asbestos_product" ["cement", "friction_material", "other"];
    /// `project.destination_regime`, `mission.destination_regime`.
    REGIME = "destination_regime" ["none", "arms_embargo", "sectoral", "comprehensive"];
    /// `project.human_rights_risk`.
    HR_RISK = "human_rights_risk" ["normal", "elevated"];
    /// `project.land.acquisition`.
    LAND_ACQUISITION = "land_acquisition" ["none", "voluntary", "negotiated_with_expropriation_fallback", "expropriation"];
    /// `project.fossil_exception`.
    FOSSIL_EXCEPTION = "fossil_exception" ["none", "existing_infrastructure_improvement", "support_services", "multipurpose_port", "energy_poverty_power"];
    /// `project.exclusion_list_activities[]`.
    EXCLUSION = "exclusion_list_activity" [
        "who_class_i_pesticides", "ozone_depleting_substances", "cites_wildlife_trade",
        "unbonded_asbestos", "driftnet_fishing", "radioactive_materials", "weapons_munitions",
        "forced_labour", "child_labour", "persistent_organic_pollutants", "hazardous_waste_trade",
        "illegal_under_host_law", "prostitution", "gambling", "tobacco", "pornography"
    ];
    /// `project.security_forces`.
    SECURITY = "security_forces" ["none", "private", "government"];
    /// Step and document ids (`documents[]`, required steps).
    STEP = "step" [
        "esia", "esmp", "es_information", "independent_review", "public_disclosure",
        "ex_post_disclosure", "rap", "lrp", "ipp", "fpic", "icp", "bap", "esms",
        "stakeholder_engagement_plan", "grievance_mechanism", "security_risk_assessment",
        "ghg_quantification", "public_ghg_reporting", "climate_risk_assessment",
        "alternatives_analysis", "chance_find_procedure", "hria", "retrenchment_plan",
        "worker_accommodation_plan", "young_worker_risk_assessment", "dam_safety_review",
        "cumulative_impact_assessment", "protected_area_permission", "supplier_traceability",
        "external_expert_review", "supply_chain_risk_assessment", "due_diligence_plan",
        "oecd_fao_alignment", "agent_fee_disclosure", "enhanced_integrity_due_diligence",
        "imvo_dialogue"
    ];
    /// IFC Performance Standards, the value of a `trigger` finding.
    PERFORMANCE_STANDARD = "performance_standard" ["PS1", "PS2", "PS3", "PS4", "PS5", "PS6", "PS7", "PS8"];
    /// Category floors.
    CATEGORY = "category" ["A", "B", "C"];
    /// Trade-mission risk levels.
    RISK_LEVEL = "risk_level" ["low", "medium", "high"];
}
