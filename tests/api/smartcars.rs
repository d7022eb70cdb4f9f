//! The smartCARS 3 surface (`/api/smartcars`): a full client session as
//! smartCARS 3 and its plugins make it, who may call, and the spec's routes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{each_backend, TestApp};

const BASE: &str = "/api/smartcars";

struct Client<'a> {
    app: &'a TestApp,
    base: String,
    session: Option<String>,
}

impl Client<'_> {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request =
            self.app.http.request(method, self.app.url(&format!("{}{path}", self.base)));
        if let Some(session) = &self.session {
            request = request.bearer_auth(session);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.send(Method::GET, path, None).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let response = self.send(Method::POST, path, Some(body)).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "POST {path}: {text}");
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        }
    }

    async fn refused(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        status: u16,
    ) -> String {
        let response = self.send(method, path, body).await;
        assert_eq!(response.status(), status, "{path}");
        let body: Value = response.json().await.unwrap();
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["message"], "{path}: {body}");
        body["message"].as_str().unwrap().to_string()
    }
}

async fn signed_in<'a>(app: &'a TestApp, base: &str, username: &str) -> Client<'a> {
    let client = Client { app, base: base.to_string(), session: None };
    let path = format!("/pilot/login?username={username}");
    let pilot = client.post(&path, json!({ "password": "airside-demo" })).await;
    for key in [
        "dbID",
        "pilotID",
        "firstName",
        "lastName",
        "email",
        "rank",
        "rankLevel",
        "avatar",
        "session",
        "expiry",
    ] {
        assert!(pilot.get(key).is_some(), "{key} in {pilot}");
    }
    assert!(pilot["dbID"].is_i64() && pilot["rankLevel"].is_i64() && pilot["expiry"].is_i64());
    Client { app, base: base.to_string(), session: Some(pilot["session"].as_str().unwrap().into()) }
}

fn encoded(text: &str) -> String {
    STANDARD.encode(text.as_bytes())
}

#[tokio::test]
async fn a_smartcars_client_flies_a_full_session() {
    each_backend(|app| async move {
        let hello: Value = app.get(&format!("{BASE}/")).await.json().await.unwrap();
        assert_eq!(hello["apiVersion"], "1.0.2");
        let sc = signed_in(&app, BASE, "AIR0001").await;
        let session = sc.session.clone().unwrap();
        let resumed = sc.post("/pilot/resume", json!({ "session": session })).await;
        assert_eq!(resumed["pilotID"], "AIR0001");
        assert_eq!(sc.post("/pilot/verify", json!({ "session": session })).await["session"], session.as_str());
        // The same key flies on the Stratos surface.
        let stratos = app
            .http
            .get(app.url("/api/stratos/pilot/verify"))
            .bearer_auth(&session)
            .send()
            .await
            .unwrap();
        assert_eq!(stratos.status(), 200);

        let stats = sc.get("/pilot/statistics").await;
        assert!(stats["hoursFlown"].is_f64() && stats["flightsFlown"].is_i64() && stats["pirepsFiled"].is_i64());
        let airports = sc.get("/data/airports").await;
        let airports = airports.as_array().unwrap();
        assert!(airports.len() > 10 && airports.iter().all(|a| a["code"].as_str().unwrap().len() == 4));
        let fleet = sc.get("/data/aircraft").await;
        assert!(fleet.as_array().unwrap().iter().all(|a| a["id"].is_i64() && a["maximumPassengers"].is_i64()));
        assert!(sc.get("/data/news").await["title"].is_string());
        assert!(!sc.get("/data/subfleets").await.as_array().unwrap().is_empty());
        assert_eq!(sc.get("/data/flight_types").await["P"], "Passenger");

        // Search, book, rebook.
        let all = sc.get("/flights/search").await;
        let first = &all.as_array().unwrap()[0];
        let departure = first["departureAirport"].as_str().unwrap().to_string();
        let found = sc.get(&format!("/flights/search?departureAirport={departure}")).await;
        let found = found.as_array().unwrap();
        assert!(!found.is_empty() && found.iter().all(|f| f["departureAirport"] == departure.as_str()));
        let chosen = found.iter().find(|f| !f["aircraft"].as_array().unwrap().is_empty()).expect("a flyable schedule");
        let arrival = chosen["arrivalAirport"].as_str().unwrap().to_string();
        let booked = sc.post("/flights/book", json!({ "flightID": chosen["id"] })).await;
        let bid = booked["bidID"].as_i64().unwrap();
        let bookings = sc.get("/flights/bookings").await;
        let mine = bookings.as_array().unwrap().iter().find(|b| b["bidID"] == bid).expect("listed").clone();
        assert_eq!(mine["flightID"], chosen["id"]);
        let aircraft = mine["aircraft"].as_array().unwrap()[0].as_i64().unwrap();
        assert_eq!(sc.post("/flights/rebook", json!({ "bidID": bid, "aircraft": aircraft })).await["bidID"], bid);
        let bookings = sc.get("/flights/bookings").await;
        let pinned = bookings.as_array().unwrap().iter().find(|b| b["bidID"] == bid).unwrap()["aircraft"].clone();
        assert_eq!(pinned, json!(aircraft));

        // Fly it: start, nine reports through every phase, complete.
        let tracking = sc.post("/flights/start", json!({ "bidID": bid })).await["trackingID"].as_str().unwrap().to_string();
        assert!(tracking.len() == 12 && tracking.chars().all(|c| c.is_ascii_alphanumeric()), "{tracking}");
        let again = sc.post("/flights/start", json!({ "bidID": bid })).await;
        assert_eq!(again["trackingID"], tracking.as_str(), "a restarted client resumes");
        let at = |code: &str| airports.iter().find(|a| a["code"] == code).unwrap().clone();
        let (from, to) = (at(&departure), at(&arrival));
        let phases = ["BOARDING", "PUSH_BACK", "TAXI", "TAKE_OFF", "CLIMB", "CRUISE", "DESCENT", "APPROACH", "LANDED"];
        for (n, phase) in phases.iter().enumerate() {
            let f = n as f64 / 8.0;
            let lerp = |k: &str| from[k].as_f64().unwrap() + f * (to[k].as_f64().unwrap() - from[k].as_f64().unwrap());
            let report = json!({
                "bidID": bid, "latitude": lerp("latitude"), "longitude": lerp("longitude"),
                "heading": 90, "altitude": if n < 3 || n == 8 { 0 } else { 35000 }, "groundSpeed": 250,
                "distanceRemaining": 100.0 * (1.0 - f), "timeRemaining": 1.0 - f, "route": ["DCT"],
                "phase": phase, "network": "VATSIM", "aircraft": aircraft,
            });
            assert_eq!(sc.post("/flights/update", report.clone()).await, Value::Null, "an empty body");
            if n == 4 {
                sc.post("/flights/update", report).await; // a re-send is stored once
            }
        }
        let flight_data = json!([
            { "message": "Pushback started", "eventTimestamp": "2026-12-03T10:00:00Z" },
            { "message": "Touchdown at -180 fpm", "eventTimestamp": "2026-12-03T11:10:00Z" },
        ]);
        let complete = json!({
            "bidID": bid, "remainingLoad": 0, "flightTime": 1.25, "landingRate": -180.0, "fuelUsed": 4200.0,
            "route": ["DCT"], "flightLog": encoded("Engines on\nCruise FL350\n"),
            "flightData": encoded(&flight_data.to_string()), "comments": "Smooth flight",
        });
        let pirep = sc.post("/flights/complete", complete.clone()).await["pirepID"].as_i64().unwrap();
        assert_eq!(sc.post("/flights/complete", complete).await["pirepID"], pirep, "idempotent");
        let (state, minutes, positions, lines): (String, i64, i64, i64) = sqlx::query_as(
            "SELECT state, flight_minutes, (SELECT COUNT(*) FROM pirep_positions pp WHERE pp.pirep_id = p.id), \
             (SELECT COUNT(*) FROM pirep_log_lines l WHERE l.pirep_id = p.id) FROM pireps p WHERE id = $1",
        )
        .bind(pirep)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert!(state == "submitted" || state == "accepted", "{state}");
        assert_eq!((minutes, positions), (75, 9));
        assert!(lines >= 4, "flightData and flightLog lines: {lines}");

        let latest = sc.get("/pireps/latest").await;
        assert_eq!(latest["id"], pirep);
        assert_eq!(latest["departureAirport"], departure.as_str());
        let details = sc.get(&format!("/pireps/details?id={pirep}")).await;
        assert_eq!(details["locationData"].as_array().unwrap().len(), 9);
        let messages: Vec<&str> = details["flightLog"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        assert!(messages.contains(&"Touchdown at -180 fpm") && messages.contains(&"Cruise FL350"), "{messages:?}");
        let searched = sc.get(&format!("/pireps/search?departureAirport={departure}&arrivalAirport={arrival}")).await;
        assert!(searched.as_array().unwrap().iter().any(|p| p["id"] == pirep));
        let none = sc.get("/pireps/search?startDate=2001-01-01&endDate=2001-01-02").await;
        assert_eq!(none, json!([]));

        // A charter: made up, booked at once, the pilot's own; unbooked, gone.
        let charter = json!({
            "number": "AIR777", "departure": departure, "arrival": arrival, "route": ["DCT"],
            "aircraft": aircraft, "cruise": 350, "distance": 300.0, "type": "P",
            "departureTime": "10:00", "arrivalTime": "11:30",
        });
        let charter_bid = sc.post("/flights/charter", charter).await["bidID"].as_i64().unwrap();
        let bookings = sc.get("/flights/bookings").await;
        let listed = bookings.as_array().unwrap().iter().find(|b| b["bidID"] == charter_bid).unwrap().clone();
        assert_eq!((listed["number"].as_str(), listed["aircraft"].as_i64()), (Some("777"), Some(aircraft)));
        let schedule = listed["flightID"].as_i64().unwrap();
        let searched = sc.get(&format!("/flights/search?departureAirport={departure}")).await;
        assert!(!searched.as_array().unwrap().iter().any(|f| f["id"] == schedule), "charters are hidden");
        assert_eq!(sc.post("/flights/unbook", json!({ "bidID": charter_bid })).await["status"], 200);
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schedules WHERE id = $1")
            .bind(schedule)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(left, 0, "the charter went with its booking");
    })
    .await;
}

#[tokio::test]
async fn smartcars_refuses_strangers_and_keeps_pilots_to_their_own() {
    each_backend(|app| async move {
        let anonymous = Client { app: &app, base: BASE.into(), session: Some("nonsense".into()) };
        let text = anonymous.refused(Method::GET, "/flights/bookings", None, 401).await;
        assert_eq!(text, "Invalid Token");
        let preflight = anonymous.send(Method::OPTIONS, "/flights/bookings", None).await;
        assert_eq!(preflight.status(), 200);
        assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
        assert_eq!(preflight.text().await.unwrap(), "null");
        let login = Client { app: &app, base: BASE.into(), session: None };
        let wrong = login
            .refused(Method::POST, "/pilot/login?username=AIR0001", Some(json!({ "password": "nope" })), 401)
            .await;
        assert!(wrong.contains("incorrect"));
        login.refused(Method::POST, "/pilot/resume", Some(json!({ "session": "a.b.c" })), 401).await;

        // Another pilot's booking is not found; nor is a flight there is not.
        let second = signed_in(&app, BASE, "AIR0002").await;
        let demo = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let theirs: i64 = sqlx::query_scalar(
            "SELECT MIN(b.id) FROM bookings b JOIN pilots p ON p.id = b.pilot_id WHERE b.org_id = $1 AND p.ident = 'AIR0001'",
        )
        .bind(demo.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        second.refused(Method::POST, "/flights/start", Some(json!({ "bidID": theirs })), 404).await;
        second.refused(Method::POST, "/flights/unbook", Some(json!({ "bidID": theirs })), 404).await;
        second.refused(Method::POST, "/flights/cancel", Some(json!({ "bidID": theirs })), 404).await;
        second.refused(Method::POST, "/flights/update", Some(json!({ "bidID": theirs, "latitude": 1, "longitude": 1, "altitude": 1 })), 404).await;
        second.refused(Method::POST, "/flights/start", Some(json!({})), 400).await;
        second.refused(Method::GET, "/pireps/details?id=abc", None, 400).await;
        let others_pirep: i64 = sqlx::query_scalar(
            "SELECT MIN(r.id) FROM pireps r JOIN pilots p ON p.id = r.pilot_id WHERE p.ident = 'AIR0001' AND r.state = 'accepted'",
        )
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        second.refused(Method::GET, &format!("/pireps/details?id={others_pirep}"), None, 404).await;

        // Under an org's tracker URL, only that org's credentials pass.
        let own = signed_in(&app, "/o/demo/api/smartcars", "1").await;
        assert!(own.get("/flights/bookings").await.is_array());
        let elsewhere = Client { app: &app, base: "/o/demo-school/api/smartcars".into(), session: own.session.clone() };
        elsewhere.refused(Method::GET, "/flights/bookings", None, 401).await;

        // Cancel: the booking stays; cancelling again is done.
        let bid: i64 = sqlx::query_scalar(
            "SELECT MIN(b.id) FROM bookings b JOIN pilots p ON p.id = b.pilot_id WHERE p.ident = 'AIR0002' \
             AND NOT EXISTS (SELECT 1 FROM pireps r WHERE r.booking_id = b.id)",
        )
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let started = second.send(Method::POST, "/flights/start", Some(json!({ "bidID": bid }))).await;
        if started.status() == 200 {
            assert_eq!(second.send(Method::POST, "/flights/cancel", Some(json!({ "bidID": bid }))).await.status(), 200);
            assert_eq!(second.send(Method::POST, "/flights/cancel", Some(json!({ "bidID": bid }))).await.status(), 200);
            let state: String = sqlx::query_scalar("SELECT state FROM pireps WHERE booking_id = $1 ORDER BY id DESC LIMIT 1")
                .bind(bid)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
            assert_eq!(state, "cancelled");
        } else {
            // AIR0002 is flying another booking in the demo: one flight at a time.
            assert_eq!(started.status(), 400);
        }
    })
    .await;
}

/// Every operation of the published spec is served (none falls through to
/// 404 or 405), under the shared and an org's tracker URL.
#[tokio::test]
async fn every_route_of_the_spec_is_served() {
    let app = TestApp::spawn(&crate::harness::Backend::Sqlite).await;
    let spec: Value = serde_json::from_str(airside::acars::smartcars::SPEC).unwrap();
    let served: Value = app.get("/docs/smartcars/openapi.json").await.json().await.unwrap();
    assert_eq!(served["paths"], spec["paths"], "the document is the published spec");
    assert!(served["servers"][0]["url"].as_str().unwrap().ends_with(BASE));
    let page = app.get("/docs/smartcars").await;
    assert_eq!(page.status(), 200);
    let key = crate::acars::key_for(&app, "demo", "AIR0001", None).await;
    let mut count = 0;
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            for base in [BASE, "/o/demo/api/smartcars"] {
                let response = app
                    .http
                    .request(method.clone(), app.url(&format!("{base}{path}")))
                    .bearer_auth(&key)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let body = response.text().await.unwrap();
                assert!(
                    status != 405 && !(status == 404 && body.contains("\"title\"")),
                    "{method} {base}{path}: {status} {body}"
                );
            }
            count += 1;
        }
    }
    assert_eq!(count, 20);
}
