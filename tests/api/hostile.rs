//! Hostile input over every documented route of every surface: the four
//! OpenAPI documents drive a harness that sends each operation hostile
//! path ids, query values and bodies with a valid credential. Nothing may
//! answer 5xx; API errors keep their documented shapes.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{Backend, TestApp};

/// Path ids an attacker tries.
const IDS: [&str; 8] = [
    "0",
    "-1",
    "99999999999999999999999",
    "..%2F..%2Fetc%2Fpasswd",
    "1%27%20OR%201%3D1--",
    "%00",
    "%F0%9F%98%80",
    "1;DROP%20TABLE%20pilots",
];

/// Query values for every documented parameter.
const QUERY_VALUES: [&str; 6] =
    ["' OR '1'='1", "-1", "1e309", "%", "\u{0}\u{202e}😀", "2026-13-45T99:99:99Z"];

/// Bodies as raw JSON text: one is nested 2,000 deep (built as text, as
/// an attacker would, not as a value).
fn bodies() -> Vec<String> {
    let deep = format!("{}1{}", "[".repeat(2_000), "]".repeat(2_000));
    let values = [
        json!({}),
        json!([]),
        json!("text"),
        json!(null),
        json!({ "name": "😀\u{202e}' OR 1=1 --", "id": -1, "limit": 1e308, "url": "http://x\r\nInjected: yes" }),
        json!({ "redirect_uris": ["https://evil.example/cb\r\nSet-Cookie: x=1"], "scopes": ["*"] }),
    ];
    let mut bodies: Vec<String> = values.iter().map(Value::to_string).collect();
    bodies.push(deep);
    bodies.push("{\"truncated\": ".to_string());
    bodies
}

struct Credential {
    surface: &'static str,
    headers: Vec<(&'static str, String)>,
}

async fn credentials(app: &TestApp) -> Vec<Credential> {
    let ops = crate::ops_helpers::ops_client(app, "demo", &[]).await;
    let ops = crate::ops_helpers::token(app, &ops, None).await;
    let pilot_app = crate::pilot_flow::pilot_app(app, true).await;
    let (pilot, _, _) = crate::pilot_flow::tokens_for_air0001(app, &pilot_app).await;
    let scopes = airside::domain::scope::PUBLIC.to_vec();
    let (key, _, org) = crate::public_api::key(app, "demo", &scopes).await;
    let acars = crate::acars::key_for(app, "demo", "AIR0001", None).await;
    let bearer = |token: &str| ("authorization", format!("Bearer {token}"));
    vec![
        Credential { surface: "operations", headers: vec![bearer(&ops)] },
        Credential { surface: "pilot", headers: vec![bearer(&pilot)] },
        Credential { surface: "public", headers: vec![bearer(&key), ("x-org-id", org)] },
        Credential { surface: "acars", headers: vec![bearer(&acars)] },
    ]
}

#[tokio::test]
async fn hostile_input_on_every_documented_route_never_gets_a_5xx() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let mut sent = 0;
    for credential in credentials(&app).await {
        let doc: Value = app
            .get(&format!("/docs/{}/openapi.json", credential.surface))
            .await
            .json()
            .await
            .unwrap();
        for (template, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let method: Method = method.to_uppercase().parse().unwrap();
                let params: Vec<&str> = operation["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "query")
                            .filter_map(|p| p["name"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                let has_id = template.contains('{');
                let ids: &[&str] = if has_id { &IDS } else { &["-"] };
                for (n, id) in ids.iter().enumerate() {
                    let path = replace_ids(template, id);
                    let value = QUERY_VALUES[n % QUERY_VALUES.len()];
                    let query: Vec<(&str, &str)> = params.iter().map(|p| (*p, value)).collect();
                    let body_list = if method == Method::GET {
                        vec![None]
                    } else {
                        bodies().into_iter().map(Some).collect()
                    };
                    for body in body_list {
                        let mut request =
                            app.http.request(method.clone(), app.url(&path)).query(&query);
                        for (name, value) in &credential.headers {
                            request = request.header(*name, value);
                        }
                        if let Some(body) = &body {
                            request = request
                                .header("content-type", "application/json")
                                .body(body.clone());
                        }
                        let response = request.send().await.unwrap();
                        sent += 1;
                        let status = response.status();
                        let kind = response
                            .headers()
                            .get("content-type")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_string();
                        let text = response.text().await.unwrap();
                        assert!(
                            status.as_u16() < 500,
                            "{method} {path}?{query:?} {}: {status} {text}",
                            body.as_deref().unwrap_or("").chars().take(200).collect::<String>()
                        );
                        if status.is_client_error() {
                            check_error_shape(credential.surface, &kind, &text, &path);
                        }
                    }
                }
            }
        }
    }
    assert!(sent > 1_000, "{sent} requests");
    // And the server still serves.
    assert_eq!(app.get("/readyz").await.status(), 200);
}

fn replace_ids(template: &str, id: &str) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        path.push_str(&rest[..open]);
        path.push_str(id);
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    path
}

/// The surface's documented error shape: problem+json, or for ACARS the
/// module's `{"error": …}`, `{"message": …}` or phpVMS's problem.
fn check_error_shape(surface: &str, kind: &str, text: &str, path: &str) {
    let body: Value = serde_json::from_str(text).unwrap_or_else(|_| panic!("{path}: {text}"));
    if surface == "acars" {
        let phpvms = body["type"].is_string() && body["error"]["message"].is_string();
        assert!(
            body["error"].is_string() || body["message"].is_string() || phpvms,
            "{path}: {text}"
        );
    } else {
        assert!(kind.starts_with("application/problem+json"), "{path}: {kind} {text}");
        assert!(body["status"].is_u64() && body["detail"].is_string(), "{path}: {text}");
    }
}

#[tokio::test]
async fn unicode_names_round_trip_and_header_injection_is_refused() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let owner = crate::console_session::sign_in(&app, "owner@demo.test").await;
    let name = "Ōsaka ✈ ops — 日本語 😀";
    let created = crate::console_session::console(
        &app,
        &owner,
        Method::POST,
        "/console/api/tokens",
        Some(json!({ "name": name })),
    )
    .await;
    assert_eq!(created.status(), 201);
    let listed: Value =
        crate::console_session::console(&app, &owner, Method::GET, "/console/api/tokens", None)
            .await
            .json()
            .await
            .unwrap();
    assert!(listed["data"].as_array().unwrap().iter().any(|t| t["name"] == name));

    // CR/LF in a redirect URI or a webhook URL never reaches a header.
    let client = json!({
        "kind": "pilot", "name": "x", "scopes": ["identity:basic"],
        "redirect_uris": ["https://app.example/cb\r\nSet-Cookie: pwned=1"],
        "privacy_policy_url": "https://app.example/privacy",
    });
    let refused = crate::console_session::console(
        &app,
        &owner,
        Method::POST,
        "/console/api/clients",
        Some(client),
    )
    .await;
    crate::harness::problem(refused, 422).await;
    let hook = json!({ "url": "https://hooks.example/x\r\nInjected: 1", "event_types": ["flight.approved"] });
    let refused = crate::console_session::console(
        &app,
        &owner,
        Method::POST,
        "/console/api/webhooks",
        Some(hook),
    )
    .await;
    crate::harness::problem(refused, 422).await;
}
