//! The HTTP API through `tower::ServiceExt::oneshot` over real databases: every endpoint,
//! every role rule and every error class; idempotency; replay after the packs change; the
//! tamper test through the verify endpoint; the golden scenarios through `POST /v1/screenings`
//! (a differential test against the engine); and 50 concurrent clients on both databases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    reason = "test code: a failed expectation is a test failure; a scenario test reads top to bottom"
)]

mod support;

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use imvo_engine::PolicySet;
use imvo_service::auth::{Role, create_key};
use imvo_service::http::{AppState, Settings, router};
use imvo_service::store::{Db, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

fn policies() -> PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| PolicySet::load(&support::root().join("policies")).unwrap())
        .clone()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(support::root().join("examples").join(name)).unwrap()
}

struct Api {
    app: Router,
    store: Store,
    analyst: String,
    organiser: String,
    auditor: String,
    admin: String,
}

async fn api_on(store: Store, set: PolicySet) -> Api {
    let (state, _writer) = AppState::new(store.clone(), set, Settings::default())
        .await
        .unwrap();
    let key = |r: Role| {
        let store = store.clone();
        async move { create_key(&store, &[r], None).await.unwrap().1 }
    };
    Api {
        app: router(state),
        analyst: key(Role::Analyst).await,
        organiser: key(Role::MissionOrganiser).await,
        auditor: key(Role::Auditor).await,
        admin: key(Role::Admin).await,
        store,
    }
}

async fn api() -> Api {
    api_on(support::sqlite().await.0, policies()).await
}

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn problem(&self) -> Value {
        assert_eq!(
            self.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/problem+json",
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let v = self.json();
        assert_eq!(v["status"], self.status.as_u16());
        assert!(v["type"].as_str().unwrap().starts_with("urn:imvo:problem:"));
        v
    }
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
    extra: &[(&str, &str)],
) -> Resp {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(k) = key {
        b = b.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    for (h, v) in extra {
        b = b.header(*h, *v);
    }
    let req = match body {
        Some((ct, bytes)) => b
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(bytes))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    send(app, req).await
}

async fn send(app: &Router, req: Request<Body>) -> Resp {
    let uri = req.uri().clone();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    assert!(
        headers.contains_key("x-request-id"),
        "every response carries X-Request-Id ({uri})"
    );
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

fn json_body(s: &str) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", s.as_bytes().to_vec()))
}

async fn post_app(api: &Api, key: &str, app: &str) -> Resp {
    call(
        &api.app,
        "POST",
        "/v1/screenings",
        Some(key),
        json_body(app),
        &[],
    )
    .await
}

#[tokio::test]
async fn screen_read_list_history_replay_and_simulate() {
    let api = api().await;
    let r = post_app(&api, &api.analyst, &example("gas-plant-id-2022.json")).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let rec = r.json();
    let id = rec["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        &format!("/v1/screenings/{id}")
    );
    assert_eq!(rec["decision"]["category"], "A");
    assert_eq!(rec["decision"]["outcome"], "proceed_with_conditions");
    assert!(rec["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(rec["created_by"].as_str().unwrap().len(), 12);

    let got = call(
        &api.app,
        "GET",
        &format!("/v1/screenings/{id}"),
        Some(&api.auditor),
        None,
        &[],
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json(), rec, "read back exactly as stored");

    // Rendered on request, in the language asked; the decision itself is the same bytes.
    let uri = format!("/v1/screenings/{id}?render=accept");
    let nl = call(
        &api.app,
        "GET",
        &uri,
        Some(&api.auditor),
        None,
        &[("accept-language", "fr;q=0.9, nl-NL;q=0.8, en;q=0.1")],
    )
    .await
    .json();
    assert_eq!(nl["decision"], rec["decision"]);
    let text = nl["text"].as_str().unwrap();
    assert!(
        text.contains("Uitkomst:  doorgaan onder voorwaarden"),
        "{text}"
    );
    let bad = call(
        &api.app,
        "GET",
        &format!("/v1/screenings/{id}?render=fr"),
        Some(&api.auditor),
        None,
        &[],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&bad.body).contains("\"path\":\"render\""));

    // The letter to the applicant, in Dutch, as a page to print.
    let letter = call(
        &api.app,
        "GET",
        &format!("/v1/screenings/{id}/letter?lang=nl&format=html&date=2022-11-02"),
        Some(&api.auditor),
        None,
        &[],
    )
    .await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(
        letter.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = String::from_utf8_lossy(&letter.body);
    for needle in [
        "<html lang=\"nl\">",
        "Datum: 2 november 2022",
        "Uw aanvraag kan verder zodra u de stappen hieronder hebt geleverd.",
        "uiterlijk 30 januari 2023",
    ] {
        assert!(page.contains(needle), "`{needle}` not in:\n{page}");
    }

    // A second screening of the same application under another date, then the history.
    let r2 = call(
        &api.app,
        "POST",
        "/v1/screenings?as_of=2023-02-01",
        Some(&api.analyst),
        json_body(&example("gas-plant-id-2022.json")),
        &[],
    )
    .await;
    assert_eq!(r2.status, StatusCode::CREATED);
    assert_eq!(r2.json()["decision"]["provenance"]["as_of"], "2023-02-01");
    let h = call(
        &api.app,
        "GET",
        "/v1/applications/ADSB-2022-0412/screenings",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(h.status, StatusCode::OK);
    let recs = h.json()["records"].as_array().unwrap().clone();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["kind"], "screening");

    let list = call(
        &api.app,
        "GET",
        "/v1/screenings?reference=ADSB-2022-0412&category=A&limit=1",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(list.status, StatusCode::OK);
    let page = list.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let next = call(
        &api.app,
        "GET",
        &format!("/v1/screenings?reference=ADSB-2022-0412&limit=1&cursor={cursor}"),
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(
        next.json()["items"][0]["id"],
        id.as_str(),
        "the cursor pages back to the first"
    );
    let none = call(
        &api.app,
        "GET",
        "/v1/screenings?outcome=decline",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(none.json()["items"].as_array().unwrap().len(), 0);

    let replay = call(
        &api.app,
        "POST",
        &format!("/v1/screenings/{id}/replay"),
        Some(&api.auditor),
        None,
        &[],
    )
    .await;
    assert_eq!(replay.status, StatusCode::OK);
    let rp = replay.json();
    assert_eq!(
        (rp["identical"].as_bool(), rp["engine_changed"].as_bool()),
        (Some(true), Some(false))
    );

    let sim = json!({"application": serde_json::from_str::<Value>(&example("gas-plant-id-2022.json")).unwrap(), "as_of": "2015-01-01"});
    let s = call(
        &api.app,
        "POST",
        "/v1/simulate",
        Some(&api.analyst),
        json_body(&sim.to_string()),
        &[],
    )
    .await;
    assert_eq!(s.status, StatusCode::OK);
    assert_eq!(
        s.json()["outcome"],
        "refer",
        "screened as of 2015, before the Common Approaches pack: no pack in force"
    );
    let policies = call(
        &api.app,
        "GET",
        "/v1/policies",
        Some(&api.auditor),
        None,
        &[],
    )
    .await
    .json();
    let with_set = json!({"application": sim["application"], "policy_set": policies["policy_set"]});
    let s = call(
        &api.app,
        "POST",
        "/v1/simulate",
        Some(&api.analyst),
        json_body(&with_set.to_string()),
        &[],
    )
    .await;
    assert_eq!(s.json()["category"], "A");
    let unknown_set = json!({"application": sim["application"], "policy_set": "sha256:0"});
    let s = call(
        &api.app,
        "POST",
        "/v1/simulate",
        Some(&api.analyst),
        json_body(&unknown_set.to_string()),
        &[],
    )
    .await;
    assert_eq!(s.status, StatusCode::NOT_FOUND);
    s.problem();
    let count = api.store.verify(None).await.unwrap().records;
    assert_eq!(count, 2, "simulate and replay store nothing");
}

#[tokio::test]
async fn policies_and_operations_endpoints() {
    let api = api().await;
    let p = call(
        &api.app,
        "GET",
        "/v1/policies",
        Some(&api.organiser),
        None,
        &[],
    )
    .await;
    assert_eq!(p.status, StatusCode::OK);
    let v = p.json();
    assert!(v["policy_set"].as_str().unwrap().starts_with("sha256:"));
    assert!(
        v["packs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "oecd-common-approaches")
    );
    let one = call(
        &api.app,
        "GET",
        "/v1/policies/oecd-common-approaches/2016.1.0",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(one.status, StatusCode::OK);
    let pack = one.json();
    assert!(
        pack["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "R-EC-06.2" && r["section"] == "Annex I, item 2")
    );
    assert!(pack["manifest"]["sources"].as_array().unwrap().len() > 2);
    let missing = call(
        &api.app,
        "GET",
        "/v1/policies/oecd-common-approaches/9.9.9",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        let r = call(&api.app, "GET", path, None, None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{path} needs no key");
    }
    let ready = call(&api.app, "GET", "/readyz", None, None, &[])
        .await
        .json();
    assert_eq!(ready["database"], "ok");
    let _ = post_app(&api, &api.analyst, &example("gas-plant-id-2022.json")).await;
    let m = String::from_utf8(
        call(&api.app, "GET", "/metrics", None, None, &[])
            .await
            .body,
    )
    .unwrap();
    assert!(
        m.contains("imvo_screenings_total{outcome=\"proceed_with_conditions\",category=\"A\"} 1"),
        "{m}"
    );
    assert!(m.contains("route=\"/v1/screenings\",status=\"201\""), "{m}");

    // The OpenAPI document lists every route the router serves.
    let doc = call(&api.app, "GET", "/openapi.json", None, None, &[])
        .await
        .json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/v1/screenings",
        "/v1/screenings/{id}",
        "/v1/screenings/{id}/replay",
        "/v1/screenings/{id}/review",
        "/v1/applications/{reference}/screenings",
        "/v1/simulate",
        "/v1/policies",
        "/v1/policies/{pack}/{version}",
        "/v1/audit/verify",
        "/v1/keys",
        "/v1/keys/{id}/revoke",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} is not in /openapi.json"
        );
    }
    // The decision is described, with its category status and indicative block.
    let schemas = &doc["components"]["schemas"];
    let decision = &schemas["Decision"]["properties"];
    assert!(
        decision.get("category_status").is_some() && decision.get("indicative").is_some(),
        "{}",
        schemas["Decision"]
    );
    for name in [
        "CategoryStatus",
        "Indicative",
        "Deciding",
        "Assumption",
        "Move",
    ] {
        assert!(
            schemas.get(name).is_some(),
            "{name} is not in /openapi.json"
        );
    }
}

#[tokio::test]
async fn every_error_class_is_problem_json() {
    let api = api().await;
    // 401: no key, a malformed one, an unknown one.
    for key in [
        None,
        Some("nope"),
        Some("imvo_000000000000_0000000000000000000000000000000000000000000000000000000000000000"),
    ] {
        let r = call(&api.app, "GET", "/v1/screenings", key, None, &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        r.problem();
    }
    // 400: malformed JSON, with the position.
    let r = post_app(&api, &api.analyst, "{\"reference\": ").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.problem()["detail"].as_str().unwrap().contains("line 1"));
    // 422: every invalid field named with what was expected.
    let bad = json!({"reference": "X-1", "instrument": "export_credit", "application_date": "2022-13-01",
                     "project": {"country": "XX", "colour": "red"}});
    let r = post_app(&api, &api.analyst, &bad.to_string()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = r.problem();
    let paths: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"application_date")
            && paths.contains(&"project.country")
            && paths.contains(&"project.colour"),
        "{paths:?}"
    );
    assert!(
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["expected"].as_str().unwrap().is_empty())
    );
    // 413: above the body limit.
    let big = format!("{{\"reference\": \"{}\"}}", "x".repeat(300 * 1024));
    let r = post_app(&api, &api.analyst, &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    r.problem();
    // 415: not JSON.
    let r = call(
        &api.app,
        "POST",
        "/v1/screenings",
        Some(&api.analyst),
        Some(("text/plain", b"{}".to_vec())),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    r.problem();
    // 404, 405, bad query.
    let r = call(
        &api.app,
        "GET",
        "/v1/nothing",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    r.problem();
    let r = call(
        &api.app,
        "DELETE",
        "/v1/screenings",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    r.problem();
    let r = call(
        &api.app,
        "GET",
        "/v1/screenings?category=D&limit=0",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.problem()["errors"].as_array().unwrap().len(), 2);
    let r = call(
        &api.app,
        "GET",
        "/v1/screenings?colour=red",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.problem();
    let r = call(
        &api.app,
        "GET",
        "/v1/screenings/does-not-exist",
        Some(&api.analyst),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    r.problem();
    // Nothing of the above was stored.
    assert_eq!(api.store.verify(None).await.unwrap().records, 0);
}

#[tokio::test]
async fn roles_decide_who_may_do_what() {
    let api = api().await;
    let ec = example("gas-plant-id-2022.json");
    let tm = example("trade-mission-vn-2027.json");
    // Screening: analysts and mission organisers (trade missions only).
    assert_eq!(
        post_app(&api, &api.auditor, &ec).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_app(&api, &api.admin, &ec).await.status,
        StatusCode::FORBIDDEN
    );
    let r = post_app(&api, &api.organiser, &ec).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    r.problem();
    let ec_id = post_app(&api, &api.analyst, &ec).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tm_rec = post_app(&api, &api.organiser, &tm).await;
    assert_eq!(tm_rec.status, StatusCode::CREATED);
    let tm_id = tm_rec.json()["id"].as_str().unwrap().to_owned();
    // Reading: a mission organiser cannot see an export credit at all (404), only missions.
    let r = call(
        &api.app,
        "GET",
        &format!("/v1/screenings/{ec_id}"),
        Some(&api.organiser),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        call(
            &api.app,
            "GET",
            &format!("/v1/screenings/{tm_id}"),
            Some(&api.organiser),
            None,
            &[]
        )
        .await
        .status,
        StatusCode::OK
    );
    let list = call(
        &api.app,
        "GET",
        "/v1/screenings",
        Some(&api.organiser),
        None,
        &[],
    )
    .await
    .json();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the organiser's list holds the mission only"
    );
    assert_eq!(
        call(
            &api.app,
            "GET",
            "/v1/applications/ADSB-2022-0412/screenings",
            Some(&api.organiser),
            None,
            &[]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(
            &api.app,
            "GET",
            &format!("/v1/screenings/{ec_id}"),
            Some(&api.admin),
            None,
            &[]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // Reviews: analysts only.
    let agree = json!({"verdict": "agree"}).to_string();
    assert_eq!(
        call(
            &api.app,
            "POST",
            &format!("/v1/screenings/{ec_id}/review"),
            Some(&api.auditor),
            json_body(&agree),
            &[]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // Verify: auditors only. Keys: admins only.
    assert_eq!(
        call(
            &api.app,
            "GET",
            "/v1/audit/verify",
            Some(&api.analyst),
            None,
            &[]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(
            &api.app,
            "GET",
            "/v1/audit/verify",
            Some(&api.auditor),
            None,
            &[]
        )
        .await
        .status,
        StatusCode::OK
    );
    let new_key = json!({"roles": ["auditor"]}).to_string();
    assert_eq!(
        call(
            &api.app,
            "POST",
            "/v1/keys",
            Some(&api.analyst),
            json_body(&new_key),
            &[]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let created = call(
        &api.app,
        "POST",
        "/v1/keys",
        Some(&api.admin),
        json_body(&new_key),
        &[],
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let k = created.json();
    let key = k["key"].as_str().unwrap().to_owned();
    assert_eq!(
        call(&api.app, "GET", "/v1/audit/verify", Some(&key), None, &[])
            .await
            .status,
        StatusCode::OK
    );
    let listed = call(&api.app, "GET", "/v1/keys", Some(&api.admin), None, &[]).await;
    assert!(
        !String::from_utf8_lossy(&listed.body).contains(&key[18..]),
        "secrets are never listed"
    );
    let id = k["id"].as_str().unwrap();
    assert_eq!(
        call(
            &api.app,
            "POST",
            &format!("/v1/keys/{id}/revoke"),
            Some(&api.admin),
            None,
            &[]
        )
        .await
        .status,
        StatusCode::OK
    );
    // Revocation takes effect at once on the process that revoked the key (its cache was warm),
    // and reaches a fresh verifier at once (another running one within its cache time).
    assert_eq!(
        call(&api.app, "GET", "/v1/audit/verify", Some(&key), None, &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let fresh = api_on(api.store.clone(), policies()).await;
    assert_eq!(
        call(&fresh.app, "GET", "/v1/audit/verify", Some(&key), None, &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Every record says who made it.
    let h = call(
        &api.app,
        "GET",
        "/v1/screenings",
        Some(&api.auditor),
        None,
        &[],
    )
    .await
    .json();
    assert!(
        h["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["created_by"].as_str().unwrap().len() == 12)
    );
}

#[tokio::test]
async fn reviews_are_new_records_and_never_change_the_screening() {
    let api = api().await;
    let rec = post_app(&api, &api.analyst, &example("gas-plant-id-2022.json"))
        .await
        .json();
    let id = rec["id"].as_str().unwrap();
    let uri = format!("/v1/screenings/{id}/review");
    let bad = json!({"verdict": "override", "outcome": "maybe"}).to_string();
    let r = call(
        &api.app,
        "POST",
        &uri,
        Some(&api.analyst),
        json_body(&bad),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let paths: Vec<String> = r.problem()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths, vec!["reason_code", "text", "outcome"]);
    let ok = json!({"verdict": "override", "reason_code": "mitigation_agreed", "text": "the sponsor moved the plant out of the natural habitat", "outcome": "proceed_with_conditions", "category": "B"}).to_string();
    let r = call(
        &api.app,
        "POST",
        &uri,
        Some(&api.analyst),
        json_body(&ok),
        &[],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.json()["review_of"], id);
    assert_eq!(r.json()["review"]["category"], "B");
    let again = call(
        &api.app,
        "GET",
        &format!("/v1/screenings/{id}"),
        Some(&api.analyst),
        None,
        &[],
    )
    .await
    .json();
    assert_eq!(again, rec, "the screening is unchanged");
    let h = call(
        &api.app,
        "GET",
        "/v1/applications/ADSB-2022-0412/screenings",
        Some(&api.auditor),
        None,
        &[],
    )
    .await
    .json();
    let kinds: Vec<&str> = h["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["screening", "review"]);
    let r = call(
        &api.app,
        "POST",
        "/v1/screenings/nope/review",
        Some(&api.analyst),
        json_body(&json!({"verdict": "agree"}).to_string()),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn idempotency_keys_return_the_first_result_and_refuse_another_body() {
    let api = api().await;
    let body = example("gas-plant-id-2022.json");
    let first = call(
        &api.app,
        "POST",
        "/v1/screenings",
        Some(&api.analyst),
        json_body(&body),
        &[("idempotency-key", "retry-1")],
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = call(
        &api.app,
        "POST",
        "/v1/screenings",
        Some(&api.analyst),
        json_body(&body),
        &[("idempotency-key", "retry-1")],
    )
    .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(
        second.body, first.body,
        "the retry gets the first result, byte for byte"
    );
    let other = body.replace("ADSB-2022-0412", "ADSB-2022-0413");
    let r = call(
        &api.app,
        "POST",
        "/v1/screenings",
        Some(&api.analyst),
        json_body(&other),
        &[("idempotency-key", "retry-1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.problem();
    // The key is scoped to the API key: another analyst's key of the same name is its own.
    let other_analyst = create_key(&api.store, &[Role::Analyst], None)
        .await
        .unwrap()
        .1;
    let r = call(
        &api.app,
        "POST",
        "/v1/screenings",
        Some(&other_analyst),
        json_body(&body),
        &[("idempotency-key", "retry-1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_ne!(r.json()["id"], first.json()["id"]);
    // An invalid body releases nothing and stores nothing.
    let r = call(
        &api.app,
        "POST",
        "/v1/screenings",
        Some(&api.analyst),
        json_body("{"),
        &[("idempotency-key", "retry-2")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(api.store.verify(None).await.unwrap().records, 2);

    // 20 concurrent requests with one key: exactly one record; the others either return it or
    // are told the first is still in flight.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let app = api.app.clone();
        let key = api.analyst.clone();
        let body = body.replace("ADSB-2022-0412", "ADSB-2022-0499");
        tasks.push(tokio::spawn(async move {
            call(
                &app,
                "POST",
                "/v1/screenings",
                Some(&key),
                json_body(&body),
                &[("idempotency-key", "burst")],
            )
            .await
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            StatusCode::CREATED => {
                ids.insert(r.json()["id"].as_str().unwrap().to_owned());
            }
            StatusCode::CONFLICT => assert_eq!(
                r.problem()["type"],
                "urn:imvo:problem:idempotency-in-flight"
            ),
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(
        api.store
            .history("ADSB-2022-0499", None)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn replay_uses_the_stored_policy_set_after_the_packs_change() {
    let (store, _) = support::sqlite().await;
    let api = api_on(store.clone(), policies()).await;
    let id = post_app(&api, &api.analyst, &example("gas-plant-id-2022.json"))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The packs on disk change: the Annex I thermal threshold moves from 300 to 500 MWth.
    let mut files = policies().files().clone();
    let path = "oecd-common-approaches-2016.1.0/params.csv";
    let text = String::from_utf8(files[path].clone())
        .unwrap()
        .replace("annex_i.thermal_mwth,300,", "annex_i.thermal_mwth,500,");
    files.insert(path.to_owned(), text.into_bytes());
    let changed = PolicySet::from_files(files, imvo_service::http::limits()).unwrap();
    let later = api_on(store, changed).await;
    let now = post_app(&later, &later.analyst, &example("gas-plant-id-2022.json"))
        .await
        .json();
    assert_eq!(
        now["decision"]["category"], "B",
        "the new packs decide differently"
    );
    let replay = call(
        &later.app,
        "POST",
        &format!("/v1/screenings/{id}/replay"),
        Some(&later.auditor),
        None,
        &[],
    )
    .await
    .json();
    assert_eq!(
        replay["identical"], true,
        "replay runs the stored set, not the one on disk: {replay}"
    );
}

#[tokio::test]
async fn verify_finds_a_row_changed_behind_the_services_back() {
    let api = api().await;
    for _ in 0..4 {
        post_app(&api, &api.analyst, &example("gas-plant-id-2022.json")).await;
    }
    let ok = call(
        &api.app,
        "GET",
        "/v1/audit/verify",
        Some(&api.auditor),
        None,
        &[],
    )
    .await
    .json();
    assert_eq!(ok["records"], 4);
    assert!(ok["broken"].is_null());
    let Db::Sqlite(pool) = api.store.db() else {
        unreachable!()
    };
    sqlx::query("DROP TRIGGER records_no_update")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE records SET decision = replace(decision, '\"category\":\"A\"', '\"category\":\"C\"') WHERE seq = 2")
        .execute(pool)
        .await
        .unwrap();
    let v = call(
        &api.app,
        "GET",
        "/v1/audit/verify",
        Some(&api.auditor),
        None,
        &[],
    )
    .await
    .json();
    assert_eq!(v["broken"]["seq"], 2, "{v}");
    let head = &ok["head"];
    let uri = format!(
        "/v1/audit/verify?checkpoint_seq={}&checkpoint_hash={}",
        head["seq"],
        head["hash"].as_str().unwrap()
    );
    let v = call(&api.app, "GET", &uri, Some(&api.auditor), None, &[])
        .await
        .json();
    assert_eq!(
        v["checkpoint_matches"], true,
        "the head itself was not touched"
    );
}

/// The golden scenarios through `POST /v1/screenings` give the engine's decisions.
#[tokio::test]
async fn golden_scenarios_through_the_api_match_the_engine() {
    let api = api().await;
    let set = policies();
    let files = imvo_service::scenarios::files(&support::root().join("scenarios")).unwrap();
    assert!(files.len() >= 80);
    for path in files {
        let s: imvo_service::scenarios::Scenario =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let body = s.application.to_string();
        let uri = match s.as_of {
            Some(d) => format!("/v1/screenings?as_of={d}"),
            None => "/v1/screenings".to_owned(),
        };
        let key = if s.application["instrument"] == "trade_mission" {
            &api.organiser
        } else {
            &api.analyst
        };
        let r = call(&api.app, "POST", &uri, Some(key), json_body(&body), &[]).await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&r.body)
        );
        let app = imvo_engine::Application::parse(&body).unwrap();
        let direct = imvo_engine::screen(&set, &app, s.as_of.unwrap_or(app.application_date));
        assert_eq!(
            r.json()["decision"],
            serde_json::to_value(&direct).unwrap(),
            "{}",
            path.display()
        );
        assert!(s.expect.check(&direct).is_empty(), "{}", path.display());
    }
    assert!(api.store.verify(None).await.unwrap().broken.is_none());
}

async fn concurrent_clients(store: Store, name: &str) {
    let api = Arc::new(api_on(store, policies()).await);
    let bodies: Arc<Vec<String>> = Arc::new(
        ["gas-plant-id-2022.json", "trade-mission-vn-2027.json"]
            .iter()
            .map(|f| example(f))
            .collect(),
    );
    let clients = 50;
    let per_client = 40;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let api = Arc::clone(&api);
        let bodies = Arc::clone(&bodies);
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..per_client {
                let body = bodies[(c + i) % 2].replace("ADSB-2022-0412", &format!("ADSB-C{c}-{i}"));
                let r = post_app(&api, &api.analyst, &body).await;
                assert_eq!(
                    r.status,
                    StatusCode::CREATED,
                    "{}",
                    String::from_utf8_lossy(&r.body)
                );
                ids.push(r.json()["id"].as_str().unwrap().to_owned());
            }
            ids
        }));
    }
    let mut all = std::collections::BTreeSet::new();
    for t in tasks {
        for id in t.await.unwrap() {
            assert!(all.insert(id), "{name}: an id was returned twice");
        }
    }
    assert_eq!(all.len(), clients * per_client, "{name}");
    let v = api.store.verify(None).await.unwrap();
    assert_eq!(
        v.records,
        i64::try_from(clients * per_client).unwrap(),
        "{name}: exactly one record per accepted request"
    );
    assert!(v.broken.is_none(), "{name}: {v:?}");
    for id in all.iter().take(50) {
        assert!(api.store.record(id).await.unwrap().is_some(), "{name}");
    }
}

/// 50 clients posting 2,000 screenings at once, on SQLite and (when configured) PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_clients_get_exactly_one_record_each() {
    concurrent_clients(support::sqlite().await.0, "sqlite").await;
    if let Some((pg, _)) = support::postgres().await {
        concurrent_clients(pg, "postgres").await;
    }
}

/// A pack whose rule never ends cannot hang the service: the screening is stored with the rule's
/// error and fails closed to `refer`, and `/healthz` answers while hostile screenings run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_policy_fails_closed_and_health_stays_up() {
    let set = PolicySet::load(&support::root().join("service/tests/fixtures")).unwrap();
    let api = Arc::new(api_on(support::sqlite().await.0, set).await);
    let body = example("gas-plant-id-2022.json");
    let mut hostile = Vec::new();
    for _ in 0..8 {
        let api = Arc::clone(&api);
        let body = body.clone();
        hostile.push(tokio::spawn(async move {
            post_app(&api, &api.analyst, &body).await
        }));
    }
    let t = std::time::Instant::now();
    let h = call(&api.app, "GET", "/healthz", None, None, &[]).await;
    assert_eq!(h.status, StatusCode::OK);
    assert!(
        t.elapsed() < std::time::Duration::from_millis(500),
        "healthz waited {:?}",
        t.elapsed()
    );
    for task in hostile {
        let r = task.await.unwrap();
        assert_eq!(r.status, StatusCode::CREATED);
        let d = &r.json()["decision"];
        assert_eq!(d["outcome"], "refer");
        let kinds: Vec<&str> = d["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"limit") || kinds.contains(&"deadline"),
            "{kinds:?}"
        );
        assert!(
            d["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule_id"] == "R-HX-02"),
            "the benign rule still ran"
        );
    }
}

/// A request whose body arrives only when `gate` opens (or never, if the sender is kept and
/// never used): it holds its slot for as long as the test wants, without depending on timing.
fn gated_request(key: &str, body: &str, gate: tokio::sync::oneshot::Receiver<()>) -> Request<Body> {
    gated_post("/v1/screenings", "application/json", key, body, gate)
}

/// A `POST` to `uri` whose body arrives only when `gate` opens.
fn gated_post(
    uri: &str,
    content_type: &str,
    key: &str,
    body: &str,
    gate: tokio::sync::oneshot::Receiver<()>,
) -> Request<Body> {
    let bytes = axum::body::Bytes::from(body.to_owned());
    let stream = futures_util::stream::once(async move {
        let _ = gate.await;
        Ok::<_, std::convert::Infallible>(bytes)
    });
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from_stream(stream))
        .unwrap()
}

/// Beyond the concurrency limit requests are shed at once with 503; a body that trickles in
/// holds no slot and is cut off with 408 after the body deadline; a request past the request
/// timeout whose record nothing has taken is cut off with 503. All problem+json, and the service
/// keeps answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_is_shed_and_slow_bodies_hold_no_slot() {
    use sqlx::Connection;
    let set = PolicySet::load(&support::root().join("service/tests/fixtures")).unwrap();
    let (store, url) = support::sqlite().await;
    let settings = Settings {
        concurrency: 1,
        request_timeout: std::time::Duration::from_secs(1),
        body_read_timeout: std::time::Duration::from_secs(1),
        ..Settings::default()
    };
    let (state, _writer) = AppState::new(store.clone(), set, settings).await.unwrap();
    let app = router(state);
    let key = create_key(&store, &[Role::Analyst], None).await.unwrap().1;
    let body = example("gas-plant-id-2022.json");
    // Bodies that never arrive, as many as one key may send at once: each is cut off with 408
    // after the body deadline, and while they trickle the only slot still serves others.
    let per_key = imvo_service::http::bodies_per_key(&Settings {
        concurrency: 1,
        ..Settings::default()
    });
    let mut stalled = Vec::new();
    let mut held = Vec::new();
    for _ in 0..per_key {
        let (never, gate) = tokio::sync::oneshot::channel::<()>();
        held.push(never);
        let app = app.clone();
        let req = gated_request(&key, &body, gate);
        stalled.push(tokio::spawn(async move { send(&app, req).await }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (_never, gate) = tokio::sync::oneshot::channel::<()>();
    let over = send(&app, gated_request(&key, &body, gate)).await;
    assert_eq!(
        over.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "one key, too many bodies"
    );
    assert_eq!(over.problem()["type"], "urn:imvo:problem:too-many-bodies");
    let other = create_key(&store, &[Role::Analyst], None).await.unwrap().1;
    let r = post_app_on(&app, &other, &body).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    for t in stalled {
        let r = t.await.unwrap();
        assert_eq!(r.status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(r.problem()["type"], "urn:imvo:problem:body-timeout");
    }
    drop(held);
    // A request waiting on the database holds the only slot (its record is with the writer:
    // it waits for the outcome past the request timeout rather than answer before it): a
    // second request is shed at once, the liveness probe outside the limits still answers, and
    // once the database lets go the first is stored.
    let mut lock = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut lock)
        .await
        .unwrap();
    let (a, (b, h)) = tokio::join!(post_app_on(&app, &key, &body), async {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let b = call(&app, "GET", "/v1/policies", Some(&key), None, &[]).await;
        let h = call(&app, "GET", "/healthz", None, None, &[]).await;
        sqlx::query("COMMIT").execute(&mut lock).await.unwrap();
        (b, h)
    });
    assert_eq!(
        b.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "one slot: the second request is shed"
    );
    assert_eq!(b.problem()["type"], "urn:imvo:problem:overloaded");
    assert!(b.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(h.status, StatusCode::OK, "health is never shed");
    assert_eq!(
        a.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    // A request past the deadline whose record the writer has not taken (it is busy with an
    // earlier one, held up by the database): 503 timeout, and its record is never written.
    let two = Settings {
        concurrency: 2,
        request_timeout: std::time::Duration::from_secs(1),
        ..Settings::default()
    };
    let (state, _w) = AppState::new(store.clone(), policies(), two).await.unwrap();
    let app2 = router(state);
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut lock)
        .await
        .unwrap();
    let first = body.replace("ADSB-2022-0412", "SLOW-FIRST");
    let second = body.replace("ADSB-2022-0412", "SLOW-SECOND");
    let (a, b) = tokio::join!(post_app_on(&app2, &key, &first), async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let b = post_app_on(&app2, &key, &second).await;
        sqlx::query("COMMIT").execute(&mut lock).await.unwrap();
        b
    });
    assert_eq!(
        a.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(b.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(b.problem()["type"], "urn:imvo:problem:timeout");
    assert!(b.headers.contains_key(header::RETRY_AFTER));
    // A later screening is stored after anything the writer held.
    let later = body.replace("ADSB-2022-0412", "SLOW-LATER");
    assert_eq!(
        post_app_on(&app2, &key, &later).await.status,
        StatusCode::CREATED
    );
    assert!(
        store.history("SLOW-SECOND", None).await.unwrap().is_empty(),
        "answered 503 timeout, so never stored"
    );
    // The slot is free again.
    assert_eq!(
        call(&app, "GET", "/v1/policies", Some(&key), None, &[])
            .await
            .status,
        StatusCode::OK
    );
}

async fn post_app_on(app: &Router, key: &str, body: &str) -> Resp {
    call(
        app,
        "POST",
        "/v1/screenings",
        Some(key),
        json_body(body),
        &[],
    )
    .await
}

/// What a key may do, as docs/api.md's role table says it, written apart from the code
/// (service/src/access.rs) so that the one can check the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Answer {
    /// 403: the key may not do this at all.
    Forbidden,
    /// 404: the key may do this, but not to this application (outside its scope).
    Hidden,
    /// 2xx.
    Allowed,
}

/// The documented answer of one role for one (endpoint, instrument): `tm` is whether the
/// application is a trade mission, `own` whether the key itself made the batch.
fn documented(role: Role, endpoint: &str, tm: bool) -> Answer {
    use Answer::{Allowed, Forbidden, Hidden};
    let missions = |yes: bool| if yes { Allowed } else { Forbidden };
    let read_missions = |yes: bool| if yes { Allowed } else { Hidden };
    match (role, endpoint) {
        (Role::Analyst, "keys" | "verify") => Forbidden,
        (Role::Analyst, _) => Allowed,
        (Role::MissionOrganiser, "screen" | "simulate") => missions(tm),
        // An upload is taken; its lines of other instruments are rejected one by one.
        (Role::MissionOrganiser, "upload") => Allowed,
        (Role::MissionOrganiser, "read" | "replay") => read_missions(tm),
        // Its own batches only: the batch read here was made by an analyst.
        (Role::MissionOrganiser, "batch") => Hidden,
        (Role::MissionOrganiser, "policies") => Allowed,
        (Role::MissionOrganiser, _) => Forbidden,
        (Role::Auditor, "read" | "replay" | "batch" | "policies" | "verify") => Allowed,
        (Role::Auditor, _) => Forbidden,
        (Role::Admin, "keys" | "approve") => Allowed,
        (Role::Admin, _) => Forbidden,
    }
}

/// One request of the role matrix: endpoint name, method, URI, body.
type MatrixRequest<'a> = (&'a str, &'a str, String, Option<(&'a str, Vec<u8>)>);

fn answer_of(status: StatusCode) -> Answer {
    match status {
        StatusCode::FORBIDDEN => Answer::Forbidden,
        StatusCode::NOT_FOUND => Answer::Hidden,
        s if s.is_success() => Answer::Allowed,
        s => panic!("unexpected status {s}"),
    }
}

#[tokio::test]
async fn every_role_and_every_pair_of_roles_gets_the_union_of_its_roles() {
    let api = api().await;
    let apps = [
        (false, example("gas-plant-id-2022.json")),
        (true, example("trade-mission-vn-2027.json")),
    ];
    // What the keys act on, made by an analyst: one screening and one batch per instrument.
    let mut targets = Vec::new();
    for (tm, app) in &apps {
        let id = post_app(&api, &api.analyst, app).await.json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let line: Value = serde_json::from_str(app).unwrap();
        let r = call(
            &api.app,
            "POST",
            "/v1/batches",
            Some(&api.analyst),
            Some(("application/x-ndjson", format!("{line}\n").into_bytes())),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        let batch = r.json()["id"].as_str().unwrap().to_owned();
        targets.push((*tm, app.clone(), id, batch));
    }
    // Every role alone, then every pair, generated.
    let mut sets: Vec<Vec<Role>> = Role::ALL.iter().map(|r| vec![*r]).collect();
    for (i, a) in Role::ALL.iter().enumerate() {
        for b in Role::ALL.iter().skip(i + 1) {
            sets.push(vec![*a, *b]);
        }
    }
    assert_eq!(sets.len(), 4 + 6);
    let review = json!({"verdict": "agree", "text": "checked against the file"}).to_string();
    for roles in &sets {
        let key = create_key(&api.store, roles, None).await.unwrap().1;
        for (tm, app, id, batch) in &targets {
            let line: Value = serde_json::from_str(app).unwrap();
            let requests: Vec<MatrixRequest> = vec![
                ("screen", "POST", "/v1/screenings".into(), json_body(app)),
                (
                    "simulate",
                    "POST",
                    "/v1/simulate".into(),
                    json_body(&json!({ "application": line }).to_string()),
                ),
                ("read", "GET", format!("/v1/screenings/{id}"), None),
                (
                    "replay",
                    "POST",
                    format!("/v1/screenings/{id}/replay"),
                    None,
                ),
                (
                    "review",
                    "POST",
                    format!("/v1/screenings/{id}/review"),
                    json_body(&review),
                ),
                (
                    "upload",
                    "POST",
                    "/v1/batches".into(),
                    Some(("application/x-ndjson", format!("{line}\n").into_bytes())),
                ),
                ("batch", "GET", format!("/v1/batches/{batch}"), None),
                ("policies", "GET", "/v1/policies".into(), None),
                ("verify", "GET", "/v1/audit/verify".into(), None),
                ("keys", "GET", "/v1/keys".into(), None),
            ];
            // Approving needs a pending override by another person: an analyst's, lowering
            // the export credit's Category A to B (a trade mission has no category to lower).
            let mut requests = requests;
            if !*tm {
                let lowering = json!({"verdict": "override", "reason_code": "mitigation_agreed", "text": "moved out of the habitat", "outcome": "proceed_with_conditions", "category": "B"}).to_string();
                let pending = call(
                    &api.app,
                    "POST",
                    &format!("/v1/screenings/{id}/review"),
                    Some(&api.analyst),
                    json_body(&lowering),
                    &[],
                )
                .await
                .json();
                assert_eq!(pending["status"], "pending");
                requests.push((
                    "approve",
                    "POST",
                    format!(
                        "/v1/screenings/{id}/review/{}/approve",
                        pending["id"].as_str().unwrap()
                    ),
                    json_body("{}"),
                ));
            }
            for (endpoint, method, uri, body) in requests {
                let r = call(&api.app, method, &uri, Some(&key), body, &[]).await;
                let got = answer_of(r.status);
                let expected = roles
                    .iter()
                    .map(|role| documented(*role, endpoint, *tm))
                    .max()
                    .unwrap();
                assert_eq!(
                    got,
                    expected,
                    "{roles:?} {endpoint} {} ({}): {}",
                    if *tm {
                        "trade mission"
                    } else {
                        "export credit"
                    },
                    r.status,
                    String::from_utf8_lossy(&r.body)
                );
            }
        }
    }
}

#[tokio::test]
async fn keys_keep_one_admin_and_roles_once_and_request_ids_stay_short() {
    let api = api().await;
    // Duplicate roles are stored once.
    let twice = json!({"roles": ["auditor", "auditor", "analyst"]}).to_string();
    let created = call(
        &api.app,
        "POST",
        "/v1/keys",
        Some(&api.admin),
        json_body(&twice),
        &[],
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.json()["roles"], json!(["analyst", "auditor"]));
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let listed = call(&api.app, "GET", "/v1/keys", Some(&api.admin), None, &[])
        .await
        .json();
    let row = listed["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["roles"], json!(["analyst", "auditor"]));
    // The last active admin key cannot be revoked, by itself or another.
    let admin_id = api.admin.split('_').nth(1).unwrap().to_owned();
    let r = call(
        &api.app,
        "POST",
        &format!("/v1/keys/{admin_id}/revoke"),
        Some(&api.admin),
        None,
        &[],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert!(String::from_utf8_lossy(&r.body).contains("last active admin key"));
    // With a second admin key, the first may go.
    let second = json!({"roles": ["admin"]}).to_string();
    let r = call(
        &api.app,
        "POST",
        "/v1/keys",
        Some(&api.admin),
        json_body(&second),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = call(
        &api.app,
        "POST",
        &format!("/v1/keys/{admin_id}/revoke"),
        Some(&api.admin),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // A short, safe request id is echoed; a long or unsafe one is replaced by a new one.
    let r = call(
        &api.app,
        "GET",
        "/healthz",
        None,
        None,
        &[("x-request-id", "client-42.a_b:c")],
    )
    .await;
    assert_eq!(r.headers["x-request-id"], "client-42.a_b:c");
    let long = "a".repeat(9 * 1024);
    for bad in [long.as_str(), "has space", "semi;colon", "<script>"] {
        let r = call(
            &api.app,
            "GET",
            "/healthz",
            None,
            None,
            &[("x-request-id", bad)],
        )
        .await;
        let echoed = r.headers["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(echoed, bad);
        assert!(echoed.len() <= 64 && !echoed.is_empty(), "{echoed}");
    }
}

#[tokio::test]
async fn reviews_are_checked_against_their_screening_and_idempotent() {
    let api = api().await;
    let tm = post_app(&api, &api.organiser, &example("trade-mission-vn-2027.json"))
        .await
        .json();
    let tm_id = tm["id"].as_str().unwrap();
    // A trade mission has no category: an override may not record one.
    let with_category = json!({"verdict": "override", "reason_code": "mitigation_agreed",
        "text": "the participant withdrew the product", "outcome": "proceed", "category": "B"})
    .to_string();
    let r = call(
        &api.app,
        "POST",
        &format!("/v1/screenings/{tm_id}/review"),
        Some(&api.analyst),
        json_body(&with_category),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.problem()["errors"][0]["path"], "category");
    // A retried review with the same Idempotency-Key records one review.
    let ec = post_app(&api, &api.analyst, &example("gas-plant-id-2022.json"))
        .await
        .json();
    let uri = format!("/v1/screenings/{}/review", ec["id"].as_str().unwrap());
    let agree = json!({"verdict": "agree", "text": "checked"}).to_string();
    let key = [("idempotency-key", "review-1")];
    let first = call(
        &api.app,
        "POST",
        &uri,
        Some(&api.analyst),
        json_body(&agree),
        &key,
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = call(
        &api.app,
        "POST",
        &uri,
        Some(&api.analyst),
        json_body(&agree),
        &key,
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(first.json()["id"], again.json()["id"]);
    let other = json!({"verdict": "agree", "text": "checked twice"}).to_string();
    let r = call(
        &api.app,
        "POST",
        &uri,
        Some(&api.analyst),
        json_body(&other),
        &key,
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let reviews = call(
        &api.app,
        "GET",
        "/v1/applications/ADSB-2022-0412/screenings",
        Some(&api.analyst),
        None,
        &[],
    )
    .await
    .json();
    let text = reviews.to_string();
    assert_eq!(text.matches("\"review_of\"").count(), 1, "{text}");
}

#[tokio::test]
async fn a_checkpoint_is_checked_never_trusted_and_policy_sets_are_verified() {
    let api = api().await;
    for _ in 0..3 {
        post_app(&api, &api.analyst, &example("gas-plant-id-2022.json")).await;
    }
    let get = |uri: String| {
        let app = api.app.clone();
        let key = api.auditor.clone();
        async move { call(&app, "GET", &uri, Some(&key), None, &[]).await.json() }
    };
    let ok = get("/v1/audit/verify".into()).await;
    let head = ok["head"].clone();
    assert_eq!(head["seq"], 3);
    assert_eq!(ok["policy_sets"]["checked"], 1, "{ok}");
    assert_eq!(ok["policy_sets"]["mismatched"], json!([]));
    // A checkpoint past the chain, with the real head's hash: the head reported is the chain's.
    let v = get(format!(
        "/v1/audit/verify?checkpoint_seq=999999&checkpoint_hash={}",
        head["hash"].as_str().unwrap()
    ))
    .await;
    assert_eq!(v["head"], head, "{v}");
    assert_eq!(v["checkpoint_matches"], false);
    assert!(v["broken"].is_null());
    // A checkpoint with a wrong hash is a mismatch, not a broken chain.
    let v = get("/v1/audit/verify?checkpoint_seq=1&checkpoint_hash=sha256:00".into()).await;
    assert!(v["broken"].is_null(), "{v}");
    assert_eq!(v["checkpoint_matches"], false);
    assert_eq!(v["head"], head);
    assert_eq!(v["records"], 3);
    // A stored policy set changed behind the service's back is found.
    let Db::Sqlite(pool) = api.store.db() else {
        unreachable!()
    };
    sqlx::query("UPDATE policy_sets SET files = replace(files, '300', '900')")
        .execute(pool)
        .await
        .unwrap();
    let v = get("/v1/audit/verify".into()).await;
    assert_eq!(
        v["policy_sets"]["mismatched"].as_array().unwrap().len(),
        1,
        "{v}"
    );
}

/// A batch upload whose body arrives only when `gate` opens.
fn gated_upload(key: &str, body: &str, gate: tokio::sync::oneshot::Receiver<()>) -> Request<Body> {
    gated_post("/v1/batches", "application/x-ndjson", key, body, gate)
}

/// An upload declared over the limit is refused at once; one key cannot hold every upload slot;
/// readiness answers within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_limits_answer_at_once_and_per_key() {
    let (store, _) = support::sqlite().await;
    let settings = Settings {
        batch_uploads: 2,
        batch_max_bytes: 1_000_000,
        ..Settings::default()
    };
    let (state, _writer) = AppState::new(store.clone(), policies(), settings)
        .await
        .unwrap();
    let app = router(state);
    let key = create_key(&store, &[Role::Analyst], None).await.unwrap().1;
    let other = create_key(&store, &[Role::Analyst], None).await.unwrap().1;
    let line = format!(
        "{}\n",
        serde_json::from_str::<Value>(&example("gas-plant-id-2022.json")).unwrap()
    );
    // Declared over the limit, with a body that never comes: 413 without waiting for it.
    let (_never, stalled) = tokio::sync::oneshot::channel::<()>();
    let mut big = gated_upload(&key, &line, stalled);
    big.headers_mut().insert(
        header::CONTENT_LENGTH,
        axum::http::HeaderValue::from_static("5000000"),
    );
    let r = tokio::time::timeout(std::time::Duration::from_secs(5), send(&app, big))
        .await
        .expect("answered at once");
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // With two upload slots, one key may hold one: its second upload is refused while the first
    // is still arriving, and another key's upload is taken.
    let (open, gate) = tokio::sync::oneshot::channel();
    let (first, (second, third)) =
        tokio::join!(send(&app, gated_upload(&key, &line, gate)), async {
            // Let the first upload take its slot.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let (_hold, g2) = tokio::sync::oneshot::channel::<()>();
            let second = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                send(&app, gated_upload(&key, &line, g2)),
            )
            .await
            .expect("answered at once");
            let third = call(
                &app,
                "POST",
                "/v1/batches",
                Some(&other),
                Some(("application/x-ndjson", line.clone().into_bytes())),
                &[],
            )
            .await;
            open.send(()).unwrap();
            (second, third)
        });
    assert_eq!(second.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&second.body).contains("this key"));
    assert_eq!(
        third.status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&third.body)
    );
    assert_eq!(first.status, StatusCode::ACCEPTED);
}

/// A key has a holder (issue 17): set when the key is created, shown with it, and recorded with
/// every act stored under it, inside the record's hash. A key created without one, and its
/// records, read as held by the key's id. On SQLite and (when configured) PostgreSQL.
#[tokio::test]
async fn keys_have_holders_recorded_with_every_act() {
    for (name, store) in support::stores().await {
        let api = api_on(store.clone(), policies()).await;
        let new_key = |body: Value| {
            let app = api.app.clone();
            let admin = api.admin.clone();
            async move {
                call(
                    &app,
                    "POST",
                    "/v1/keys",
                    Some(&admin),
                    json_body(&body.to_string()),
                    &[],
                )
                .await
            }
        };
        let r = new_key(json!({"roles": ["analyst"], "holder": "Anna de Vries"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}");
        let created = r.json();
        assert_eq!(created["holder"], "Anna de Vries", "{name}");
        let anna = created["key"].as_str().unwrap().to_owned();
        for bad in [" Anna", "", "a\u{7}b"] {
            let r = new_key(json!({"roles": ["analyst"], "holder": bad})).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{name}: {bad:?}"
            );
            assert_eq!(r.problem()["errors"][0]["path"], "holder");
        }

        let rec = post_app(&api, &anna, &example("gas-plant-id-2022.json"))
            .await
            .json();
        assert_eq!(rec["holder"], "Anna de Vries", "{name}");
        assert_eq!(rec["created_by"], created["id"], "{name}");
        let id = rec["id"].as_str().unwrap();
        let review = call(
            &api.app,
            "POST",
            &format!("/v1/screenings/{id}/review"),
            Some(&anna),
            json_body(&json!({"verdict": "agree"}).to_string()),
            &[],
        )
        .await
        .json();
        assert_eq!(review["holder"], "Anna de Vries", "{name}");
        // The holder is part of the hashed content of the record.
        let stored = store.record(id).await.unwrap().unwrap();
        assert!(
            stored.content().contains(r#""holder":"Anna de Vries""#),
            "{name}"
        );
        assert_eq!(stored.compute_hash(), stored.hash, "{name}");

        // A key made without a holder reads as its id, and so does what it stores.
        let plain = post_app(&api, &api.analyst, &example("gas-plant-id-2022.json"))
            .await
            .json();
        assert_eq!(plain["holder"], plain["created_by"], "{name}");
        let keys = call(&api.app, "GET", "/v1/keys", Some(&api.admin), None, &[])
            .await
            .json();
        let holders: Vec<(&str, &str)> = keys["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| (k["id"].as_str().unwrap(), k["holder"].as_str().unwrap()))
            .collect();
        assert!(holders.contains(&(created["id"].as_str().unwrap(), "Anna de Vries")));
        assert!(
            holders.iter().filter(|(id, h)| id == h).count() >= 4,
            "{holders:?}"
        );

        let v = call(
            &api.app,
            "GET",
            "/v1/audit/verify",
            Some(&api.auditor),
            None,
            &[],
        )
        .await
        .json();
        assert!(v["broken"].is_null(), "{name}: {v}");
    }
}

/// Four eyes (issue 17): an override that lowers A to B stays pending; its author cannot approve
/// it, not even with another key of the same holder; a second analyst approves it; the history
/// shows the three records with their statuses; the chain verifies. A rejection leaves the
/// screening's decision standing, an override that lowers nothing is final, and a decided one is
/// not decided again.
#[tokio::test]
async fn an_override_that_lowers_the_category_needs_a_second_person() {
    let api = api().await;
    let holder_key = |holder: &'static str| {
        let store = api.store.clone();
        async move {
            create_key(&store, &[Role::Analyst], Some(holder))
                .await
                .unwrap()
                .1
        }
    };
    let (anna, anna_again, bram) = (
        holder_key("Anna").await,
        holder_key("Anna").await,
        holder_key("Bram").await,
    );
    let rec = post_app(&api, &anna, &example("gas-plant-id-2022.json"))
        .await
        .json();
    assert_eq!(rec["decision"]["category"], "A");
    let id = rec["id"].as_str().unwrap();
    let review = |key: String, body: Value| {
        let app = api.app.clone();
        let uri = format!("/v1/screenings/{id}/review");
        async move {
            call(
                &app,
                "POST",
                &uri,
                Some(&key),
                json_body(&body.to_string()),
                &[],
            )
            .await
        }
    };
    let decide = |key: String, review_id: String, verb: &'static str| {
        let app = api.app.clone();
        let uri = format!("/v1/screenings/{id}/review/{review_id}/{verb}");
        async move {
            call(
                &app,
                "POST",
                &uri,
                Some(&key),
                json_body(r#"{"text": "checked"}"#),
                &[],
            )
            .await
        }
    };
    let lowering = json!({"verdict": "override", "reason_code": "mitigation_agreed", "text": "the plant moved out of the natural habitat", "outcome": "proceed_with_conditions", "category": "B"});
    let r = review(anna.clone(), lowering.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let pending = r.json();
    assert_eq!(pending["status"], "pending");
    let pending_id = pending["id"].as_str().unwrap().to_owned();

    for key in [&anna, &anna_again] {
        let r = decide(key.clone(), pending_id.clone(), "approve").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the author's own holder");
        assert!(
            r.problem()["detail"]
                .as_str()
                .unwrap()
                .contains("four eyes")
        );
    }
    let r = decide(api.auditor.clone(), pending_id.clone(), "approve").await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "an auditor may not approve"
    );
    let r = decide(bram.clone(), "no-such-review".into(), "approve").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = decide(bram.clone(), pending_id.clone(), "approve").await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let approval = r.json();
    assert_eq!(approval["holder"], "Bram");
    assert_eq!(approval["review"]["verdict"], "approve");
    assert_eq!(approval["review"]["review_id"], pending_id.as_str());
    let r = decide(api.admin.clone(), pending_id.clone(), "reject").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "decided once");
    assert_eq!(r.problem()["type"], "urn:imvo:problem:not-pending");

    let history = |key: String| {
        let app = api.app.clone();
        async move {
            call(
                &app,
                "GET",
                "/v1/applications/ADSB-2022-0412/screenings",
                Some(&key),
                None,
                &[],
            )
            .await
            .json()
        }
    };
    let h = history(api.auditor.clone()).await;
    let shown: Vec<(String, String)> = h["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    let expected = [("screening", "-"), ("review", "approved"), ("review", "-")];
    assert_eq!(
        shown,
        expected.map(|(k, s)| (k.to_owned(), s.to_owned())),
        "{h}"
    );

    // A rejection: the override is rejected by an admin of another holder.
    let r = review(anna.clone(), lowering.clone()).await.json();
    let second = r["id"].as_str().unwrap().to_owned();
    let r = decide(api.admin.clone(), second.clone(), "reject").await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["review"]["verdict"], "reject");
    // An override that lowers nothing (A stays A, the outcome is more severe) is final.
    let harsher = json!({"verdict": "override", "reason_code": "new_information", "text": "credible reports of forced evictions", "outcome": "refer", "category": "A"});
    let r = review(anna.clone(), harsher).await.json();
    assert_eq!(r["status"], "final");
    let r = decide(
        bram.clone(),
        r["id"].as_str().unwrap().to_owned(),
        "approve",
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let h = history(api.auditor.clone()).await;
    let statuses: Vec<&str> = h["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["status"].as_str())
        .collect();
    assert_eq!(statuses, ["approved", "rejected", "final"], "{h}");

    let v = call(
        &api.app,
        "GET",
        "/v1/audit/verify",
        Some(&api.auditor),
        None,
        &[],
    )
    .await
    .json();
    assert!(v["broken"].is_null() && v["records"] == 6, "{v}");
}
