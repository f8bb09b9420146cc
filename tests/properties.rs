//! Properties over generated applications: totality, determinism, monotonicity (as the contract
//! defines it), Category A implies its steps, the category status and the indicative category
//! (docs/categorisation.md), exact decimals, sandbox safety for generated hostile scripts, and
//! the differential property of the applicability gates (with and without them, the same decision).
//! The generators are tuned so that every category (and none) comes up often.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

mod support;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::{Duration, Instant};

use imvo_engine::script::Limits;
use imvo_engine::{
    Application, Category, CategoryStatus, Decision, Move, Outcome, PolicySet, screen,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use rust_decimal::Decimal;
use serde_json::{Value, json};

const LOCATION: [&str; 11] = [
    "protected_area",
    "key_biodiversity_area",
    "ramsar_site",
    "biosphere_reserve",
    "critical_habitat",
    "natural_habitat",
    "world_heritage_site",
    "cultural_heritage",
    "indigenous_peoples_present",
    "conflict_affected",
    "offshore",
];
const INDICATORS: [&str; 6] = [
    "dams_or_tailings",
    "worker_accommodation",
    "collective_dismissals",
    "workers_under_18",
    "significant_community_impacts",
    "involuntary_use_restrictions",
];
const ACTIVITIES: [&str; 16] = [
    "telecom",
    "solar",
    "hospital",
    "school",
    "water_supply",
    "onshore_wind",
    "urban_rail",
    "manufacturing",
    "thermal_power",
    "road",
    "airport",
    "mining",
    "tannery",
    "intensive_livestock",
    "large_dam",
    "motorway",
];

/// A value that is known with probability `p`, else left out (unknown).
fn maybe<T: std::fmt::Debug + Clone + 'static>(
    p: f64,
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop::option::weighted(p, s).boxed()
}

/// A flag known with probability `p` and true with probability `q`.
fn flag(p: f64, q: f64) -> BoxedStrategy<Option<bool>> {
    maybe(p, prop::bool::weighted(q))
}

fn insert<T: serde::Serialize>(obj: &mut serde_json::Map<String, Value>, key: &str, v: Option<T>) {
    if let Some(v) = v {
        obj.insert(key.to_owned(), json!(v));
    }
}

prop_compose! {
    fn capacity(p: f64)(thermal in maybe(p, select(vec!["100", "299", "300", "420", "1000"])),
                  mwe in maybe(p, select(vec!["50", "139", "140", "400"])),
                  lanes in maybe(p, select(vec![2i64, 3, 4, 6])),
                  km in maybe(p, select(vec!["5", "9.9", "10", "40"])),
                  runway in maybe(p, select(vec!["1800", "2099", "2100", "3500"])),
                  tannery in maybe(p, select(vec!["5", "12", "12.01", "30"])),
                  broilers in maybe(p, select(vec![1000i64, 85000, 85001, 200000])),
                  hens in maybe(p, select(vec![0i64, 60001])), pigs in maybe(p, select(vec![0i64, 3001])), sows in maybe(p, select(vec![0i64, 901])),
                  reservoir in maybe(p, select(vec!["1000000", "10000001"])), height in maybe(p, select(vec!["10", "15", "40"])))
                  -> Value {
        let mut c = serde_json::Map::new();
        insert(&mut c, "thermal_mw", thermal); insert(&mut c, "electrical_mw", mwe); insert(&mut c, "road_lanes", lanes);
        insert(&mut c, "road_km", km); insert(&mut c, "runway_m", runway); insert(&mut c, "tannery_tonnes_per_day", tannery);
        insert(&mut c, "broiler_places", broilers); insert(&mut c, "hen_places", hens); insert(&mut c, "pig_places", pigs);
        insert(&mut c, "sow_places", sows); insert(&mut c, "reservoir_m3", reservoir); insert(&mut c, "dam_height_m", height);
        Value::Object(c)
    }
}

prop_compose! {
    fn project(p: f64, q: f64)(stage in maybe(p, select(vec!["new", "new", "new", "expansion", "existing_no_material_change", "not_a_project"])),
                 activities in maybe(p, prop::sample::subsequence(ACTIVITIES.to_vec(), 0..=1)),
                 technology in maybe(p, select(vec!["steam", "single_cycle_gas_turbine", "combined_cycle"])),
                 capacity in capacity(p),
                 location in prop::collection::vec(flag(p, q), LOCATION.len()),
                 indicators in prop::collection::vec(flag(p, q), INDICATORS.len()),
                 hr in maybe(p, select(vec!["normal", "normal", "normal", "normal", "elevated"])),
                 relocation in flag(p, q),
                 fuel in maybe(p, select(vec!["coal", "natural_gas", "natural_gas", "none", "biomass"])),
                 fossil in maybe(p, any::<bool>()),
                 exception in maybe(p, select(vec!["none", "none", "none", "multipurpose_port"])),
                 acquisition in maybe(p, select(vec!["none", "voluntary", "voluntary", "voluntary", "voluntary", "voluntary", "expropriation"])),
                 displaced in maybe(p, select(vec![0i64, 0, 0, 0, 0, 0, 0, 12, 500])),
                 econ in maybe(p, select(vec![0i64, 0, 0, 0, 0, 0, 0, 30])),
                 security in maybe(p, select(vec!["none", "none", "none", "none", "none", "none", "none", "private", "government"])),
                 ghg in maybe(p, select(vec!["100", "100", "100", "100", "100", "25000", "25001", "1350000"])))
                 -> Value {
        let mut p = serde_json::Map::new();
        p.insert("country".into(), json!("ID"));
        insert(&mut p, "stage", stage); insert(&mut p, "activities", activities); insert(&mut p, "technology", technology);
        p.insert("capacity".into(), capacity);
        let mut loc = serde_json::Map::new();
        for (k, v) in LOCATION.iter().zip(location) { insert(&mut loc, k, v); }
        p.insert("location".into(), Value::Object(loc));
        let mut land = serde_json::Map::new();
        insert(&mut land, "acquisition", acquisition); insert(&mut land, "physically_displaced_people", displaced);
        insert(&mut land, "economically_displaced_people", econ);
        for (k, v) in INDICATORS.iter().zip(indicators) {
            if *k == "involuntary_use_restrictions" { insert(&mut land, k, v); } else { insert(&mut p, k, v); }
        }
        p.insert("land".into(), Value::Object(land));
        let mut ip = serde_json::Map::new();
        insert(&mut ip, "relocation", relocation);
        p.insert("indigenous_peoples".into(), Value::Object(ip));
        insert(&mut p, "human_rights_risk", hr); insert(&mut p, "security_forces", security);
        insert(&mut p, "ghg_scope12_tco2e_per_year", ghg);
        insert(&mut p, "fuel", fuel);
        insert(&mut p, "fossil_fuel_chain", fossil);
        insert(&mut p, "fossil_exception", exception);
        Value::Object(p)
    }
}

prop_compose! {
    fn application_with(p: f64, q: f64)(day in 0i64..3800,
                     amount in maybe(p, select(vec!["1000000.00", "9999999.99", "10000000.00", "13000000.00", "60000000.00", "60000000.00", "450000000.00"])),
                     currency in select(vec!["EUR", "USD", "XDR"]),
                     term in maybe(p, select(vec![12i64, 23, 24, 36, 84, 120, 120, 120])),
                     goods in maybe(p, select(vec!["capital_goods", "capital_goods", "capital_goods", "capital_goods", "capital_goods", "services", "services", "spare_parts", "military", "agricultural_commodities"])),
                     commitment in maybe(p, Just("2027-06-01")),
                     disclosure in maybe(p, Just("2027-04-01")),
                     documents in prop::sample::subsequence(vec!["esia", "esmp", "independent_review", "public_disclosure"], 0..=4),
                     project in project(p, q),
                     finance in (prop::bool::weighted(0.3), maybe(p, prop::bool::weighted(0.9)), maybe(p, prop::bool::weighted(0.3)),
                                 maybe(p, prop::bool::weighted(0.05)), maybe(p, select(vec!["9999999.99", "10000000.00", "250000000.00"]))))
                     -> Value {
        let date = chrono::NaiveDate::from_ymd_opt(2016, 5, 1).unwrap() + chrono::Duration::days(day);
        let mut t = serde_json::Map::new();
        insert(&mut t, "support_amount", amount.map(|a| json!({"amount": a, "currency": currency})));
        insert(&mut t, "repayment_term_months", term); insert(&mut t, "goods", goods);
        insert(&mut t, "expected_final_commitment", commitment); insert(&mut t, "disclosure_date", disclosure);
        insert(&mut t, "buyer_sanctions_screening", Some("no_match"));
        insert(&mut t, "end_user_sanctions_screening", Some("no_match"));
        insert(&mut t, "agent_involved", Some(false));
        let mut project = project;
        project["destination_regime"] = json!("none");
        // A share of project finance: IFC-benchmarked or not, with or without an EPFI, now and
        // then a financial intermediary.
        let (pf, ifc, epfi, fi, capex) = finance;
        let mut applicant = json!({"sanctions_screening": "no_match", "oecd_guidelines_commitment": "signed",
                                   "anti_bribery_declaration": "signed", "ncp_cases": [], "adverse_media": "none",
                                   "proven_bribery": false});
        if pf {
            insert(&mut t, "ifc_performance_standards", ifc);
            insert(&mut t, "equator_principles_cofinancier", epfi);
            insert(&mut t, "product", Some("project_finance"));
            insert(&mut t, "project_capital_cost", capex.map(|a| json!({"amount": a, "currency": "USD"})));
            if let Some(fi) = fi { applicant["financial_intermediary"] = json!(fi); }
        }
        json!({"reference": "PROP-1", "instrument": if pf { "project_finance" } else { "export_credit" },
               "application_date": date.to_string(), "applicant": applicant,
               "transaction": Value::Object(t), "project": project, "documents": documents})
    }
}

/// Applications of varying completeness (fully known, nearly, sparse) and risk (flags true
/// rarely or almost never).
fn application() -> impl Strategy<Value = Value> {
    (
        select(vec![0.9999, 0.9999, 0.9999, 0.97, 0.85]),
        select(vec![0.04, 0.001]),
    )
        .prop_flat_map(|(p, q)| application_with(p, q))
}

prop_compose! {
    /// Trade-mission participants.
    fn mission_application()(kvk in maybe(0.95, select(vec!["12345678", "12345678", "none"])),
                             scan in maybe(0.95, any::<bool>()),
                             oecd in maybe(0.95, select(vec!["signed", "signed", "pending", "refused"])),
                             score in maybe(0.9, select(vec![json!(0), json!(40), json!("not_in_benchmark")])),
                             ncp in maybe(0.9, prop::collection::vec(select(vec!["pending", "concluded_agreement", "concluded_non_observance"]), 0..2)),
                             media in maybe(0.95, select(vec!["none", "none", "unconfirmed", "credible"])),
                             sanctions in maybe(0.95, select(vec!["no_match", "no_match", "possible_match", "confirmed_match"])),
                             regime in maybe(0.95, select(vec!["none", "none", "arms_embargo", "comprehensive"])),
                             voucher in maybe(0.95, any::<bool>()),
                             conflict in maybe(0.95, prop::bool::weighted(0.1)),
                             deadline in maybe(0.9, select(vec!["2027-01-15", "2027-03-15"])),
                             day in 0i64..400)
                             -> Value {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + chrono::Duration::days(day);
        let mut a = serde_json::Map::new();
        insert(&mut a, "kvk_number", kvk); insert(&mut a, "self_assessment_completed", scan);
        insert(&mut a, "oecd_guidelines_commitment", oecd); insert(&mut a, "transparency_benchmark_score", score);
        insert(&mut a, "ncp_cases", ncp.map(|v| v.into_iter().map(|s| json!({"year": 2024, "status": s})).collect::<Vec<_>>()));
        insert(&mut a, "adverse_media", media); insert(&mut a, "sanctions_screening", sanctions);
        let mut m = serde_json::Map::new();
        m.insert("destination".into(), json!("VN"));
        insert(&mut m, "destination_regime", regime); insert(&mut m, "voucher", voucher);
        insert(&mut m, "objectives_conflict", conflict); insert(&mut m, "self_assessment_deadline", deadline);
        json!({"reference": "TM-PROP", "instrument": "trade_mission", "application_date": date.to_string(),
               "applicant": Value::Object(a), "mission": Value::Object(m)})
    }
}

fn parse(v: &Value) -> Application {
    Application::parse(&v.to_string())
        .unwrap_or_else(|e| panic!("generated an invalid application: {e}\n{v}"))
}

fn decide(v: &Value) -> Decision {
    let app = parse(v);
    screen(support::policies(), &app, app.application_date)
}

/// The known risk-raising changes the contract names, applicable to `v`.
fn risk_mutations(v: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let p = &v["project"];
    for k in LOCATION {
        if p["location"][k] == json!(false) {
            let mut m = v.clone();
            m["project"]["location"][k] = json!(true);
            out.push((format!("project.location.{k} -> true"), m));
        }
    }
    for k in INDICATORS {
        let (container, at) = if k == "involuntary_use_restrictions" {
            (&p["land"], "land")
        } else {
            (p, "")
        };
        if container[k] == json!(false) {
            let mut m = v.clone();
            if at.is_empty() {
                m["project"][k] = json!(true)
            } else {
                m["project"]["land"][k] = json!(true)
            }
            out.push((format!("{k} -> true"), m));
        }
    }
    if let Some(caps) = p["capacity"].as_object() {
        for (k, val) in caps {
            let mut m = v.clone();
            let grown = match val {
                Value::String(s) => {
                    json!((Decimal::from_str(s).unwrap() * Decimal::TWO + Decimal::ONE).to_string())
                }
                Value::Number(n) => json!(n.as_i64().unwrap() * 2 + 1),
                _ => continue,
            };
            m["project"]["capacity"][k] = grown;
            out.push((format!("capacity.{k} grows"), m));
        }
    }
    if let Some(a) = v["transaction"]["support_amount"]["amount"].as_str() {
        let mut m = v.clone();
        m["transaction"]["support_amount"]["amount"] =
            json!((Decimal::from_str(a).unwrap() * Decimal::TWO).to_string());
        out.push(("support amount doubles".into(), m));
    }
    if let Some(t) = v["transaction"]["repayment_term_months"].as_i64() {
        let mut m = v.clone();
        m["transaction"]["repayment_term_months"] = json!(t + 12);
        out.push(("repayment term grows".into(), m));
    }
    if let Some(acts) = p["activities"].as_array() {
        for extra in ["mining", "motorway", "telecom"] {
            if !acts.contains(&json!(extra)) {
                let mut m = v.clone();
                m["project"]["activities"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!(extra));
                out.push((format!("activity {extra} added"), m));
            }
        }
    }
    if p["human_rights_risk"] == json!("normal") {
        let mut m = v.clone();
        m["project"]["human_rights_risk"] = json!("elevated");
        out.push(("human-rights risk elevated".into(), m));
    }
    if let Some(n) = p["land"]["physically_displaced_people"].as_i64() {
        let mut m = v.clone();
        m["project"]["land"]["physically_displaced_people"] = json!(n + 10);
        out.push(("more people displaced".into(), m));
    }
    out
}

/// Category order for monotonicity: a known category never drops and never disappears, except
/// into "undetermined" together with an outcome of at least `insufficient_information`.
fn not_lower(before: &Decision, after: &Decision) -> Result<(), String> {
    if after.outcome < before.outcome {
        return Err(format!(
            "outcome softened: {} -> {}",
            before.outcome, after.outcome
        ));
    }
    match (before.category, after.category) {
        (Some(b), Some(a)) if a < b => Err(format!("category lowered: {b:?} -> {a:?}")),
        (Some(b), None) if after.outcome < Outcome::InsufficientInformation => Err(format!(
            "category {b:?} disappeared: {:?}",
            after.category_reason
        )),
        _ => Ok(()),
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn screening_is_total_and_deterministic(v in application()) {
        let app = parse(&v);
        let set = support::policies();
        let a = screen(set, &app, app.application_date);
        let b = screen(set, &app, app.application_date);
        let (ja, jb) = (serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        prop_assert_eq!(&ja, &jb);
        // What the batch and the service store is written by `json::compact`: the same bytes.
        prop_assert_eq!(&imvo_engine::json::compact::to_string(&a).unwrap(), &ja);
        prop_assert_eq!(a.provenance.policy_set.as_str(), set.hash());
        for e in &a.errors {
            prop_assert!(e.pack.as_ref().is_none_or(|p| set.packs().iter().any(|x| *x.manifest.id == **p)), "{:?}", e);
        }
        prop_assert!(a.errors.is_empty(), "the shipped packs fail on a valid application: {:?}", a.errors);
        // The canonical form is RFC 8785 and screens to the same decision.
        prop_assert_eq!(app.canonical_json(), imvo_engine::json::canonical(&serde_json::to_value(&app).unwrap()));
        let again = Application::parse(&app.canonical_json()).unwrap();
        prop_assert_eq!(serde_json::to_string(&screen(set, &again, again.application_date)).unwrap(), ja);
    }

    #[test]
    fn adding_a_risk_fact_never_lowers_the_decision(v in application(), pick in any::<prop::sample::Index>()) {
        let mutations = risk_mutations(&v);
        prop_assume!(!mutations.is_empty());
        let (what, m) = &mutations[pick.index(mutations.len())];
        let (before, after) = (decide(&v), decide(m));
        if let Err(e) = not_lower(&before, &after) {
            prop_assert!(false, "{what}: {e}\nbefore: {:?} {:?} {:?}\nafter: {:?} {:?} {:?}\n{v}", before.outcome, before.category, before.missing, after.outcome, after.category, after.missing);
        }
    }

    #[test]
    fn delivering_a_document_never_raises_the_decision(v in application(), pick in select(vec!["esia", "esmp", "independent_review", "public_disclosure"])) {
        let docs = v["documents"].as_array().unwrap();
        prop_assume!(!docs.contains(&json!(pick)));
        let mut m = v.clone();
        m["documents"].as_array_mut().unwrap().push(json!(pick));
        let (before, after) = (decide(&v), decide(&m));
        prop_assert!(after.outcome <= before.outcome, "{} -> {}", before.outcome, after.outcome);
        prop_assert_eq!(after.category, before.category);
    }

    #[test]
    fn category_a_requires_the_impact_assessment_and_disclosure(v in application()) {
        let d = decide(&v);
        if d.category == Some(Category::A) {
            let steps: Vec<&str> = d.required_steps.iter().map(|s| s.step.as_str()).collect();
            // Export credit: the Common Approaches' documents; IFC-benchmarked finance: the PS1
            // system and disclosure 60 days before approval (the ESIA for new works, R-PS-02).
            let wanted: &[&str] = if v["instrument"] == json!("project_finance") {
                &["esms", "public_disclosure"]
            } else {
                &["esia", "esmp", "independent_review", "public_disclosure"]
            };
            // Project finance is benchmarked against the Performance Standards only where the
            // scheme applies them or an Equator Principles bank co-finances: where neither is
            // known to hold and that is still open, the decision must ask for the fact that
            // decides it instead (and so cannot proceed).
            let t = &v["transaction"];
            let ps_apply = v["instrument"] != json!("project_finance")
                || t["ifc_performance_standards"] == json!(true)
                || t["equator_principles_cofinancier"] == json!(true);
            let undecided = !ps_apply
                && (t["ifc_performance_standards"].is_null()
                    || t["equator_principles_cofinancier"].is_null());
            if ps_apply {
                for s in wanted {
                    prop_assert!(steps.contains(s), "{} missing from {:?}", s, steps);
                }
            } else if undecided {
                let asked: Vec<&str> = d.missing.iter().map(|m| m.path.as_str()).collect();
                prop_assert!(
                    asked.contains(&"transaction.ifc_performance_standards")
                        || asked.contains(&"transaction.equator_principles_cofinancier"),
                    "Category A project finance neither requires the PS1 steps nor asks whether the PS apply: {:?}",
                    asked
                );
                prop_assert!(d.outcome >= Outcome::InsufficientInformation, "{}", d.outcome);
            }
        }
    }

    #[test]
    fn trade_missions_are_total_deterministic_and_never_categorised(v in mission_application()) {
        let app = parse(&v);
        let set = support::policies();
        let a = screen(set, &app, app.application_date);
        prop_assert!(a.errors.is_empty(), "{:?}", a.errors);
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&screen(set, &app, app.application_date)).unwrap());
        prop_assert_eq!(a.category, None);
        prop_assert!(a.risk_level.is_some(), "every screened participant gets a risk level");
        // High risk exactly when a refusal or referral was raised.
        let raised = a.findings.iter().any(|f| matches!(f.effect, imvo_engine::Effect::Refer | imvo_engine::Effect::Decline));
        prop_assert_eq!(raised, a.risk_level == Some(imvo_engine::decision::RiskLevel::High));
    }

    #[test]
    fn decimals_round_trip_exactly(mantissa in any::<i64>(), scale in 0u32..12) {
        let d = Decimal::new(mantissa.saturating_abs(), scale);
        let text = d.to_string();
        let v = json!({"reference": "DEC-1", "instrument": "export_credit", "application_date": "2022-11-01",
                       "transaction": {"support_amount": {"amount": text, "currency": "EUR"}}});
        let app = parse(&v);
        let back = app.transaction.unwrap().support_amount.unwrap().amount;
        prop_assert_eq!(back, d);
        prop_assert_eq!(back.to_string(), text.clone());
        prop_assert_eq!(back.scale(), scale);
        let canonical: Value = serde_json::from_str(&parse(&v).canonical_json()).unwrap();
        prop_assert_eq!(canonical["transaction"]["support_amount"]["amount"].as_str(), Some(text.as_str()));
    }
}

/// Generated category mix, so that the properties above are not only about one category.
#[test]
fn the_generator_reaches_every_category() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..500 {
        let v = application().new_tree(&mut runner).unwrap().current();
        let d = decide(&v);
        *seen.entry(format!("{:?}", d.category)).or_default() += 1;
    }
    for c in ["Some(A)", "Some(B)", "Some(C)", "None"] {
        assert!(
            seen.get(c).copied().unwrap_or(0) >= 15,
            "category {c} only {:?} times in 500: {seen:?}",
            seen.get(c)
        );
    }
}

// ---- category status and the indicative category (docs/categorisation.md) ----

/// The decision's answer on the category: the indicative category where there is one, else the
/// category.
fn answer(d: &Decision) -> Option<Category> {
    d.indicative
        .as_ref()
        .and_then(|i| i.category)
        .or(d.category)
}

/// Sets the dotted `path` of `v` to `value`, creating intermediate objects (and replacing a
/// non-object met on the way).
fn set_path(v: &mut Value, path: &str, value: Value) {
    let (parents, last) = path
        .rsplit_once('.')
        .map_or((None, path), |(p, l)| (Some(p), l));
    let mut at = v;
    for k in parents.into_iter().flat_map(|p| p.split('.')) {
        if !at.is_object() {
            *at = json!({});
        }
        at = at
            .as_object_mut()
            .unwrap()
            .entry(k.to_owned())
            .or_insert_with(|| json!({}));
    }
    if !at.is_object() {
        *at = json!({});
    }
    at.as_object_mut().unwrap().insert(last.to_owned(), value);
}

/// The category status, the category and the indicative block, in one line for failure messages.
fn status_line(d: &Decision) -> String {
    format!(
        "{} {:?} ({:?}) outcome {} errors {:?} indicative {}",
        d.category_status.as_str(),
        d.category,
        d.category_reason,
        d.outcome,
        d.errors,
        d.indicative
            .as_ref()
            .map_or_else(|| "none".to_owned(), |i| serde_json::to_string(i).unwrap())
    )
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn a_settled_or_inapplicable_category_has_no_indicative_block(v in application()) {
        let d = decide(&v);
        if matches!(d.category_status, CategoryStatus::Determined | CategoryStatus::NotApplicable) {
            prop_assert!(d.indicative.is_none(), "{}\n{v}", status_line(&d));
        }
    }

    #[test]
    fn a_trade_mission_is_not_applicable(v in mission_application()) {
        let d = decide(&v);
        prop_assert_eq!(d.category_status, CategoryStatus::NotApplicable, "{}", status_line(&d));
        prop_assert_eq!(d.category, None);
        prop_assert!(d.indicative.is_none(), "{}", status_line(&d));
        prop_assert!(d.category_reason.is_some());
    }

    #[test]
    fn a_category_is_shown_exactly_when_determined_or_provisional(v in application()) {
        let d = decide(&v);
        let shown = matches!(d.category_status, CategoryStatus::Determined | CategoryStatus::Provisional);
        prop_assert_eq!(d.category.is_some(), shown, "{}\n{}", status_line(&d), v);
        // Without a failed rule, only a raised B is provisional: an A is settled, and a C an
        // unknown could contradict is undetermined.
        if d.category_status == CategoryStatus::Provisional && d.errors.is_empty() {
            prop_assert_eq!(d.category, Some(Category::B), "{}\n{}", status_line(&d), v);
        }
        if d.category.is_none() {
            prop_assert!(d.category_reason.is_some(), "no category and no reason: {}\n{v}", status_line(&d));
        }
    }

    #[test]
    fn the_indicative_category_is_within_its_range_and_above_the_floor(v in application()) {
        let d = decide(&v);
        let Some(ind) = &d.indicative else { return Ok(()); };
        let why = format!("{}\n{v}", status_line(&d));
        let (lowest, highest) = (ind.range.lowest, ind.range.highest);
        prop_assert!(lowest <= highest, "range upside down: {why}");
        if let (Some(i), Some(c)) = (ind.category, d.category) {
            prop_assert!(i >= c, "indicative {i:?} below the category {c:?}: {why}");
        }
        if let Some(c) = d.category {
            // The floors raised are the bottom of the range.
            prop_assert!(lowest >= c, "range starts at {lowest:?}, below the category {c:?}: {why}");
        }
        if let Some(i) = ind.category {
            prop_assert!(lowest <= i && i <= highest, "indicative {i:?} outside {lowest:?}..={highest:?}: {why}");
        } else {
            // No indicative category only while the activities are unknown or a fact that may not
            // be assumed could take the application out of A/B/C.
            let activities = ind.deciding.iter().any(|x| x.path == "project.activities");
            prop_assert!(activities || ind.may_be_not_categorised, "no indicative category, and no reason for it: {why}");
        }
        // A deciding move to a category is above the floors and within the range; a fact no rule
        // gave a move for opens the range up to A; "may be not categorised" is what a move says.
        for dec in &ind.deciding {
            if let Some(c) = dec.to.and_then(Move::category) {
                prop_assert!(lowest < c && c <= highest, "{} moves to {c:?}, outside ({lowest:?}, {highest:?}]: {why}", dec.path);
            }
            if dec.to.is_none() {
                prop_assert_eq!(highest, Category::A, "{} has no stated move: {}", dec.path, why);
            }
        }
        prop_assert_eq!(ind.may_be_not_categorised, ind.deciding.iter().any(|x| x.to == Some(Move::NotCategorised)), "{}", why);
    }

    #[test]
    fn a_deciding_fact_at_its_value_moves_the_category_where_it_says(v in application()) {
        let before = decide(&v);
        let Some(ind) = &before.indicative else { return Ok(()); };
        let date = parse(&v).application_date;
        let moves = ind
            .deciding
            .iter()
            .filter_map(|d| Some((d, d.to?.category()?, d.value.clone()?)))
            .take(3);
        for (dec, to, value) in moves {
            let mut m = v.clone();
            set_path(&mut m, &dec.path, value.clone());
            // A value in words (or of a type the field does not take) is not an application.
            let Ok(app) = Application::parse(&m.to_string()) else { continue; };
            let after = screen(support::policies(), &app, date);
            if after.category_status == CategoryStatus::NotApplicable || !after.errors.is_empty() {
                continue;
            }
            // Where the move leaves no indicative category (an unassumed fact could still take the
            // application out of A/B/C, or the activities are unknown), the range is the category
            // if it is categorised at all, and its bottom is the floors raised.
            let reached = match after.category_status {
                CategoryStatus::Determined | CategoryStatus::Provisional => after.category,
                _ => after.indicative.as_ref().map(|i| i.category.unwrap_or(i.range.lowest)),
            };
            prop_assert!(
                reached.is_some_and(|c| c >= to),
                "{} = {} should move the category to {:?} (rules {:?}) but reached {:?}\nbefore: {}\nafter: {}\n{}",
                dec.path, value, to, dec.rule_ids, reached, status_line(&before), status_line(&after), v
            );
        }
    }

    #[test]
    fn a_sensitive_location_never_lowers_the_answer(v in application(), pick in any::<prop::sample::Index>()) {
        let open: Vec<&str> = LOCATION
            .iter()
            .copied()
            .filter(|k| v["project"]["location"][*k] != json!(true))
            .collect();
        prop_assume!(!open.is_empty());
        let k = open[pick.index(open.len())];
        let mut m = v.clone();
        m["project"]["location"][k] = json!(true);
        let (before, after) = (decide(&v), decide(&m));
        let inapplicable = |d: &Decision| d.category_status == CategoryStatus::NotApplicable;
        if let (Some(b), Some(a)) = (answer(&before), answer(&after))
            && !inapplicable(&before)
            && !inapplicable(&after)
        {
            prop_assert!(
                a >= b,
                "project.location.{k} -> true lowered the answer {b:?} -> {a:?}\nbefore: {}\nafter: {}\n{v}",
                status_line(&before), status_line(&after)
            );
        }
    }
}

/// Generated status mix, so that the properties above are not only about one status and the
/// deciding facts are tried.
#[test]
fn the_generator_reaches_every_status_and_deciding_moves() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..500 {
        let v = application().new_tree(&mut runner).unwrap().current();
        let d = decide(&v);
        *seen
            .entry(d.category_status.as_str().to_owned())
            .or_default() += 1;
        if let Some(ind) = &d.indicative {
            *seen
                .entry(format!("indicative {:?}", ind.category))
                .or_default() += 1;
            if ind
                .deciding
                .iter()
                .any(|x| x.value.is_some() && x.to.and_then(Move::category).is_some())
            {
                *seen.entry("deciding move".to_owned()).or_default() += 1;
            }
        }
    }
    eprintln!("{seen:?}");
    for c in [
        "determined",
        "provisional",
        "undetermined",
        "not_applicable",
        "deciding move",
    ] {
        assert!(
            seen.get(c).copied().unwrap_or(0) >= 15,
            "{c} only {:?} times in 500: {seen:?}",
            seen.get(c)
        );
    }
}

// ---- sandbox: generated hostile scripts ----

fn hostile() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("loop { }".to_owned()),
        Just("let s = \"ab\"; loop { s += s; }".to_owned()),
        Just("let a = []; loop { a.push(a.len()); }".to_owned()),
        Just("let m = #{}; let i = 0; loop { m[`k${i}`] = i; i += 1; }".to_owned()),
        Just("h_recurse(0);".to_owned()),
        (1usize..40).prop_map(|n| format!("let x = {}1{};", "(".repeat(n), ")".repeat(n))),
        (1i64..5_000_000).prop_map(|n| format!("let s = \"\"; s.pad({n}, \"x\");")),
        (1i64..100_000).prop_map(|n| format!("let i = 0; while i < {n} {{ i += 1; }}")),
        Just("let x = 9223372036854775807 + 1;".to_owned()),
        Just("let x = 1 / 0;".to_owned()),
        Just("floor(\"R-T-02\", \"A\", \"benign\");".to_owned()),
    ];
    prop::collection::vec(atom, 1..4).prop_map(|v| v.join("\n"))
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn hostile_scripts_end_in_a_decision_within_the_limits(body in hostile()) {
        let mut files = BTreeMap::new();
        files.insert("t-1.0.0/pack.toml".to_owned(), b"id = \"t\"\nversion = \"1.0.0\"\ntitle = \"t\"\ninstruments = [\"export_credit\"]\neffective_from = \"2020-01-01\"\n[[sources]]\nid = \"s\"\ndocument = \"d\"\n".to_vec());
        files.insert("t-1.0.0/rules.csv".to_owned(), b"id,title,phase,source,section,evidence_level,verified,note,status\nR-T-01,a,floors,s,,R,false,,active\nR-T-02,b,floors,s,,R,false,,active\n".to_vec());
        files.insert("t-1.0.0/r.rhai".to_owned(), format!("fn h_recurse(n) {{ h_recurse(n + 1) }}\nfn r_t_01(app) {{ floor(\"R-T-01\", \"B\", \"benign\"); }}\nfn r_t_02(app) {{\n{body}\n}}").into_bytes());
        let set = match PolicySet::from_files(files, Limits::default()) {
            Ok(s) => s,
            // Refused at load (for example nesting beyond the parser's depth limit): also safe.
            Err(e) => { prop_assert!(!e.0.is_empty()); return Ok(()); }
        };
        let app = parse(&json!({"reference": "H-1", "instrument": "export_credit", "application_date": "2022-11-01"}));
        let start = Instant::now();
        let d = screen(&set, &app, app.application_date);
        prop_assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
        prop_assert!(d.findings.iter().any(|f| &*f.rule_id == "R-T-01"), "the benign rule is unaffected");
        if d.errors.is_empty() {
            prop_assert!(d.outcome < Outcome::Refer);
        } else {
            prop_assert_eq!(d.outcome, Outcome::Refer);
            prop_assert!(d.errors.iter().all(|e| e.rule_id.as_deref() == Some("R-T-02")));
        }
    }
}

// ---- applicability gates: the differential property ----

proptest! {
    #![proptest_config(config(256))]

    /// The shipped packs with their gates and table rules, and the same set in reference mode
    /// (every gate forced open, so every rule's script decides for itself whether it applies,
    /// and every table rule run through its reference script), give byte-identical decisions: a
    /// gate only ever skips a rule that would have said nothing, and a table rule's rows say
    /// exactly what its script says, with the same facts.
    #[test]
    fn gates_never_change_a_decision(v in prop_oneof![3 => application(), 1 => mission_application()]) {
        let app = parse(&v);
        let set = support::policies();
        let reference = set.without_gates();
        let gated = serde_json::to_string(&screen(set, &app, app.application_date)).unwrap();
        let every_rule = serde_json::to_string(&screen(&reference, &app, app.application_date)).unwrap();
        prop_assert_eq!(gated, every_rule, "{}", v);
    }
}
