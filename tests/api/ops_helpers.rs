//! Operations clients and tokens for tests.

use airside::domain::scope::{Scope, Scopes};
use airside::storage::clients::{self, ClientKind, NewClient};
use airside::storage::orgs;
use serde_json::Value;

use crate::harness::TestApp;

pub struct OpsClient {
    pub client_id: String,
    pub secret: String,
}

/// An Operations client of org `slug` holding `scopes` (empty: unrestricted).
pub async fn ops_client(app: &TestApp, slug: &str, scopes: &[Scope]) -> OpsClient {
    let org = orgs::by_slug(&app.db, slug).await.unwrap().unwrap();
    let scopes = Scopes::new(scopes.to_vec());
    let new = NewClient {
        kind: ClientKind::Operations,
        name: "test client",
        scopes: &scopes,
        redirect_uris: &[],
        privacy_policy_url: None,
        confidential: true,
    };
    let mut tx = app.db.begin().await.unwrap();
    let (id, secret) = clients::create(&mut tx, org.id, &new).await.unwrap();
    let client = clients::get(&mut tx, org.id, id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    let _ = id;
    OpsClient { client_id: client.client_id, secret: secret.unwrap().expose().to_string() }
}

/// The raw answer of a client-credentials grant.
pub async fn grant(
    app: &TestApp,
    client_id: &str,
    secret: &str,
    scope: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    app.http
        .post(app.url("/oauth/token"))
        .basic_auth(client_id, Some(secret))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// An access token for `client`, asking for `scope`.
pub async fn token(app: &TestApp, client: &OpsClient, scope: Option<&str>) -> String {
    let response = grant(app, &client.client_id, &client.secret, scope).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = app.http.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}
