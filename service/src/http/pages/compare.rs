//! Two screenings of one application compared: what changed in the application (fact by fact),
//! the outcome, the category, the required steps and which rules' findings moved. Both are read
//! as `GET /v1/screenings/{id}` reads them, with the caller's rights.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use imvo_engine::Decision;
use serde::Deserialize;
use serde_json::Value;

use super::{Who, problem_page, render, session};
use crate::access::Action;
use crate::http::extract::Auth;
use crate::http::problem::Problem;
use crate::http::screenings::visible_screening;
use crate::http::state::Shared;
use crate::store::Record;

/// Which two screenings.
#[derive(Deserialize)]
pub(super) struct Pair {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    who: Option<Who>,
    reference: String,
    reference_path: String,
    a_id: String,
    b_id: String,
    a_seq: i64,
    b_seq: i64,
    a_outcome: String,
    b_outcome: String,
    a_category: String,
    b_category: String,
    a_as_of: String,
    b_as_of: String,
    a_set: String,
    b_set: String,
    facts: Vec<(String, String, String)>,
    steps: Vec<String>,
    rules: Vec<String>,
}

/// Every leaf of a JSON document by its dotted path (array items by index).
fn leaves(v: &Value, path: &str, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(x, &p, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, x) in items.iter().enumerate() {
                leaves(x, &format!("{path}[{i}]"), out);
            }
        }
        other => {
            out.insert(path.to_owned(), other.to_string());
        }
    }
}

fn facts_of(r: &Record) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(v) = r
        .input
        .as_deref()
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
    {
        leaves(&v, "", &mut out);
    }
    out
}

fn decision_of(r: &Record) -> Option<Decision> {
    r.decision
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
}

pub(super) async fn compare(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(reference): Path<String>,
    Query(pair): Query<Pair>,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    let mut read = Vec::new();
    for id in [&pair.a, &pair.b] {
        match visible_screening(&state, &auth, Action::Read, id).await {
            Ok(r) if r.reference == reference => read.push(r),
            Ok(_) => {
                return problem_page(
                    &Problem::not_found(format!(
                        "no screening `{id}` of application `{reference}`"
                    )),
                    s.who,
                );
            }
            Err(p) => return problem_page(&p, s.who),
        }
    }
    let (Some(a), Some(b)) = (read.first(), read.get(1)) else {
        return problem_page(&Problem::internal(), s.who);
    };
    let (Some(da), Some(db)) = (decision_of(a), decision_of(b)) else {
        return problem_page(&Problem::internal(), s.who);
    };
    let (fa, fb) = (facts_of(a), facts_of(b));
    let paths: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    let absent = || "(absent)".to_owned();
    let facts = paths
        .into_iter()
        .filter(|p| fa.get(*p) != fb.get(*p))
        .map(|p| {
            (
                p.clone(),
                fa.get(p).cloned().unwrap_or_else(absent),
                fb.get(p).cloned().unwrap_or_else(absent),
            )
        })
        .collect();
    let steps_of = |d: &Decision| -> BTreeSet<String> {
        d.required_steps.iter().map(|x| x.step.clone()).collect()
    };
    let (sa, sb) = (steps_of(&da), steps_of(&db));
    let mut steps: Vec<String> = sb
        .difference(&sa)
        .map(|x| format!("{x}: now required"))
        .collect();
    steps.extend(
        sa.difference(&sb)
            .map(|x| format!("{x}: no longer required")),
    );
    let rules_of = |d: &Decision| -> BTreeSet<String> {
        d.findings
            .iter()
            .map(|f| {
                let effect = serde_json::to_value(f.effect)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                match &f.value {
                    Some(v) => format!("{} {effect} {v}", f.rule_id),
                    None => format!("{} {effect}", f.rule_id),
                }
            })
            .collect()
    };
    let (ra, rb) = (rules_of(&da), rules_of(&db));
    let mut rules: Vec<String> = rb.difference(&ra).map(|x| format!("{x}: new")).collect();
    rules.extend(ra.difference(&rb).map(|x| format!("{x}: gone")));
    let words = |o: Option<&String>| o.cloned().unwrap_or_else(|| "none".to_owned());
    render(
        StatusCode::OK,
        &ComparePage {
            who: Some(s.who),
            reference_path: super::cases::enc(&reference),
            reference,
            a_id: a.id.clone(),
            b_id: b.id.clone(),
            a_seq: a.seq,
            b_seq: b.seq,
            a_outcome: words(a.outcome.as_ref()),
            b_outcome: words(b.outcome.as_ref()),
            a_category: words(a.category.as_ref()),
            b_category: words(b.category.as_ref()),
            a_as_of: words(a.as_of.as_ref()),
            b_as_of: words(b.as_of.as_ref()),
            a_set: words(a.policy_set.as_ref()),
            b_set: words(b.policy_set.as_ref()),
            facts,
            steps,
            rules,
        },
    )
}
