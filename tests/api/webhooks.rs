//! Webhooks end to end: a real HTTP receiver verifies both signature schemes
//! the way integrators do, sees retries with the same delivery id, and gets
//! every committed event even across a crash.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::console_session::{console, sign_in};
use crate::harness::{each_backend, problem, TestApp};

/// An enabled endpoint of `org` at `url` for `event`, made in storage.
pub async fn endpoint_in(
    db: &airside::storage::Db,
    org: airside::domain::OrgId,
    url: &str,
    event: &str,
) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let types = [event.to_string()];
    let (endpoint, _) =
        airside::storage::webhooks::create(&mut tx, org, url, "", &types, true).await.unwrap();
    tx.commit().await.unwrap();
    endpoint
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers[name].to_str().unwrap()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook receiver on a loopback port. It answers with the queued
/// statuses in turn, then with `otherwise`.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<(VecDeque<u16>, u16)>>,
}

impl Receiver {
    /// A receiver that takes `delay` to answer each request.
    pub async fn slow(delay: Duration) -> Receiver {
        Self::serve(&[], 200, delay).await
    }
}

impl Receiver {
    pub async fn start(script: &[u16], otherwise: u16) -> Receiver {
        Self::serve(script, otherwise, Duration::ZERO).await
    }

    async fn serve(script: &[u16], otherwise: u16, delay: Duration) -> Receiver {
        let got = Arc::new(Mutex::new(vec![]));
        let queued: VecDeque<u16> = script.iter().copied().collect();
        let script = Arc::new(Mutex::new((queued, otherwise)));
        let (g, s) = (got.clone(), script.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let (got, script) = (g.clone(), s.clone());
                async move {
                    // The answer is decided as the request is counted, so a
                    // test that changes the script after counting does not
                    // change answers already under way.
                    let status = {
                        let mut script = script.lock().unwrap();
                        let status = script.0.pop_front().unwrap_or(script.1);
                        got.lock().unwrap().push(Received { at: Instant::now(), headers, body });
                        status
                    };
                    tokio::time::sleep(delay).await;
                    (StatusCode::from_u16(status).unwrap(), "thanks")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, got, script }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    pub fn answer(&self, otherwise: u16) {
        self.script.lock().unwrap().1 = otherwise;
    }

    /// Waits until `count` requests arrived (or fails after `seconds`).
    pub async fn wait_for(&self, count: usize, seconds: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let got = self.received();
            if got.len() >= count {
                return got;
            }
            assert!(Instant::now() < deadline, "{} of {count} deliveries arrived", got.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// What the GA Flight documentation's Node.js snippet does:
/// `'sha256=' + crypto.createHmac('sha256', secret).update(rawBody).digest('hex')`.
fn ga_verify(secret: &str, got: &Received) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&got.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    got.header("x-ga-webhook-signature").split(' ').any(|s| s == expected)
}

/// The Standard Webhooks verification: HMAC over `id.timestamp.body` with the
/// base64-decoded secret, any of the space-separated `v1,` signatures.
fn standard_verify(secret: &str, got: &Received) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let signed = format!("{}.{}.", got.header("webhook-id"), got.header("webhook-timestamp"));
    mac.update(signed.as_bytes());
    mac.update(&got.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    got.header("webhook-signature").split(' ').any(|s| s == expected)
}

async fn endpoint(
    app: &TestApp,
    who: &(String, String),
    url: &str,
    events: &[&str],
) -> (i64, String) {
    let body = json!({ "url": url, "event_types": events, "description": "test receiver" });
    let created = console(app, who, Method::POST, "/console/api/webhooks", Some(body)).await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    (body["data"]["id"].as_i64().unwrap(), body["data"]["secret"].as_str().unwrap().to_string())
}

async fn json_of(app: &TestApp, who: &(String, String), path: &str) -> Value {
    let response = console(app, who, Method::GET, path, None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn deliveries_are_signed_both_ways_and_fire_from_real_transitions() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        let receiver = Receiver::start(&[], 200).await;
        let (id, secret) =
            endpoint(&app, &owner, &receiver.url, &["flight.approved", "webhook.test"]).await;
        assert!(secret.starts_with("whsec_") && STANDARD.decode(&secret[6..]).unwrap().len() >= 24);
        let listed = console(&app, &owner, Method::GET, "/console/api/webhooks", None)
            .await
            .text()
            .await
            .unwrap();
        assert!(listed.contains(&receiver.url) && !listed.contains(&secret));

        // Ping: a webhook.test through the whole signing and delivery path.
        let pinged =
            console(&app, &owner, Method::POST, &format!("/console/api/webhooks/{id}/ping"), None)
                .await;
        assert_eq!(pinged.status(), 202);
        let event: Value = pinged.json().await.unwrap();
        let got = receiver.wait_for(1, 30).await;
        let ping = &got[0];
        assert!(ga_verify(&secret, ping) && standard_verify(&secret, ping));
        assert!(!ga_verify("whsec_wrong", ping));
        assert_eq!(ping.header("content-type"), "application/json");
        assert_eq!(ping.header("x-ga-webhook-delivery"), ping.header("webhook-id"));
        let sent_at =
            chrono::DateTime::parse_from_rfc3339(ping.header("x-ga-webhook-timestamp")).unwrap();
        assert_eq!(sent_at.timestamp().to_string(), ping.header("webhook-timestamp"));
        let body = ping.json();
        let org = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap();
        assert_eq!(body["type"], "webhook.test");
        assert_eq!(body["id"], event["data"]["event_id"]);
        assert_eq!(body["org_id"], org.uuid.to_string());
        assert!(body["created_at"].as_str().is_some() && body["data"].is_object());

        // A PIREP accepted through the Operations API: flight.approved.
        let client = crate::ops_helpers::ops_client(&app, "demo", &[]).await;
        let token = crate::ops_helpers::token(&app, &client, None).await;
        let pirep: i64 = sqlx::query_scalar(
            "SELECT MIN(id) FROM pireps WHERE org_id = $1 AND state = 'submitted'",
        )
        .bind(org.id.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let path = format!("/api/v3/operations/pireps/{pirep}/accept");
        let accepted =
            crate::ops_helpers::call(&app, Method::POST, &path, Some(&token), None).await;
        assert_eq!(accepted.status(), 200);
        let got = receiver.wait_for(2, 30).await;
        let approved = got[1].json();
        assert_eq!(
            (approved["type"].as_str(), approved["data"]["pirep_id"].as_i64()),
            (Some("flight.approved"), Some(pirep))
        );
        assert!(ga_verify(&secret, &got[1]) && standard_verify(&secret, &got[1]));

        // Rotation: both secrets sign for a while, so receivers can switch over.
        let rotated = console(
            &app,
            &owner,
            Method::POST,
            &format!("/console/api/webhooks/{id}/rotate-secret"),
            None,
        )
        .await;
        let new_secret =
            rotated.json::<Value>().await.unwrap()["data"]["secret"].as_str().unwrap().to_string();
        assert_ne!(new_secret, secret);
        console(&app, &owner, Method::POST, &format!("/console/api/webhooks/{id}/ping"), None)
            .await;
        let got = receiver.wait_for(3, 30).await;
        assert_eq!(got[2].header("x-ga-webhook-signature").split(' ').count(), 2);
        assert!(ga_verify(&secret, &got[2]) && ga_verify(&new_secret, &got[2]));
        assert!(standard_verify(&secret, &got[2]) && standard_verify(&new_secret, &got[2]));

        // The delivery log shows each attempt (recorded just after the answer).
        let path = format!("/console/api/webhooks/{id}/deliveries");
        let deadline = Instant::now() + Duration::from_secs(30);
        let log = loop {
            let log = json_of(&app, &owner, &path).await;
            if log["data"].as_array().unwrap().iter().all(|d| d["status"] == "succeeded") {
                break log;
            }
            assert!(Instant::now() < deadline, "not all recorded: {log}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let deliveries = log["data"].as_array().unwrap();
        assert_eq!(deliveries.len(), 3);
        let one = json_of(
            &app,
            &owner,
            &format!("/console/api/webhook-deliveries/{}", deliveries[0]["id"]),
        )
        .await;
        assert_eq!(one["data"]["attempts"][0]["status_code"], 200);
        assert_eq!(one["data"]["attempts"][0]["response_excerpt"], "thanks");
        let endpoint = json_of(&app, &owner, &format!("/console/api/webhooks/{id}")).await;
        assert_eq!(endpoint["data"]["failure_streak"], 0);
        assert!(endpoint["data"]["last_success_at"].is_string());

        // Another org sees none of it.
        let other = sign_in(&app, "owner@demo-school.test").await;
        problem(
            console(&app, &other, Method::GET, &format!("/console/api/webhooks/{id}"), None).await,
            404,
        )
        .await;
        let path = format!("/console/api/webhook-deliveries/{}", deliveries[0]["id"]);
        problem(console(&app, &other, Method::GET, &path, None).await, 404).await;
    })
    .await;
}

#[tokio::test]
async fn bad_endpoints_are_refused_and_viewers_cannot_register() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        let create =
            |body: Value| console(&app, &owner, Method::POST, "/console/api/webhooks", Some(body));
        let body = problem(
            create(json!({ "url": "https://example.test/h", "event_types": ["flight.landed"] }))
                .await,
            422,
        )
        .await;
        assert!(body.to_string().contains("flight.landed"));
        problem(create(json!({ "url": "https://example.test/h", "event_types": [] })).await, 422)
            .await;
        problem(
            create(json!({ "url": "ftp://example.test/h", "event_types": ["webhook.test"] })).await,
            422,
        )
        .await;
        problem(create(json!({ "url": "not a url", "event_types": ["webhook.test"] })).await, 422)
            .await;
        let viewer = sign_in(&app, "viewer@demo.test").await;
        let body = json!({ "url": "https://example.test/h", "event_types": ["webhook.test"] });
        problem(
            console(&app, &viewer, Method::POST, "/console/api/webhooks", Some(body)).await,
            403,
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn failures_retry_with_growing_gaps_and_the_same_delivery_id_then_fail() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        // Down for three tries, then up.
        let flaky = Receiver::start(&[503, 500, 502], 200).await;
        let (flaky_id, _) = endpoint(&app, &owner, &flaky.url, &["webhook.test"]).await;
        // Never up.
        let down = Receiver::start(&[], 500).await;
        let (down_id, _) = endpoint(&app, &owner, &down.url, &["webhook.test"]).await;
        for id in [flaky_id, down_id] {
            console(&app, &owner, Method::POST, &format!("/console/api/webhooks/{id}/ping"), None)
                .await;
        }

        let got = flaky.wait_for(4, 40).await;
        let ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "one delivery id: {ids:?}");
        assert!(got.iter().all(|r| r.body == got[0].body), "the same body every time");
        let gaps: Vec<f64> = got.windows(2).map(|w| (w[1].at - w[0].at).as_secs_f64()).collect();
        for (gap, base) in gaps.iter().zip([1.0, 2.0, 4.0]) {
            assert!(*gap >= base * 0.8 - 0.05 && *gap <= base * 1.2 + 1.0, "gaps {gaps:?}");
        }

        // 1 + 5 retries (1+2+4+8+16 s, ±20 %), then failed.
        let got = down.wait_for(6, 60).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        let delivery = loop {
            let log =
                json_of(&app, &owner, &format!("/console/api/webhooks/{down_id}/deliveries")).await;
            if log["data"][0]["status"] == "failed" {
                break log["data"][0].clone();
            }
            assert!(Instant::now() < deadline, "never marked failed: {log}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(delivery["attempts"], 6);
        assert_eq!(got.len(), 6);
        let endpoint = json_of(&app, &owner, &format!("/console/api/webhooks/{down_id}")).await;
        assert_eq!(endpoint["data"]["failure_streak"], 6);
        let flaky_endpoint =
            json_of(&app, &owner, &format!("/console/api/webhooks/{flaky_id}")).await;
        assert_eq!(flaky_endpoint["data"]["failure_streak"], 0);

        // Redeliver on demand: a new round, the same delivery id.
        down.answer(200);
        let path = format!("/console/api/webhook-deliveries/{}/redeliver", delivery["id"]);
        assert_eq!(console(&app, &owner, Method::POST, &path, None).await.status(), 202);
        let got = down.wait_for(7, 30).await;
        assert_eq!(got[6].header("webhook-id"), delivery["uuid"].as_str().unwrap());
    })
    .await;
}

#[tokio::test]
async fn disabled_endpoints_hold_deliveries_and_410_disables() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        let receiver = Receiver::start(&[], 200).await;
        let (id, _) = endpoint(&app, &owner, &receiver.url, &["webhook.test"]).await;
        let path = format!("/console/api/webhooks/{id}");
        let patch = |enabled: bool| {
            console(&app, &owner, Method::PATCH, &path, Some(json!({ "enabled": enabled })))
        };
        assert_eq!(patch(false).await.status(), 200);
        console(&app, &owner, Method::POST, &format!("/console/api/webhooks/{id}/ping"), None)
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(receiver.received().is_empty(), "a disabled endpoint got a delivery");
        let log =
            json_of(&app, &owner, &format!("/console/api/webhooks/{id}/deliveries?status=pending"))
                .await;
        let pending = log["data"][0]["id"].as_i64().unwrap();
        let path = format!("/console/api/webhook-deliveries/{pending}/redeliver");
        problem(console(&app, &owner, Method::POST, &path, None).await, 409).await;
        assert_eq!(patch(true).await.status(), 200);
        receiver.wait_for(1, 30).await;

        // 410 Gone: the receiver wants no more; the endpoint is disabled.
        receiver.answer(410);
        console(&app, &owner, Method::POST, &format!("/console/api/webhooks/{id}/ping"), None)
            .await;
        receiver.wait_for(2, 30).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let endpoint = json_of(&app, &owner, &format!("/console/api/webhooks/{id}")).await;
            if endpoint["data"]["enabled"] == false {
                assert!(endpoint["data"]["disabled_reason"].as_str().unwrap().contains("410"));
                break;
            }
            assert!(Instant::now() < deadline, "not disabled: {endpoint}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(receiver.received().len(), 2, "no retry after 410");
    })
    .await;
}

#[tokio::test]
async fn a_rolled_back_change_emits_nothing() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        let receiver = Receiver::start(&[], 200).await;
        endpoint(&app, &owner, &receiver.url, &["flight.approved"]).await;
        let org = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let count = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM events WHERE org_id = $1")
                .bind(org.0)
                .fetch_one(app.db.reader())
                .await
                .unwrap()
        };
        let before = count().await;
        let mut tx = app.db.begin().await.unwrap();
        airside::storage::outbox::emit(&mut tx, org, "flight.approved", json!({ "pirep_id": 1 }))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        // And a change the API refuses part-way: accepting a PIREP that is not
        // submitted changes nothing and emits nothing.
        let client = crate::ops_helpers::ops_client(&app, "demo", &[]).await;
        let token = crate::ops_helpers::token(&app, &client, None).await;
        let accepted: i64 = sqlx::query_scalar(
            "SELECT MIN(id) FROM pireps WHERE org_id = $1 AND state = 'accepted'",
        )
        .bind(org.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let path = format!("/api/v3/operations/pireps/{accepted}/accept");
        problem(crate::ops_helpers::call(&app, Method::POST, &path, Some(&token), None).await, 409)
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(count().await, before);
        assert!(receiver.received().is_empty());
    })
    .await;
}

#[tokio::test]
async fn two_dispatchers_on_one_database_send_each_delivery_once() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        let receiver = Receiver::start(&[], 200).await;
        let (id, _) = endpoint(&app, &owner, &receiver.url, &["webhook.test"]).await;
        // A second node: its own connections to the same database.
        let second = airside::storage::Db::connect(app.database_url()).await.unwrap();
        let node = tokio::spawn(airside::webhooks::dispatcher::run(second, true));
        let org = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        const PINGS: usize = 200;
        for _ in 0..PINGS {
            let mut tx = app.db.begin().await.unwrap();
            airside::storage::webhooks::ping(&mut tx, org, id).await.unwrap();
            tx.commit().await.unwrap();
        }
        let got = receiver.wait_for(PINGS, 30).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let got_after = receiver.received();
        node.abort();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in &got_after {
            *seen.entry(r.header("webhook-id").to_string()).or_default() += 1;
        }
        assert_eq!(got.len(), PINGS);
        assert_eq!(seen.len(), PINGS, "every delivery arrived");
        assert!(seen.values().all(|n| *n == 1), "a delivery was sent twice");
    })
    .await;
}

#[tokio::test]
async fn committed_events_survive_a_crash() {
    crate::harness::each_empty_database(|database| async move {
        let (ok, _) = crate::binary::create_org(&database, "crash", "long enough pw");
        assert!(ok);
        // Answers take a second: the crash comes while requests are in flight.
        let receiver = Receiver::slow(Duration::from_secs(1)).await;
        let db = airside::storage::Db::connect(&database.url).await.unwrap();
        let org = airside::storage::orgs::by_slug(&db, "crash").await.unwrap().unwrap().id;
        let endpoint = endpoint_in(&db, org, &receiver.url, "webhook.test").await;
        const EVENTS: usize = 300;
        for _ in 0..EVENTS {
            let mut tx = db.begin().await.unwrap();
            airside::storage::webhooks::ping(&mut tx, org, endpoint).await.unwrap();
            tx.commit().await.unwrap();
        }

        let server = crate::binary::Server::start_with(
            &database.url,
            "warn",
            &["--allow-insecure-webhooks"],
        );
        receiver.wait_for(20, 30).await;
        server.crash();
        let distinct = |got: &[Received]| {
            got.iter()
                .map(|r| r.header("webhook-id").to_string())
                .collect::<std::collections::HashSet<_>>()
                .len()
        };
        let before = distinct(&receiver.received());
        assert!(before < EVENTS, "the crash came after the backlog was gone");

        // Deliveries claimed by the dead node go out when their lease runs out.
        let _server = crate::binary::Server::start_with(
            &database.url,
            "warn",
            &["--allow-insecure-webhooks"],
        );
        let deadline = Instant::now() + Duration::from_secs(90);
        while distinct(&receiver.received()) < EVENTS {
            assert!(
                Instant::now() < deadline,
                "{} of {EVENTS} delivered",
                distinct(&receiver.received())
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The ones the dead node had claimed are sent again once their lease
        // runs out, and recorded (at least once: the receiver saw them twice).
        let succeeded = || async {
            let sql = "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'succeeded'";
            sqlx::query_scalar::<_, i64>(sql).fetch_one(db.reader()).await.unwrap()
        };
        while succeeded().await < EVENTS as i64 {
            assert!(Instant::now() < deadline, "{} of {EVENTS} recorded", succeeded().await);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let requests = receiver.received().len();
        assert!(requests > EVENTS, "the dead node's claims were sent again");
        eprintln!("crash test: {before} received before the crash, {requests} requests in all");
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_pirep_filed_by_hand_emits_flight_submitted_and_counts_only_once_accepted() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        let receiver = Receiver::start(&[], 200).await;
        let (_, secret) =
            endpoint(&app, &owner, &receiver.url, &["flight.submitted", "flight.approved"]).await;
        let pilot_app = crate::pilot_flow::pilot_app(&app, true).await;
        let (token, _, _) = crate::pilot_flow::tokens_for_air0001(&app, &pilot_app).await;
        let file = |body: Value| {
            let (app, token) = (&app, token.clone());
            async move {
                app.http
                    .post(app.url("/api/v3/pilot/pireps"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let org = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let scalar = |sql: &'static str, id: i64| {
            let db = app.db.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql).bind(id).fetch_one(db.reader()).await.unwrap()
            }
        };
        let pilot = scalar("SELECT id FROM pilots WHERE ident = 'AIR0001' AND org_id = $1", org.0).await;
        // A booking with its aircraft pinned, and another pilot's booking.
        let own = scalar(
            "SELECT MIN(id) FROM bookings WHERE pilot_id = $1 AND aircraft_id IS NOT NULL",
            pilot,
        )
        .await;
        let others = scalar("SELECT MIN(id) FROM bookings WHERE pilot_id <> $1", pilot).await;
        let minutes_before = scalar("SELECT flight_minutes FROM pilots WHERE id = $1", pilot).await;

        problem(file(json!({ "booking_id": others, "flight_minutes": 60 })).await, 404).await;
        // The one rule set of filing, as a tracker's filing meets it
        // (acars_session::completions_in_the_forms_the_module_files_are_filed).
        for (field, value) in [
            ("flight_minutes", json!(2_881)),
            ("flight_level", json!(601)),
            ("landing_rate", json!(-20_001.0)),
            ("fuel_used", json!(-1.0)),
            ("route", json!("X".repeat(4_001))),
        ] {
            let mut body = json!({ "booking_id": own, "flight_minutes": 95 });
            body[field] = value;
            let refused = problem(file(body).await, 422).await;
            assert!(refused.to_string().contains(field), "{field}: {refused}");
        }
        let filed = file(json!({ "booking_id": own, "flight_minutes": 95, "landing_rate": -142.0, "fuel_used": 2100.5 })).await;
        assert_eq!(filed.status(), 201);
        let pirep: Value = filed.json().await.unwrap();
        let pirep_id = pirep["data"]["id"].as_i64().unwrap();
        assert_eq!((pirep["data"]["status"].as_str(), pirep["data"]["source"].as_str()), (Some("submitted"), Some("manual")));
        // The booking is used up: filing it again finds nothing.
        problem(file(json!({ "booking_id": own, "flight_minutes": 95 })).await, 404).await;

        let got = receiver.wait_for(1, 30).await;
        let submitted = got[0].json();
        assert_eq!(submitted["type"], "flight.submitted");
        assert_eq!(submitted["data"]["pirep_id"], pirep_id);
        assert_eq!(submitted["data"]["source"], "manual");
        assert!(ga_verify(&secret, &got[0]) && standard_verify(&secret, &got[0]));
        // Filed is not counted; accepted is, once.
        assert_eq!(scalar("SELECT flight_minutes FROM pilots WHERE id = $1", pilot).await, minutes_before);
        let client = crate::ops_helpers::ops_client(&app, "demo", &[]).await;
        let ops = crate::ops_helpers::token(&app, &client, None).await;
        let accept = format!("/api/v3/operations/pireps/{pirep_id}/accept");
        let accepted = crate::ops_helpers::call(&app, Method::POST, &accept, Some(&ops), None).await;
        assert_eq!(accepted.status(), 200);
        problem(crate::ops_helpers::call(&app, Method::POST, &accept, Some(&ops), None).await, 409).await;
        assert_eq!(scalar("SELECT flight_minutes FROM pilots WHERE id = $1", pilot).await, minutes_before + 95);
        let got = receiver.wait_for(2, 30).await;
        assert_eq!(got[1].json()["type"], "flight.approved");
    })
    .await;
}
