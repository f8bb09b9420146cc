//! What scripts can see and call.
//!
//! * The application, read-only, through typed views: `app.project.capacity.thermal_mw` is a
//!   decimal or `()` (unknown); a misspelt property is an error. Closed vocabularies come back as
//!   terms that compare with strings, and comparing with a string outside the vocabulary is an
//!   error. Every read is recorded as a fact of the findings the rule then reports.
//! * Reporting, one call per effect of the contract, each naming its rule id: `floor`,
//!   `require`, `require_disclosure`, `trigger`, `missing`, `refer`, `decline`, `info`,
//!   `risk_level`, `no_category`.
//! * Parameters (`param`, `meets`), tables (`lookup`, `in_table`), dates (`as_of`, `date`) and
//!   earlier phases (`fired`, `triggered`, `category`).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, Map, NativeCallContext};
use rust_decimal::Decimal;
use serde_json::Value;

use super::context::{self, Ctx, StepAcc};
use super::engine::charge;
use crate::application::vocab::{self, Term, Vocab};
use crate::application::{
    Application, BenchmarkScore, MissionProduct, Money, NcpCase, Registration, SupplyLink,
    is_field_path,
};
use crate::decision::{Assumption, Category, Effect, Finding, Move, Pointer, RateUsed, Source};
use crate::policy::{ParamValue, Phase};

type Res<T> = Result<T, Box<EvalAltResult>>;

fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(msg.into().into())
}

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
            $readers.push((concat!($prefix, ".", stringify!($field)), |a: &Application| section(a).and_then(|s| s.$field.clone()).into_dyn()));
        )*
    }};
}

/// Reads one fact of an application (`()` where unknown).
type Reader = fn(&Application) -> Dynamic;

/// Every leaf path the getters read, with a host-side reader: for `indicators`, which checks a
/// table of facts natively instead of building the table inside a script.
fn readers() -> &'static std::collections::BTreeMap<&'static str, Reader> {
    static READERS: std::sync::OnceLock<std::collections::BTreeMap<&'static str, Reader>> =
        std::sync::OnceLock::new();
    READERS.get_or_init(|| {
        let mut scratch = Engine::new_raw();
        let mut list = Vec::new();
        register_views(&mut scratch, &mut list);
        list.into_iter().collect()
    })
}

/// Every property path the getters can read (checked against the contract by a test).
#[cfg(test)]
pub(crate) fn getter_paths() -> Vec<String> {
    let mut e = Engine::new_raw();
    register(&mut e);
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

fn term_eq(t: &Term, s: &str) -> Res<bool> {
    match t.vocab().term(s) {
        Some(other) => Ok(other == *t),
        None => fail(format!(
            "`{s}` is not a value of `{}` (expected {})",
            t.vocab().name,
            t.vocab().expected()
        )),
    }
}

fn check_value(vocab: &'static Vocab, s: &str) -> Res<()> {
    if vocab.term(s).is_some() {
        Ok(())
    } else {
        fail(format!(
            "`{s}` is not a value of `{}` (expected {})",
            vocab.name,
            vocab.expected()
        ))
    }
}

pub(crate) fn register(e: &mut Engine) {
    register_types(e);
    register_views(e, &mut Vec::new());
    register_reporting(e);
    register_queries(e);
}

fn register_types(e: &mut Engine) {
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

fn register_views(e: &mut Engine, readers: &mut Vec<(&'static str, Reader)>) {
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
    readers.push(("application_date", |a: &Application| {
        Dynamic::from(a.application_date)
    }));
    readers.push(("documents", |a: &Application| {
        a.documents.clone().into_dyn()
    }));
    readers.push(("refusals", |a: &Application| a.refusals.clone().into_dyn()));
    readers.push(("information_deadline", |a: &Application| {
        a.information_deadline.into_dyn()
    }));
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

/// The current rule's id, checking that `rule_id` is it or one of its items.
fn current_rule<'a>(c: &'a Ctx, rule_id: &str, call: &str) -> Res<&'a crate::policy::Rule> {
    let Some(pack) = c.pack.as_ref() else {
        return fail(format!("`{call}` may only be called from a rule function"));
    };
    let Some(current) = pack.rules.get(c.rule) else {
        return fail(format!("`{call}` may only be called from a rule function"));
    };
    if rule_id == current.id {
        return Ok(current);
    }
    let is_item = rule_id
        .strip_prefix(current.id.as_str())
        .is_some_and(|rest| rest.starts_with('.'));
    match pack.rule(rule_id) {
        Some(r) if is_item => Ok(r),
        Some(_) => fail(format!(
            "`{call}` names rule `{rule_id}` from the function of rule `{}`; a rule reports only itself and its items",
            current.id
        )),
        None => fail(format!(
            "rule `{rule_id}` is not in the rule table of pack `{}`",
            pack.manifest.id
        )),
    }
}

fn dyn_to_json(d: &Dynamic) -> Value {
    if d.is_unit() {
        Value::Null
    } else if let Ok(b) = d.as_bool() {
        Value::Bool(b)
    } else if let Ok(i) = d.as_int() {
        Value::from(i)
    } else if let Ok(x) = d.as_decimal() {
        Value::String(x.to_string())
    } else if d.is_string() {
        Value::String(d.to_string())
    } else if let Some(t) = d.read_lock::<Term>() {
        Value::String(t.as_str().to_owned())
    } else if let Some(x) = d.read_lock::<NaiveDate>() {
        Value::String(x.to_string())
    } else if let Some(m) = d.read_lock::<Money>() {
        serde_json::to_value(&*m).unwrap_or(Value::Null)
    } else if let Some(c) = d.read_lock::<NcpCase>() {
        serde_json::to_value(&*c).unwrap_or(Value::Null)
    } else if let Some(c) = d.read_lock::<SupplyLink>() {
        serde_json::to_value(&*c).unwrap_or(Value::Null)
    } else if let Some(c) = d.read_lock::<MissionProduct>() {
        serde_json::to_value(&*c).unwrap_or(Value::Null)
    } else if let Some(a) = d.read_lock::<Array>() {
        Value::Array(a.iter().map(dyn_to_json).collect())
    } else {
        Value::String(d.to_string())
    }
}

/// Operations one reported finding costs against its rule's budget (1,000 findings at most
/// under the default 100,000 operations).
const REPORT_COST: u64 = 100;

/// Adds a finding of the current rule.
fn report(rule_id: &str, call: &str, effect: Effect, value: Option<&str>, reason: &str) -> Res<()> {
    // A finding is copied into the decision with the facts its rule read: charged as such, so a
    // rule reporting in a loop runs out of budget long before it floods the decision.
    charge(REPORT_COST)?;
    if reason.trim().is_empty() {
        return fail(format!("`{call}` needs a reason"));
    }
    context::with(|c| -> Res<()> {
        let rule = current_rule(c, rule_id, call)?;
        let Some(pack) = c.pack.as_ref() else {
            return fail("no pack");
        };
        let app = &c.app;
        let facts: BTreeMap<String, Value> = c
            .reads
            .iter()
            .map(|p| {
                (
                    (*p).to_owned(),
                    readers()
                        .get(p)
                        .map_or(Value::Null, |read| dyn_to_json(&read(app))),
                )
            })
            .collect();
        let finding = Finding {
            rule_id: rule.id.clone(),
            pack: pack.manifest.id.clone(),
            pack_version: pack.manifest.version.clone(),
            effect,
            value: value.map(str::to_owned),
            source: Source {
                document: rule.document.clone(),
                section: rule.section.clone(),
            },
            evidence_level: rule.evidence_level.clone(),
            verified: rule.verified,
            facts,
            reason: reason.to_owned(),
        };
        c.out.findings.push(finding);
        Ok(())
    })
    .unwrap_or_else(|| fail(format!("`{call}` may only be called during a screening")))
}

fn in_phase(call: &str, allowed: &[Phase]) -> Res<()> {
    let phase = context::with(|c| c.phase).unwrap_or(Phase::Facts);
    if allowed.contains(&phase) {
        Ok(())
    } else {
        let names: Vec<&str> = allowed.iter().map(|p| p.as_str()).collect();
        fail(format!(
            "`{call}` may only be called in the {} phase, not in {}",
            names.join(" or "),
            phase.as_str()
        ))
    }
}

/// `missing(rule, path, reason)`: a fact needed by the rule is unknown.
fn missing(rule: &str, path: &str, reason: &str) -> Res<()> {
    if !is_field_path(path) {
        return fail(format!("`{path}` is not a field path of the contract"));
    }
    report(
        rule,
        "missing",
        Effect::InsufficientInformation,
        None,
        reason,
    )?;
    let rule = rule.to_owned();
    let _ = context::with(|c| {
        // A fact missing for a floors-phase rule of the instrument's own packs could still
        // raise the category; an overlay's, a step's, or a facts-phase rule's cannot, unless
        // the rule says where the fact would move it (the five-argument `missing`).
        let overlay = c.pack.as_ref().is_some_and(|p| p.manifest.overlay);
        if !overlay && c.phase == Phase::Floors {
            c.out.missing_for_category.insert(path.to_owned());
        }
        c.out
            .missing
            .entry(path.to_owned())
            .or_default()
            .insert(rule)
    });
    Ok(())
}

fn register_reporting(e: &mut Engine) {
    e.register_fn(
        "floor",
        |rule: &str, category: &str, reason: &str| -> Res<()> {
            in_phase("floor", &[Phase::Facts, Phase::Floors])?;
            let Some(cat) = Category::from_name(category) else {
                return fail(format!(
                    "`{category}` is not a category (expected `A`, `B` or `C`)"
                ));
            };
            report(rule, "floor", Effect::CategoryFloor, Some(category), reason)?;
            let _ = context::with(|c| c.out.floor = c.out.floor.max(Some(cat)));
            Ok(())
        },
    );
    e.register_fn(
        "require",
        |rule: &str, step: &str, reason: &str| -> Res<()> {
            check_value(&vocab::STEP, step)?;
            report(rule, "require", Effect::Require, Some(step), reason)?;
            let rule = rule.to_owned();
            let _ = context::with(|c| {
                c.out
                    .steps
                    .entry(step.to_owned())
                    .or_insert_with(StepAcc::default)
                    .rule_ids
                    .insert(rule)
            });
            Ok(())
        },
    );
    e.register_fn(
        "require_disclosure",
        |rule: &str, step: &str, days: i64, reason: &str| -> Res<()> {
            check_value(&vocab::STEP, step)?;
            if !(0..=3650).contains(&days) {
                return fail(format!(
                    "disclosure period of {days} days is not between 0 and 3650"
                ));
            }
            report(
                rule,
                "require_disclosure",
                Effect::Require,
                Some(step),
                reason,
            )?;
            let rule = rule.to_owned();
            let _ = context::with(|c| {
                let s = c
                    .out
                    .steps
                    .entry(step.to_owned())
                    .or_insert_with(StepAcc::default);
                s.rule_ids.insert(rule);
                s.disclosure_days = s.disclosure_days.max(Some(days));
            });
            Ok(())
        },
    );
    e.register_fn(
        "trigger",
        |rule: &str, standard: &str, reason: &str| -> Res<()> {
            check_value(&vocab::PERFORMANCE_STANDARD, standard)?;
            report(rule, "trigger", Effect::Trigger, Some(standard), reason)
        },
    );
    e.register_fn("missing", missing);
    e.register_fn(
        "missing",
        |rule: &str, path: &str, reason: &str, value: Dynamic, to: &str| -> Res<()> {
            missing(rule, path, reason)?;
            let Some(to) = Move::from_name(to) else {
                return fail(format!(
                    "`{to}` is not where a fact can move the category (expected `A`, `B`, `C` or `not_categorised`)"
                ));
            };
            let value = dyn_to_json(&value);
            let rule = rule.to_owned();
            let _ = context::with(|c| {
                let overlay = c.pack.as_ref().is_some_and(|p| p.manifest.overlay);
                if !overlay && matches!(c.phase, Phase::Facts | Phase::Floors) {
                    c.out.missing_for_category.insert(path.to_owned());
                    c.out.moves.push((path.to_owned(), value, to, rule));
                }
            });
            Ok(())
        },
    );
    e.register_fn(
        "assume",
        |rule: &str, path: &str, value: &str, why: &str| -> Res<()> {
            in_phase("assume", &[Phase::Facts, Phase::Floors])?;
            let Some(read) = readers().get(path) else {
                return fail(format!("`{path}` is not a field path of the contract"));
            };
            if value.trim().is_empty() || why.trim().is_empty() {
                return fail("`assume` needs the value assumed and why");
            }
            context::with(|c| -> Res<()> {
                if !read(&c.app).is_unit() {
                    return fail(format!(
                        "`{path}` is known: only an unknown fact can be assumed"
                    ));
                }
                let r = current_rule(c, rule, "assume")?;
                let assumption = Assumption {
                    path: path.to_owned(),
                    value: value.to_owned(),
                    why: why.to_owned(),
                    rule_id: r.id.clone(),
                    source: Source {
                        document: r.document.clone(),
                        section: r.section.clone(),
                    },
                };
                c.out.assumed.entry(path.to_owned()).or_insert(assumption);
                Ok(())
            })
            .unwrap_or_else(|| fail("`assume` may only be called during a screening"))
        },
    );
    e.register_fn(
        "typical",
        |rule: &str, category: &str, reason: &str| -> Res<()> {
            in_phase("typical", &[Phase::Floors])?;
            let Some(category) = Category::from_name(category) else {
                return fail(format!(
                    "`{category}` is not a category (expected `A`, `B` or `C`)"
                ));
            };
            if reason.trim().is_empty() {
                return fail("`typical` needs a reason");
            }
            context::with(|c| -> Res<()> {
                let rule_id = current_rule(c, rule, "typical")?.id.clone();
                let overlay = c.pack.as_ref().is_some_and(|p| p.manifest.overlay);
                if !overlay {
                    c.out.typical.push(Pointer {
                        rule_id,
                        category,
                        reason: reason.to_owned(),
                    });
                }
                Ok(())
            })
            .unwrap_or_else(|| fail("`typical` may only be called during a screening"))
        },
    );
    e.register_fn("refer", |rule: &str, reason: &str| {
        report(rule, "refer", Effect::Refer, None, reason)
    });
    e.register_fn("decline", |rule: &str, reason: &str| {
        report(rule, "decline", Effect::Decline, None, reason)
    });
    e.register_fn("info", |rule: &str, reason: &str| {
        report(rule, "info", Effect::Info, None, reason)
    });
    e.register_fn(
        "risk_level",
        |rule: &str, level: &str, reason: &str| -> Res<()> {
            in_phase("risk_level", &[Phase::Steps])?;
            check_value(&vocab::RISK_LEVEL, level)?;
            report(rule, "risk_level", Effect::RiskLevel, Some(level), reason)
        },
    );
    e.register_fn("no_category", |rule: &str, reason: &str| -> Res<()> {
        in_phase("no_category", &[Phase::Facts, Phase::Floors])?;
        report(rule, "no_category", Effect::Info, None, reason)?;
        let reason = reason.to_owned();
        let _ = context::with(|c| c.out.category_reasons.insert(reason));
        Ok(())
    });
}

fn param_value(name: &str) -> Res<ParamValue> {
    context::with(|c| -> Res<ParamValue> {
        let Some(pack) = c.pack.as_ref() else {
            return fail("`param` may only be called from a rule function");
        };
        match pack.params.get(name) {
            Some(p) => Ok(p.value.clone()),
            None => fail(format!(
                "parameter `{name}` is not in the table of pack `{}`",
                pack.manifest.id
            )),
        }
    })
    .unwrap_or_else(|| fail("`param` may only be called during a screening"))
}

fn param_dyn(v: ParamValue) -> Dynamic {
    match v {
        ParamValue::Decimal(d) => Dynamic::from_decimal(d),
        ParamValue::Int(i) => Dynamic::from_int(i),
        ParamValue::Money(m) => Dynamic::from(m),
        ParamValue::Date(d) => Dynamic::from(d),
    }
}

/// Compares two amounts without dividing: `a.amount * u(b) <=> b.amount * u(a)`, where `u(x)` is
/// units of x per SDR at the rate in force on the application date. Records the rates used.
fn compare_money(c: &mut Ctx, a: &Money, b: &Money) -> Res<std::cmp::Ordering> {
    if a.currency == b.currency {
        return Ok(a.amount.cmp(&b.amount));
    }
    let date = c.app.application_date;
    let Some(rates) = c.rates.clone() else {
        return fail("the policy set has no SDR rate table (`data/sdr-rates`)");
    };
    let mut units = |cur: &str| -> Res<Decimal> {
        match rates.rate(cur, date) {
            Some(r) => {
                if cur != "XDR"
                    && !c
                        .out
                        .rates_used
                        .iter()
                        .any(|u| u.to == cur && u.date == r.date)
                {
                    c.out.rates_used.insert(RateUsed {
                        from: "XDR".into(),
                        to: cur.to_owned(),
                        rate: r.units_per_sdr.to_string(),
                        date: r.date,
                        source: format!("{}; {}", r.method, rates.source),
                    });
                }
                Ok(r.units_per_sdr)
            }
            None => fail(format!(
                "no SDR rate for `{cur}` on or before {date} in table `sdr-rates` (version {}); the rates cover EUR, USD, GBP, JPY and CNY",
                rates.version
            )),
        }
    };
    let (ua, ub) = (units(&a.currency)?, units(&b.currency)?);
    match (a.amount.checked_mul(ub), b.amount.checked_mul(ua)) {
        (Some(x), Some(y)) => Ok(x.cmp(&y)),
        _ => fail(format!(
            "amounts too large to compare exactly: {} {} and {} {}",
            a.currency, a.amount, b.currency, b.amount
        )),
    }
}

/// `meeting(name)`: a value of the fact that meets a threshold parameter: the threshold itself
/// where the comparator includes it, one unit past it where it does not. A rule reports it as the
/// value that would move the category (`missing(rule, path, reason, meeting(name), "A")`).
fn meeting(name: &str) -> Res<Dynamic> {
    use crate::policy::Comparator;
    let (value, comparator) = context::with(|c| {
        c.pack
            .as_ref()
            .and_then(|p| p.params.get(name))
            .map(|p| (p.value.clone(), p.comparator))
    })
    .flatten()
    .ok_or_else(|| format!("parameter `{name}` is not in the pack's table"))
    .or_else(fail)?;
    let step = match comparator {
        Some(Comparator::MoreThan) => 1,
        Some(Comparator::LessThan) => -1,
        Some(Comparator::AtLeast | Comparator::AtMost) => 0,
        None => return fail(format!("parameter `{name}` has no comparator")),
    };
    Ok(match value {
        ParamValue::Decimal(d) => Dynamic::from_decimal(d + Decimal::from(step)),
        ParamValue::Int(i) => Dynamic::from_int(i.saturating_add(step)),
        other => param_dyn(other),
    })
}

fn meets(name: &str, fact: &Dynamic) -> Res<bool> {
    let cmp = context::with(
        |c| -> Res<(ParamValue, Option<crate::policy::Comparator>)> {
            let Some(pack) = c.pack.as_ref() else {
                return fail("`meets` may only be called from a rule function");
            };
            match pack.params.get(name) {
                Some(p) => Ok((p.value.clone(), p.comparator)),
                None => fail(format!(
                    "parameter `{name}` is not in the table of pack `{}`",
                    pack.manifest.id
                )),
            }
        },
    )
    .unwrap_or_else(|| fail("`meets` may only be called during a screening"))?;
    let (threshold, Some(comparator)) = cmp else {
        return fail(format!(
            "parameter `{name}` has no comparator, so `meets` cannot use it; read it with `param`"
        ));
    };
    if fact.is_unit() {
        return fail(format!(
            "`meets(\"{name}\", ...)` got an unknown value: check for `()` first and report it as missing"
        ));
    }
    let ordering = match &threshold {
        ParamValue::Decimal(t) => match (fact.as_decimal(), fact.as_int()) {
            (Ok(x), _) => x.cmp(t),
            (_, Ok(i)) => Decimal::from(i).cmp(t),
            _ => {
                return fail(format!(
                    "`meets(\"{name}\", ...)` compares a number with a {}",
                    fact.type_name()
                ));
            }
        },
        ParamValue::Int(t) => match (fact.as_int(), fact.as_decimal()) {
            (Ok(i), _) => i.cmp(t),
            (_, Ok(x)) => x.cmp(&Decimal::from(*t)),
            _ => {
                return fail(format!(
                    "`meets(\"{name}\", ...)` compares a number with a {}",
                    fact.type_name()
                ));
            }
        },
        ParamValue::Date(t) => match fact.read_lock::<NaiveDate>() {
            Some(d) => d.cmp(t),
            None => {
                return fail(format!(
                    "`meets(\"{name}\", ...)` compares a date with a {}",
                    fact.type_name()
                ));
            }
        },
        ParamValue::Money(t) => {
            let Some(m) = fact.read_lock::<Money>().map(|m| m.clone()) else {
                return fail(format!(
                    "`meets(\"{name}\", ...)` compares an amount of money with a {}",
                    fact.type_name()
                ));
            };
            context::with(|c| compare_money(c, &m, t))
                .unwrap_or_else(|| fail("`meets` may only be called during a screening"))?
        }
    };
    Ok(comparator.holds(ordering))
}

/// `in_table_within(table, code)`: a key of the table lies within `code` (starts with it), so a
/// coarse code (an ISIC division) covers a finer listed one (a group).
fn table_has_key_within(table: &str, prefix: &str) -> Res<bool> {
    context::with(|c| -> Res<bool> {
        let Some(pack) = c.pack.as_ref() else {
            return fail("`in_table_within` may only be called from a rule function");
        };
        let Some(t) = pack.tables.get(table) else {
            return fail(format!(
                "table `{table}` is not available to pack `{}`",
                pack.manifest.id
            ));
        };
        charge(t.rows.len() as u64)?;
        Ok(!prefix.is_empty() && t.rows.keys().any(|k| k.starts_with(prefix)))
    })
    .unwrap_or_else(|| fail("`in_table_within` may only be called during a screening"))
}

fn table_row(table: &str, key: &str) -> Res<Option<Map>> {
    context::with(|c| -> Res<Option<Map>> {
        let Some(pack) = c.pack.as_ref() else {
            return fail("`lookup` may only be called from a rule function");
        };
        let Some(t) = pack.tables.get(table) else {
            return fail(format!(
                "table `{table}` is not available to pack `{}`",
                pack.manifest.id
            ));
        };
        Ok(t.rows.get(key).map(|row| {
            t.columns
                .iter()
                .zip(row)
                .map(|(k, v)| (k.as_str().into(), Dynamic::from(v.clone())))
                .collect()
        }))
    })
    .unwrap_or_else(|| fail("`lookup` may only be called during a screening"))
}

/// `memo("helper", app)`: calls the pack's helper function once per screening and returns the
/// remembered value afterwards. For derived facts (scope, review, project status) that many rules
/// gate on; such a helper may depend on the application only (`category`, `fired` and
/// `triggered` are refused inside it). The first call records the helper's reads; later calls
/// read nothing.
fn memo(ctx: NativeCallContext, name: ImmutableString, app: Dynamic) -> Res<Dynamic> {
    let key =
        context::with(|c| c.pack.as_ref().map_or(0, |p| Arc::as_ptr(p) as usize)).unwrap_or(0);
    let hit = context::with(|c| {
        c.memo
            .iter()
            .find(|(k, n, _)| *k == key && *n == name)
            .map(|(_, _, v)| v.clone())
    })
    .flatten();
    if let Some(v) = hit {
        return Ok(v);
    }
    let f = FnPtr::new(name.clone())?;
    let _ = context::with(|c| c.in_memo += 1);
    let result: Res<Dynamic> = f.call_within_context(&ctx, (app,));
    let _ = context::with(|c| c.in_memo = c.in_memo.saturating_sub(1));
    let v = result?;
    let _ = context::with(|c| c.memo.push((key, name, v.clone())));
    Ok(v)
}

/// The columns of an indicator table.
pub(crate) const INDICATOR_COLUMNS: [&str; 4] = ["path", "test", "value", "label"];
/// The tests an indicator table may use.
pub(crate) const INDICATOR_TESTS: [&str; 6] = [
    "is_true",
    "greater_than",
    "one_of",
    "starts_with",
    "not_equal",
    "meets",
];

/// Checks the rows of an indicator or threshold table at load: known facts, activities and
/// tests. Returns the problems; a table of other columns is not checked.
pub(crate) fn check_fact_table(
    t: &crate::policy::Table,
    is_param: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let columns: Vec<&str> = t.columns.iter().map(String::as_str).collect();
    let (activity, path, test, value) = if columns == INDICATOR_COLUMNS {
        (None, 0, 1, 2)
    } else if columns == THRESHOLD_COLUMNS {
        (Some(0), 2, 3, 4)
    } else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in t.rows.values() {
        let cell = |i: usize| row.get(i).map_or("", String::as_str);
        let (path, test, value) = (cell(path), cell(test), cell(value));
        if test == "meets" && !is_param(value) {
            out.push(format!(
                "`{path}` is compared with parameter `{value}`, which is not in the pack's parameter table"
            ));
        }
        if let Some(a) = activity {
            if vocab::ACTIVITY.term(cell(a)).is_none() {
                out.push(format!("`{}` is not an activity code", cell(a)));
            }
            if test == "always" {
                if !path.is_empty() {
                    out.push(format!("test `always` of `{}` takes no path", cell(a)));
                }
                continue;
            }
            if test == "is_unknown" {
                if !readers().contains_key(path) {
                    out.push(format!("`{path}` is not a fact of the application"));
                }
                continue;
            }
        }
        if !readers().contains_key(path) {
            out.push(format!("`{path}` is not a fact of the application"));
        }
        if !INDICATOR_TESTS.contains(&test) {
            out.push(format!(
                "test `{test}` of `{path}` is not one of {}{}",
                INDICATOR_TESTS.join(", "),
                if activity.is_some() {
                    ", always, is_unknown"
                } else {
                    ""
                }
            ));
        }
    }
    out
}

fn dyn_text(v: &Dynamic) -> Option<String> {
    if let Some(t) = v.read_lock::<Term>() {
        return Some(t.as_str().to_owned());
    }
    v.is_string().then(|| v.to_string())
}

fn dyn_decimal(v: &Dynamic) -> Option<Decimal> {
    v.as_decimal()
        .ok()
        .or_else(|| v.as_int().ok().map(Decimal::from))
}

/// The table a rule's pack may read, by name.
fn pack_table(table: &str) -> Res<Arc<crate::policy::Table>> {
    context::with(|c| c.pack.as_ref().and_then(|p| p.tables.get(table).cloned()))
        .flatten()
        .map_or_else(
            || fail(format!("table `{table}` is not available to this pack")),
            Ok,
        )
}

/// Evaluates one test of an indicator or threshold row on the application, recording the fact
/// read: `Some(holds)`, or `None` where the fact is unknown.
fn test_fact(
    app: &Application,
    table: &str,
    path: &str,
    test: &str,
    value: &str,
) -> Res<(Option<bool>, &'static str)> {
    let Some((&key, reader)) = readers().get_key_value(path) else {
        return fail(format!(
            "table `{table}`: `{path}` is not a fact of the application"
        ));
    };
    let v = reader(app);
    context::record_read(key);
    if v.is_unit() {
        return Ok((None, key));
    }
    let holds = match test {
        "is_true" => v.as_bool() == Ok(true),
        "greater_than" => match (dyn_decimal(&v), value.parse::<Decimal>()) {
            (Some(x), Ok(t)) => x > t,
            _ => {
                return fail(format!(
                    "table `{table}`: `{path}` is not a number, or `{value}` is not"
                ));
            }
        },
        "one_of" => dyn_text(&v).is_some_and(|x| value.split('|').any(|o| o == x)),
        "starts_with" => dyn_text(&v).is_some_and(|x| value.split('|').any(|o| x.starts_with(o))),
        "not_equal" => dyn_text(&v).is_some_and(|x| x != value),
        "meets" => meets(value, &v)?,
        other => return fail(format!("table `{table}`: unknown test `{other}`")),
    };
    Ok((Some(holds), key))
}

fn present_unknown(present: Array, unknown: Array) -> Map {
    let mut out = Map::new();
    out.insert("present".into(), Dynamic::from_array(present));
    out.insert("unknown".into(), Dynamic::from_array(unknown));
    out
}

/// `indicators(app, "table")`: evaluates every row of an indicator table (columns `path`, `test`,
/// `value`, `label`) natively and returns `#{present: [labels], unknown: [paths]}`, recording
/// each fact read. Lists of facts to check belong in data, not in arrays rebuilt by a script.
fn indicators(app: &Application, table: &str) -> Res<Map> {
    let t = pack_table(table)?;
    charge(t.rows.len() as u64)?;
    if t.columns.iter().map(String::as_str).ne(INDICATOR_COLUMNS) {
        return fail(format!(
            "table `{table}` is not an indicator table (columns {})",
            INDICATOR_COLUMNS.join(",")
        ));
    }
    let (mut present, mut unknown, mut at) = (Array::new(), Array::new(), Map::new());
    for row in t.rows.values() {
        let cell = |i: usize| row.get(i).map_or("", String::as_str);
        let (path, test, value, label) = (cell(0), cell(1), cell(2), cell(3));
        match test_fact(app, table, path, test, value)? {
            (None, key) => {
                unknown.push(Dynamic::from(key));
                if let Some(v) = holding_value(test, value)? {
                    at.insert(key.into(), v);
                }
            }
            (Some(true), _) => present.push(Dynamic::from(label.to_owned())),
            (Some(false), _) => {}
        }
    }
    let mut out = present_unknown(present, unknown);
    out.insert("at".into(), Dynamic::from_map(at));
    Ok(out)
}

/// A value with which an indicator row's test holds (for the `at` map of `indicators`), where
/// one follows from the test alone.
fn holding_value(test: &str, value: &str) -> Res<Option<Dynamic>> {
    Ok(match test {
        "is_true" => Some(Dynamic::from(true)),
        "greater_than" => match value.parse::<i64>() {
            Ok(i) => Some(Dynamic::from_int(i.saturating_add(1))),
            Err(_) => value
                .parse::<Decimal>()
                .ok()
                .map(|d| Dynamic::from_decimal(d + Decimal::ONE)),
        },
        "one_of" | "starts_with" => value.split('|').next().map(|v| Dynamic::from(v.to_owned())),
        "meets" => Some(meeting(value)?),
        _ => None,
    })
}

/// The columns of a threshold table.
pub(crate) const THRESHOLD_COLUMNS: [&str; 6] =
    ["activity", "group", "path", "test", "value", "label"];

/// `listed(app, "table")`: which of the project's activities are listed in a threshold table
/// (columns `activity`, `group`, `path`, `test`, `value`, `label`). An activity is listed when
/// all rows of one of its groups hold; a row with test `always` holds without a fact. Returns
/// `#{present: [labels of the groups that hold], unknown: [paths], at: #{path: value}}`, where
/// `unknown` names the facts of groups that could still hold and `at` a value with which each
/// such row holds, where its test gives one. A capacity counts only for its own activity.
fn listed(app: &Application, table: &str) -> Res<Map> {
    let t = pack_table(table)?;
    if t.columns.iter().map(String::as_str).ne(THRESHOLD_COLUMNS) {
        return fail(format!(
            "table `{table}` is not a threshold table (columns {})",
            THRESHOLD_COLUMNS.join(",")
        ));
    }
    context::record_read("project.activities");
    let activities: Vec<String> = app
        .project
        .as_ref()
        .and_then(|p| p.activities.as_ref())
        .map(|a| a.iter().map(|t| t.as_str().to_owned()).collect())
        .unwrap_or_default();
    // Every row is looked at once an activity.
    charge((t.rows.len() as u64).saturating_mul(activities.len() as u64))?;
    let (mut present, mut unknown, mut at) = (Array::new(), Array::new(), Map::new());
    for activity in &activities {
        // Rows are keyed (activity, group, path), so one activity's groups are contiguous.
        let mut groups: BTreeMap<&str, (Option<bool>, Vec<&'static str>, &str)> = BTreeMap::new();
        for row in t.rows.values() {
            let cell = |i: usize| row.get(i).map_or("", String::as_str);
            if cell(0) != activity {
                continue;
            }
            let (group, path, test, value, label) = (cell(1), cell(2), cell(3), cell(4), cell(5));
            let entry = groups
                .entry(group)
                .or_insert((Some(true), Vec::new(), label));
            let outcome = if test == "always" {
                Some(true)
            } else if test == "is_unknown" {
                let Some((&key, reader)) = readers().get_key_value(path) else {
                    return fail(format!(
                        "table `{table}`: `{path}` is not a fact of the application"
                    ));
                };
                context::record_read(key);
                Some(reader(app).is_unit())
            } else {
                let (held, key) = test_fact(app, table, path, test, value)?;
                if held.is_none() {
                    entry.1.push(key);
                    if let Some(v) = holding_value(test, value)? {
                        at.entry(key.into()).or_insert(v);
                    }
                }
                held
            };
            entry.0 = match (entry.0, outcome) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (None, _) | (_, None) => None,
                _ => Some(true),
            };
        }
        if let Some((_, _, label)) = groups.values().find(|g| g.0 == Some(true)) {
            present.push(Dynamic::from((*label).to_owned()));
            continue;
        }
        for (_, paths, _) in groups.values().filter(|g| g.0.is_none()) {
            for p in paths {
                if !unknown.iter().any(|u| u.to_string() == *p) {
                    unknown.push(Dynamic::from(*p));
                }
            }
        }
    }
    let mut out = present_unknown(present, unknown);
    out.insert("at".into(), Dynamic::from_map(at));
    Ok(out)
}

/// Most items `and_list` names before it summarises the rest ("and 240 more"), so a reason
/// stays readable and under the string limit whatever the size of the list it names.
const AND_LIST_MAX: usize = 12;

/// "a, b and c": items are written as text (a closed-vocabulary value as its name), duplicates
/// dropped, at most [`AND_LIST_MAX`] named.
///
/// Linear in its input, and charged to the rule's budget before each item's work: one
/// operation an item and one per 64 bytes of its text.
fn and_list(items: &Array) -> Res<String> {
    charge(items.len() as u64)?;
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut words: Vec<String> = Vec::new();
    for d in items {
        let w = dyn_text(d).unwrap_or_else(|| d.to_string());
        charge(w.len() as u64 / 64)?;
        if seen.insert(w.clone()) {
            words.push(w);
        }
    }
    let more = words.len().saturating_sub(AND_LIST_MAX);
    words.truncate(AND_LIST_MAX);
    if more > 0 {
        return Ok(format!("{} and {more} more", words.join(", ")));
    }
    Ok(match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    })
}

/// Effect names for `raised`.
const EFFECTS: [(&str, Effect); 8] = [
    ("decline", Effect::Decline),
    ("refer", Effect::Refer),
    ("insufficient_information", Effect::InsufficientInformation),
    ("category_floor", Effect::CategoryFloor),
    ("require", Effect::Require),
    ("trigger", Effect::Trigger),
    ("risk_level", Effect::RiskLevel),
    ("info", Effect::Info),
];

fn not_in_memo(call: &str) -> Res<()> {
    if context::with(|c| c.in_memo).unwrap_or(0) > 0 {
        return fail(format!(
            "`{call}` cannot be used in a helper evaluated through `memo`: memoised helpers depend on the application only"
        ));
    }
    Ok(())
}

fn register_queries(e: &mut Engine) {
    e.register_fn("listed", |app: &mut AppView, table: &str| {
        listed(&app.0, table)
    });
    e.register_fn("phase", || -> Res<String> {
        context::with(|c| c.phase.as_str().to_owned())
            .map_or_else(|| fail("`phase` may only be called during a screening"), Ok)
    });
    e.register_fn("categorised", || -> Res<bool> {
        not_in_memo("categorised")?;
        in_phase("categorised", &[Phase::Floors, Phase::Steps, Phase::Final])?;
        context::with(|c| c.out.category_reasons.is_empty()).map_or_else(
            || fail("`categorised` may only be called during a screening"),
            Ok,
        )
    });
    e.register_fn("indicators", |app: &mut AppView, table: &str| {
        indicators(&app.0, table)
    });
    e.register_fn("param", |name: &str| param_value(name).map(param_dyn));
    e.register_fn("meets", |name: &str, fact: Dynamic| meets(name, &fact));
    e.register_fn("meeting", meeting);
    e.register_fn("lookup", |table: &str, key: &str| -> Res<Dynamic> {
        Ok(table_row(table, key)?.map_or(Dynamic::UNIT, Dynamic::from_map))
    });
    e.register_fn(
        "lookup",
        |table: &str, k1: &str, k2: &str| -> Res<Dynamic> {
            Ok(table_row(table, &format!("{k1}|{k2}"))?.map_or(Dynamic::UNIT, Dynamic::from_map))
        },
    );
    e.register_fn("lookup", |table: &str, key: Term| -> Res<Dynamic> {
        Ok(table_row(table, key.as_str())?.map_or(Dynamic::UNIT, Dynamic::from_map))
    });
    e.register_fn("in_table", |table: &str, key: &str| -> Res<bool> {
        Ok(table_row(table, key)?.is_some())
    });
    e.register_fn("in_table", |table: &str, key: Term| -> Res<bool> {
        Ok(table_row(table, key.as_str())?.is_some())
    });
    e.register_fn(
        "in_table_within",
        |table: &str, prefix: &str| -> Res<bool> { table_has_key_within(table, prefix) },
    );
    e.register_fn("as_of", || -> Res<NaiveDate> {
        context::with(|c| c.as_of)
            .map_or_else(|| fail("`as_of` may only be called during a screening"), Ok)
    });
    e.register_fn("date", |s: &str| -> Res<NaiveDate> {
        crate::application::parse_date(s)
            .map_or_else(|| fail(format!("`{s}` is not a YYYY-MM-DD date")), Ok)
    });
    e.register_fn("deadline_passed", || -> Res<bool> {
        context::with(|c| c.app.information_deadline.is_some_and(|d| c.as_of > d)).map_or_else(
            || fail("`deadline_passed` may only be called during a screening"),
            Ok,
        )
    });
    e.register_fn("category", || -> Res<Dynamic> {
        not_in_memo("category")?;
        let cat = context::with(|c| c.out.category).flatten();
        match cat {
            Some(Some(c)) => Ok(Dynamic::from(c.as_str().to_owned())),
            Some(None) => Ok(Dynamic::UNIT),
            None => {
                fail("`category` may only be called in the steps phase, once every floor is raised")
            }
        }
    });
    e.register_fn("fired", |rule: &str| -> Res<bool> {
        not_in_memo("fired")?;
        context::with(|c| {
            c.out.earlier_fired.iter().any(|r| {
                r == rule
                    || r.strip_prefix(rule)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
        .map_or_else(|| fail("`fired` may only be called during a screening"), Ok)
    });
    e.register_fn("fired", |rule: &str, effect: &str| -> Res<bool> {
        not_in_memo("fired")?;
        let Some(wanted) = EFFECTS.iter().find(|(n, _)| *n == effect).map(|(_, e)| *e) else {
            return fail(format!("`{effect}` is not an effect"));
        };
        context::with(|c| {
            c.out.earlier_rule_effects.iter().any(|(r, e)| {
                *e == wanted
                    && (r == rule
                        || r.strip_prefix(rule)
                            .is_some_and(|rest| rest.starts_with('.')))
            })
        })
        .map_or_else(|| fail("`fired` may only be called during a screening"), Ok)
    });
    e.register_fn("raised", |effect: &str| -> Res<bool> {
        not_in_memo("raised")?;
        let Some(wanted) = EFFECTS.iter().find(|(n, _)| *n == effect).map(|(_, e)| *e) else {
            return fail(format!(
                "`{effect}` is not an effect (expected {})",
                EFFECTS
                    .iter()
                    .map(|(n, _)| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        context::with(|c| c.out.earlier_effects.contains(&wanted)).map_or_else(
            || fail("`raised` may only be called during a screening"),
            Ok,
        )
    });
    e.register_fn("triggered", |standard: &str| -> Res<bool> {
        not_in_memo("triggered")?;
        check_value(&vocab::PERFORMANCE_STANDARD, standard)?;
        context::with(|c| c.out.earlier_triggered.contains(standard)).map_or_else(
            || fail("`triggered` may only be called during a screening"),
            Ok,
        )
    });
    e.register_fn("is_known", |d: Dynamic| !d.is_unit());
    e.register_fn("memo", memo);
    // Called by the generated dispatcher before each rule: attribution, facts and budget.
    e.register_fn("__imvo_enter", |index: i64| -> Res<()> {
        // Only the generated dispatcher may announce a rule, each once and in order: a script
        // calling this (through a function pointer, say) to reset its budget or to report as
        // another rule is refused.
        let budget = context::with(|c| -> Res<(u64, std::time::Duration)> {
            let i = usize::try_from(index).unwrap_or(usize::MAX);
            let valid = i >= c.next_rule
                && c.pack
                    .as_ref()
                    .is_some_and(|p| p.rules.get(i).is_some_and(|r| r.runs_in(c.phase)));
            if !valid {
                return fail("`__imvo_enter` is reserved for the engine");
            }
            c.next_rule = i + 1;
            c.rule = i;
            c.entered = Some(i);
            c.reads.clear();
            Ok((c.rule_operations, c.rule_deadline))
        });
        match budget {
            Some(Ok((ops, deadline))) => {
                super::engine::start_rule_budget(ops, deadline);
                Ok(())
            }
            Some(Err(e)) => Err(e),
            None => fail("`__imvo_enter` is reserved for the engine"),
        }
    });
    e.register_fn("and_list", |items: Array| -> Res<String> {
        and_list(&items)
    });
    e.register_fn("reset_facts", || {
        let _ = context::with(|c| c.reads.clear());
    });
    e.register_fn("is_unknown", |d: Dynamic| d.is_unit());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_getter_reads_a_contract_path() {
        let paths = getter_paths();
        assert!(paths.len() > 100, "{}", paths.len());
        for p in paths {
            if p == "reference"
                || p == "instrument"
                || p == "project.sector_section"
                || p == "application_date"
            {
                continue;
            }
            assert!(
                is_field_path(&p),
                "getter path `{p}` is not a contract path"
            );
        }
    }

    #[test]
    fn and_list_names_vocabulary_values_drops_duplicates_and_caps() {
        let term =
            |v: &str| Dynamic::from(vocab::ACTIVITY.term(v).unwrap_or_else(|| panic!("{v}")));
        let items: Array = vec![term("mining"), term("road"), term("mining")];
        assert_eq!(and_list(&items).unwrap_or_default(), "mining and road");
        let many: Array = (0..30).map(|i| Dynamic::from(format!("x{i}"))).collect();
        let text = and_list(&many).unwrap_or_default();
        assert!(
            text.starts_with("x0, x1,") && text.ends_with("x11 and 18 more"),
            "{text}"
        );
        assert_eq!(and_list(&Array::new()).unwrap_or_default(), "");
        assert_eq!(and_list(&vec![Dynamic::from("a")]).unwrap_or_default(), "a");
    }
}
