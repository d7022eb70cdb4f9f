//! What an attacker tries: every sign-in path throttled, trial orgs kept
//! off the APIs, headers, CSRF tokens at rest, cookies over plain http, the
//! Public API's exact scopes. (Introspection by another client and the
//! token endpoint's 413 are in `oauth.rs`; webhook addresses in the unit
//! tests of `domain::webhook`, `webhooks` and `webhooks::dispatcher`.)

use airside::domain::scope::{Scope, Scopes};
use airside::storage::clients::{self, ClientKind, NewClient};
use airside::storage::orgs;
use reqwest::Method;
use serde_json::{json, Value};

use crate::console_session::console;
use crate::harness::{each_backend, problem, Backend, TestApp};
use crate::ops_helpers::{call, grant};

use crate::harness::set_cookie_header as cookie_of;

/// Posts the pilot sign-in form of org `demo` as a browser does.
async fn pilot_web_sign_in(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    let page = app.get("/account/login?org=demo").await;
    let cookie = cookie_of(&page, "airside_login_csrf").unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let html = page.text().await.unwrap();
    let form = [
        ("org", "demo".to_string()),
        ("next", "/account/apps".to_string()),
        ("csrf_token", crate::pilot_flow::field(&html, "csrf_token")),
        ("login", login.to_string()),
        ("password", password.to_string()),
    ];
    app.http
        .post(app.url("/account/login"))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// A JSON sign-in at `path`, naming the account in `field`.
async fn json_sign_in(
    app: &TestApp,
    path: &str,
    field: &str,
    name: &str,
    password: &str,
) -> reqwest::Response {
    let body = json!({ field: name, "password": password });
    app.http.post(app.url(path)).json(&body).send().await.unwrap()
}

async fn staff_json_sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    json_sign_in(app, "/console/api/session", "email", email, password).await
}

async fn acars_login(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    json_sign_in(app, "/api/stratos/pilot/login", "username", username, password).await
}

#[tokio::test]
async fn every_sign_in_path_is_limited_per_account() {
    each_backend(|app| async move {
        // The console's JSON sign-in: five failures, then even the right
        // password waits.
        for _ in 0..5 {
            assert_eq!(staff_json_sign_in(&app, "viewer@demo.test", "wrong").await.status(), 401);
        }
        let locked = staff_json_sign_in(&app, "viewer@demo.test", "airside-demo").await;
        assert!(locked.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
        assert_eq!(problem(locked, 429).await["type"], "/docs/problems#rate-limited");
        // The same limit as the login form: failures there count here.
        for _ in 0..5 {
            assert_eq!(
                crate::console_pages::log_in(&app, "manager@demo.test", "wrong", None)
                    .await
                    .status(),
                401
            );
        }
        assert_eq!(
            staff_json_sign_in(&app, "manager@demo.test", "airside-demo").await.status(),
            429
        );
        assert_eq!(staff_json_sign_in(&app, "owner@demo.test", "airside-demo").await.status(), 200);

        // The pilot's web sign-in (before OAuth consent).
        for _ in 0..5 {
            assert_eq!(pilot_web_sign_in(&app, "AIR0004", "wrong").await.status(), 401);
        }
        let locked = pilot_web_sign_in(&app, "AIR0004", "airside-demo").await;
        assert_eq!(locked.status(), 429);
        assert!(locked.headers().contains_key("retry-after"));
        assert!(locked.text().await.unwrap().contains("Too many failed sign-ins"));
        // A pilot's failures from a tracker count on the web too.
        for _ in 0..5 {
            assert_eq!(acars_login(&app, "AIR0006", "wrong").await.status(), 401);
        }
        assert_eq!(pilot_web_sign_in(&app, "AIR0006", "airside-demo").await.status(), 429);
        assert_eq!(pilot_web_sign_in(&app, "AIR0008", "airside-demo").await.status(), 303);
    })
    .await;
}

/// An Operations client of `slug` made in storage (as the CLI once could).
async fn stored_client(app: &TestApp, slug: &str) -> crate::ops_helpers::OpsClient {
    crate::ops_helpers::ops_client(app, slug, &[]).await
}

#[tokio::test]
async fn trial_orgs_have_no_api_access_until_their_plan_changes() {
    each_backend(|app| async move {
        #[derive(clap::Parser)]
        struct Admin {
            #[command(subcommand)]
            command: airside::admin::AdminCommand,
        }
        let command = |args: &[&str]| {
            use clap::Parser;
            Admin::parse_from(std::iter::once("admin").chain(args.iter().copied())).command
        };
        let trial = orgs::by_slug(&app.db, "demo-trial").await.unwrap().unwrap();
        // Pilots a trial org may have.
        let icao: String = sqlx::query_scalar("SELECT icao FROM airlines WHERE org_id = $1")
            .bind(trial.id.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let ident = format!("{icao}0001");
        let args = ["pilot", "create", "--org", "demo-trial", "--pilot-id", &ident, "--email", "p1@trial.test", "--password", "airside-demo"];
        airside::admin::run(&app.db, command(&args)).await.unwrap();
        // Credentials made for it before: a client, a legacy token, an org key, a pilot token.
        let client = stored_client(&app, "demo-trial").await;
        let mut tx = app.db.begin().await.unwrap();
        let (_, legacy) = airside::storage::api_tokens::create(&mut tx, trial.id, "old").await.unwrap();
        let scopes = Scopes::new(airside::domain::scope::PUBLIC.to_vec());
        let (_, key) = airside::storage::org_keys::create(&mut tx, trial.id, "old", &scopes).await.unwrap();
        let (client_row, _) = clients::create(
            &mut tx,
            trial.id,
            &NewClient {
                kind: ClientKind::Pilot,
                name: "pilot app",
                scopes: &Scopes::new(airside::domain::scope::PILOT.to_vec()),
                redirect_uris: &["https://app.example/cb".to_string()],
                privacy_policy_url: Some("https://app.example/privacy"),
                confidential: true,
            },
        )
        .await
        .unwrap();
        // Attested, as the owner would have before.
        sqlx::query("UPDATE oauth_clients SET revoked = 0 WHERE id = $1")
            .bind(client_row)
            .execute(&mut *tx)
            .await
            .unwrap();
        let pilot: i64 = sqlx::query_scalar("SELECT MIN(id) FROM pilots WHERE org_id = $1")
            .bind(trial.id.0)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let pilot_scopes = Scopes::new(vec![Scope::IdentityBasic, Scope::FlightsRead, Scope::FlightsWrite]);
        let pilot_token = airside::storage::tokens::issue(
            &mut tx,
            trial.id,
            client_row,
            &pilot_scopes,
            Some(airside::domain::PilotId(pilot)),
            None,
        )
        .await
        .unwrap();
        let ops_row: i64 = sqlx::query_scalar("SELECT id FROM oauth_clients WHERE client_id = $1")
            .bind(&client.client_id)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let ops_scopes = Scopes::new(airside::domain::scope::OPERATIONS.to_vec());
        let ops_token = airside::storage::tokens::issue(&mut tx, trial.id, ops_row, &ops_scopes, None, None)
            .await
            .unwrap();
        let acars = airside::storage::pilots::create_api_key(&mut tx, trial.id, airside::domain::PilotId(pilot), "tracker")
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let refused = |response: reqwest::Response| async move {
            let body = problem(response, 403).await;
            assert_eq!(body["type"], "/docs/problems#trial-plan");
            assert_eq!(body["plan"], "trial");
            assert!(body["detail"].as_str().unwrap().contains("trial plan"), "{body}");
        };
        let ops = || call(&app, Method::GET, "/api/v3/operations/aircraft", Some(ops_token.expose()), None);
        refused(ops().await).await;
        refused(call(&app, Method::GET, "/api/v3/operations/aircraft", Some(legacy.expose()), None).await).await;
        refused(call(&app, Method::GET, "/api/v3/pilot/user", Some(pilot_token.expose()), None).await).await;
        let public = || {
            app.http
                .get(app.url("/api/v1/public/fleet"))
                .bearer_auth(key.expose())
                .header("x-org-id", trial.uuid.to_string())
                .send()
        };
        refused(public().await.unwrap()).await;
        // No new tokens either.
        let denied = grant(&app, &client.client_id, &client.secret, None).await;
        assert_eq!(denied.status(), 400);
        let denied: Value = denied.json().await.unwrap();
        assert_eq!(denied["error"], "unauthorized_client");
        assert!(denied["error_description"].as_str().unwrap().contains("trial plan"));
        // The pilots' own trackers keep working.
        let tracker = app
            .http
            .get(app.url("/api/stratos/pilot/verify"))
            .bearer_auth(acars.expose())
            .send()
            .await
            .unwrap();
        assert_eq!(tracker.status(), 200);

        // The admin CLI refuses to make them, and says why.
        for args in [
            &["token", "create", "--org", "demo-trial", "--name", "bot"][..],
            &["key", "create", "--org", "demo-trial", "--name", "site", "--scope", "public.fleet:read"][..],
            &["client", "create", "--org", "demo-trial", "--kind", "operations", "--name", "ops"][..],
        ] {
            let error = airside::admin::run(&app.db, command(args)).await.unwrap_err().to_string();
            assert!(error.contains("trial plan") && error.contains("set-plan"), "{args:?}: {error}");
        }
        // A plan change turns them on.
        airside::admin::run(&app.db, command(&["org", "set-plan", "--slug", "demo-trial", "--plan", "active"]))
            .await
            .unwrap();
        assert_eq!(ops().await.status(), 200);
        assert_eq!(public().await.unwrap().status(), 200);
        assert_eq!(grant(&app, &client.client_id, &client.secret, None).await.status(), 200);
    })
    .await;
}

#[tokio::test]
async fn every_answer_says_nosniff_and_console_json_is_never_stored() {
    each_backend(|app| async move {
        for path in [
            "/healthz",
            "/no/such/page",
            "/api/stratos/",
            "/console/login",
            "/docs/operations",
            "/api/v3/operations/aircraft",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
        }
        let token = app
            .http
            .post(app.url("/oauth/token"))
            .form(&[("grant_type", "nope")])
            .send()
            .await
            .unwrap();
        assert_eq!(token.headers()["x-content-type-options"], "nosniff");
        // The answer carrying a new client's secret.
        let owner = crate::console_session::sign_in(&app, "owner@demo.test").await;
        let created = console(
            &app,
            &owner,
            Method::POST,
            "/console/api/clients",
            Some(json!({ "kind": "operations", "name": "bot" })),
        )
        .await;
        assert_eq!(created.status(), 201);
        assert_eq!(created.headers()["cache-control"], "no-store");
        assert_eq!(created.headers()["x-content-type-options"], "nosniff");
        let listed = console(&app, &owner, Method::GET, "/console/api/clients", None).await;
        assert_eq!(listed.headers()["cache-control"], "no-store");
    })
    .await;
}

#[tokio::test]
async fn csrf_tokens_are_kept_only_as_hashes_and_still_work() {
    each_backend(|app| async move {
        let (cookie, csrf) = crate::console_session::sign_in(&app, "owner@demo.test").await;
        let stored: Vec<String> = sqlx::query_scalar("SELECT csrf_token FROM staff_sessions")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], csrf);
        assert_eq!(stored[0], airside::security::sha256_hex(&csrf));
        // The token works, a wrong one does not.
        let change = |token: &str| {
            app.http
                .post(app.url("/console/api/tokens"))
                .header("cookie", &cookie)
                .header("x-csrf-token", token)
                .json(&json!({ "name": "bot" }))
                .send()
        };
        assert_eq!(change(&csrf).await.unwrap().status(), 201);
        assert_eq!(change("not-the-token").await.unwrap().status(), 403);
        // A pilot session likewise.
        let pilot = crate::pilot_flow::sign_in_pilot(
            &app,
            "/account/login?org=demo&next=/account/acars",
            "AIR0001",
        )
        .await
        .unwrap();
        let page = app
            .http
            .get(app.url("/account/acars"))
            .header("cookie", &pilot)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let shown = crate::pilot_flow::field(&page, "csrf_token");
        let stored: String = sqlx::query_scalar("SELECT csrf_token FROM pilot_sessions")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(stored, airside::security::sha256_hex(&shown));
    })
    .await;
}

#[tokio::test]
async fn cookies_are_secure_only_over_https_and_plain_http_sign_in_works() {
    // Over plain http with no public URL: no `Secure`, and a standard
    // cookie jar signs in through the form.
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let jar = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = jar.get(app.url("/console/login")).send().await.unwrap();
    let set = cookie_of(&form, "airside_console_login_csrf").unwrap();
    assert!(!set.contains("Secure"), "{set}");
    let html = form.text().await.unwrap();
    let token = crate::pilot_flow::field(&html, "csrf_token");
    let signed_in = jar
        .post(app.url("/console/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "owner@demo.test"),
            ("password", "airside-demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    assert!(!cookie_of(&signed_in, "airside_session").unwrap().contains("Secure"));
    assert_eq!(jar.get(app.url("/console/settings/api")).send().await.unwrap().status(), 200);
    // No cookie came back at all: the page says so, not "expired".
    let bare = app
        .http
        .post(app.url("/console/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "owner@demo.test"),
            ("password", "airside-demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 403);
    let text = bare.text().await.unwrap();
    assert!(text.contains("did not send back") && !text.contains("expired"), "{text}");

    // With an https public URL every cookie is `Secure`.
    let https = TestApp::spawn_with(&Backend::Sqlite, |c| {
        c.public_url = Some("https://airside.example".into())
    })
    .await;
    let form = https.get("/console/login").await;
    assert!(cookie_of(&form, "airside_console_login_csrf").unwrap().contains("; Secure"));
    let session = https
        .http
        .post(https.url("/console/api/session"))
        .json(&json!({ "email": "owner@demo.test", "password": "airside-demo" }))
        .send()
        .await
        .unwrap();
    assert!(cookie_of(&session, "airside_session").unwrap().contains("; Secure"));
    let pilot = https.get("/account/login?org=demo").await;
    assert!(cookie_of(&pilot, "airside_login_csrf").unwrap().contains("; Secure"));

    // Behind a trusted proxy that says the request came over https.
    let proxied =
        TestApp::spawn_with(&Backend::Sqlite, |c| c.trusted_proxy = Some([127, 0, 0, 1].into()))
            .await;
    let over = |proto: &'static str| {
        proxied.http.get(proxied.url("/console/login")).header("x-forwarded-proto", proto).send()
    };
    assert!(cookie_of(&over("https").await.unwrap(), "airside_console_login_csrf")
        .unwrap()
        .contains("; Secure"));
    assert!(!cookie_of(&over("http").await.unwrap(), "airside_console_login_csrf")
        .unwrap()
        .contains("Secure"));
}

#[tokio::test]
async fn the_public_api_has_the_seeds_twelve_scopes() {
    each_backend(|app| async move {
        assert_eq!(airside::domain::scope::PUBLIC.len(), 12);
        let read = |key: String, org: String, path: &'static str| {
            let request = app
                .http
                .get(app.url(&format!("/api/v1/public{path}")))
                .bearer_auth(key)
                .header("x-org-id", org);
            async move { request.send().await.unwrap().status().as_u16() }
        };
        let (training, _, org) =
            crate::public_api::key(&app, "demo-school", &[Scope::PublicTraining]).await;
        assert_eq!(read(training.clone(), org.clone(), "/training-progress").await, 200);
        assert_eq!(read(training.clone(), org.clone(), "/training/signoffs").await, 403);
        let (signoffs, _, _) =
            crate::public_api::key(&app, "demo-school", &[Scope::PublicSignoffs]).await;
        assert_eq!(read(signoffs, org.clone(), "/training/signoffs").await, 200);
        let (finance, _, _) =
            crate::public_api::key(&app, "demo-school", &[Scope::PublicFinance]).await;
        assert_eq!(read(finance.clone(), org.clone(), "/finance-summaries").await, 200);
        assert_eq!(read(finance.clone(), org.clone(), "/invoices").await, 403);
        let (invoices, _, _) =
            crate::public_api::key(&app, "demo-school", &[Scope::PublicInvoices]).await;
        assert_eq!(read(invoices, org.clone(), "/invoices").await, 200);

        // Keys made with the broader scopes before keep their access: the migration.
        let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM org_keys")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        for (scopes, kept) in [
            ("public.training:read", "public.signoffs:read"),
            ("public.finance:read public.fleet:read", "public.invoices:read"),
        ] {
            sqlx::query("UPDATE org_keys SET scopes = $1 WHERE id = $2")
                .bind(scopes)
                .bind(id)
                .execute(app.db.writer())
                .await
                .unwrap();
            for statement in include_str!("../../migrations/0011_public_scopes.sql")
                .split(';')
                .filter(|s| s.contains("UPDATE"))
            {
                sqlx::query(statement).execute(app.db.writer()).await.unwrap();
            }
            let after: String = sqlx::query_scalar("SELECT scopes FROM org_keys WHERE id = $1")
                .bind(id)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
            assert!(after.split_whitespace().any(|s| s == kept), "{after}");
            assert_eq!(after.split_whitespace().filter(|s| *s == kept).count(), 1, "once: {after}");
        }
    })
    .await;
}
