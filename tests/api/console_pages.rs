//! The console's pages over HTTP: the login form (CSRF, throttling), who
//! may see what, and nothing of another org. The browser test drives the
//! same pages through Chromium.

use crate::console_session::sign_in;
use crate::harness::{each_backend, TestApp};

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// The `name=value` part of a cookie a response sets.
fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    crate::harness::set_cookie_header(response, name)
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// Posts the login form as a browser would: the CSRF cookie and field from
/// the form page.
pub async fn log_in(
    app: &TestApp,
    email: &str,
    password: &str,
    csrf: Option<&str>,
) -> reqwest::Response {
    let form = page(app, "/console/login", None).await;
    assert_eq!(form.status(), 200);
    let cookie = cookie_of(&form, "airside_console_login_csrf").unwrap();
    let html = form.text().await.unwrap();
    let token = crate::pilot_flow::field(&html, "csrf_token");
    app.http
        .post(app.url("/console/login"))
        .header("cookie", cookie)
        .form(&[("csrf_token", csrf.unwrap_or(&token)), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_login_form_signs_staff_in_with_csrf_and_limits_failures() {
    each_backend(|app| async move {
        // Signed out, pages send you to the form.
        let away = page(&app, "/console/settings/api", None).await;
        assert_eq!(
            (away.status().as_u16(), away.headers()["location"].to_str().unwrap()),
            (303, "/console/login")
        );

        assert_eq!(
            log_in(&app, "owner@demo.test", "airside-demo", Some("forged")).await.status(),
            403
        );
        let wrong = log_in(&app, "owner@demo.test", "nope", None).await;
        assert_eq!(wrong.status(), 401);
        assert!(wrong.text().await.unwrap().contains("Wrong email or password"));

        let signed_in = log_in(&app, "owner@demo.test", "airside-demo", None).await;
        assert_eq!(signed_in.status(), 303);
        let set = signed_in
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect::<Vec<_>>();
        let session = set.iter().find(|c| c.starts_with("airside_session=")).unwrap();
        for attribute in ["HttpOnly", "SameSite=Lax"] {
            assert!(session.contains(attribute), "{session}");
        }
        // Plain http (no https public URL): a Secure cookie would be dropped.
        assert!(!session.contains("Secure"), "{session}");
        let cookie = session.split(';').next().unwrap().to_string();
        let api = page(&app, "/console/settings/api", Some(&cookie)).await;
        assert_eq!(api.status(), 200);
        assert_eq!(api.headers()["x-frame-options"], "DENY");
        let html = api.text().await.unwrap();
        assert!(
            html.contains("id=\"new-client\"")
                && html.contains("hx-trigger=\"load, every 30s, refresh\"")
        );
        let csrf = html
            .split("name=\"csrf-token\" content=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();

        // Sign out needs the session's CSRF token; then the session is gone.
        let forged = app
            .http
            .post(app.url("/console/logout"))
            .header("cookie", &cookie)
            .form(&[("csrf_token", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403);
        let out = app
            .http
            .post(app.url("/console/logout"))
            .header("cookie", &cookie)
            .form(&[("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 303);
        assert_eq!(page(&app, "/console/settings/api", Some(&cookie)).await.status(), 303);

        // Five failures for one email: locked, even with the right password.
        for _ in 0..5 {
            assert_eq!(log_in(&app, "viewer@demo.test", "nope", None).await.status(), 401);
        }
        let locked = log_in(&app, "viewer@demo.test", "airside-demo", None).await;
        assert_eq!(locked.status(), 429);
        assert!(locked.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    })
    .await;
}

#[tokio::test]
async fn pages_show_what_the_permissions_allow_and_nothing_of_other_orgs() {
    each_backend(|app| async move {
        let viewer = sign_in(&app, "viewer@demo.test").await.0;
        for path in
            ["/console/settings/api", "/console/settings/tokens", "/console/settings/integrations"]
        {
            let response = page(&app, path, Some(&viewer)).await;
            assert_eq!(response.status(), 200, "{path}");
            let html = response.text().await.unwrap();
            assert!(
                !html.contains("data-api=\"POST") && !html.contains("data-api=\"DELETE"),
                "{path}: a viewer gets no write actions"
            );
        }
        let trial = sign_in(&app, "owner@demo-trial.test").await.0;
        let refused = page(&app, "/console/settings/api", Some(&trial)).await;
        assert_eq!(refused.status(), 403);
        assert!(refused.text().await.unwrap().contains("trial plan"));

        // Another org's client is not found; its log rows never show.
        let owner = sign_in(&app, "owner@demo.test").await.0;
        let created = crate::console_session::console(
            &app,
            &sign_in(&app, "owner@demo.test").await,
            reqwest::Method::POST,
            "/console/api/clients",
            Some(serde_json::json!({ "kind": "operations", "name": "Demo-only client" })),
        )
        .await;
        let id = created.json::<serde_json::Value>().await.unwrap()["data"]["id"].as_i64().unwrap();
        assert_eq!(
            page(&app, &format!("/console/settings/api/clients/{id}"), Some(&owner)).await.status(),
            200
        );
        let school = sign_in(&app, "owner@demo-school.test").await.0;
        assert_eq!(
            page(&app, &format!("/console/settings/api/clients/{id}"), Some(&school))
                .await
                .status(),
            404
        );
        let _ = app.get("/api/v3/operations/aircraft").await;
        let theirs =
            page(&app, "/console/settings/api/log", Some(&school)).await.text().await.unwrap();
        assert!(!theirs.contains("Demo-only client"));
        let log = page(&app, "/console/settings/api/log?status=4xx", Some(&owner)).await;
        assert_eq!(log.status(), 200);
        assert_eq!(page(&app, "/console/settings/api/log", None).await.status(), 401);
    })
    .await;
}

#[tokio::test]
async fn integrations_show_the_orgs_tracker_url_and_its_pilots_sign_in_there_by_number() {
    each_backend(|app| async move {
        let tracker_url = |html: &str| {
            let start = html.find("id=\"tracker-url\">").unwrap() + "id=\"tracker-url\">".len();
            html[start..start + html[start..].find('<').unwrap()].to_string()
        };
        let viewer = sign_in(&app, "viewer@demo.test").await.0;
        let html =
            page(&app, "/console/settings/integrations", Some(&viewer)).await.text().await.unwrap();
        let url = tracker_url(&html);
        assert_eq!(url, app.url("/o/demo/api/stratos"));
        let smartcars = format!("id=\"smartcars-url\">{}/<", app.url("/o/demo/api/smartcars"));
        assert!(html.contains(&smartcars), "the smartCARS script URL is shown");
        let script_url = app.url("/o/demo/api/smartcars/");
        let hello: serde_json::Value =
            app.http.get(&script_url).send().await.unwrap().json().await.unwrap();
        assert_eq!(hello["apiVersion"], "1.0.2");
        let school = sign_in(&app, "owner@demo-school.test").await.0;
        let html =
            page(&app, "/console/settings/integrations", Some(&school)).await.text().await.unwrap();
        assert_eq!(tracker_url(&html), app.url("/o/demo-school/api/stratos"));

        // The URL as shown is what a pilot enters in the client.
        let hello: serde_json::Value =
            app.http.get(format!("{url}/")).send().await.unwrap().json().await.unwrap();
        assert_eq!(hello["handler"], "Stratos");
        let login = app
            .http
            .post(format!("{url}/pilot/login"))
            .json(&serde_json::json!({ "username": "3", "password": "airside-demo" }))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200);
        assert_eq!(login.json::<serde_json::Value>().await.unwrap()["pilot_id"], "AIR0003");
    })
    .await;
}
