//! The OAuth 2 server for Operations clients, and client management by staff.

use reqwest::Method;
use serde_json::{json, Value};

use crate::console_session::{console, sign_in};
use crate::harness::{each_backend, problem, Backend, TestApp};
use crate::ops_helpers::{call, grant, ops_client, token};

const AIRCRAFT: &str = "/api/v3/operations/aircraft?limit=5";

/// A staff session: (cookie, CSRF token).
struct Session((String, String));

impl Session {
    async fn of(app: &TestApp, email: &str) -> Session {
        Session(sign_in(app, email).await)
    }

    async fn send(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        console(app, &self.0, method, path, body).await
    }
}

async fn status_with(app: &TestApp, token: &str) -> u16 {
    call(app, Method::GET, AIRCRAFT, Some(token), None).await.status().as_u16()
}

#[tokio::test]
async fn staff_create_a_client_and_its_secret_is_shown_once() {
    each_backend(|app| async move {
        let owner = Session::of(&app, "owner@demo.test").await;
        let created = owner
            .send(
                &app,
                Method::POST,
                "/console/api/clients",
                Some(
                    json!({ "kind": "operations", "name": "Discord bot", "scopes": ["ops:read"] }),
                ),
            )
            .await;
        assert_eq!(created.status(), 201);
        let body: Value = created.json().await.unwrap();
        let client = &body["data"];
        let (id, client_id, secret) = (
            client["id"].as_i64().unwrap(),
            client["client_id"].as_str().unwrap(),
            client["client_secret"].as_str().unwrap(),
        );
        assert_eq!(client["scopes"], json!(["ops:read"]));
        assert_eq!(client["revoked"], false);

        // No later answer carries the secret.
        let shown = owner
            .send(&app, Method::GET, &format!("/console/api/clients/{id}"), None)
            .await
            .text()
            .await
            .unwrap();
        let listed = owner
            .send(&app, Method::GET, "/console/api/clients?kind=operations", None)
            .await
            .text()
            .await
            .unwrap();
        for text in [&shown, &listed] {
            assert!(text.contains(client_id) && !text.contains(secret), "{text}");
        }
        // Nor does the database hold it.
        let stored: String =
            sqlx::query_scalar("SELECT secret_hash FROM oauth_clients WHERE client_id = $1")
                .bind(client_id)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        assert_eq!(stored, airside::security::sha256_hex(secret));

        let response = grant(&app, client_id, secret, None).await;
        assert_eq!(response.headers()["cache-control"], "no-store");
        let granted: Value = response.json().await.unwrap();
        assert_eq!(granted["token_type"], "Bearer");
        assert_eq!(granted["expires_in"], 3600);
        assert_eq!(granted["scope"], "ops:read");
        let token = granted["access_token"].as_str().unwrap();
        assert!(token.len() >= 43, "at least 256 bits");
        assert_eq!(status_with(&app, token).await, 200);

        // The audit trail says who did what, never the secret.
        let audit =
            owner.send(&app, Method::GET, "/console/api/audit", None).await.text().await.unwrap();
        assert!(
            audit.contains("client.created") && audit.contains("staff:owner@demo.test"),
            "{audit}"
        );
        assert!(!audit.contains(secret));
    })
    .await;
}

#[tokio::test]
async fn reset_revoke_and_delete_take_effect_on_the_next_request() {
    each_backend(|app| async move {
        let owner = Session::of(&app, "owner@demo.test").await;
        let body: Value = owner
            .send(
                &app,
                Method::POST,
                "/console/api/clients",
                Some(json!({ "kind": "operations", "name": "Stats site" })),
            )
            .await
            .json()
            .await
            .unwrap();
        let id = body["data"]["id"].as_i64().unwrap();
        let client_id = body["data"]["client_id"].as_str().unwrap().to_string();
        let old_secret = body["data"]["client_secret"].as_str().unwrap().to_string();
        let get_token = |secret: String| {
            let (app, client_id) = (&app, client_id.clone());
            async move {
                grant(app, &client_id, &secret, None).await.json::<Value>().await.unwrap()
                    ["access_token"]
                    .as_str()
                    .unwrap()
                    .to_string()
            }
        };
        let old_token = get_token(old_secret.clone()).await;
        assert_eq!(status_with(&app, &old_token).await, 200);

        // Reset: a new secret, the old one and its tokens dead at once.
        let reset: Value = owner
            .send(&app, Method::POST, &format!("/console/api/clients/{id}/reset-secret"), None)
            .await
            .json()
            .await
            .unwrap();
        let new_secret = reset["data"]["client_secret"].as_str().unwrap().to_string();
        assert_ne!(new_secret, old_secret);
        assert_eq!(status_with(&app, &old_token).await, 401);
        let refused = grant(&app, &client_id, &old_secret, None).await;
        assert_eq!(refused.status(), 401);
        assert_eq!(refused.json::<Value>().await.unwrap()["error"], "invalid_client");
        let token = get_token(new_secret.clone()).await;
        assert_eq!(status_with(&app, &token).await, 200);

        // Revoke: tokens stop at once and no new ones are issued; restore does not revive them.
        let revoked: Value = owner
            .send(&app, Method::POST, &format!("/console/api/clients/{id}/revoke"), None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(revoked["data"]["revoked"], true);
        assert_eq!(status_with(&app, &token).await, 401);
        assert_eq!(grant(&app, &client_id, &new_secret, None).await.status(), 401);
        owner.send(&app, Method::POST, &format!("/console/api/clients/{id}/restore"), None).await;
        assert_eq!(status_with(&app, &token).await, 401, "restoring does not revive old tokens");
        let fresh = get_token(new_secret.clone()).await;
        assert_eq!(status_with(&app, &fresh).await, 200);

        // Delete: gone, tokens too.
        let deleted =
            owner.send(&app, Method::DELETE, &format!("/console/api/clients/{id}"), None).await;
        assert_eq!(deleted.status(), 204);
        assert_eq!(status_with(&app, &fresh).await, 401);
        assert_eq!(grant(&app, &client_id, &new_secret, None).await.status(), 401);
        problem(
            owner.send(&app, Method::GET, &format!("/console/api/clients/{id}"), None).await,
            404,
        )
        .await;
        let left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM oauth_tokens WHERE client_id = $1")
                .bind(id)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        assert_eq!(left, 0);
    })
    .await;
}

#[tokio::test]
async fn who_may_manage_clients() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let new = json!({ "kind": "operations", "name": "x" });

    let viewer = Session::of(&app, "viewer@demo.test").await;
    assert_eq!(viewer.send(&app, Method::GET, "/console/api/clients", None).await.status(), 200);
    let body = problem(
        viewer.send(&app, Method::POST, "/console/api/clients", Some(new.clone())).await,
        403,
    )
    .await;
    assert_eq!(body["permission"], "api.settings.manage");

    let manager = Session::of(&app, "manager@demo.test").await;
    assert_eq!(
        manager.send(&app, Method::POST, "/console/api/clients", Some(new.clone())).await.status(),
        201
    );

    let trial = Session::of(&app, "owner@demo-trial.test").await;
    for (method, path, body) in [
        (Method::GET, "/console/api/clients", None),
        (Method::POST, "/console/api/clients", Some(new.clone())),
        (Method::GET, "/console/api/audit", None),
    ] {
        let body = problem(trial.send(&app, method, path, body).await, 403).await;
        assert!(body["detail"].as_str().unwrap().contains("trial"), "{body}");
    }

    // Another org's client is not there for this org.
    let school = Session::of(&app, "owner@demo-school.test").await;
    let theirs: Value = school
        .send(&app, Method::POST, "/console/api/clients", Some(new.clone()))
        .await
        .json()
        .await
        .unwrap();
    let their_id = theirs["data"]["id"].as_i64().unwrap();
    let owner = Session::of(&app, "owner@demo.test").await;
    for (method, path) in [
        (Method::GET, ""),
        (Method::POST, "/reset-secret"),
        (Method::POST, "/revoke"),
        (Method::DELETE, ""),
    ] {
        problem(
            owner.send(&app, method, &format!("/console/api/clients/{their_id}{path}"), None).await,
            404,
        )
        .await;
    }

    let body = problem(owner.send(&app, Method::POST, "/console/api/clients", Some(json!({ "kind": "operations", "name": "x", "scopes": ["ops:read", "ops:everything", "identity:basic"] }))).await, 422).await;
    assert_eq!(body["errors"][0]["field"], "scopes");
    assert_eq!(body["detail"], "scopes: unknown scopes: ops:everything");
    let body = problem(
        owner
            .send(
                &app,
                Method::POST,
                "/console/api/clients",
                Some(json!({ "kind": "operations", "name": "x", "scopes": ["identity:basic"] })),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(body["detail"], "scopes: not Operations scopes: identity:basic");
    let body = problem(
        owner
            .send(
                &app,
                Method::POST,
                "/console/api/clients",
                Some(json!({ "kind": "operations", "name": " " })),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "name");
}

#[tokio::test]
async fn token_endpoint_speaks_rfc_6749() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let limited = ops_client(&app, "demo", &[airside::domain::scope::Scope::OpsRead]).await;
    let post = |form: Vec<(&'static str, String)>| {
        app.http.post(app.url("/oauth/token")).form(&form).send()
    };

    // Client secret in the body works as well as Basic.
    let body: Value = post(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", limited.client_id.clone()),
        ("client_secret", limited.secret.clone()),
    ])
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(body["scope"], "ops:read");

    let wrong = grant(&app, &limited.client_id, "sec_wrong", None).await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
    assert_eq!(wrong.json::<Value>().await.unwrap()["error"], "invalid_client");
    for (scope, error) in [
        ("ops:config:write", "invalid_scope"),
        ("ops:read nonsense", "invalid_scope"),
        ("identity:basic", "invalid_scope"),
    ] {
        let response = grant(&app, &limited.client_id, &limited.secret, Some(scope)).await;
        assert_eq!(response.status(), 400);
        assert_eq!(response.json::<Value>().await.unwrap()["error"], error, "{scope}");
    }
    let response = post(vec![
        ("grant_type", "password".into()),
        ("client_id", limited.client_id.clone()),
        ("client_secret", limited.secret.clone()),
    ])
    .await
    .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");
    let response = post(vec![("client_id", limited.client_id.clone())]).await.unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_request");
    let both = app
        .http
        .post(app.url("/oauth/token"))
        .basic_auth(&limited.client_id, Some(&limited.secret))
        .form(&[("grant_type", "client_credentials"), ("client_secret", limited.secret.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(both.json::<Value>().await.unwrap()["error"], "invalid_request");
    let not_form = app
        .http
        .post(app.url("/oauth/token"))
        .json(&json!({ "grant_type": "client_credentials" }))
        .send()
        .await
        .unwrap();
    assert_eq!(not_form.status(), 400);
    assert_eq!(not_form.json::<Value>().await.unwrap()["error"], "invalid_request");

    // An unrestricted client may ask for any subset; with nothing asked it gets everything.
    let open = ops_client(&app, "demo", &[]).await;
    let body: Value = grant(&app, &open.client_id, &open.secret, None).await.json().await.unwrap();
    assert_eq!(
        body["scope"],
        "ops:read ops:config:write ops:flights:write ops:moderation:write ops:activities:write ops:school:write"
    );
    let body: Value = grant(&app, &open.client_id, &open.secret, Some("ops:flights:write"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["scope"], "ops:flights:write");

    // Bearer errors per RFC 6750.
    let response = call(&app, Method::GET, AIRCRAFT, Some("at_made_up"), None).await;
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("error=\"invalid_token\""));
    problem(response, 401).await;
    for header in ["Bearer", "Bearer ", "Basic abc", "bearer"] {
        let response =
            app.http.get(app.url(AIRCRAFT)).header("authorization", header).send().await.unwrap();
        problem(response, 401).await;
    }
}

#[tokio::test]
async fn introspection_and_revocation() {
    each_backend(|app| async move {
        let client = ops_client(&app, "demo", &[]).await;
        let sibling = ops_client(&app, "demo", &[]).await;
        let stranger = ops_client(&app, "demo-school", &[]).await;
        let token = token(&app, &client, Some("ops:read")).await;
        let introspect = |who: &crate::ops_helpers::OpsClient, token: String| {
            let request = app
                .http
                .post(app.url("/oauth/introspect"))
                .basic_auth(&who.client_id, Some(&who.secret))
                .form(&[("token", token)]);
            async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
        };
        let seen = introspect(&client, token.clone()).await;
        assert_eq!(seen["active"], true);
        assert_eq!(seen["scope"], "ops:read");
        assert_eq!(seen["client_id"], client.client_id);
        assert!(seen["exp"].as_i64().unwrap() > seen["iat"].as_i64().unwrap());
        // RFC 7662 §4: only the client the token was issued to learns of it.
        assert_eq!(
            introspect(&sibling, token.clone()).await,
            json!({ "active": false }),
            "another client of the org learns nothing"
        );
        assert_eq!(
            introspect(&stranger, token.clone()).await,
            json!({ "active": false }),
            "another org learns nothing"
        );
        assert_eq!(introspect(&sibling, "at_nope".into()).await, json!({ "active": false }));
        let unauthenticated = app
            .http
            .post(app.url("/oauth/introspect"))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(unauthenticated.status(), 401);

        // Another client cannot revoke it; its own client can.
        let revoke = |who: &crate::ops_helpers::OpsClient| {
            app.http
                .post(app.url("/oauth/revoke"))
                .basic_auth(&who.client_id, Some(&who.secret))
                .form(&[("token", token.as_str())])
                .send()
        };
        assert_eq!(revoke(&sibling).await.unwrap().status(), 200);
        assert_eq!(status_with(&app, &token).await, 200);
        assert_eq!(revoke(&client).await.unwrap().status(), 200);
        assert_eq!(status_with(&app, &token).await, 401);
        assert_eq!(introspect(&client, token.clone()).await["active"], false);

        // A body over the limit is 413, as docs/security.md promises.
        let huge = "a".repeat(airside::http::BODY_LIMIT + 10);
        let too_big = app
            .http
            .post(app.url("/oauth/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("grant_type=client_credentials&scope={huge}"))
            .send()
            .await
            .unwrap();
        assert_eq!(too_big.status(), 413);
        assert_eq!(too_big.json::<Value>().await.unwrap()["error"], "invalid_request");

        let metadata: Value =
            app.get("/.well-known/oauth-authorization-server").await.json().await.unwrap();
        assert_eq!(
            metadata["token_endpoint"],
            format!("{}/oauth/token", metadata["issuer"].as_str().unwrap())
        );
        assert!(metadata["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("client_credentials")));
        assert!(metadata["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("ops:moderation:write")));
        assert!(metadata["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("ops:school:write")));
    })
    .await;
}

#[tokio::test]
async fn a_real_oauth_library_completes_client_credentials() {
    use oauth2::basic::BasicClient;
    use oauth2::{ClientId, ClientSecret, Scope as OAuthScope, TokenResponse, TokenUrl};

    let app = TestApp::spawn(&Backend::Sqlite).await;
    let client = ops_client(&app, "demo", &[]).await;
    let oauth = BasicClient::new(ClientId::new(client.client_id.clone()))
        .set_client_secret(ClientSecret::new(client.secret.clone()))
        .set_token_uri(TokenUrl::new(app.url("/oauth/token")).unwrap());
    let http = oauth2::reqwest::ClientBuilder::new()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = oauth
        .exchange_client_credentials()
        .add_scope(OAuthScope::new("ops:read".into()))
        .request_async(&http)
        .await
        .expect("the oauth2 crate accepts our token response");
    assert_eq!(response.scopes().unwrap()[0].as_str(), "ops:read");
    assert_eq!(response.expires_in().unwrap().as_secs(), 3600);
    assert_eq!(status_with(&app, response.access_token().secret()).await, 200);

    let wrong = BasicClient::new(ClientId::new(client.client_id))
        .set_client_secret(ClientSecret::new("sec_wrong".into()))
        .set_token_uri(TokenUrl::new(app.url("/oauth/token")).unwrap());
    let error = wrong.exchange_client_credentials().request_async(&http).await.unwrap_err();
    assert!(format!("{error:?}").contains("invalid_client"), "{error:?}");
}
