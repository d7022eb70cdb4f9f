//! Staff sign-in (`/console/api/session`) and the problem+json answers to bad input.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{each_backend, problem, Backend, TestApp};

/// Signs in and returns (session cookie, CSRF token).
pub async fn sign_in(app: &TestApp, email: &str) -> (String, String) {
    sign_in_at(&app.http, &app.url(""), email).await
}

/// Signs in at the server at `base` (one node of several).
pub async fn sign_in_at(http: &reqwest::Client, base: &str, email: &str) -> (String, String) {
    let response = http
        .post(format!("{base}/console/api/session"))
        .json(&json!({ "email": email, "password": "airside-demo" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "sign in as {email}");
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    // `Secure` only where the site is https (tests/api/hardening.rs).
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let pair = cookie.split(';').next().unwrap().to_string();
    let body: Value = response.json().await.unwrap();
    (pair, body["data"]["csrf_token"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn staff_sign_in_see_themselves_and_sign_out() {
    each_backend(|app| async move {
        let (cookie, csrf) = sign_in(&app, "Viewer@Demo.test").await;
        let me: Value = app
            .http
            .get(app.url("/console/api/session"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["data"]["staff"]["email"], "viewer@demo.test");
        assert_eq!(me["data"]["staff"]["owner"], false);
        assert_eq!(me["data"]["staff"]["permissions"], json!(["api.settings.view"]));
        assert_eq!(me["data"]["org"]["slug"], "demo");
        assert!(me["data"].get("csrf_token").is_none());

        // Signing out is a change: without the CSRF token it is refused.
        let refused = app
            .http
            .delete(app.url("/console/api/session"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        problem(refused, 403).await;
        let out = app
            .http
            .delete(app.url("/console/api/session"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 204);
        let gone = app
            .http
            .get(app.url("/console/api/session"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        problem(gone, 401).await;
    })
    .await;
}

#[tokio::test]
async fn wrong_logins_are_refused_alike() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    for (email, password) in
        [("owner@demo.test", "wrong"), ("nobody@demo.test", "airside-demo"), ("", "")]
    {
        let response = app
            .http
            .post(app.url("/console/api/session"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap();
        assert!(response.headers().get("set-cookie").is_none());
        let body = problem(response, 401).await;
        assert_eq!(body["detail"], "wrong email or password");
    }
    for cookie in ["airside_session=", "airside_session=forged", "other=1"] {
        let response = app
            .http
            .get(app.url("/console/api/session"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        problem(response, 401).await;
    }
}

#[tokio::test]
async fn bad_input_answers_problem_json_never_500() {
    let app = TestApp::spawn_empty(&Backend::Sqlite).await;
    let url = app.url("/console/api/session");
    let post = |body: Vec<u8>, content_type: &'static str| {
        app.http.post(&url).header("content-type", content_type).body(body).send()
    };

    let body = problem(post(b"{not json".to_vec(), "application/json").await.unwrap(), 400).await;
    assert_eq!(body["type"], "/docs/problems#bad-request");

    let body =
        problem(post(br#"{"email": "a@b.c"}"#.to_vec(), "application/json").await.unwrap(), 422)
            .await;
    assert!(body["detail"].as_str().unwrap().contains("password"), "{body}");

    problem(
        post(br#"{"email": 1, "password": []}"#.to_vec(), "application/json").await.unwrap(),
        422,
    )
    .await;
    problem(post(b"email=a".to_vec(), "application/x-www-form-urlencoded").await.unwrap(), 415)
        .await;
    problem(post(vec![0xff, 0xfe, 0x00], "application/json").await.unwrap(), 400).await;

    // Deeply nested JSON is refused as the wrong shape, not by a crash.
    let deep =
        format!(r#"{{"email": {}{}, "password": "x"}}"#, "[".repeat(10_000), "]".repeat(10_000));
    problem(post(deep.into_bytes(), "application/json").await.unwrap(), 422).await;

    let huge = format!(r#"{{"email": "{}", "password": "x"}}"#, "a".repeat(2 * 1024 * 1024));
    let body = problem(post(huge.into_bytes(), "application/json").await.unwrap(), 413).await;
    assert_eq!(body["type"], "/docs/problems#payload-too-large");

    // The server is still fine afterwards.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

/// A console JSON call as signed-in staff: (session cookie, CSRF token).
pub async fn console(
    app: &TestApp,
    who: &(String, String),
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app
        .http
        .request(method, app.url(path))
        .header("cookie", &who.0)
        .header("x-csrf-token", &who.1);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_console_lists_the_scopes_of_each_credential_kind() {
    each_backend(|app| async move {
        problem(app.get("/console/api/scopes").await, 401).await;
        let viewer = sign_in(&app, "viewer@demo.test").await;
        let response = console(&app, &viewer, Method::GET, "/console/api/scopes", None).await;
        let body: Value = response.json().await.unwrap();
        let names = |kind: &str| -> Vec<String> {
            body["data"][kind]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["scope"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names("operations").len(), 6);
        assert!(names("operations").contains(&"ops:school:write".to_string()));
        assert_eq!(
            names("pilot"),
            [
                "identity:basic",
                "identity:discord",
                "identity:networks",
                "pilot:read",
                "pilot:write",
                "flights:read",
                "flights:write",
                "activities:read",
                "activities:write"
            ]
        );
        assert_eq!(names("public").len(), 12, "GA Flight's twelve");
        let school = &body["data"]["operations"][5];
        assert!(school["description"].as_str().unwrap().contains("maintenance items"));
    })
    .await;
}

/// A legacy API token of `slug` made in the console: (id, value).
pub async fn legacy_token(app: &TestApp, slug: &str, name: &str) -> (i64, String) {
    let owner = sign_in(app, &format!("owner@{slug}.test")).await;
    let body = json!({ "name": name });
    let created = console(app, &owner, Method::POST, "/console/api/tokens", Some(body)).await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    (body["data"]["id"].as_i64().unwrap(), body["data"]["value"].as_str().unwrap().to_string())
}
