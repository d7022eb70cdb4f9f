//! Legacy tokens, org API keys and the read-only Public API.

use airside::config::Config;
use airside::domain::scope::{Scope, PUBLIC};
use airside::state::AppState;
use airside::storage::{orgs, Db};
use reqwest::Method;
use serde_json::{json, Value};

use crate::console_session::{console, sign_in};
use crate::harness::{each_backend, problem, Backend, TestApp};

/// An org API key of `slug` with `scopes`, made in the console: (key, key id, org uuid).
pub async fn key(app: &TestApp, slug: &str, scopes: &[Scope]) -> (String, i64, String) {
    let owner = sign_in(app, &format!("owner@{slug}.test")).await;
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let created = console(
        app,
        &owner,
        Method::POST,
        "/console/api/keys",
        Some(json!({ "name": "partner", "scopes": scopes })),
    )
    .await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    let org = orgs::by_slug(&app.db, slug).await.unwrap().unwrap();
    (
        body["data"]["value"].as_str().unwrap().to_string(),
        body["data"]["id"].as_i64().unwrap(),
        org.uuid.to_string(),
    )
}

async fn read(
    app: &TestApp,
    path: &str,
    key: Option<&str>,
    org: Option<&str>,
) -> reqwest::Response {
    let mut request = app.http.get(app.url(&format!("/api/v1/public{path}")));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(org) = org {
        request = request.header("x-org-id", org);
    }
    request.send().await.unwrap()
}

async fn min_id(db: &Db, table: &str, slug: &str) -> i64 {
    let org = orgs::by_slug(db, slug).await.unwrap().unwrap().id;
    sqlx::query_scalar::<_, Option<i64>>(&format!("SELECT MIN(id) FROM {table} WHERE org_id = $1"))
        .bind(org.0)
        .fetch_one(db.reader())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {table} rows in {slug}"))
}

#[tokio::test]
async fn every_public_route_checks_key_org_and_scope_and_refuses_writes() {
    each_backend(|app| async move {
        let state = AppState::new(app.db.clone(), Config::default());
        let (_, rules) = airside::public::build(&state);
        assert_eq!(rules.len(), 17);
        let (all, all_id, school) = key(&app, "demo-school", &PUBLIC).await;
        let (_, _, demo) = key(&app, "demo", &[Scope::PublicPilots]).await;
        let (revoked, revoked_id, _) = key(&app, "demo-school", &PUBLIC).await;
        let owner = sign_in(&app, "owner@demo-school.test").await;
        assert_eq!(
            console(
                &app,
                &owner,
                Method::POST,
                &format!("/console/api/keys/{revoked_id}/revoke"),
                None
            )
            .await
            .status(),
            200
        );
        let _ = all_id;

        for rule in &rules {
            let id = match rule.path {
                "/invoices/{id}" => min_id(&app.db, "invoices", "demo-school").await,
                "/maintenance/work-orders/{id}" => {
                    min_id(&app.db, "work_orders", "demo-school").await
                }
                "/vtr/{id}" => min_id(&app.db, "vtrs", "demo-school").await,
                "/planning/sessions/{id}" => {
                    min_id(&app.db, "planning_sessions", "demo-school").await
                }
                other => {
                    assert!(!other.contains('{'), "no sample id for {other}: add one");
                    0
                }
            };
            let path = rule.path.replace("{id}", &id.to_string());
            let what = format!("GET {path}");
            problem(read(&app, &path, None, Some(&school)).await, 400).await;
            problem(read(&app, &path, Some(&all), None).await, 400).await;
            problem(read(&app, &path, Some(&all), Some("not-a-uuid")).await, 400).await;
            problem(read(&app, &path, Some("gaf_pk_unknown"), Some(&school)).await, 401).await;
            problem(read(&app, &path, Some(&revoked), Some(&school)).await, 401).await;
            problem(read(&app, &path, Some(&all), Some(&demo)).await, 403).await;
            let others: Vec<Scope> = PUBLIC.iter().copied().filter(|s| *s != rule.scope).collect();
            let (lacking, _, _) = key(&app, "demo-school", &others).await;
            let body = problem(read(&app, &path, Some(&lacking), Some(&school)).await, 403).await;
            assert_eq!(body["scope"], rule.scope.as_str(), "{what}");
            let (only, _, _) = key(&app, "demo-school", &[rule.scope]).await;
            let ok = read(&app, &path, Some(&only), Some(&school)).await;
            assert_eq!(ok.status(), 200, "{what}");
            let body: Value = ok.json().await.unwrap();
            let data = &body["data"];
            assert!(
                data.is_object() || !data.as_array().unwrap().is_empty(),
                "{what} returns real rows"
            );

            for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
                let response = app
                    .http
                    .request(method.clone(), app.url(&format!("/api/v1/public{path}")))
                    .bearer_auth(&all)
                    .header("x-org-id", &school)
                    .send()
                    .await
                    .unwrap();
                assert!(
                    response.headers()["allow"].to_str().unwrap().contains("GET"),
                    "{method} {path}"
                );
                problem(response, 405).await;
            }
        }
    })
    .await;
}

fn ids(body: &Value) -> Vec<i64> {
    body["data"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

async fn expected(db: &Db, sql: &str, binds: &[&str]) -> Vec<i64> {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        query = query.bind(b.to_string());
    }
    query.fetch_all(db.reader()).await.unwrap()
}

#[tokio::test]
async fn filters_and_pages_return_exactly_the_right_rows() {
    each_backend(|app| async move {
        let (key, _, org) = key(&app, "demo-school", &PUBLIC).await;
        let get = |path: String| {
            let (app, key, org) = (&app, key.clone(), org.clone());
            async move { read(app, &path, Some(&key), Some(&org)).await.json::<Value>().await.unwrap() }
        };
        let school = orgs::by_slug(&app.db, "demo-school").await.unwrap().unwrap().id.0.to_string();

        // Signoffs by student, program and month.
        let (student, program): (i64, i64) = sqlx::query_as("SELECT student_id, program_id FROM signoffs WHERE id = (SELECT MAX(id) FROM signoffs)").fetch_one(app.db.reader()).await.unwrap();
        let want = expected(&app.db, "SELECT id FROM signoffs WHERE CAST(org_id AS TEXT) = $1 AND CAST(student_id AS TEXT) = $2 ORDER BY id DESC", &[&school, &student.to_string()]).await;
        assert!(!want.is_empty());
        assert_eq!(ids(&get(format!("/training/signoffs?student={student}&limit=200")).await), want);
        let want = expected(&app.db, "SELECT id FROM signoffs WHERE CAST(org_id AS TEXT) = $1 AND CAST(program_id AS TEXT) = $2 ORDER BY id DESC", &[&school, &program.to_string()]).await;
        assert_eq!(ids(&get(format!("/training/signoffs?program={program}&limit=200")).await), want);
        let month: String = sqlx::query_scalar("SELECT MAX(signed_at) FROM signoffs").fetch_one(app.db.reader()).await.unwrap();
        let month = &month[..7];
        let want = expected(&app.db, "SELECT id FROM signoffs WHERE CAST(org_id AS TEXT) = $1 AND signed_at LIKE $2 ORDER BY id DESC", &[&school, &format!("{month}%")]).await;
        assert!(!want.is_empty());
        assert_eq!(ids(&get(format!("/training/signoffs?period={month}&limit=200")).await), want);
        problem(read(&app, "/training/signoffs?period=2026-13", Some(&key), Some(&org)).await, 400).await;
        // Hand-written lists ignore nothing either: an unknown parameter is named.
        for (path, name) in [
            ("/training/signoffs?studnet=1", "studnet"),
            ("/planning/sessions?aircraft_id=1", "aircraft_id"),
            ("/maintenance/due?status=overdue", "status"),
            ("/events?since=2026-01-01", "since"),
            ("/pilots?filter[callsign]=X", "filter[callsign]"),
        ] {
            let body = problem(read(&app, path, Some(&key), Some(&org)).await, 400).await;
            assert_eq!(body["unknown"], json!([name]), "{path}");
        }

        // Work orders by status.
        let want = expected(&app.db, "SELECT id FROM work_orders WHERE CAST(org_id AS TEXT) = $1 AND status = 'closed' ORDER BY id DESC", &[&school]).await;
        assert_eq!(want.len(), 2);
        assert_eq!(ids(&get("/maintenance/work-orders?status=closed".into()).await), want);

        // Planning by time range, aircraft and instructor.
        let from = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive().to_string();
        let to = (chrono::Utc::now() + chrono::Duration::days(3)).date_naive().to_string();
        let want = expected(&app.db, "SELECT id FROM planning_sessions WHERE CAST(org_id AS TEXT) = $1 AND starts_at >= $2 AND starts_at < $3 ORDER BY id", &[&school, &format!("{from}T00:00:00"), &format!("{to}T00:00:00")]).await;
        assert!(!want.is_empty());
        assert_eq!(ids(&get(format!("/planning/sessions?from={from}&to={to}&limit=200")).await), want);
        let aircraft = min_id(&app.db, "aircraft", "demo-school").await;
        let want = expected(&app.db, "SELECT id FROM planning_sessions WHERE CAST(org_id AS TEXT) = $1 AND resource_type = 'aircraft' AND CAST(resource_id AS TEXT) = $2 ORDER BY id", &[&school, &aircraft.to_string()]).await;
        assert!(!want.is_empty());
        let got = get(format!("/planning/sessions?aircraft={aircraft}&limit=200")).await;
        assert_eq!(ids(&got), want);
        assert_eq!(got["data"][0]["resource"], json!({ "type": "aircraft", "id": aircraft }));
        let instructor: i64 = sqlx::query_scalar("SELECT MIN(instructor_id) FROM planning_sessions").fetch_one(app.db.reader()).await.unwrap();
        let want = expected(&app.db, "SELECT id FROM planning_sessions WHERE CAST(org_id AS TEXT) = $1 AND CAST(instructor_id AS TEXT) = $2 ORDER BY id", &[&school, &instructor.to_string()]).await;
        assert_eq!(ids(&get(format!("/planning/sessions?instructor={instructor}&limit=200")).await), want);

        // Invoices, two at a time, each once, newest first; one with its lines.
        let want = expected(&app.db, "SELECT id FROM invoices WHERE CAST(org_id AS TEXT) = $1 ORDER BY id DESC", &[&school]).await;
        let mut seen = vec![];
        let mut url = Some("/invoices?limit=2".to_string());
        while let Some(next) = url {
            let page = get(next).await;
            seen.extend(ids(&page));
            url = page["meta"]["next_cursor_url"].as_str().map(|u| u.trim_start_matches(&app.url("/api/v1/public")).to_string());
        }
        assert_eq!(seen, want);
        let invoice = get(format!("/invoices/{}", want[0])).await;
        let lines = invoice["data"]["lines"].as_array().unwrap();
        let total: i64 = lines.iter().map(|l| l["amount_cents"].as_i64().unwrap()).sum();
        assert_eq!(invoice["data"]["total_cents"], total);

        // VTRs: metadata, never the certificate.
        let vtr = read(&app, &format!("/vtr/{}", min_id(&app.db, "vtrs", "demo-school").await), Some(&key), Some(&org)).await.text().await.unwrap();
        assert!(vtr.contains("first-solo") && !vtr.contains("CERTIFICATE CONTENT"), "{vtr}");
    })
    .await;
}

#[tokio::test]
async fn maintenance_due_counts_at_the_boundaries() {
    use airside::storage::resource::{insert, Value as V};
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let (key, _, org) = key(&app, "demo-school", &[Scope::PublicMaintenance]).await;
    let school = orgs::by_slug(&app.db, "demo-school").await.unwrap().unwrap().id;
    let subfleet = min_id(&app.db, "subfleets", "demo-school").await;
    let today = chrono::Utc::now().date_naive();
    let day = |d: i64| V::Text((today + chrono::Duration::days(d)).to_string());
    let mut tx = app.db.begin().await.unwrap();
    let now = V::Text(airside::domain::Timestamp::now().to_db());
    let aircraft = insert(
        &mut tx,
        school,
        airside::storage::Table::Aircraft,
        &[
            ("subfleet_id", V::Int(subfleet)),
            ("registration", V::Text("G-EDGE".into())),
            ("name", V::Text("Edge cases".into())),
            ("icao", V::Text("C172".into())),
            ("airframe_hours", V::Float(1000.0)),
            ("created_at", now.clone()),
        ],
    )
    .await
    .unwrap();
    for (due_on, due_hours) in [
        (day(0), V::NullFloat),          // due today: upcoming
        (day(-1), V::NullFloat),         // one day over: overdue
        (V::NullText, V::Float(1000.0)), // due at these very hours: upcoming
        (V::NullText, V::Float(999.9)),  // hours exceeded: overdue
        (day(31), V::Float(1010.1)),     // beyond both margins: ok
    ] {
        insert(
            &mut tx,
            school,
            airside::storage::Table::MaintenanceItems,
            &[
                ("aircraft_id", V::Int(aircraft)),
                ("name", V::Text("item".into())),
                ("due_on", due_on),
                ("due_hours", due_hours),
                ("created_at", now.clone()),
            ],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let body: Value =
        read(&app, "/maintenance/due", Some(&key), Some(&org)).await.json().await.unwrap();
    let edge = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["registration"] == "G-EDGE")
        .unwrap()
        .clone();
    assert_eq!(
        (edge["overdue"].as_i64(), edge["upcoming"].as_i64(), edge["ok"].as_i64()),
        (Some(2), Some(2), Some(1)),
        "{edge}"
    );
}

#[tokio::test]
async fn legacy_tokens_are_unrestricted_shown_once_and_die_when_deleted() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        let created = console(
            &app,
            &owner,
            Method::POST,
            "/console/api/tokens",
            Some(json!({ "name": "Old Discord bot" })),
        )
        .await;
        assert_eq!(created.status(), 201);
        let body: Value = created.json().await.unwrap();
        let (id, token) = (
            body["data"]["id"].as_i64().unwrap(),
            body["data"]["value"].as_str().unwrap().to_string(),
        );
        let listed = console(&app, &owner, Method::GET, "/console/api/tokens", None)
            .await
            .text()
            .await
            .unwrap();
        assert!(listed.contains("Old Discord bot") && !listed.contains(&token));

        // Unrestricted: a moderation write works.
        let pirep = min_id(&app.db, "pireps", "demo").await;
        let comment = app
            .http
            .post(app.url(&format!("/api/v3/operations/pireps/{pirep}/comments")))
            .bearer_auth(&token)
            .json(&json!({ "body": "via legacy token" }))
            .send()
            .await
            .unwrap();
        assert_eq!(comment.status(), 201);
        let comment: Value = comment.json().await.unwrap();
        assert_eq!(comment["data"]["author"], format!("token:{id}"));

        let refused =
            console(&app, &owner, Method::DELETE, &format!("/console/api/tokens/{id}"), None).await;
        assert_eq!(problem(refused, 422).await["errors"][0]["field"], "confirm");
        let deleted = console(
            &app,
            &owner,
            Method::DELETE,
            &format!("/console/api/tokens/{id}"),
            Some(json!({ "confirm": true })),
        )
        .await;
        assert_eq!(deleted.status(), 204);
        let after = app
            .http
            .get(app.url("/api/v3/operations/aircraft"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        problem(after, 401).await;

        let viewer = sign_in(&app, "viewer@demo.test").await;
        problem(
            console(
                &app,
                &viewer,
                Method::POST,
                "/console/api/tokens",
                Some(json!({ "name": "x" })),
            )
            .await,
            403,
        )
        .await;
        let trial = sign_in(&app, "owner@demo-trial.test").await;
        problem(console(&app, &trial, Method::GET, "/console/api/tokens", None).await, 403).await;
    })
    .await;
}

#[tokio::test]
async fn a_raw_key_is_never_stored() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let (key, id, org) = key(&app, "demo-school", &[Scope::PublicFleet]).await;
    assert!(key.starts_with("gaf_pk_") && key.len() >= 7 + 43, "256 bits of randomness");
    assert_eq!(read(&app, "/fleet", Some(&key), Some(&org)).await.status(), 200);
    let owner = sign_in(&app, "owner@demo-school.test").await;
    let listed: Value =
        console(&app, &owner, Method::GET, "/console/api/keys", None).await.json().await.unwrap();
    let shown = listed["data"].as_array().unwrap().iter().find(|k| k["id"] == id).unwrap().clone();
    assert!(
        key.starts_with(shown["prefix"].as_str().unwrap())
            && shown["prefix"].as_str().unwrap().len() < 16
    );
    assert!(shown["last_used_at"].is_string(), "{shown}");
    assert!(!listed.to_string().contains(&key));

    // Every byte the database holds, WAL included.
    let dir = std::path::Path::new(app.db_path().unwrap()).parent().unwrap().to_path_buf();
    app.db.close().await;
    let mut found = false;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        found |= bytes.windows(key.len()).any(|w| w == key.as_bytes());
    }
    assert!(!found, "the raw key is in the database files");
    drop(app);
}

#[tokio::test]
async fn unknown_public_scopes_are_refused() {
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let owner = sign_in(&app, "owner@demo-school.test").await;
    for scopes in [json!(["public.everything:read"]), json!(["ops:read"]), json!([])] {
        let body = problem(
            console(
                &app,
                &owner,
                Method::POST,
                "/console/api/keys",
                Some(json!({ "name": "x", "scopes": scopes })),
            )
            .await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "scopes");
    }
}

/// The org's event log through the Public API, newest first: (type, data).
async fn events(app: &TestApp, key: &str, org: &str) -> Vec<(String, Value)> {
    let response = read(app, "/events?limit=100", Some(key), Some(org)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap().to_string(), e["data"].clone()))
        .collect()
}

#[tokio::test]
async fn school_writes_emit_their_events_and_stay_in_their_org() {
    use crate::ops_helpers::{call, ops_client, token};
    each_backend(|app| async move {
        let client = ops_client(&app, "demo-school", &[Scope::OpsSchoolWrite]).await;
        let ops = token(&app, &client, None).await;
        let (key, _, org) = key(&app, "demo-school", &[Scope::PublicEvents]).await;
        let base = airside::operations::BASE;
        let post = |path: &str, body: Value| {
            let (app, ops, path) = (&app, ops.clone(), format!("{base}{path}"));
            async move { call(app, Method::POST, &path, Some(&ops), Some(&body)).await }
        };
        let student = min_id(&app.db, "pilots", "demo-school").await;
        let program = min_id(&app.db, "training_programs", "demo-school").await;
        let item = min_id(&app.db, "training_items", "demo-school").await;
        let aircraft = min_id(&app.db, "aircraft", "demo-school").await;
        let before = events(&app, &key, &org).await.len();

        // A signoff: created, and its event carries the signoff.
        let signoff = json!({ "student_id": student, "program_id": program, "item_id": item, "signed_by": "Ivy Instructor" });
        let created = post("/training/signoffs", signoff).await;
        assert_eq!(created.status(), 201);
        let signoff: Value = created.json().await.unwrap();
        let log = events(&app, &key, &org).await;
        assert_eq!(log.len(), before + 1);
        assert_eq!(log[0].0, "training.signoff.recorded");
        assert_eq!(log[0].1["signoff"], signoff["data"]);
        assert_eq!(log[0].1["by"], format!("client:{}", client.client_id));

        // Compliance: create and update each emit, with the record as it is now.
        let record = json!({ "subject_type": "pilot", "subject_id": student, "record_type": "Class 2 medical", "valid_until": "2031-01-31", "status": "valid" });
        let created = post("/compliance", record).await;
        assert_eq!(created.status(), 201);
        let id = created.json::<Value>().await.unwrap()["data"]["id"].as_i64().unwrap();
        let changed = call(
            &app,
            Method::PATCH,
            &format!("{base}/compliance/{id}"),
            Some(&ops),
            Some(&json!({ "status": "suspended" })),
        )
        .await;
        assert_eq!(changed.status(), 200);
        let log = events(&app, &key, &org).await;
        assert_eq!(log.len(), before + 3);
        assert_eq!((log[1].0.as_str(), &log[1].1["action"]), ("compliance.updated", &json!("created")));
        assert_eq!((log[0].0.as_str(), &log[0].1["action"]), ("compliance.updated", &json!("updated")));
        assert_eq!(log[0].1["compliance_record"]["status"], "suspended");
        assert_eq!(log[0].1["compliance_record"]["id"], id);

        // Maintenance: an item written overdue alerts at once; one far off does not.
        let today = |days: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
        let yesterday = today(-1);
        let overdue = post(
            "/maintenance/items",
            json!({ "aircraft_id": aircraft, "name": "Magneto check", "due_on": yesterday }),
        )
        .await;
        assert_eq!(overdue.status(), 201);
        let overdue_id = overdue.json::<Value>().await.unwrap()["data"]["id"].as_i64().unwrap();
        let later = post(
            "/maintenance/items",
            json!({ "aircraft_id": aircraft, "name": "ELT battery", "due_on": "2099-01-01" }),
        )
        .await;
        assert_eq!(later.status(), 201);
        let later_id = later.json::<Value>().await.unwrap()["data"]["id"].as_i64().unwrap();
        let log = events(&app, &key, &org).await;
        assert_eq!(log.len(), before + 4);
        assert_eq!(log[0].0, "maintenance.alert");
        assert_eq!(log[0].1["item_id"], overdue_id);
        assert_eq!(log[0].1["status"], "overdue");

        // Time passes: the item comes due (upcoming), then overdue; the sweep
        // alerts once at each step and is quiet in between.
        let sweep = || airside::storage::school::sweep_maintenance(&app.db);
        let mut expected = before + 4;
        for (due_on, status) in [(today(0), "upcoming"), (today(-1), "overdue")] {
            sqlx::query("UPDATE maintenance_items SET due_on = $1 WHERE id = $2")
                .bind(due_on)
                .bind(later_id)
                .execute(app.db.writer())
                .await
                .unwrap();
            assert_eq!(sweep().await.unwrap(), 1, "only the item that changed alerts");
            assert_eq!(sweep().await.unwrap(), 0);
            expected += 1;
            let log = events(&app, &key, &org).await;
            assert_eq!(log.len(), expected);
            assert_eq!(log[0].1["item_id"], later_id);
            assert_eq!(log[0].1["status"], status);
        }

        // References into another org are refused, and nothing is emitted.
        let airline_pilot = min_id(&app.db, "pilots", "demo").await;
        let foreign = json!({ "student_id": airline_pilot, "program_id": program, "item_id": item, "signed_by": "X" });
        problem(post("/training/signoffs", foreign).await, 422).await;
        let foreign = json!({ "subject_type": "pilot", "subject_id": airline_pilot, "record_type": "Medical", "status": "valid" });
        problem(post("/compliance", foreign).await, 422).await;
        assert_eq!(events(&app, &key, &org).await.len(), expected);

        // The school scope is needed to write; reading is enough to list.
        let reader = ops_client(&app, "demo-school", &[Scope::OpsRead]).await;
        let read_only = token(&app, &reader, None).await;
        let refused = call(&app, Method::POST, &format!("{base}/maintenance/work-orders"), Some(&read_only), Some(&json!({ "aircraft_id": aircraft, "title": "Radio" }))).await;
        let body = problem(refused, 403).await;
        assert!(body["detail"].as_str().unwrap_or_default().contains("ops:school:write") || body["scope"] == "ops:school:write", "{body}");
    })
    .await;
}
