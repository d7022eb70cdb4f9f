//! The request log and usage counts: every API request recorded with its
//! credential, counted per day, readable by the org's staff only.

use airside::domain::usage::{Credential, CredentialKind};
use airside::domain::{OrgId, Timestamp};
use airside::storage::orgs;
use airside::storage::usage::{self, LogEntry, Usage};
use reqwest::Method;
use serde_json::{json, Value};

use crate::console_session::{console, legacy_token, sign_in};
use crate::harness::{each_backend, problem, TestApp};
use crate::ops_helpers::{call, ops_client, token};

/// The writer inserts in batches off the request path: wait until it has
/// written `count` entries for `org` (or give up after 10 s).
async fn logged(app: &TestApp, org: OrgId, count: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_log WHERE org_id = $1")
            .bind(org.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        if seen >= count {
            assert_eq!(seen, count, "more entries than requests");
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{seen} of {count} entries written");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn requests(row: &Value) -> (i64, i64, i64, i64, i64) {
    let r = &row["requests"];
    let n = |k: &str| r[k].as_i64().unwrap();
    (n("today"), n("this_week"), n("this_month"), n("last_month"), n("all_time"))
}

fn find(list: &Value, id: i64) -> &Value {
    list["data"].as_array().unwrap().iter().find(|r| r["id"] == id).expect("listed")
}

#[tokio::test]
async fn every_api_request_is_logged_and_counted_per_credential() {
    each_backend(|app| async move {
        let org = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let owner = sign_in(&app, "owner@demo.test").await;
        let ops = airside::operations::BASE;

        // A legacy token: two good calls, one 404, one with a secret in the query.
        let (token_id, legacy) = legacy_token(&app, "demo", "Bot").await;
        let aircraft: i64 = sqlx::query_scalar("SELECT MIN(id) FROM aircraft WHERE org_id = $1")
            .bind(org.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let get = |path: String| {
            let (app, legacy) = (&app, legacy.clone());
            async move { call(app, Method::GET, &path, Some(&legacy), None).await }
        };
        let first = get(format!("{ops}/aircraft/{aircraft}")).await;
        assert_eq!(first.status(), 200);
        let request_id = first.headers()["x-request-id"].to_str().unwrap().to_string();
        // An unknown parameter is refused (400), and logged with its secret blanked.
        assert_eq!(get(format!("{ops}/aircraft?limit=1&api_key=hunter2")).await.status(), 400);
        assert_eq!(get(format!("{ops}/aircraft/999999999")).await.status(), 404);
        // No credential: logged without an org, so no org's staff sees it.
        problem(call(&app, Method::GET, &format!("{ops}/aircraft"), Some("nope"), None).await, 401)
            .await;

        // An Operations client: the token grant and two calls count for it.
        let client = ops_client(&app, "demo", &[]).await;
        let access = token(&app, &client, None).await;
        for _ in 0..2 {
            assert_eq!(
                call(&app, Method::GET, &format!("{ops}/ranks"), Some(&access), None)
                    .await
                    .status(),
                200
            );
        }
        // Pages and health checks are not API requests.
        assert_eq!(app.get("/healthz").await.status(), 200);
        logged(&app, org, 6).await;

        let tokens = console(&app, &owner, Method::GET, "/console/api/tokens", None).await;
        let tokens: Value = tokens.json().await.unwrap();
        assert_eq!(requests(find(&tokens, token_id)), (3, 3, 3, 0, 3));
        let client_row: i64 =
            sqlx::query_scalar("SELECT id FROM oauth_clients WHERE client_id = $1")
                .bind(&client.client_id)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        let clients =
            console(&app, &owner, Method::GET, "/console/api/clients?kind=operations", None).await;
        let clients: Value = clients.json().await.unwrap();
        assert_eq!(requests(find(&clients, client_row)), (3, 3, 3, 0, 3));

        // The log: newest first, with route templates, statuses and no secrets.
        let path = format!("/console/api/request-log?kind=legacy_token&client={token_id}");
        let log: Value =
            console(&app, &owner, Method::GET, &path, None).await.json().await.unwrap();
        let rows = log["data"].as_array().unwrap();
        let seen: Vec<(&str, i64, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r["route"].as_str().unwrap(),
                    r["status"].as_i64().unwrap(),
                    r["path"].as_str().unwrap(),
                )
            })
            .collect();
        let template = format!("{ops}/aircraft/{{id}}");
        let (one, many) = (
            format!("{ops}/aircraft/{aircraft}"),
            format!("{ops}/aircraft?limit=1&api_key=REDACTED"),
        );
        assert_eq!(
            seen,
            vec![
                (template.as_str(), 404, format!("{ops}/aircraft/999999999").as_str()),
                (format!("{ops}/aircraft").as_str(), 400, many.as_str()),
                (template.as_str(), 200, one.as_str()),
            ]
        );
        let oldest = &rows[2];
        assert_eq!(
            (oldest["method"].as_str(), oldest["ip"].as_str()),
            (Some("GET"), Some("127.0.0.1"))
        );
        assert_eq!(oldest["request_id"], request_id.as_str());
        assert!(oldest["duration_us"].as_i64().unwrap() > 0);
        let all =
            console(&app, &owner, Method::GET, "/console/api/request-log?limit=100", None).await;
        let all = all.text().await.unwrap();
        assert!(!all.contains("hunter2") && !all.contains(&legacy) && !all.contains(&access));
        assert!(!all.contains("/healthz"));

        // Filters: status class, method, and the token endpoint under its client.
        let errors: Value =
            console(&app, &owner, Method::GET, "/console/api/request-log?status=4xx", None)
                .await
                .json()
                .await
                .unwrap();
        let statuses: Vec<i64> = errors["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_i64().unwrap())
            .collect();
        assert_eq!(statuses, vec![404, 400], "newest first");
        let path = format!(
            "/console/api/request-log?kind=operations_client&client={client_row}&method=POST"
        );
        let grants: Value =
            console(&app, &owner, Method::GET, &path, None).await.json().await.unwrap();
        assert_eq!(grants["data"].as_array().unwrap().len(), 1);
        assert_eq!(grants["data"][0]["route"], "/oauth/token");
        problem(
            console(&app, &owner, Method::GET, "/console/api/request-log?status=banana", None)
                .await,
            400,
        )
        .await;
        problem(
            console(&app, &owner, Method::GET, "/console/api/request-log?from=yesterday", None)
                .await,
            400,
        )
        .await;

        // The usage report names what was used.
        let report: Value = console(&app, &owner, Method::GET, "/console/api/usage", None)
            .await
            .json()
            .await
            .unwrap();
        let credentials = report["data"]["credentials"].as_array().unwrap();
        let bot = credentials
            .iter()
            .find(|c| c["kind"] == "legacy_token" && c["id"] == token_id)
            .unwrap();
        assert_eq!(
            (bot["name"].as_str(), bot["requests"]["today"].as_i64()),
            (Some("Bot"), Some(3))
        );
        assert_eq!(report["data"]["dropped_log_entries"], 0);

        // Another org's staff see none of it.
        let other = sign_in(&app, "owner@demo-school.test").await;
        let theirs: Value = console(&app, &other, Method::GET, "/console/api/request-log", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(theirs["data"], json!([]));
        let theirs: Value = console(&app, &other, Method::GET, "/console/api/usage", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(theirs["data"]["credentials"], json!([]));
    })
    .await;
}

fn entry(org: OrgId, credential: Credential, at: &str) -> LogEntry {
    LogEntry {
        at: Timestamp::try_from(at.to_string()).unwrap(),
        org: Some(org),
        credential: Some(credential),
        method: "GET".into(),
        route: None,
        path: "/api/v1/public/pilots".into(),
        status: 200,
        duration_us: 10,
        ip: None,
        user_agent: None,
        request_id: "r".into(),
    }
}

#[tokio::test]
async fn usage_counts_follow_days_iso_weeks_and_months() {
    each_backend(|app| async move {
        let org = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let key = Credential { kind: CredentialKind::OrgKey, id: 41, pilot: None };
        let other = Credential { kind: CredentialKind::OrgKey, id: 42, pilot: None };
        // "Today" is Wednesday 2 December 2026: the ISO week began Monday
        // 30 November, in last month.
        let days = [
            ("2026-12-02T23:59:59Z", 2),
            ("2026-12-01T00:00:00Z", 1),
            ("2026-11-30T08:00:00Z", 4),
            ("2026-11-29T23:59:59Z", 8),
            ("2026-11-01T00:00:00Z", 16),
            ("2026-10-31T23:59:59Z", 32),
        ];
        for (at, count) in days {
            // One batch per entry: the daily counts must add up across batches.
            for _ in 0..count {
                usage::write_batch(&app.db, &[entry(org, key, at)]).await.unwrap();
            }
        }
        usage::write_batch(&app.db, &[entry(org, other, "2026-12-02T10:00:00Z")]).await.unwrap();
        let today = "2026-12-02".parse().unwrap();
        let counts = usage::usage(&app.db, org, CredentialKind::OrgKey, today).await.unwrap();
        let expected =
            Usage { today: 2, this_week: 7, this_month: 3, last_month: 28, all_time: 63 };
        assert_eq!(counts[&41], expected);
        assert_eq!(counts[&42].all_time, 1);
        // Another kind with the same id is another credential.
        let tokens = usage::usage(&app.db, org, CredentialKind::LegacyToken, today).await.unwrap();
        assert!(tokens.is_empty());

        // Retention prunes raw entries; the counts stay.
        let before = Timestamp::try_from("2026-11-30T00:00:00Z".to_string()).unwrap();
        assert_eq!(usage::prune(&app.db, before).await.unwrap(), 56);
        let counts = usage::usage(&app.db, org, CredentialKind::OrgKey, today).await.unwrap();
        assert_eq!(counts[&41], expected);
    })
    .await;
}
