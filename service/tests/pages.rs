//! The workbench's sign-in over HTTP (issue 17): the pages' security headers, the cookies'
//! flags, CSRF on every form, sessions that end at sign-out, on revocation and after the idle
//! time, and a key that is never echoed. (The browser tests come with the pages that need them.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    reason = "test code: a failed expectation is a test failure; a scenario test reads top to bottom"
)]

mod support;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use imvo_engine::PolicySet;
use imvo_service::auth::{Role, create_key};
use imvo_service::http::{AppState, Settings, router};
use imvo_service::store::Store;
use tower::ServiceExt;

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with(&format!("{name}=")))
    }
    fn cookie_value(&self, name: &str) -> String {
        let c = self
            .cookie(name)
            .unwrap_or_else(|| panic!("no {name} cookie"));
        c.split(';').next().unwrap()[name.len() + 1..].to_owned()
    }
    fn location(&self) -> &str {
        self.headers[header::LOCATION].to_str().unwrap()
    }
}

async fn app(settings: Settings) -> (Router, Store) {
    let store = support::sqlite().await.0;
    let set = PolicySet::load(&support::root().join("policies")).unwrap();
    let (state, _writer) = AppState::new(store.clone(), set, settings).await.unwrap();
    (router(state), store)
}

async fn page(app: &Router, method: &str, uri: &str, cookies: &str, form: Option<&str>) -> Page {
    let mut b = Request::builder().method(method).uri(uri);
    if !cookies.is_empty() {
        b = b.header(header::COOKIE, cookies);
    }
    let req = match form {
        Some(f) => b
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(f.to_owned()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Signs in with `key`; returns the session cookie (`imvo_session=...`) and the answer.
async fn sign_in(app: &Router, key: &str) -> (String, Page) {
    let form = page(app, "GET", "/sign-in", "", None).await;
    let token = form.cookie_value("imvo_sign_in");
    let r = page(
        app,
        "POST",
        "/sign-in",
        &format!("imvo_sign_in={token}"),
        Some(&format!("key={}&csrf={token}", enc(key))),
    )
    .await;
    let session = r
        .cookie("imvo_session")
        .map(|c| c.split(';').next().unwrap().to_owned())
        .unwrap_or_default();
    (session, r)
}

fn csrf_of(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len();
    html[at..at + 64].to_owned()
}

#[tokio::test]
async fn sign_in_keeps_a_session_with_safe_cookies_and_csrf_on_every_form() {
    let (app, store) = app(Settings::default()).await;
    let key = create_key(
        &store,
        &[Role::Analyst, Role::Auditor],
        Some("Anna de Vries"),
    )
    .await
    .unwrap()
    .1;

    // Not signed in: the start page sends to the sign-in page; every page has the headers.
    let r = page(&app, "GET", "/", "", None).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/sign-in")
    );
    let form = page(&app, "GET", "/sign-in", "", None).await;
    assert_eq!(form.status, StatusCode::OK);
    for r in [&r, &form] {
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer");
    }
    let token_cookie = form.cookie("imvo_sign_in").unwrap();
    assert!(
        token_cookie.contains("HttpOnly") && token_cookie.contains("SameSite=Strict"),
        "{token_cookie}"
    );
    assert!(
        !token_cookie.contains("Secure"),
        "plain http: {token_cookie}"
    );
    assert_eq!(csrf_of(&form.body), form.cookie_value("imvo_sign_in"));
    let css = page(&app, "GET", "/static/style.css", "", None).await;
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");

    // A form whose token is not this browser's is refused; so is a wrong key, never echoed.
    let token = form.cookie_value("imvo_sign_in");
    let r = page(
        &app,
        "POST",
        "/sign-in",
        "imvo_sign_in=forged",
        Some(&format!("key={}&csrf={token}", enc(&key))),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.cookie("imvo_session").is_none() && !r.body.contains(&key));
    // The key with its last hex digit changed (never to itself).
    let last = if key.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &key[..key.len() - 1]);
    let (session, r) = sign_in(&app, &wrong).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(session.is_empty() && r.body.contains("not valid") && !r.body.contains(&wrong));

    // The right key: a session cookie, and the start page says who is signed in.
    let (session, r) = sign_in(&app, &key).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/"));
    let set = r.cookie("imvo_session").unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let home = page(&app, "GET", "/", &session, None).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(home.body.contains("Anna de Vries") && home.body.contains("analyst, auditor"));
    assert!(!home.body.contains(&key), "the key is never shown");
    // Only the secret's hash is stored.
    let secret = session.trim_start_matches("imvo_session=");
    assert!(store.session(secret).await.unwrap().is_none());
    let hash = imvo_service::auth::secret_hash(secret);
    assert!(store.session(&hash).await.unwrap().is_some());

    // Signing out needs the session's token; then the session is over.
    let r = page(&app, "POST", "/sign-out", &session, Some("csrf=forged")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        page(&app, "GET", "/", &session, None).await.status,
        StatusCode::OK
    );
    let csrf = csrf_of(&home.body);
    let r = page(
        &app,
        "POST",
        "/sign-out",
        &session,
        Some(&format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/sign-in")
    );
    assert!(r.cookie("imvo_session").unwrap().contains("Max-Age=0"));
    let r = page(&app, "GET", "/", &session, None).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/sign-in")
    );
}

#[tokio::test]
async fn a_session_ends_when_its_key_is_revoked_or_it_is_idle() {
    let (app, store) = app(Settings::default()).await;
    let (id, key) = create_key(&store, &[Role::Analyst], None).await.unwrap();
    let (session, _) = sign_in(&app, &key).await;
    assert_eq!(
        page(&app, "GET", "/", &session, None).await.status,
        StatusCode::OK
    );
    assert!(store.revoke_key(&id).await.unwrap());
    let r = page(&app, "GET", "/", &session, None).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/sign-in")
    );

    let idle = Settings {
        session_idle: Duration::ZERO,
        ..Settings::default()
    };
    let (app, store) = crate::app(idle).await;
    let key = create_key(&store, &[Role::Analyst], None).await.unwrap().1;
    let (session, r) = sign_in(&app, &key).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let r = page(&app, "GET", "/", &session, None).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/sign-in")
    );
}

#[tokio::test]
async fn behind_https_the_cookies_are_secure() {
    let settings = Settings {
        public_url: Some("https://imvo.example.org".into()),
        ..Settings::default()
    };
    let (app, store) = app(settings).await;
    let key = create_key(&store, &[Role::Admin], Some("Beheer"))
        .await
        .unwrap()
        .1;
    let form = page(&app, "GET", "/sign-in", "", None).await;
    assert!(form.cookie("imvo_sign_in").unwrap().contains("; Secure"));
    let (session, r) = sign_in(&app, &key).await;
    assert!(r.cookie("imvo_session").unwrap().contains("; Secure"));
    let home = page(&app, "GET", "/", &session, None).await;
    assert!(home.body.contains("create, list and revoke API keys"));
}

/// A signed-in session: the cookie and the page's CSRF token.
async fn signed(app: &Router, key: &str) -> (String, String) {
    let (session, _) = sign_in(app, key).await;
    let home = page(app, "GET", "/", &session, None).await;
    (session, csrf_of(&home.body))
}

/// Posts the screening form with *Screen and record*.
async fn record(app: &Router, session: &str, csrf: &str, application: &str) -> Page {
    page(
        app,
        "POST",
        "/screen",
        session,
        Some(&format!(
            "application={}&action=record&csrf={csrf}",
            enc(application)
        )),
    )
    .await
}

fn example(name: &str) -> String {
    std::fs::read_to_string(support::root().join("examples").join(name)).unwrap()
}

#[tokio::test]
async fn the_screening_form_tries_records_and_shows_the_decision() {
    let (app, store) = app(Settings::default()).await;
    let analyst = create_key(&store, &[Role::Analyst], Some("Anna"))
        .await
        .unwrap()
        .1;
    let (session, csrf) = signed(&app, &analyst).await;
    let form = page(&app, "GET", "/screen", &session, None).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<textarea") && form.body.contains(&csrf));
    let gas = example("gas-plant-id-2022.json");
    let post = |body: String, action: &'static str, csrf: String| {
        let (app, session) = (app.clone(), session.clone());
        async move {
            page(
                &app,
                "POST",
                "/screen",
                &session,
                Some(&format!(
                    "application={}&as_of=&action={action}&csrf={csrf}",
                    enc(&body)
                )),
            )
            .await
        }
    };

    // A bad country code and an amount that is not a decimal: both named, the text kept.
    let bad = gas
        .replacen("\"country\": \"ID\"", "\"country\": \"XX\"", 1)
        .replacen("\"70000000.00\"", "\"12,5 mln\"", 1);
    let r = post(bad, "record", csrf.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("project.country"), "{}", r.body);
    assert!(r.body.contains(".amount"), "{}", r.body);
    assert!(
        r.body.contains("12,5 mln") && r.body.contains("ADSB-2022-0412"),
        "the entered text is kept: {}",
        r.body
    );

    // Larger than the API takes: refused the same way, naming the field.
    let huge = format!("{}{}", " ".repeat(300 * 1024), gas);
    let r = post(huge, "try", csrf.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("at most 256 KiB"),
        "{}",
        &r.body[..2000.min(r.body.len())]
    );

    // Without the session's token: refused.
    let r = post(gas.clone(), "record", "forged".into()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Try: the decision, not stored.
    let r = post(gas.clone(), "try", csrf.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("Category A: full environmental and social review")
    );
    assert!(r.body.contains("30 January 2023") && r.body.contains("Tried only"));
    assert_eq!(
        store.verify(None).await.unwrap().records,
        0,
        "nothing stored"
    );

    // Screen and record: stored, then its page.
    let r = post(gas.clone(), "record", csrf.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location().to_owned();
    assert!(at.starts_with("/screenings/"));
    let d = page(&app, "GET", &at, &session, None).await;
    assert_eq!(d.status, StatusCode::OK);
    for text in [
        "Category A: full environmental and social review",
        "due by <strong>30 January 2023</strong>",
        "R-EC-06.2",
        "unverified",
        "#1, stored",
        "by Anna",
    ] {
        assert!(d.body.contains(text), "{text} in {}", d.body);
    }
    assert!(!d.body.contains("Tried only"));

    // The same decision explained in Dutch, and its letter to the applicant.
    let nl = page(&app, "GET", &format!("{at}?lang=nl"), &session, None).await;
    for text in [
        "Categorie A: volledige milieu- en sociale beoordeling",
        "uiterlijk <strong>30 januari 2023</strong>",
        "<h2>Bevindingen</h2>",
        "openbaarmaking van de effectrapportage",
        "<strong>Nederlands</strong>",
    ] {
        assert!(nl.body.contains(text), "{text} in {}", nl.body);
    }
    let letter = page(&app, "GET", &format!("{at}/letter?lang=nl"), &session, None).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(
        letter.body.contains("Geachte heer, mevrouw,"),
        "{}",
        letter.body
    );

    // A mission organiser cannot see the export credit, nor screen one; an auditor may not screen.
    let organiser = create_key(&store, &[Role::MissionOrganiser], Some("Org"))
        .await
        .unwrap()
        .1;
    let (org_session, org_csrf) = signed(&app, &organiser).await;
    let r = page(&app, "GET", &at, &org_session, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = record(&app, &org_session, &org_csrf, &gas).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("trade"), "the page says why: {}", r.body);
    let auditor = create_key(&store, &[Role::Auditor], None).await.unwrap().1;
    let (aud_session, aud_csrf) = signed(&app, &auditor).await;
    assert_eq!(
        page(&app, "GET", "/screen", &aud_session, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page(&app, "GET", &at, &aud_session, None).await.status,
        StatusCode::OK
    );
    // The auditor replays the screening from its page: identical, nothing stored.
    let r = page(
        &app,
        "POST",
        &format!("{at}/replay"),
        &aud_session,
        Some(&format!("csrf={aud_csrf}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("byte-identical"), "{}", r.body);
    let r = page(
        &app,
        "POST",
        &format!("{at}/replay"),
        &aud_session,
        Some("csrf=forged"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_cases_list_filters_and_each_application_has_its_history() {
    let (app, store) = app(Settings::default()).await;
    let analyst = create_key(&store, &[Role::Analyst], Some("Anna"))
        .await
        .unwrap()
        .1;
    let (session, csrf) = signed(&app, &analyst).await;
    for name in ["gas-plant-id-2022.json", "trade-mission-vn-2027.json"] {
        let r = record(&app, &session, &csrf, &example(name)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let all = page(&app, "GET", "/cases", &session, None).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("ADSB-2022-0412") && all.body.contains("RVO-TM-2027-VN-031"));
    let a = page(&app, "GET", "/cases?category=A&outcome=", &session, None).await;
    assert!(a.body.contains("ADSB-2022-0412") && !a.body.contains("RVO-TM-2027-VN-031"));
    let none = page(&app, "GET", "/cases?outcome=decline", &session, None).await;
    assert!(none.body.contains("No screening matches"));
    // By applicant (part of the name, any case) and by instrument.
    let turbine = page(&app, "GET", "/cases?applicant=tURBINE+exp", &session, None).await;
    assert!(
        turbine.body.contains("ADSB-2022-0412") && !turbine.body.contains("RVO-TM-2027-VN-031")
    );
    let missions = page(
        &app,
        "GET",
        "/cases?instrument=trade_mission",
        &session,
        None,
    )
    .await;
    assert!(
        !missions.body.contains("ADSB-2022-0412") && missions.body.contains("RVO-TM-2027-VN-031")
    );
    let bad = page(&app, "GET", "/cases?instrument=loan", &session, None).await;
    assert!(bad.body.contains("<code>instrument</code>"), "{}", bad.body);
    let bad = page(&app, "GET", "/cases?from=2023-13-01", &session, None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("<code>from</code>"), "{}", bad.body);
    let history = page(&app, "GET", "/cases/ADSB-2022-0412", &session, None).await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains(">screening</a>"), "{}", history.body);

    // A mission organiser's list holds the mission only, and the export credit's history is not
    // there for them.
    let organiser = create_key(&store, &[Role::MissionOrganiser], None)
        .await
        .unwrap()
        .1;
    let (org, _) = signed(&app, &organiser).await;
    let list = page(&app, "GET", "/cases", &org, None).await;
    assert!(list.body.contains("RVO-TM-2027-VN-031") && !list.body.contains("ADSB-2022-0412"));
    let r = page(&app, "GET", "/cases/ADSB-2022-0412", &org, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// The issue's third browser scenario over HTTP: an override that lowers A to B stays pending;
/// its author cannot approve it; a second analyst approves it from the application's history;
/// the history shows all three records; the chain verifies.
#[tokio::test]
async fn an_override_from_the_pages_waits_for_a_second_analyst() {
    let (app, store) = app(Settings::default()).await;
    let anna = create_key(&store, &[Role::Analyst], Some("Anna"))
        .await
        .unwrap()
        .1;
    let bram = create_key(&store, &[Role::Analyst], Some("Bram"))
        .await
        .unwrap()
        .1;
    let (a_session, a_csrf) = signed(&app, &anna).await;
    let r = record(
        &app,
        &a_session,
        &a_csrf,
        &example("gas-plant-id-2022.json"),
    )
    .await;
    let decision = r.location().to_owned();
    let d = page(&app, "GET", &decision, &a_session, None).await;
    assert!(d.body.contains("Record the review"));
    let review_uri = format!("{decision}/review");
    // An override without its reason is refused on the decision page, naming the fields.
    let r = page(
        &app,
        "POST",
        &review_uri,
        &a_session,
        Some(&format!(
            "verdict=override&reason_code=&outcome=&category=B&text=&csrf={a_csrf}"
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("<code>reason_code</code>") && r.body.contains("<code>text</code>"));
    let r = page(
        &app,
        "POST",
        &review_uri,
        &a_session,
        Some(&format!(
            "verdict=override&reason_code=mitigation_agreed&outcome=proceed_with_conditions&category=B&text={}&csrf={a_csrf}",
            enc("the plant moved out of the natural habitat")
        )),
    )
    .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/cases/ADSB-2022-0412")
    );
    let history = page(&app, "GET", "/cases/ADSB-2022-0412", &a_session, None).await;
    assert!(history.body.contains("pending"), "{}", history.body);
    let at = history.body.find("/approve\"").unwrap();
    let start = history.body[..at].rfind("action=\"").unwrap() + "action=\"".len();
    let approve = format!("{}/approve", &history.body[start..at]);
    // The author cannot approve it.
    let r = page(
        &app,
        "POST",
        &approve,
        &a_session,
        Some(&format!("csrf={a_csrf}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("four eyes"));
    // A second analyst does.
    let (b_session, b_csrf) = signed(&app, &bram).await;
    let r = page(
        &app,
        "POST",
        &approve,
        &b_session,
        Some(&format!("csrf={b_csrf}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let history = page(&app, "GET", "/cases/ADSB-2022-0412", &b_session, None).await;
    assert!(history.body.contains("approved") && history.body.contains("approval of the override"));
    assert_eq!(
        history.body.matches("<tr><td>").count(),
        3,
        "{}",
        history.body
    );
    assert!(
        !history.body.contains("/approve\""),
        "nothing left to approve"
    );
    let v = store.verify(None).await.unwrap();
    assert!(v.broken.is_none() && v.records == 3);
}

#[tokio::test]
async fn policies_and_the_audit_pages() {
    let (app, store) = app(Settings::default()).await;
    let analyst = create_key(&store, &[Role::Analyst], None).await.unwrap().1;
    let auditor = create_key(&store, &[Role::Auditor], None).await.unwrap().1;
    let (an, an_csrf) = signed(&app, &analyst).await;
    record(&app, &an, &an_csrf, &example("gas-plant-id-2022.json")).await;
    let p = page(&app, "GET", "/policies", &an, None).await;
    assert_eq!(p.status, StatusCode::OK);
    for text in [
        "R-EC-06.2",
        "ca_in_scope",
        "ca.size_threshold",
        "unverified",
        "category = A",
    ] {
        assert!(p.body.contains(text), "{text}");
    }
    assert_eq!(
        page(&app, "GET", "/audit", &an, None).await.status,
        StatusCode::FORBIDDEN
    );
    let (au, _) = signed(&app, &auditor).await;
    let a = page(&app, "GET", "/audit", &au, None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(
        a.body.contains("The chain is intact: 1 record(s) checked"),
        "{}",
        a.body
    );
    let half = page(
        &app,
        "GET",
        "/audit?checkpoint_seq=1&checkpoint_hash=",
        &au,
        None,
    )
    .await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(half.body.contains("checkpoint_hash"));
    let wrong = page(
        &app,
        "GET",
        "/audit?checkpoint_seq=1&checkpoint_hash=sha256%3A00",
        &au,
        None,
    )
    .await;
    assert!(wrong.body.contains("does not match"), "{}", wrong.body);
}

#[tokio::test]
async fn two_screenings_of_one_application_compared() {
    let (app, store) = app(Settings::default()).await;
    let analyst = create_key(&store, &[Role::Analyst], None).await.unwrap().1;
    let (session, csrf) = signed(&app, &analyst).await;
    let gas = example("gas-plant-id-2022.json");
    let smaller = gas.replacen("\"thermal_mw\": \"400\"", "\"thermal_mw\": \"250\"", 1);
    let mut ids = Vec::new();
    for body in [&gas, &smaller] {
        let r = record(&app, &session, &csrf, body).await;
        ids.push(r.location().trim_start_matches("/screenings/").to_owned());
    }
    let history = page(&app, "GET", "/cases/ADSB-2022-0412", &session, None).await;
    assert!(history.body.contains("/cases/ADSB-2022-0412/compare"));
    let r = page(
        &app,
        "GET",
        &format!("/cases/ADSB-2022-0412/compare?a={}&b={}", ids[0], ids[1]),
        &session,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for text in [
        "project.capacity.thermal_mw",
        "&#34;400&#34;",
        "&#34;250&#34;",
        "R-EC-06.2 category_floor A: gone",
        "public_disclosure: no longer required",
    ] {
        assert!(r.body.contains(text), "{text} in {}", r.body);
    }
    assert!(r.body.contains("<td>A</td><td>B</td>"), "{}", r.body);
    // A screening of another application is not compared.
    let r = page(
        &app,
        "GET",
        &format!("/cases/OTHER-1/compare?a={}&b={}", ids[0], ids[1]),
        &session,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

fn input_hash(html: &str) -> String {
    let at = html.find("sha256:").unwrap();
    html[at..at + 71].to_owned()
}

#[tokio::test]
async fn the_form_per_instrument_reads_as_the_json_would() {
    let (app, store) = app(Settings::default()).await;
    let analyst = create_key(&store, &[Role::Analyst], Some("Anna"))
        .await
        .unwrap()
        .1;
    let (session, csrf) = signed(&app, &analyst).await;

    // Every field of the instrument, unknown by default; no field of another instrument.
    let ec = page(&app, "GET", "/screen/export_credit", &session, None).await;
    assert_eq!(ec.status, StatusCode::OK);
    for name in [
        "applicant.kvk_number",
        "transaction.contract_value.amount",
        "project.capacity.thermal_mw",
        "project.location.ramsar_site",
        "project.supply_chain[].good",
        "information_deadline",
    ] {
        assert!(ec.body.contains(&format!("name=\"{name}\"")), "{name}");
    }
    assert!(!ec.body.contains("name=\"mission.destination\""));
    assert!(ec.body.contains("<datalist id=\"dl-countries\">"));
    assert!(
        ec.body
            .contains("<option value=\"\" selected>unknown</option>")
    );
    assert!(!ec.body.contains("value=\"true\" selected"));
    let tm = page(&app, "GET", "/screen/trade_mission", &session, None).await;
    assert!(tm.body.contains("name=\"mission.destination\""));
    assert!(!tm.body.contains("name=\"project.country\""));

    // The README example through the form gives the decision its JSON gives.
    let gas = example("gas-plant-id-2022.json");
    let mut fields = Vec::new();
    support::form_fields(&serde_json::from_str(&gas).unwrap(), "", &mut fields);
    fields.retain(|(p, _)| p != "instrument");
    let body = |fields: &[(String, String)], action: &str| {
        let mut b = format!("csrf={csrf}&action={action}");
        for (p, v) in fields {
            b.push_str(&format!("&{}={}", enc(p), enc(v)));
        }
        b
    };
    let by_form = page(
        &app,
        "POST",
        "/screen/export_credit",
        &session,
        Some(&body(&fields, "try")),
    )
    .await;
    assert_eq!(by_form.status, StatusCode::OK, "{}", by_form.body);
    let by_json = page(
        &app,
        "POST",
        "/screen",
        &session,
        Some(&format!("application={}&action=try&csrf={csrf}", enc(&gas))),
    )
    .await;
    assert!(by_form.body.contains("Category A"));
    assert_eq!(input_hash(&by_form.body), input_hash(&by_json.body));
    // The JSON as an uploaded file, in place of pasted text.
    let by_file = post_multipart(
        &app,
        "/screen",
        &session,
        multipart(
            &[("csrf", &csrf), ("application", ""), ("action", "try")],
            "gas.json",
            &gas,
        ),
    )
    .await;
    assert_eq!(by_file.status, StatusCode::OK, "{}", by_file.body);
    assert_eq!(input_hash(&by_file.body), input_hash(&by_json.body));

    // A bad country code and an amount that is not a decimal: each message next to its field,
    // every entered value kept.
    for (p, v) in &mut fields {
        match p.as_str() {
            "project.country" => *v = "XX".into(),
            "transaction.contract_value.amount" => *v = "12,5 mln".into(),
            _ => {}
        }
    }
    let bad = page(
        &app,
        "POST",
        "/screen/export_credit",
        &session,
        Some(&body(&fields, "record")),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error_of = |id: &str| {
        let at = bad
            .body
            .find(&format!("id=\"{id}-error\">"))
            .unwrap_or_else(|| panic!("no error at {id}"));
        bad.body[at..at + 200].to_owned()
    };
    assert!(error_of("f-project-country").contains("ISO 3166-1"));
    assert!(error_of("f-transaction-contract-value-amount").contains("decimal"));
    assert!(bad.body.contains("value=\"12,5 mln\""));
    assert!(bad.body.contains("value=\"Turbine Export BV\""));
    assert!(
        bad.body
            .contains("<option value=\"combined_cycle\" selected>")
    );
    assert!(bad.body.contains("value=\"thermal_power\" checked"));
    let stored = store
        .list(&imvo_service::store::ListFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(stored.is_empty(), "a refused form stores nothing");
}

/// A multipart form: text fields, then the file.
fn multipart(fields: &[(&str, &str)], file_name: &str, file: &str) -> (String, String) {
    let boundary = "imvo-test-boundary-7d1f";
    let mut b = String::new();
    for (k, v) in fields {
        b.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    b.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (format!("multipart/form-data; boundary={boundary}"), b)
}

async fn post_multipart(app: &Router, uri: &str, cookies: &str, form: (String, String)) -> Page {
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, form.0)
        .body(Body::from(form.1))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

/// Waits until the batch page says the batch is done.
async fn done(app: &Router, session: &str, path: &str) -> Page {
    for _ in 0..300 {
        let p = page(app, "GET", path, session, None).await;
        if p.body.contains("<span id=\"status\">done</span>") {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} not done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portfolios_and_participant_lists_from_the_pages() {
    let store = support::sqlite().await.0;
    let set = PolicySet::load(&support::root().join("policies")).unwrap();
    let (state, _writer) = AppState::new(store.clone(), set, Settings::default())
        .await
        .unwrap();
    let workers = imvo_service::batch::workers::Workers::start(state.batch_context());
    let app = router(state);
    let analyst = create_key(&store, &[Role::Analyst], Some("Anna"))
        .await
        .unwrap()
        .1;
    let (session, csrf) = signed(&app, &analyst).await;

    // A portfolio of 40 applications and one bad line.
    let mut apps: Vec<serde_json::Value> = support::templates()
        .into_iter()
        .filter(|a| a["instrument"] != "trade_mission")
        .take(40)
        .collect();
    apps[3]["project"]["country"] = "XX".into();
    let csv = support::to_csv(&apps);
    let list = page(&app, "GET", "/batches", &session, None).await;
    assert!(list.body.contains("enctype=\"multipart/form-data\""));
    let r = post_multipart(
        &app,
        "/batches",
        &session,
        multipart(&[("csrf", "not-the-token"), ("format", "")], "p.csv", &csv),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_multipart(
        &app,
        "/batches",
        &session,
        multipart(&[("csrf", &csrf), ("format", "")], "portfolio.csv", &csv),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location().to_owned();
    let p = done(&app, &session, &path).await;
    assert!(
        p.body
            .contains("<strong id=\"done\">40</strong> of <strong>40</strong>"),
        "{}",
        p.body
    );
    assert!(
        !p.body.contains("http-equiv=\"refresh\""),
        "a finished batch stops reloading"
    );
    // Filtered: only the line not screened, with its field.
    let failed = page(&app, "GET", &format!("{path}?state=failed"), &session, None).await;
    assert_eq!(
        failed.body.matches("<tr><td>").count(),
        1,
        "{}",
        failed.body
    );
    assert!(failed.body.contains("project.country"));
    let declined = page(
        &app,
        "GET",
        &format!("{path}?outcome=decline"),
        &session,
        None,
    )
    .await;
    let rows = declined.body.matches("<tr><td>").count();
    assert_eq!(declined.body.matches("<td>decline</td>").count(), rows);
    assert!(rows < 39);
    // Downloads: a CSV row per screened line, the rejected line with its number.
    let csv_out = page(&app, "GET", &format!("{path}/results.csv"), &session, None).await;
    assert_eq!(
        csv_out.headers[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert!(csv_out.body.starts_with("line,reference,"));
    assert_eq!(csv_out.body.lines().count(), 1 + 39);
    let errors = page(&app, "GET", &format!("{path}/errors.jsonl"), &session, None).await;
    assert!(errors.body.contains("\"line\":5"), "{}", errors.body);

    // A participant list: the mission's fields once on the page.
    let organiser = create_key(&store, &[Role::MissionOrganiser], Some("Olga"))
        .await
        .unwrap()
        .1;
    let (session, csrf) = signed(&app, &organiser).await;
    let participants = "reference,applicant.name,applicant.kvk_number,applicant.self_assessment_completed,applicant.oecd_guidelines_commitment\n\
        TM-1,Alpha BV,12345678,true,signed\n\
        TM-2,Beta BV,23456789,,signed\n";
    let r = post_multipart(
        &app,
        "/missions",
        &session,
        multipart(
            &[
                ("csrf", &csrf),
                ("application_date", "2027-01-10"),
                ("mission.destination", "VN"),
                ("mission.start_date", "2027-03-01"),
            ],
            "participants.csv",
            participants,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location().to_owned();
    let p = done(&app, &session, &at).await;
    assert!(p.body.contains("Participants of the mission list"));
    let csv = page(
        &app,
        "GET",
        &format!("{at}/participants.csv"),
        &session,
        None,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body
            .starts_with("line,reference,outcome,risk_level,ask,")
    );
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    let tm2 = csv.body.lines().find(|l| l.contains("TM-2")).unwrap();
    assert!(
        tm2.contains("Self assessment completed? (yes or no)"),
        "{tm2}"
    );
    assert_eq!(p.body.matches("<tr><td>").count(), 2, "{}", p.body);
    assert!(
        p.body.contains("Self assessment completed? (yes or no)"),
        "{}",
        p.body
    );
    // The organiser sees trade missions only: the analyst's portfolio is not theirs.
    let other = page(&app, "GET", &path, &session, None).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    workers.stop(Duration::from_secs(10)).await;
}
