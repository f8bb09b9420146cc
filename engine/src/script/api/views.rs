//! The application as scripts see it: typed, read-only views whose every read is recorded, and
//! the same facts read natively (for fact tables).

use std::sync::Arc;

use chrono::{Days, NaiveDate};
use rhai::{Dynamic, Engine};
use rust_decimal::Decimal;

use super::{Res, check_value, fail, term_eq};
use crate::application::vocab::{self, Term};
use crate::application::{
    Application, BenchmarkScore, MissionProduct, Money, NcpCase, Registration, SupplyLink,
    is_field_path,
};
use crate::script::context::{self};

/// Converts an optional fact to a script value: `()` where unknown.
trait IntoDyn {
    fn into_dyn(self) -> Dynamic;
}

impl IntoDyn for Option<bool> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, Dynamic::from_bool)
    }
}
impl IntoDyn for Option<i64> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, Dynamic::from_int)
    }
}
impl IntoDyn for Option<Decimal> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, Dynamic::from_decimal)
    }
}
impl IntoDyn for Option<Term> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, Dynamic::from)
    }
}
impl IntoDyn for Option<String> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, Dynamic::from)
    }
}
impl IntoDyn for Option<NaiveDate> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, Dynamic::from)
    }
}
impl IntoDyn for Option<Money> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, Dynamic::from)
    }
}
impl IntoDyn for Option<Vec<Term>> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, |v| {
            Dynamic::from_array(v.into_iter().map(Dynamic::from).collect())
        })
    }
}
impl IntoDyn for Option<Vec<String>> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, |v| {
            Dynamic::from_array(v.into_iter().map(Dynamic::from).collect())
        })
    }
}
impl IntoDyn for Option<Vec<NcpCase>> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, |v| {
            Dynamic::from_array(v.into_iter().map(Dynamic::from).collect())
        })
    }
}
impl IntoDyn for Option<Vec<SupplyLink>> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, |v| {
            Dynamic::from_array(v.into_iter().map(Dynamic::from).collect())
        })
    }
}
impl IntoDyn for Option<Vec<MissionProduct>> {
    fn into_dyn(self) -> Dynamic {
        self.map_or(Dynamic::UNIT, |v| {
            Dynamic::from_array(v.into_iter().map(Dynamic::from).collect())
        })
    }
}
impl IntoDyn for Option<BenchmarkScore> {
    fn into_dyn(self) -> Dynamic {
        match self {
            None => Dynamic::UNIT,
            Some(BenchmarkScore::Score(n)) => Dynamic::from_int(n),
            Some(BenchmarkScore::NotInBenchmark) => Dynamic::from("not_in_benchmark"),
        }
    }
}
impl IntoDyn for Option<Registration> {
    fn into_dyn(self) -> Dynamic {
        match self {
            None => Dynamic::UNIT,
            Some(Registration::Number(n)) => Dynamic::from(n),
            Some(Registration::None) => Dynamic::from("none"),
        }
    }
}

macro_rules! views {
    ($($name:ident),*) => {
        $(
            #[derive(Clone)]
            pub(crate) struct $name(pub(crate) Arc<Application>);
        )*
    };
}
views!(
    AppView,
    ApplicantView,
    TransactionView,
    ProjectView,
    CapacityView,
    LocationView,
    LandView,
    IndigenousView,
    CoalView,
    MissionView
);

/// Registers read-only getters `$field` on `$view`, reading `section(&app).$field`, recording the
/// path `$prefix.$field`.
macro_rules! getters {
    ($e:ident, $readers:ident, $view:ident, $sty:ty, $prefix:literal, |$a:ident| $section:expr, [$($field:ident),* $(,)?]) => {{
        fn section($a: &Application) -> Option<&$sty> {
            $section
        }
        $(
            $e.register_get(stringify!($field), |v: &mut $view| -> Dynamic {
                context::record_read(concat!($prefix, ".", stringify!($field)));
                section(&v.0).and_then(|s| s.$field.clone()).into_dyn()
            });
            let peek: Peek = |a: &Application| section(a).map_or(Peeked::Unknown, |s| s.$field.peek());
            $readers.push((concat!($prefix, ".", stringify!($field)), |a: &Application| section(a).and_then(|s| s.$field.clone()).into_dyn(), Some(peek)));
        )*
    }};
}

use crate::policy::{Fact, Peek, PeekField, Peeked, Reader};

/// Every leaf path the getters read, with its readers: the script's value, and (for a gate's
/// tests) the value in place where it has one.
type Registry = Vec<(&'static str, Reader, Option<Peek>)>;

/// Every leaf path the getters read, with its reader of the script's value, in no particular
/// order (for tests; a screening looks paths up through `reader_of`, `reader` and `fact_json`).
#[cfg(test)]
pub(super) fn readers() -> impl Iterator<Item = (&'static str, Reader)> {
    facts().by_path.values().map(|f| (f.path, f.read))
}

/// Every leaf path's readers, hashed by path for the lookups of a screening (every fact a
/// finding records, every fact an indicator table tests). The paths looked up are the engine's
/// own and a pack's, never an applicant's, and nothing is added after the first use, so a
/// fixed, fast hash will do.
struct Facts {
    by_path: rustc_hash::FxHashMap<&'static str, Fact>,
}

/// The readers of every leaf path, and the paths' in-place readers.
fn facts() -> &'static Facts {
    static FACTS: std::sync::OnceLock<Facts> = std::sync::OnceLock::new();
    FACTS.get_or_init(|| {
        let mut scratch = Engine::new_raw();
        let mut list = Vec::new();
        register_views(&mut scratch, &mut list);
        Facts {
            by_path: list
                .into_iter()
                .map(|(path, read, peek)| (path, Fact { path, read, peek }))
                .collect(),
        }
    })
}

/// The path as the readers hold it, and its reader of the script's value.
pub(super) fn reader_of(path: &str) -> Option<(&'static str, Reader)> {
    facts().by_path.get(path).map(|f| (f.path, f.read))
}

/// A fact's value as a finding records it (JSON, `null` where unknown): read in place where
/// the field has an in-place form, else as the script's value. The same JSON as
/// `dyn_to_json` of the script's value (a test holds the two together on every scenario),
/// without building the script's value first.
pub(super) fn fact_json(app: &crate::application::Application, path: &str) -> serde_json::Value {
    let Some(r) = facts().by_path.get(path) else {
        return serde_json::Value::Null;
    };
    if let Some(json) = r.peek.and_then(|peek| peeked_json(&peek(app))) {
        return json;
    }
    super::dyn_to_json(&(r.read)(app))
}

/// A value read in place as JSON; `None` for a type read as the script's value.
fn peeked_json(v: &Peeked<'_>) -> Option<serde_json::Value> {
    use serde_json::Value;
    let text = |s: &str| Value::String(s.to_owned());
    Some(match v {
        Peeked::Unknown => Value::Null,
        Peeked::Bool(b) => Value::Bool(*b),
        Peeked::Int(i) => Value::from(*i),
        Peeked::Decimal(d) => Value::String(d.to_string()),
        Peeked::Term(t) => text(t.as_str()),
        Peeked::Str(s) => text(s),
        Peeked::Date(d) => Value::String(d.to_string()),
        Peeked::Terms(ts) => Value::Array(ts.iter().map(|t| text(t.as_str())).collect()),
        Peeked::Strs(ss) => Value::Array(ss.iter().map(|s| text(s)).collect()),
        Peeked::Other | Peeked::Script(_) => return None,
    })
}

/// The native readers of a fact path, with the path as the readers hold it (so reads are
/// recorded without building a string), for gates and table rules.
pub(super) fn reader(path: &str) -> Option<Fact> {
    facts().by_path.get(path).cloned()
}

/// Whether `path` is a fact scripts can read (a leaf path of the views).
pub(super) fn is_fact(path: &str) -> bool {
    facts().by_path.contains_key(path)
}

/// Every property path the getters can read (checked against the contract by a test).
#[cfg(test)]
pub(crate) fn getter_paths() -> Vec<String> {
    let mut e = Engine::new_raw();
    super::register(&mut e);
    let mut out = Vec::new();
    for f in e.gen_fn_signatures(false) {
        // `get$field(_: ProjectView) -> ...`
        if let Some(rest) = f.strip_prefix("get$")
            && let Some((field, ty)) = rest.split_once("(_: ")
        {
            let ty = ty
                .split(')')
                .next()
                .unwrap_or_default()
                .trim_start_matches("&mut ");
            let prefix = match ty {
                "Application" => "",
                "Applicant" => "applicant.",
                "Transaction" => "transaction.",
                "Project" => "project.",
                "Capacity" => "project.capacity.",
                "Location" => "project.location.",
                "Land" => "project.land.",
                "IndigenousPeoples" => "project.indigenous_peoples.",
                "Coal" => "project.coal.",
                "Mission" => "mission.",
                "NcpCase" => "applicant.ncp_cases[].",
                "SupplyLink" => "project.supply_chain[].",
                "MissionProduct" => "mission.products[].",
                "Money" => continue,
                _ => continue,
            };
            out.push(format!("{prefix}{field}"));
        }
    }
    out
}

pub(super) fn register_types(e: &mut Engine) {
    e.register_type_with_name::<Term>("Term")
        .register_fn("==", |a: Term, b: &str| term_eq(&a, b))
        .register_fn("!=", |a: Term, b: &str| term_eq(&a, b).map(|x| !x))
        .register_fn("==", |a: &str, b: Term| term_eq(&b, a))
        .register_fn("!=", |a: &str, b: Term| term_eq(&b, a).map(|x| !x))
        .register_fn("==", |a: Term, b: Term| a == b)
        .register_fn("!=", |a: Term, b: Term| a != b)
        .register_fn("to_string", |t: &mut Term| t.as_str().to_owned())
        .register_fn("to_debug", |t: &mut Term| t.as_str().to_owned());

    e.register_type_with_name::<NaiveDate>("Date")
        .register_fn("==", |a: NaiveDate, b: NaiveDate| a == b)
        .register_fn("!=", |a: NaiveDate, b: NaiveDate| a != b)
        .register_fn("<", |a: NaiveDate, b: NaiveDate| a < b)
        .register_fn("<=", |a: NaiveDate, b: NaiveDate| a <= b)
        .register_fn(">", |a: NaiveDate, b: NaiveDate| a > b)
        .register_fn(">=", |a: NaiveDate, b: NaiveDate| a >= b)
        .register_fn("+", |a: NaiveDate, days: i64| add_days(a, days))
        .register_fn("-", |a: NaiveDate, days: i64| match days.checked_neg() {
            Some(n) => add_days(a, n),
            None => fail(format!("date arithmetic out of range: {a} - {days} days")),
        })
        .register_fn("-", |a: NaiveDate, b: NaiveDate| (a - b).num_days())
        .register_fn("to_string", |d: &mut NaiveDate| d.to_string())
        .register_fn("to_debug", |d: &mut NaiveDate| d.to_string());

    e.register_type_with_name::<Money>("Money")
        .register_get("amount", |m: &mut Money| Dynamic::from_decimal(m.amount))
        .register_get("currency", |m: &mut Money| m.currency.clone())
        .register_fn("to_string", |m: &mut Money| {
            format!("{} {}", m.currency, m.amount)
        })
        .register_fn("to_debug", |m: &mut Money| {
            format!("{} {}", m.currency, m.amount)
        });

    e.register_type_with_name::<NcpCase>("NcpCase")
        .register_get("year", |c: &mut NcpCase| c.year)
        .register_get("status", |c: &mut NcpCase| c.status);
    e.register_type_with_name::<SupplyLink>("SupplyLink")
        .register_get("good", |c: &mut SupplyLink| c.good.clone())
        .register_get("country", |c: &mut SupplyLink| c.country.clone());
    e.register_type_with_name::<MissionProduct>("MissionProduct")
        .register_get("good", |c: &mut MissionProduct| c.good.clone().into_dyn())
        .register_get("sector", |c: &mut MissionProduct| {
            c.sector.clone().into_dyn()
        });
}

fn add_days(d: NaiveDate, days: i64) -> Res<NaiveDate> {
    let r = if days >= 0 {
        d.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    r.map_or_else(
        || fail(format!("date arithmetic out of range: {d} + {days} days")),
        Ok,
    )
}

pub(super) fn register_views(e: &mut Engine, readers: &mut Registry) {
    e.register_type_with_name::<AppView>("Application")
        .register_type_with_name::<ApplicantView>("Applicant")
        .register_type_with_name::<TransactionView>("Transaction")
        .register_type_with_name::<ProjectView>("Project")
        .register_type_with_name::<CapacityView>("Capacity")
        .register_type_with_name::<LocationView>("Location")
        .register_type_with_name::<LandView>("Land")
        .register_type_with_name::<IndigenousView>("IndigenousPeoples")
        .register_type_with_name::<CoalView>("Coal")
        .register_type_with_name::<MissionView>("Mission");

    // Top level.
    e.register_get("reference", |v: &mut AppView| v.0.reference.clone());
    e.register_get("instrument", |v: &mut AppView| {
        v.0.instrument.as_str().to_owned()
    });
    e.register_get("application_date", |v: &mut AppView| {
        context::record_read("application_date");
        Dynamic::from(v.0.application_date)
    });
    readers.push((
        "application_date",
        |a: &Application| Dynamic::from(a.application_date),
        None,
    ));
    readers.push((
        "documents",
        |a: &Application| a.documents.clone().into_dyn(),
        None,
    ));
    readers.push((
        "refusals",
        |a: &Application| a.refusals.clone().into_dyn(),
        None,
    ));
    readers.push((
        "information_deadline",
        |a: &Application| a.information_deadline.into_dyn(),
        None,
    ));
    e.register_get("applicant", |v: &mut AppView| {
        ApplicantView(Arc::clone(&v.0))
    });
    e.register_get("transaction", |v: &mut AppView| {
        TransactionView(Arc::clone(&v.0))
    });
    e.register_get("project", |v: &mut AppView| ProjectView(Arc::clone(&v.0)));
    e.register_get("mission", |v: &mut AppView| MissionView(Arc::clone(&v.0)));
    e.register_get("documents", |v: &mut AppView| {
        context::record_read("documents");
        v.0.documents.clone().into_dyn()
    });
    e.register_get("refusals", |v: &mut AppView| {
        context::record_read("refusals");
        v.0.refusals.clone().into_dyn()
    });
    e.register_get("information_deadline", |v: &mut AppView| {
        context::record_read("information_deadline");
        v.0.information_deadline.into_dyn()
    });
    e.register_fn("has_document", |v: &mut AppView, step: &str| -> Res<bool> {
        check_value(&vocab::STEP, step)?;
        context::record_read("documents");
        Ok(v.0.has_document(step))
    });
    e.register_fn("refused", |v: &mut AppView, path: &str| -> Res<bool> {
        if !is_field_path(path) {
            return fail(format!("`{path}` is not a field path of the contract"));
        }
        Ok(v.0
            .refusals
            .as_ref()
            .is_some_and(|r| r.iter().any(|p| p == path)))
    });

    views_applicant_transaction(e, readers);
    views_project(e, readers);
    views_project_parts(e, readers);
}

/// The applicant's and the transaction's facts.
fn views_applicant_transaction(e: &mut Engine, readers: &mut Registry) {
    getters!(
        e,
        readers,
        ApplicantView,
        crate::application::Applicant,
        "applicant",
        |a| Some(&a.applicant),
        [
            name,
            kvk_number,
            size,
            oecd_guidelines_commitment,
            anti_bribery_declaration,
            due_diligence_policy,
            sector_agreement,
            transparency_benchmark_score,
            ncp_cases,
            adverse_media,
            proven_bribery,
            financial_intermediary,
            sanctions_screening,
            self_assessment_completed
        ]
    );
    getters!(
        e,
        readers,
        TransactionView,
        crate::application::Transaction,
        "transaction",
        |a| a.transaction.as_ref(),
        [
            contract_value,
            support_amount,
            project_capital_cost,
            repayment_term_months,
            goods,
            product,
            buyer_type,
            expected_final_commitment,
            disclosure_date,
            agent_involved,
            agent_fees_disclosed,
            buyer_sanctions_screening,
            end_user_sanctions_screening,
            ifc_performance_standards,
            equator_principles_cofinancier,
            epfi_commitment
        ]
    );
    e.register_get("capacity", |v: &mut ProjectView| {
        CapacityView(Arc::clone(&v.0))
    });
    e.register_get("location", |v: &mut ProjectView| {
        LocationView(Arc::clone(&v.0))
    });
    e.register_get("land", |v: &mut ProjectView| LandView(Arc::clone(&v.0)));
    e.register_get("indigenous_peoples", |v: &mut ProjectView| {
        IndigenousView(Arc::clone(&v.0))
    });
    e.register_get("coal", |v: &mut ProjectView| CoalView(Arc::clone(&v.0)));
}

/// The project's own facts and its capacity.
fn views_project(e: &mut Engine, readers: &mut Registry) {
    getters!(
        e,
        readers,
        ProjectView,
        crate::application::Project,
        "project",
        |a| a.project.as_ref(),
        [
            country,
            sector,
            stage,
            activities,
            technology,
            fuel,
            destination_regime,
            human_rights_risk,
            ghg_scope12_tco2e_per_year,
            fossil_fuel_chain,
            fossil_exception,
            exclusion_list_activities,
            security_forces,
            workforce,
            workers_under_18,
            collective_dismissals,
            worker_accommodation,
            dams_or_tailings,
            dams_in_high_risk_location,
            significant_community_impacts,
            associated_facilities,
            cumulative_impacts,
            critical_habitat_conditions_met,
            conversion_risk_sourcing,
            benchmark_deviation,
            supply_chain
        ]
    );
    e.register_fn(
        "has_activity",
        |v: &mut ProjectView, code: &str| -> Res<Dynamic> {
            check_value(&vocab::ACTIVITY, code)?;
            context::record_read("project.activities");
            let acts = v.0.project.as_ref().and_then(|p| p.activities.as_ref());
            Ok(acts.map_or(Dynamic::UNIT, |a| {
                Dynamic::from_bool(a.iter().any(|t| t.as_str() == code))
            }))
        },
    );
    e.register_get("sector_section", |v: &mut ProjectView| -> Dynamic {
        let s = v.0.project.as_ref().and_then(|p| p.sector.clone());
        context::record_read("project.sector");
        s.and_then(|s| crate::codes::isic_section(&s))
            .map_or(Dynamic::UNIT, |x| Dynamic::from(x.to_owned()))
    });
    getters!(
        e,
        readers,
        CapacityView,
        crate::application::Capacity,
        "project.capacity",
        |a| a.project.as_ref().and_then(|p| p.capacity.as_ref()),
        [
            thermal_mw,
            electrical_mw,
            road_km,
            road_lanes,
            runway_m,
            vessel_tonnes,
            storage_tonnes,
            population_equivalent,
            reservoir_m3,
            dam_height_m,
            groundwater_m3_per_year,
            paper_adt_per_day,
            tannery_tonnes_per_day,
            coal_gasification_tonnes_per_day,
            asbestos_tonnes_per_year,
            asbestos_product,
            broiler_places,
            hen_places,
            pig_places,
            sow_places,
            transmission_kv,
            line_km,
            pipeline_km,
            pipeline_diameter_mm
        ]
    );
}

/// The facts of the project's location, land, indigenous peoples and coal, and the mission's.
fn views_project_parts(e: &mut Engine, readers: &mut Registry) {
    getters!(
        e,
        readers,
        LocationView,
        crate::application::Location,
        "project.location",
        |a| a.project.as_ref().and_then(|p| p.location.as_ref()),
        [
            protected_area,
            key_biodiversity_area,
            ramsar_site,
            biosphere_reserve,
            critical_habitat,
            natural_habitat,
            world_heritage_site,
            cultural_heritage,
            indigenous_peoples_present,
            conflict_affected,
            offshore
        ]
    );
    getters!(
        e,
        readers,
        LandView,
        crate::application::Land,
        "project.land",
        |a| a.project.as_ref().and_then(|p| p.land.as_ref()),
        [
            acquisition,
            involuntary_use_restrictions,
            physically_displaced_people,
            economically_displaced_people
        ]
    );
    getters!(
        e,
        readers,
        IndigenousView,
        crate::application::IndigenousPeoples,
        "project.indigenous_peoples",
        |a| a
            .project
            .as_ref()
            .and_then(|p| p.indigenous_peoples.as_ref()),
        [
            relocation,
            impacts_on_customary_land,
            critical_cultural_heritage,
            commercial_use_of_cultural_heritage
        ]
    );
    getters!(
        e,
        readers,
        CoalView,
        crate::application::Coal,
        "project.coal",
        |a| a.project.as_ref().and_then(|p| p.coal.as_ref()),
        [
            coal_fired_power,
            operational_ccus,
            ccus_retrofit,
            pollution_abatement_only,
            extends_plant_life
        ]
    );
    getters!(
        e,
        readers,
        MissionView,
        crate::application::Mission,
        "mission",
        |a| a.mission.as_ref(),
        [
            destination,
            start_date,
            self_assessment_deadline,
            destination_regime,
            voucher,
            objectives_conflict,
            products
        ]
    );
}
