//! The Pilot API's authorization-code flow with PKCE, through the real pages.

use airside::domain::oauth::pkce_challenge;
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{each_backend, problem, Backend, TestApp};

const REDIRECT: &str = "https://tracker.example/callback";

pub struct PilotApp {
    pub client_id: String,
    pub id: i64,
}

async fn owner(app: &TestApp) -> (String, String) {
    crate::console_session::sign_in(app, "owner@demo.test").await
}

async fn console(
    app: &TestApp,
    who: &(String, String),
    method: Method,
    path: &str,
    body: Value,
) -> reqwest::Response {
    crate::console_session::console(app, who, method, path, Some(body)).await
}

/// A public Pilot client of `demo`, attested by the owner unless `attest` is false.
pub async fn pilot_app(app: &TestApp, attest: bool) -> PilotApp {
    let owner = owner(app).await;
    let body = json!({
        "kind": "pilot", "name": "Tracker", "public": true,
        "scopes": ["identity:basic", "pilot:read", "flights:read", "flights:write"],
        "redirect_uris": [REDIRECT, "http://127.0.0.1:7777/cb"],
        "privacy_policy_url": "https://tracker.example/privacy",
    });
    let created = console(app, &owner, Method::POST, "/console/api/clients", body).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["data"]["revoked"], true, "Pilot clients start revoked");
    assert_eq!(created["data"]["client_secret"], Value::Null, "public clients have no secret");
    let id = created["data"]["id"].as_i64().unwrap();
    if attest {
        let attested = console(
            app,
            &owner,
            Method::POST,
            &format!("/console/api/clients/{id}/attest"),
            json!({ "privacy_policy_reviewed": true }),
        )
        .await;
        assert_eq!(attested.status(), 200);
    }
    PilotApp { client_id: created["data"]["client_id"].as_str().unwrap().to_string(), id }
}

pub fn verifier() -> String {
    format!("v{}", "erifier-0123456789-abcdefghijklmnopqrstuvwxyz".repeat(2))
}

pub fn authorize_url(client_id: &str, extra: &[(&str, &str)]) -> String {
    let challenge = pkce_challenge(&verifier());
    let mut pairs: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "identity:basic flights:read flights:write"),
        ("state", "xyz-123"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        pairs.retain(|(key, _)| key != k);
        if !v.is_empty() {
            pairs.push((k, v));
        }
    }
    format!("/oauth/authorize?{}", serde_urlencoded::to_string(&pairs).unwrap())
}

pub fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start =
        html.find(&marker).unwrap_or_else(|| panic!("no {name} field in {html}")) + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].replace("&amp;", "&").replace("&quot;", "\"")
}

fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    let header = crate::harness::set_cookie_header(response, name);
    let header = header.unwrap_or_else(|| panic!("no {name} cookie"));
    header.split(';').next().unwrap().to_string()
}

/// Signs a pilot in through the login page the authorize URL shows; returns the pilot cookie.
pub async fn sign_in_pilot(
    app: &TestApp,
    authorize: &str,
    login: &str,
) -> Result<String, reqwest::Response> {
    let page = app.get(authorize).await;
    assert_eq!(page.status(), 200);
    let csrf_cookie = set_cookie(&page, "airside_login_csrf");
    let html = page.text().await.unwrap();
    assert!(html.contains("Sign in"), "{html}");
    let form = [
        ("org", field(&html, "org")),
        ("next", field(&html, "next")),
        ("csrf_token", field(&html, "csrf_token")),
        ("login", login.to_string()),
        ("password", "airside-demo".to_string()),
    ];
    let response = app
        .http
        .post(app.url("/account/login"))
        .header("cookie", csrf_cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    if response.status() != 303 {
        return Err(response);
    }
    assert_eq!(response.headers()["location"].to_str().unwrap(), field(&html, "next"));
    Ok(set_cookie(&response, "airside_pilot"))
}

/// Consents on the page and returns where the app is sent (the 303 Location).
pub async fn consent(app: &TestApp, authorize: &str, cookie: &str, decision: &str) -> String {
    let page = app.http.get(app.url(authorize)).header("cookie", cookie).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("would like to:") && html.contains("https://tracker.example/privacy"),
        "{html}"
    );
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(authorize.split_once('?').unwrap().1).unwrap();
    let mut form = query;
    form.push(("csrf_token".into(), field(&html, "csrf_token")));
    form.push(("decision".into(), decision.into()));
    let response = app
        .http
        .post(app.url("/oauth/authorize"))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_string()
}

fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

async fn token_request(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    app.http.post(app.url("/oauth/token")).form(form).send().await.unwrap()
}

pub async fn exchange(
    app: &TestApp,
    client_id: &str,
    code: &str,
    verifier: &str,
) -> reqwest::Response {
    token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
            ("client_id", client_id),
        ],
    )
    .await
}

/// The whole flow for AIR0001: (access token, refresh token, code).
pub async fn tokens_for_air0001(app: &TestApp, pilot_app: &PilotApp) -> (String, String, String) {
    let authorize = authorize_url(&pilot_app.client_id, &[]);
    let cookie = sign_in_pilot(app, &authorize, "AIR0001").await.unwrap();
    let location = consent(app, &authorize, &cookie, "allow").await;
    let query = query_of(&location);
    let code = query["code"].clone();
    let granted: Value =
        exchange(app, &pilot_app.client_id, &code, &verifier()).await.json().await.unwrap();
    (
        granted["access_token"].as_str().unwrap().to_string(),
        granted["refresh_token"].as_str().unwrap().to_string(),
        code,
    )
}

/// A refresh-token grant for a public Pilot client.
async fn refresh_grant(app: &TestApp, client_id: &str, refresh_token: &str) -> reqwest::Response {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", client_id),
    ];
    token_request(app, &form).await
}

async fn api(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.http.get(app.url(&format!("/api/v3/pilot{path}"))).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn a_pilot_authorises_an_app_which_calls_the_api_and_refreshes() {
    each_backend(|app| async move {
        let pilot_app = pilot_app(&app, true).await;
        let authorize = authorize_url(&pilot_app.client_id, &[]);
        let cookie = sign_in_pilot(&app, &authorize, "air0001@demo.test").await.unwrap();
        let location = consent(&app, &authorize, &cookie, "allow").await;
        assert!(location.starts_with(REDIRECT), "{location}");
        let query = query_of(&location);
        assert_eq!(query["state"], "xyz-123");
        assert_eq!(query["iss"], format!("http://{}", app.addr));

        let response = exchange(&app, &pilot_app.client_id, &query["code"], &verifier()).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let granted: Value = response.json().await.unwrap();
        assert_eq!(granted["scope"], "identity:basic flights:read flights:write");
        let access = granted["access_token"].as_str().unwrap().to_string();
        let refresh = granted["refresh_token"].as_str().unwrap().to_string();

        let me: Value = api(&app, &access, "/user").await.json().await.unwrap();
        assert_eq!(me["data"]["pilot"]["username"], "AIR0001");
        assert_eq!(me["data"]["email"], "air0001@demo.test");
        assert!(me["data"].get("discord_id").is_none(), "only with identity:discord");
        assert_eq!(me["data"]["org"]["slug"], "demo");
        let bookings: Value = api(&app, &access, "/bookings").await.json().await.unwrap();
        assert_eq!(bookings["data"].as_array().unwrap().len(), 3, "AIR0001's three bookings");
        // Not granted: pilot:read was registered but not asked for.
        assert_eq!(problem(api(&app, &access, "/profile").await, 403).await["scope"], "pilot:read");

        // The second visit skips the consent page: it is remembered.
        let again =
            app.http.get(app.url(&authorize)).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(again.status(), 303);
        assert!(query_of(again.headers()["location"].to_str().unwrap()).contains_key("code"));

        // Refresh rotates; the old refresh token is spent.
        let rotated: Value =
            refresh_grant(&app, &pilot_app.client_id, &refresh).await.json().await.unwrap();
        let new_access = rotated["access_token"].as_str().unwrap().to_string();
        let new_refresh = rotated["refresh_token"].as_str().unwrap().to_string();
        assert_ne!(new_refresh, refresh);
        assert_eq!(api(&app, &new_access, "/user").await.status(), 200);

        // Reuse of the spent one: refused, and the whole family ends.
        let reused = refresh_grant(&app, &pilot_app.client_id, &refresh).await;
        assert_eq!(reused.status(), 400);
        assert_eq!(reused.json::<Value>().await.unwrap()["error"], "invalid_grant");
        assert_eq!(api(&app, &new_access, "/user").await.status(), 401);
        assert_eq!(api(&app, &access, "/user").await.status(), 401);
        let after = refresh_grant(&app, &pilot_app.client_id, &new_refresh).await;
        assert_eq!(after.json::<Value>().await.unwrap()["error"], "invalid_grant");
    })
    .await;
}

#[tokio::test]
async fn a_real_oauth_library_exchanges_the_code_and_refreshes() {
    use oauth2::basic::BasicClient;
    use oauth2::{
        AuthorizationCode, ClientId, PkceCodeVerifier, RedirectUrl, RefreshToken, TokenResponse,
        TokenUrl,
    };

    let app = TestApp::spawn(&Backend::Sqlite).await;
    let pilot_app = pilot_app(&app, true).await;
    let authorize = authorize_url(&pilot_app.client_id, &[]);
    let cookie = sign_in_pilot(&app, &authorize, "AIR0001").await.unwrap();
    let code = query_of(&consent(&app, &authorize, &cookie, "allow").await)["code"].clone();

    let client = BasicClient::new(ClientId::new(pilot_app.client_id.clone()))
        .set_token_uri(TokenUrl::new(app.url("/oauth/token")).unwrap())
        .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let http = oauth2::reqwest::ClientBuilder::new()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier()))
        .request_async(&http)
        .await
        .expect("the oauth2 crate accepts our code exchange");
    assert_eq!(api(&app, tokens.access_token().secret(), "/user").await.status(), 200);
    let refreshed = client
        .exchange_refresh_token(&RefreshToken::new(
            tokens.refresh_token().unwrap().secret().clone(),
        ))
        .request_async(&http)
        .await
        .expect("and our refresh");
    assert_eq!(api(&app, refreshed.access_token().secret(), "/user").await.status(), 200);
}

#[tokio::test]
async fn an_unattested_app_gets_an_error_page_and_no_redirect() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let pilot_app = pilot_app(&app, false).await;
    let response = app.get(&authorize_url(&pilot_app.client_id, &[])).await;
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("location").is_none());
    assert!(response.text().await.unwrap().contains("has not approved Tracker"));
    // Only the owner attests; restoring does not bypass it.
    let manager = crate::console_session::sign_in(&app, "manager@demo.test").await;
    let body = json!({ "privacy_policy_reviewed": true });
    problem(
        console(
            &app,
            &manager,
            Method::POST,
            &format!("/console/api/clients/{}/attest", pilot_app.id),
            body,
        )
        .await,
        403,
    )
    .await;
    problem(
        console(
            &app,
            &manager,
            Method::POST,
            &format!("/console/api/clients/{}/restore", pilot_app.id),
            json!({}),
        )
        .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn a_wrong_redirect_uri_or_unknown_client_is_never_redirected() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let pilot_app = pilot_app(&app, true).await;
    for url in [
        authorize_url(&pilot_app.client_id, &[("redirect_uri", "https://evil.example/callback")]),
        authorize_url(
            &pilot_app.client_id,
            &[("redirect_uri", "https://tracker.example/callback/extra")],
        ),
        authorize_url(&pilot_app.client_id, &[("redirect_uri", "")]),
        authorize_url("pil_unknown", &[]),
    ] {
        let response = app.get(&url).await;
        assert_eq!(response.status(), 400, "{url}");
        assert!(response.headers().get("location").is_none(), "{url}");
    }
    // Loopback redirect URIs may use any port (RFC 8252 §7.3).
    let loopback = app
        .get(&authorize_url(&pilot_app.client_id, &[("redirect_uri", "http://127.0.0.1:51234/cb")]))
        .await;
    assert_eq!(loopback.status(), 200, "shows the login page");
}

#[tokio::test]
async fn registering_http_or_fragment_redirects_is_refused() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let owner = owner(&app).await;
    let body = json!({
        "kind": "pilot", "name": "Bad", "scopes": ["identity:basic"],
        "redirect_uris": ["http://tracker.example/cb", "https://tracker.example/cb#x"],
        "privacy_policy_url": "http://tracker.example/privacy",
    });
    let body =
        problem(console(&app, &owner, Method::POST, "/console/api/clients", body).await, 422).await;
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["redirect_uris[0]", "redirect_uris[1]", "privacy_policy_url"]);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("RFC 8252"));
}

#[tokio::test]
async fn pkce_is_required_s256_only_and_checked() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let pilot_app = pilot_app(&app, true).await;
    for (extra, expected) in [
        (vec![("code_challenge", "")], "code_challenge is required (PKCE)"),
        (
            vec![("code_challenge_method", "plain")],
            "code_challenge_method must be S256; plain is not accepted",
        ),
        (
            vec![("code_challenge_method", "")],
            "code_challenge_method must be S256; plain is not accepted",
        ),
    ] {
        let response = app.get(&authorize_url(&pilot_app.client_id, &extra)).await;
        assert_eq!(response.status(), 303, "{extra:?}");
        let query = query_of(response.headers()["location"].to_str().unwrap());
        assert_eq!(query["error"], "invalid_request");
        assert_eq!(query["error_description"], expected);
        assert_eq!(query["state"], "xyz-123");
        assert!(query.contains_key("iss"));
    }
    // A wrong verifier: refused, and the code is spent.
    let authorize = authorize_url(&pilot_app.client_id, &[]);
    let cookie = sign_in_pilot(&app, &authorize, "AIR0001").await.unwrap();
    let code = query_of(&consent(&app, &authorize, &cookie, "allow").await)["code"].clone();
    let wrong = exchange(&app, &pilot_app.client_id, &code, &format!("x{}", verifier())).await;
    assert_eq!(wrong.json::<Value>().await.unwrap()["error"], "invalid_grant");
    let right = exchange(&app, &pilot_app.client_id, &code, &verifier()).await;
    assert_eq!(right.json::<Value>().await.unwrap()["error"], "invalid_grant");
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_what_it_gave() {
    each_backend(|app| async move {
        let pilot_app = pilot_app(&app, true).await;
        let (access, refresh, code) = tokens_for_air0001(&app, &pilot_app).await;
        assert_eq!(api(&app, &access, "/user").await.status(), 200);
        let replay = exchange(&app, &pilot_app.client_id, &code, &verifier()).await;
        assert_eq!(replay.status(), 400);
        assert_eq!(replay.json::<Value>().await.unwrap()["error"], "invalid_grant");
        assert_eq!(api(&app, &access, "/user").await.status(), 401);
        let refreshed = refresh_grant(&app, &pilot_app.client_id, &refresh).await;
        assert_eq!(refreshed.json::<Value>().await.unwrap()["error"], "invalid_grant");
    })
    .await;
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let pilot_app = pilot_app(&app, true).await;
    let authorize = authorize_url(&pilot_app.client_id, &[]);
    let cookie = sign_in_pilot(&app, &authorize, "AIR0001").await.unwrap();
    let code = query_of(&consent(&app, &authorize, &cookie, "allow").await)["code"].clone();
    // Sixty seconds pass.
    let past =
        airside::domain::Timestamp(chrono::Utc::now() - chrono::Duration::seconds(1)).to_db();
    sqlx::query("UPDATE authorization_codes SET expires_at = $1")
        .bind(past)
        .execute(app.db.writer())
        .await
        .unwrap();
    let response = exchange(&app, &pilot_app.client_id, &code, &verifier()).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "the code has expired");
}

#[tokio::test]
async fn asking_for_more_scopes_than_registered_is_refused() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let pilot_app = pilot_app(&app, true).await;
    for scope in ["identity:basic activities:read", "ops:read", "identity:basic nonsense"] {
        let response = app.get(&authorize_url(&pilot_app.client_id, &[("scope", scope)])).await;
        assert_eq!(response.status(), 303, "{scope}");
        assert_eq!(
            query_of(response.headers()["location"].to_str().unwrap())["error"],
            "invalid_scope"
        );
    }
    // A refresh cannot widen either.
    let (_, refresh, _) = tokens_for_air0001(&app, &pilot_app).await;
    let wider = token_request(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &pilot_app.client_id),
            ("scope", "identity:basic flights:read flights:write pilot:read"),
        ],
    )
    .await;
    assert_eq!(wider.json::<Value>().await.unwrap()["error"], "invalid_scope");
}

#[tokio::test]
async fn a_token_sees_only_its_own_pilot() {
    each_backend(|app| async move {
        let pilot_app = pilot_app(&app, true).await;
        let (access, _, _) = tokens_for_air0001(&app, &pilot_app).await;
        let demo = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let (theirs,): (i64,) = sqlx::query_as("SELECT MIN(p.id) FROM pireps p JOIN pilots x ON x.id = p.pilot_id WHERE p.org_id = $1 AND x.ident <> 'AIR0001'")
            .bind(demo.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        problem(api(&app, &access, &format!("/pireps/{theirs}")).await, 404).await;
        let mine: Value = api(&app, &access, "/pireps?limit=200").await.json().await.unwrap();
        let pilot_ids: std::collections::BTreeSet<i64> = mine["data"].as_array().unwrap().iter().map(|p| p["pilot_id"].as_i64().unwrap()).collect();
        assert_eq!(pilot_ids.len(), 1, "only AIR0001's PIREPs");
        let (their_booking,): (i64,) = sqlx::query_as("SELECT MIN(b.id) FROM bookings b JOIN pilots x ON x.id = b.pilot_id WHERE x.ident <> 'AIR0001' AND b.org_id = $1")
            .bind(demo.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let cancel = app.http.delete(app.url(&format!("/api/v3/pilot/bookings/{their_booking}"))).bearer_auth(&access).send().await.unwrap();
        problem(cancel, 404).await;
        let still: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE id = $1").bind(their_booking).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(still, 1);
    })
    .await;
}

#[tokio::test]
async fn a_banned_pilot_cannot_sign_in_and_their_tokens_stop() {
    each_backend(|app| async move {
        let pilot_app = pilot_app(&app, true).await;
        let (access, refresh, _) = tokens_for_air0001(&app, &pilot_app).await;
        let authorize = authorize_url(&pilot_app.client_id, &[]);
        let refused = sign_in_pilot(&app, &authorize, "AIR0019").await.unwrap_err();
        assert_eq!(refused.status(), 401, "AIR0019 is banned in the demo");
        assert!(refused.text().await.unwrap().contains("cannot sign in"));

        sqlx::query("UPDATE pilots SET state = 'banned' WHERE ident = 'AIR0001'")
            .execute(app.db.writer())
            .await
            .unwrap();
        assert_eq!(api(&app, &access, "/user").await.status(), 401);
        let refreshed = refresh_grant(&app, &pilot_app.client_id, &refresh).await;
        assert_eq!(refreshed.json::<Value>().await.unwrap()["error"], "invalid_grant");
    })
    .await;
}

#[tokio::test]
async fn the_consent_form_needs_its_csrf_token() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let pilot_app = pilot_app(&app, true).await;
    let authorize = authorize_url(&pilot_app.client_id, &[]);
    let cookie = sign_in_pilot(&app, &authorize, "AIR0001").await.unwrap();
    let mut form: Vec<(String, String)> =
        serde_urlencoded::from_str(authorize.split_once('?').unwrap().1).unwrap();
    form.push(("decision".into(), "allow".into()));
    let response = app
        .http
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("location").is_none());
    form.push(("csrf_token".into(), "forged".into()));
    let response = app
        .http
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let codes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM authorization_codes")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(codes, 0);
    // Saying no sends the app access_denied.
    let location = consent(&app, &authorize, &cookie, "deny").await;
    assert_eq!(query_of(&location)["error"], "access_denied");
}

#[tokio::test]
async fn withdrawing_consent_and_revoking_the_app_stop_its_tokens() {
    each_backend(|app| async move {
        let pilot_app = pilot_app(&app, true).await;
        let authorize = authorize_url(&pilot_app.client_id, &[]);
        let cookie = sign_in_pilot(&app, &authorize, "AIR0001").await.unwrap();
        let code = query_of(&consent(&app, &authorize, &cookie, "allow").await)["code"].clone();
        let granted: Value =
            exchange(&app, &pilot_app.client_id, &code, &verifier()).await.json().await.unwrap();
        let access = granted["access_token"].as_str().unwrap().to_string();

        let page = app
            .http
            .get(app.url("/account/apps"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Tracker") && page.contains("identity:basic flights:read flights:write"),
            "{page}"
        );
        let csrf = field(&page, "csrf_token");
        let withdrawn = app
            .http
            .post(app.url(&format!("/account/apps/{}/withdraw", pilot_app.id)))
            .header("cookie", &cookie)
            .form(&[("csrf_token", csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(withdrawn.status(), 303);
        assert_eq!(api(&app, &access, "/user").await.status(), 401);
        let page = app
            .http
            .get(app.url("/account/apps"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("No app can use your account."));

        // Consent again, then the org revokes the app: its tokens stop.
        let code = query_of(&consent(&app, &authorize, &cookie, "allow").await)["code"].clone();
        let granted: Value =
            exchange(&app, &pilot_app.client_id, &code, &verifier()).await.json().await.unwrap();
        let access = granted["access_token"].as_str().unwrap().to_string();
        assert_eq!(api(&app, &access, "/user").await.status(), 200);
        let owner = owner(&app).await;
        console(
            &app,
            &owner,
            Method::POST,
            &format!("/console/api/clients/{}/revoke", pilot_app.id),
            json!({}),
        )
        .await;
        assert_eq!(api(&app, &access, "/user").await.status(), 401);
    })
    .await;
}

#[tokio::test]
async fn activities_show_the_pilots_tour_progress() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let owner = owner(&app).await;
    let body = json!({
        "kind": "pilot", "name": "Activities", "public": true, "scopes": ["activities:read"],
        "redirect_uris": [REDIRECT], "privacy_policy_url": "https://tracker.example/privacy",
    });
    let created: Value = console(&app, &owner, Method::POST, "/console/api/clients", body)
        .await
        .json()
        .await
        .unwrap();
    let id = created["data"]["id"].as_i64().unwrap();
    console(
        &app,
        &owner,
        Method::POST,
        &format!("/console/api/clients/{id}/attest"),
        json!({ "privacy_policy_reviewed": true }),
    )
    .await;
    let client_id = created["data"]["client_id"].as_str().unwrap();
    let authorize = authorize_url(client_id, &[("scope", "activities:read")]);
    let cookie = sign_in_pilot(&app, &authorize, "AIR0001").await.unwrap();
    let code = query_of(&consent(&app, &authorize, &cookie, "allow").await)["code"].clone();
    let granted: Value = exchange(&app, client_id, &code, &verifier()).await.json().await.unwrap();
    let token = granted["access_token"].as_str().unwrap();

    // AIR0001 flies the first leg of the Nordic Capitals tour (EGLL to ENGM).
    let demo = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
    let (pilot, egll, engm): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT id FROM pilots WHERE ident = 'AIR0001'), (SELECT id FROM airports WHERE icao = 'EGLL' AND org_id = $1), (SELECT id FROM airports WHERE icao = 'ENGM' AND org_id = $1)",
    )
    .bind(demo.0)
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    sqlx::query("UPDATE pireps SET departure_airport_id = $1, arrival_airport_id = $2, created_at = $3 WHERE id = (SELECT MIN(id) FROM pireps WHERE pilot_id = $4 AND state = 'accepted')")
        .bind(egll)
        .bind(engm)
        .bind(airside::domain::Timestamp::now().to_db())
        .bind(pilot)
        .execute(app.db.writer())
        .await
        .unwrap();
    let tours: Value = api(&app, token, "/tours").await.json().await.unwrap();
    let tour = &tours["data"][0];
    assert_eq!(tour["name"], "Nordic Capitals");
    assert_eq!(tour["legs"].as_array().unwrap().len(), 4);
    assert_eq!(tour["legs"][0]["completed"], true);
    assert_eq!(tour["completed_legs"], 1);
    for path in ["/events", "/rosters", "/challenges"] {
        let list: Value = api(&app, token, path).await.json().await.unwrap();
        assert_eq!(list["data"].as_array().unwrap().len(), 1, "{path}");
    }
    assert_eq!(problem(api(&app, token, "/user").await, 403).await["scope"], "identity:basic");
}

#[tokio::test]
async fn a_non_owner_changing_an_attested_app_sends_it_back_for_attestation() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let pilot_app = pilot_app(&app, true).await;
    let (access, _, _) = tokens_for_air0001(&app, &pilot_app).await;
    let manager = crate::console_session::sign_in(&app, "manager@demo.test").await;
    let path = format!("/console/api/clients/{}", pilot_app.id);

    let renamed: Value =
        console(&app, &manager, Method::PATCH, &path, json!({ "name": "Tracker Pro" }))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(renamed["data"]["revoked"], false, "a new name alone keeps the attestation");
    let changed: Value = console(
        &app,
        &manager,
        Method::PATCH,
        &path,
        json!({ "redirect_uris": ["https://tracker.example/new"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(changed["data"]["revoked"], true);
    assert_eq!(changed["data"]["attested_at"], Value::Null);
    assert_eq!(api(&app, &access, "/user").await.status(), 401);

    let owner = owner(&app).await;
    console(
        &app,
        &owner,
        Method::POST,
        &format!("{path}/attest"),
        json!({ "privacy_policy_reviewed": true }),
    )
    .await;
    let by_owner: Value =
        console(&app, &owner, Method::PATCH, &path, json!({ "scopes": ["identity:basic"] }))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(by_owner["data"]["revoked"], false, "the owner's own change stays attested");
}

#[tokio::test]
async fn a_confidential_app_must_prove_its_secret() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let owner = owner(&app).await;
    let body = json!({
        "kind": "pilot", "name": "Web tracker", "scopes": ["identity:basic"],
        "redirect_uris": [REDIRECT], "privacy_policy_url": "https://tracker.example/privacy",
    });
    let created: Value = console(&app, &owner, Method::POST, "/console/api/clients", body)
        .await
        .json()
        .await
        .unwrap();
    let id = created["data"]["id"].as_i64().unwrap();
    let client_id = created["data"]["client_id"].as_str().unwrap().to_string();
    let secret = created["data"]["client_secret"]
        .as_str()
        .expect("confidential clients get a secret")
        .to_string();
    console(
        &app,
        &owner,
        Method::POST,
        &format!("/console/api/clients/{id}/attest"),
        json!({ "privacy_policy_reviewed": true }),
    )
    .await;

    let authorize = authorize_url(&client_id, &[("scope", "identity:basic")]);
    let cookie = sign_in_pilot(&app, &authorize, "AIR0001").await.unwrap();
    let code = query_of(&consent(&app, &authorize, &cookie, "allow").await)["code"].clone();
    let without = exchange(&app, &client_id, &code, &verifier()).await;
    assert_eq!(without.status(), 401);
    assert_eq!(without.json::<Value>().await.unwrap()["error"], "invalid_client");

    // Consent is remembered now: straight back with a new code.
    let again = app.http.get(app.url(&authorize)).header("cookie", &cookie).send().await.unwrap();
    let code = query_of(again.headers()["location"].to_str().unwrap())["code"].clone();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", &verifier()),
    ];
    let with = app
        .http
        .post(app.url("/oauth/token"))
        .basic_auth(&client_id, Some(&secret))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 200);
    let token = with.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string();
    assert_eq!(api(&app, &token, "/user").await.status(), 200);
}

/// The Pilot API's lists take the same syntax as the Operations API's, and
/// refuse what they do not know instead of ignoring it.
#[tokio::test]
async fn pilot_lists_filter_sort_and_refuse_unknown_parameters() {
    crate::harness::each_backend(|app| async move {
        let pilot_app = pilot_app(&app, true).await;
        let (token, _, _) = tokens_for_air0001(&app, &pilot_app).await;
        let get = |path: &'static str| {
            let (app, token) = (&app, token.clone());
            async move { app.http.get(app.url(path)).bearer_auth(token).send().await.unwrap() }
        };
        let accepted: serde_json::Value =
            get("/api/v3/pilot/pireps?filter[status]=accepted&sort=-id&page[size]=300")
                .await
                .json()
                .await
                .unwrap();
        let rows = accepted["data"].as_array().unwrap();
        assert!(!rows.is_empty() && rows.iter().all(|p| p["status"] == "accepted"));
        let ids: Vec<i64> = rows.iter().map(|p| p["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
        for bad in [
            "/api/v3/pilot/pireps?filter[bogus]=1",
            "/api/v3/pilot/pireps?sort=altitude",
            "/api/v3/pilot/bookings?filter[schedule_id]=1",
        ] {
            crate::harness::problem(get(bad).await, 400).await;
        }
    })
    .await;
}

/// Desktop apps register `http://localhost:<port>` as vAMSYS's do; a name
/// under `localhost` or any other plain-http host is still refused.
#[tokio::test]
async fn native_apps_may_register_localhost_redirects() {
    crate::harness::each_backend(|app| async move {
        let owner = crate::console_session::sign_in(&app, "owner@demo.test").await;
        let register = |uri: &'static str| {
            let (app, owner) = (&app, owner.clone());
            async move {
                let body = serde_json::json!({
                    "kind": "pilot", "name": "Desktop tracker", "scopes": ["identity:basic"],
                    "redirect_uris": [uri], "privacy_policy_url": "https://tracker.example/privacy",
                });
                crate::console_session::console(
                    app,
                    &owner,
                    reqwest::Method::POST,
                    "/console/api/clients",
                    Some(body),
                )
                .await
                .status()
            }
        };
        assert_eq!(register("http://localhost:8765/callback").await, 201);
        assert_eq!(register("http://app.localhost:8765/callback").await, 422);
        assert_eq!(register("http://tracker.example/callback").await, 422);
    })
    .await;
}

/// A vAMSYS Pilot app: it asks for vAMSYS's scope names, reads `/user` with
/// Discord, one booking, sets the pilot's airport and marks a NOTAM read.
/// Airside's first scope names still work, meaning the scopes they grew into.
#[tokio::test]
async fn a_vamsys_pilot_app_uses_vamsys_scopes_user_bookings_location_and_notams() {
    each_backend(|app| async move {
        let owner = owner(&app).await;
        let all = "identity:basic identity:discord identity:networks pilot:read pilot:write \
                   flights:read flights:write activities:read activities:write";
        let body = json!({
            "kind": "pilot", "name": "Crew portal", "public": true,
            "scopes": all.split_whitespace().collect::<Vec<_>>(),
            "redirect_uris": [REDIRECT], "privacy_policy_url": "https://tracker.example/privacy",
        });
        let created: Value = console(&app, &owner, Method::POST, "/console/api/clients", body)
            .await
            .json()
            .await
            .unwrap();
        let id = created["data"]["id"].as_i64().unwrap();
        let attest = format!("/console/api/clients/{id}/attest");
        console(&app, &owner, Method::POST, &attest, json!({ "privacy_policy_reviewed": true }))
            .await;
        let client_id = created["data"]["client_id"].as_str().unwrap().to_string();
        let grant = |scope: &'static str| {
            let (app, client_id) = (&app, client_id.clone());
            async move {
                let authorize = authorize_url(&client_id, &[("scope", scope)]);
                let cookie = sign_in_pilot(app, &authorize, "AIR0001").await.unwrap();
                let code =
                    query_of(&consent(app, &authorize, &cookie, "allow").await)["code"].clone();
                let granted: Value =
                    exchange(app, &client_id, &code, &verifier()).await.json().await.unwrap();
                granted
            }
        };

        // Airside's first names are aliases of the vAMSYS scopes.
        let legacy = grant("identity pilot.flights").await;
        assert_eq!(legacy["scope"], "identity:basic flights:read flights:write");

        let granted = grant("identity:basic identity:discord identity:networks pilot:read pilot:write flights:read activities:read activities:write").await;
        let token = granted["access_token"].as_str().unwrap().to_string();
        let demo = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let pilot: i64 = sqlx::query_scalar("SELECT id FROM pilots WHERE ident = 'AIR0001'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        sqlx::query("UPDATE pilots SET discord_id = '998877665544332211' WHERE id = $1")
            .bind(pilot)
            .execute(app.db.writer())
            .await
            .unwrap();
        let user: Value = api(&app, &token, "/user").await.json().await.unwrap();
        assert_eq!(user["data"]["id"], pilot);
        assert_eq!(user["data"]["discord_id"], "998877665544332211");
        assert_eq!(user["data"]["networks"], json!({}));
        assert_eq!(user["data"]["pilot"]["banned"], false);
        assert_eq!(user["data"]["pilot"]["frozen"], false);

        // One booking of the pilot's own; another pilot's is not found.
        let mine: i64 = sqlx::query_scalar("SELECT MIN(id) FROM bookings WHERE pilot_id = $1")
            .bind(pilot)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let booking: Value =
            api(&app, &token, &format!("/bookings/{mine}")).await.json().await.unwrap();
        assert_eq!(booking["data"]["id"], mine);
        assert!(booking["data"]["route_id"].is_i64() && booking["data"]["callsign"].is_string());
        let theirs: i64 = sqlx::query_scalar(
            "SELECT MIN(id) FROM bookings WHERE org_id = $1 AND pilot_id <> $2",
        )
        .bind(demo.0)
        .bind(pilot)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        problem(api(&app, &token, &format!("/bookings/{theirs}")).await, 404).await;
        let current: Value =
            api(&app, &token, "/bookings?filter[status]=current").await.json().await.unwrap();
        assert!(current["data"].as_array().unwrap().iter().all(|b| b["status"] == "current"));

        // The current airport: set, cleared, and refused when not the org's.
        let patch = |body: Value| {
            let (app, token) = (&app, token.clone());
            async move {
                app.http
                    .patch(app.url("/api/v3/pilot/location"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let airport: i64 =
            sqlx::query_scalar("SELECT id FROM airports WHERE org_id = $1 AND icao = 'EHAM'")
                .bind(demo.0)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        let set: Value = patch(json!({ "airport_id": airport })).await.json().await.unwrap();
        assert_eq!(set["data"]["airport_id"], airport);
        let stored: Option<i64> = sqlx::query_scalar("SELECT airport_id FROM pilots WHERE id = $1")
            .bind(pilot)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(stored, Some(airport));
        let cleared: Value = patch(json!({ "airport_id": null })).await.json().await.unwrap();
        assert!(cleared["data"]["airport_id"].is_null());
        let elsewhere: i64 = sqlx::query_scalar("SELECT MAX(id) FROM airports WHERE org_id <> $1")
            .bind(demo.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        problem(patch(json!({ "airport_id": elsewhere })).await, 422).await;

        // NOTAMs: listed, and read once however often it is marked.
        sqlx::query(
            "INSERT INTO notams (org_id, title, content, notam_type, priority, must_read, created_at) \
             VALUES ($1, 'Fog at EGLL', 'Expect holding', 'warning', 'high', 1, '2026-12-01T00:00:00Z')",
        )
        .bind(demo.0)
        .execute(app.db.writer())
        .await
        .unwrap();
        let notams: Value = api(&app, &token, "/notams").await.json().await.unwrap();
        let notam = notams["data"][0]["id"].as_i64().unwrap();
        assert_eq!(notams["data"][0]["must_read"], true);
        for _ in 0..2 {
            let read = app
                .http
                .post(app.url(&format!("/api/v3/pilot/notams/{notam}/read")))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(read.json::<Value>().await.unwrap()["data"]["read_count"], 1);
        }

        // flights:write was not granted this time.
        let book = app
            .http
            .post(app.url("/api/v3/pilot/bookings"))
            .bearer_auth(&token)
            .json(&json!({ "route_id": 1 }))
            .send()
            .await
            .unwrap();
        assert_eq!(problem(book, 403).await["scope"], "flights:write");
    })
    .await;
}
