//! The policy packs of the set in force (rules with their citations and gates, conditions,
//! parameters with their values and sources), and the chain check for auditors, on the same
//! data and functions as `GET /v1/policies` and `GET /v1/audit/verify`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use imvo_engine::policy::ParamValue;
use serde::Deserialize;

use super::{Who, problem_page, render, session};
use crate::access::Action;
use crate::http::audit::verify_chain;
use crate::http::extract::Auth;
use crate::http::state::Shared;
use crate::store::Verification;

struct RuleView {
    id: String,
    title: String,
    source: String,
    evidence: String,
    verified: bool,
    when: String,
}

struct PackView {
    id: String,
    version: String,
    title: String,
    instruments: String,
    from: String,
    to: Option<String>,
    overlay: bool,
    rules: Vec<RuleView>,
    conditions: Vec<(String, String)>,
    params: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "policies.html")]
struct PoliciesPage {
    who: Option<Who>,
    set_hash: String,
    packs: Vec<PackView>,
}

fn cite(document: &str, section: Option<&str>) -> String {
    match section {
        Some(s) => format!("{document}, {s}"),
        None => document.to_owned(),
    }
}

pub(super) async fn policies(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(p) = Auth(s.principal).allow(Action::ReadPolicies) {
        return problem_page(&p, s.who);
    }
    let packs = state
        .set
        .packs()
        .iter()
        .map(|p| PackView {
            id: p.manifest.id.to_string(),
            version: p.manifest.version.to_string(),
            title: p.manifest.title.clone(),
            instruments: p
                .manifest
                .instruments
                .iter()
                .map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            from: p.manifest.effective_from.to_string(),
            to: p.manifest.effective_to.map(|d| d.to_string()),
            overlay: p.manifest.overlay,
            rules: p
                .rules
                .iter()
                .map(|r| RuleView {
                    id: r.id.to_string(),
                    title: r.title.clone(),
                    source: cite(&r.document, r.section.as_deref()),
                    evidence: r.evidence_level.to_string(),
                    verified: r.verified,
                    when: if r.when.is_empty() {
                        "always".to_owned()
                    } else {
                        r.when.clone()
                    },
                })
                .collect(),
            conditions: p
                .conditions
                .iter()
                .map(|(n, w)| (n.to_owned(), w.to_owned()))
                .collect(),
            params: p
                .params
                .values()
                .map(|x| {
                    let value = match &x.value {
                        ParamValue::Decimal(d) => d.to_string(),
                        ParamValue::Int(i) => i.to_string(),
                        ParamValue::Money(m) => format!("{} {}", m.currency, m.amount),
                        ParamValue::Date(d) => d.to_string(),
                    };
                    let cmp = x
                        .comparator
                        .map(|c| format!("{} ", c.as_str()))
                        .unwrap_or_default();
                    (
                        x.name.clone(),
                        format!("{cmp}{value} {}", x.unit),
                        cite(&x.document, x.section.as_deref()),
                    )
                })
                .collect(),
        })
        .collect();
    render(
        StatusCode::OK,
        &PoliciesPage {
            who: Some(s.who),
            set_hash: state.set.hash().to_owned(),
            packs,
        },
    )
}

/// The audit form (a checkpoint is optional).
#[derive(Default, Deserialize)]
pub(super) struct AuditQuery {
    #[serde(default)]
    checkpoint_seq: String,
    #[serde(default)]
    checkpoint_hash: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    who: Option<Who>,
    seq: String,
    hash: String,
    errors: Vec<(String, String)>,
    v: Option<Verification>,
}

pub(super) async fn audit(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    let seq = q.checkpoint_seq.trim();
    let hash = q.checkpoint_hash.trim();
    let mut errors = Vec::new();
    let parsed_seq = match seq {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push((
                    "checkpoint_seq".to_owned(),
                    "a record number (the checkpoint's `seq`)".to_owned(),
                ));
                None
            }
        },
    };
    let hash_opt = (!hash.is_empty()).then(|| hash.to_owned());
    let (status, v) = if errors.is_empty() {
        match verify_chain(&state, &auth, parsed_seq, hash_opt).await {
            Ok(v) => (StatusCode::OK, Some(v)),
            Err(p) if p.status == 422 => {
                errors.extend(p.errors.into_iter().map(|e| (e.path, e.expected)));
                (StatusCode::UNPROCESSABLE_ENTITY, None)
            }
            Err(p) => return problem_page(&p, s.who),
        }
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, None)
    };
    render(
        status,
        &AuditPage {
            who: Some(s.who),
            seq: seq.to_owned(),
            hash: hash.to_owned(),
            errors,
            v,
        },
    )
}
