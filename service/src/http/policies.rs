//! `GET /v1/policies` and `GET /v1/policies/{pack}/{version}`: the policy set in force.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use imvo_engine::Instrument;
use serde::Serialize;

use super::extract::Auth;
use super::problem::Problem;
use super::state::Shared;
use crate::access::Action;

/// A pack in the set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackSummary {
    /// Pack id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// Instruments.
    #[schema(value_type = Vec<String>)]
    pub instruments: Vec<Instrument>,
    /// First day in force.
    pub effective_from: String,
    /// First day no longer in force.
    pub effective_to: Option<String>,
    /// Runs beside an instrument's own pack.
    pub overlay: bool,
    /// Number of rules.
    pub rules: usize,
    /// Content hash.
    pub hash: String,
}

/// The policy set in force.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Policies {
    /// Hash over every file of the set.
    pub policy_set: String,
    /// Its packs.
    pub packs: Vec<PackSummary>,
}

/// The packs of the policy set in force.
#[utoipa::path(get, path = "/v1/policies", tag = "policies",
    responses((status = 200, body = Policies), (status = 401, body = Problem)), security(("bearer" = [])))]
pub(super) async fn list_policies(
    State(state): State<Shared>,
    auth: Auth,
) -> Result<Response, Problem> {
    auth.allow(Action::ReadPolicies)?;
    let packs = state
        .set
        .packs()
        .iter()
        .map(|p| PackSummary {
            id: p.manifest.id.to_string(),
            version: p.manifest.version.to_string(),
            title: p.manifest.title.clone(),
            instruments: p.manifest.instruments.clone(),
            effective_from: p.manifest.effective_from.to_string(),
            effective_to: p.manifest.effective_to.map(|d| d.to_string()),
            overlay: p.manifest.overlay,
            rules: p.rules.len(),
            hash: p.hash.clone(),
        })
        .collect();
    Ok(Json(Policies {
        policy_set: state.set.hash().to_owned(),
        packs,
    })
    .into_response())
}

/// One pack: manifest with sources, rule table and parameters.
#[utoipa::path(get, path = "/v1/policies/{pack}/{version}", tag = "policies",
    params(("pack" = String, Path), ("version" = String, Path)),
    responses((status = 200, description = "manifest, rules (with citations) and parameters", body = Object), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(super) async fn get_policy(
    State(state): State<Shared>,
    auth: Auth,
    Path((pack, version)): Path<(String, String)>,
) -> Result<Response, Problem> {
    auth.allow(Action::ReadPolicies)?;
    let Some(p) = state
        .set
        .packs()
        .iter()
        .find(|p| *p.manifest.id == *pack && *p.manifest.version == *version)
    else {
        return Err(Problem::not_found(format!(
            "no pack `{pack}` version `{version}` in the set in force"
        )));
    };
    Ok(Json(serde_json::json!({
        "manifest": p.manifest, "hash": p.hash, "rules": p.rules, "params": p.params,
        "conditions": p.conditions.iter().map(|(name, when)| serde_json::json!({"name": name, "when": when})).collect::<Vec<_>>(),
    }))
    .into_response())
}
