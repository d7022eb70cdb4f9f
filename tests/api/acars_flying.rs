//! Flying with the ACARS API as the Stratos client does: login, start,
//! position updates, complete and cancel; whose flights a key may touch;
//! retries; the stale-flight sweep; auto-accept; the pilot's key page.

use std::collections::BTreeSet;

use airside::domain::flight::track_distance_nm;
use airside::storage::orgs;
use reqwest::Method;
use serde_json::{json, Value};

use crate::acars::{get, key_for, keys, post, refused, set, BASE};
use crate::console_session::{console, sign_in};
use crate::harness::{each_backend, TestApp};
use crate::ops_helpers::{call, ops_client, token};

const PROFILE: [&str; 9] = [
    "db_id",
    "pilot_id",
    "first_name",
    "last_name",
    "email",
    "rank",
    "rank_image",
    "rank_level",
    "avatar",
];

async fn login(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url(&format!("{BASE}/pilot/login")))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn scalar<T>(app: &TestApp, sql: &str, id: i64) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + Unpin,
{
    sqlx::query_scalar(sql).bind(id).fetch_one(app.db.reader()).await.unwrap()
}

/// The id of pilot `ident` of the demo airline.
async fn pilot_id(app: &TestApp, ident: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT id FROM pilots WHERE ident = $1 AND org_id = (SELECT id FROM orgs WHERE slug = 'demo')",
    )
    .bind(ident)
    .fetch_one(app.db.reader())
    .await
    .unwrap()
}

/// Starts AIR0001's first booking; returns (auth header, tracking id, bid).
async fn started_flight(app: &TestApp) -> (String, String, i64) {
    let auth = format!("Bearer {}", key_for(app, "demo", "AIR0001", None).await);
    let bookings: Value = get(app, "/flights/bookings", Some(&auth)).await.json().await.unwrap();
    let bid = bookings[0]["bid_id"].as_i64().unwrap();
    let started = post(app, "/flights/start", &auth, json!({ "bid_id": bid })).await;
    assert_eq!(started.status(), 200);
    let tracking =
        started.json::<Value>().await.unwrap()["tracking_id"].as_str().unwrap().to_string();
    (auth, tracking, bid)
}

fn report(tracking: &str, phase: &str, lat: f64, lon: f64) -> Value {
    json!({
        "uuid": tracking, "phase": phase, "latitude": lat, "longitude": lon,
        "heading": 95, "altitude": 12000, "ground_speed": 310, "vertical_speed": -200,
        "indicated_airspeed": 250, "altitude_agl": 11800, "distance_remaining": 80,
    })
}

async fn positions(app: &TestApp, tracking: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM pirep_positions WHERE pirep_id = (SELECT id FROM pireps WHERE tracking_id = $1)",
    )
    .bind(tracking)
    .fetch_one(app.db.reader())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_stratos_client_flies_a_full_flight() {
    each_backend(|app| async move {
        let handshake: Value = get(&app, "/", None).await.json().await.unwrap();
        assert_eq!(handshake["handler"], "Stratos");

        let signed_in = login(&app, "AIR0001", "airside-demo").await;
        assert_eq!(signed_in.status(), 200);
        let signed_in: Value = signed_in.json().await.unwrap();
        let mut expected = set(&PROFILE);
        expected.insert("token".into());
        assert_eq!(keys(&signed_in), expected);
        assert_eq!(signed_in["pilot_id"], "AIR0001");
        let auth = format!("Bearer {}", signed_in["token"].as_str().unwrap());
        let me: Value = get(&app, "/pilot/verify", Some(&auth)).await.json().await.unwrap();
        assert_eq!((keys(&me), &me["email"]), (set(&PROFILE), &json!("air0001@demo.test")));

        // The booking without an aircraft: the client picks one.
        let bookings: Value = get(&app, "/flights/bookings", Some(&auth)).await.json().await.unwrap();
        let booking = bookings.as_array().unwrap().iter().find(|b| b["aircraft"].is_null()).unwrap();
        let bid = booking["bid_id"].as_i64().unwrap();
        let eligible: Value = get(&app, &format!("/flights/bookings/{bid}/aircraft"), Some(&auth))
            .await
            .json()
            .await
            .unwrap();
        let chosen = eligible["aircraft"].as_array().unwrap().last().unwrap().clone();
        let aircraft = chosen["id"].as_i64().unwrap();
        let change = json!({ "bid_id": bid, "aircraft_id": aircraft });
        assert_eq!(post(&app, "/flights/change-aircraft", &auth, change.clone()).await.status(), 200);

        let started = post(&app, "/flights/start", &auth, json!({ "bid_id": bid })).await;
        assert_eq!(started.status(), 200);
        let started: Value = started.json().await.unwrap();
        assert_eq!(keys(&started), set(&["tracking_id"]));
        let tracking = started["tracking_id"].as_str().unwrap().to_string();
        // Once started, the aircraft is fixed and the booking stays.
        assert_eq!(post(&app, "/flights/change-aircraft", &auth, change).await.status(), 409);
        assert_eq!(post(&app, "/flights/unbook", &auth, json!({ "bid_id": bid })).await.status(), 409);
        // A restarted client starting the same booking resumes the flight.
        let resumed = post(&app, "/flights/start", &auth, json!({ "bid_id": bid })).await;
        assert_eq!(resumed.json::<Value>().await.unwrap(), started);

        // 100 reports along the route: 60 one by one, then 4 batches of 10.
        let (dep, arr): ((f64, f64), (f64, f64)) = {
            let coords = |column: &str| {
                format!(
                    "SELECT a.latitude, a.longitude FROM schedules s JOIN bookings b ON b.schedule_id = s.id \
                     JOIN airports a ON a.id = s.{column} WHERE b.id = $1"
                )
            };
            let (dep, arr) = (coords("departure_airport_id"), coords("arrival_airport_id"));
            let dep = sqlx::query_as(&dep).bind(bid).fetch_one(app.db.reader()).await.unwrap();
            (dep, sqlx::query_as(&arr).bind(bid).fetch_one(app.db.reader()).await.unwrap())
        };
        let phases = ["boarding", "push_back", "taxi", "take_off", "climb", "cruise", "descent", "approach", "final", "landed"];
        let point = |i: usize| {
            let f = i as f64 / 99.0;
            (dep.0 + (arr.0 - dep.0) * f, dep.1 + (arr.1 - dep.1) * f)
        };
        let mut track = vec![];
        for i in 0..60 {
            let (lat, lon) = point(i);
            track.push((lat, lon));
            let sent = post(&app, "/flights/update", &auth, report(&tracking, phases[i / 10], lat, lon)).await;
            assert_eq!(sent.status(), 200, "update {i}");
            // The module answers an update with an empty body.
            assert_eq!(sent.headers()["content-type"], "application/json");
            assert_eq!(sent.text().await.unwrap(), "", "update {i}");
        }
        let later = chrono::Utc::now() + chrono::Duration::hours(1);
        for batch in 0..4 {
            let reports: Vec<Value> = (0..10)
                .map(|n| {
                    let i = 60 + batch * 10 + n;
                    let (lat, lon) = point(i);
                    track.push((lat, lon));
                    let mut one = report(&tracking, phases[i / 10], lat, lon);
                    let at = later + chrono::Duration::seconds(i as i64);
                    one["timestamp"] = json!(at.to_rfc3339());
                    one
                })
                .collect();
            let sent = post(&app, "/flights/update", &auth, json!({ "tracking_id": tracking, "positions": reports })).await;
            assert_eq!(sent.status(), 200);
            assert_eq!(sent.json::<Value>().await.unwrap()["stored"], 10);
        }
        assert_eq!(positions(&app, &tracking).await, 100);
        let pirep: i64 = sqlx::query_scalar("SELECT id FROM pireps WHERE tracking_id = $1")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let phase: String = scalar(&app, "SELECT phase FROM pireps WHERE id = $1", pirep).await;
        assert_eq!(phase, "landed");

        let pilot = pilot_id(&app, "AIR0001").await;
        let totals = || async {
            let row: (i64, i64) = sqlx::query_as("SELECT flight_minutes, flights FROM pilots WHERE id = $1")
                .bind(pilot)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
            row
        };
        let before = totals().await;

        let completion = json!({
            "uuid": tracking, "landing_rate": -142.5, "fuel_used": 2450.0, "flight_time": 1.25,
            "zfw": 61000, "block_fuel": 5200, "level": 350, "route": ["MID", "UL612", "LAM"],
            "flight_log": [
                { "event": "Pushback started", "timestamp": "2026-11-23T10:00:00Z" },
                { "event": "Takeoff", "timestamp": 1795428000 },
            ],
            "additional_fields": { "Network": "VATSIM", "Simulator": "MSFS 2024" },
            "comments": ["Smooth flight", { "comment": "ILS 27L" }],
        });
        let complete = || {
            app.http
                .post(app.url(&format!("{BASE}/flights/complete")))
                .header("authorization", &auth)
                .header("x-stratos-version", "1.4.2")
                .json(&completion)
                .send()
        };
        let filed = complete().await.unwrap();
        assert_eq!(filed.status(), 200);
        let filed: Value = filed.json().await.unwrap();
        assert_eq!(
            keys(&filed),
            set(&["pirep_id", "flight_number", "route", "aircraft", "aircraft_icao", "registration", "airline", "airline_icao"])
        );
        // The id the client knows, and the airline's code with the number.
        assert_eq!(filed["pirep_id"], tracking.as_str());
        let number = format!("{}{}", booking["code"].as_str().unwrap(), booking["number"].as_i64().unwrap());
        assert_eq!(filed["flight_number"], number);
        assert!(filed.as_object().unwrap().values().all(Value::is_string), "{filed}");
        let route = format!("{} - {}", booking["departure_airport"].as_str().unwrap(), booking["arrival_airport"].as_str().unwrap());
        assert_eq!(filed["route"], route);
        assert_eq!((&filed["registration"], &filed["aircraft"]), (&chosen["registration"], &chosen["name"]));
        assert_eq!((&filed["aircraft_icao"], &filed["airline_icao"]), (&chosen["icao"], &json!("AIR")));

        // The PIREP as stored.
        let (state, source, minutes, landing, distance, level, route): (String, String, i64, f64, f64, i64, String) =
            sqlx::query_as(
                "SELECT state, source, flight_minutes, landing_rate, distance_nm, flight_level, route FROM pireps WHERE id = $1",
            )
            .bind(pirep)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!((state.as_str(), source.as_str(), minutes, landing, level), ("submitted", "acars", 75, -142.5, 350));
        assert_eq!(route, "MID UL612 LAM");
        let flown = track_distance_nm(&track);
        assert!(flown > 10.0 && (distance - flown).abs() < 0.01, "{distance} vs {flown}");
        let fields: Vec<(String, String)> =
            sqlx::query_as("SELECT name, value FROM pirep_fields WHERE pirep_id = $1 ORDER BY name")
                .bind(pirep)
                .fetch_all(app.db.reader())
                .await
                .unwrap();
        let fields: BTreeSet<(String, String)> = fields.into_iter().collect();
        for (name, value) in [("Network", "VATSIM"), ("Simulator", "MSFS 2024"), ("ZFW", "61000"), ("Block Fuel", "5200"), ("Filed by", "Stratos 1.4.2")] {
            assert!(fields.contains(&(name.to_string(), value.to_string())), "{name}: {fields:?}");
        }
        let comments: Vec<(String, String)> =
            sqlx::query_as("SELECT author, body FROM pirep_comments WHERE pirep_id = $1 ORDER BY id")
                .bind(pirep)
                .fetch_all(app.db.reader())
                .await
                .unwrap();
        assert_eq!(comments, [("AIR0001".to_string(), "Smooth flight".to_string()), ("AIR0001".to_string(), "ILS 27L".to_string())]);
        let log: Vec<(String, String)> =
            sqlx::query_as("SELECT logged_at, message FROM pirep_log_lines WHERE pirep_id = $1 ORDER BY id")
                .bind(pirep)
                .fetch_all(app.db.reader())
                .await
                .unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!((log[0].0.as_str(), log[1].1.as_str()), ("2026-11-23T10:00:00.000000Z", "Takeoff"));
        // The aircraft is at the arrival airport; the booking is used up.
        let at: i64 = scalar(&app, "SELECT airport_id FROM aircraft WHERE id = $1", aircraft).await;
        let arrival: i64 = scalar(&app, "SELECT arrival_airport_id FROM pireps WHERE id = $1", pirep).await;
        assert_eq!(at, arrival);
        assert_eq!(scalar::<i64>(&app, "SELECT COUNT(*) FROM bookings WHERE id = $1", bid).await, 0);
        let submitted: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM events WHERE event_type = 'flight.submitted' AND payload LIKE $1",
        )
        .bind(format!("%\"pirep_id\":{pirep},%"))
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert_eq!(submitted, 1);
        // Hours count once staff accept, not before.
        assert_eq!(totals().await, before);
        let client = ops_client(&app, "demo", &[]).await;
        let ops = token(&app, &client, None).await;
        let accepted = call(&app, Method::POST, &format!("/api/v3/operations/pireps/{pirep}/accept"), Some(&ops), None).await;
        assert_eq!(accepted.status(), 200);
        assert_eq!(totals().await, (before.0 + 75, before.1 + 1));

        // The retried completion answers the same PIREP and changes nothing.
        let again: Value = complete().await.unwrap().json().await.unwrap();
        assert_eq!(again, filed);
        assert_eq!(totals().await, (before.0 + 75, before.1 + 1));
        // Reports after completion: 409 with the state.
        let late = post(&app, "/flights/update", &auth, report(&tracking, "taxi_in", arr.0, arr.1)).await;
        assert_eq!(late.status(), 409);
        let late: Value = late.json().await.unwrap();
        assert_eq!(late, json!({ "error": "PIREP is no longer active", "state": 2, "pirep_id": tracking }));
        // The node remembers the flight, yet a malformed report to it is
        // still refused for the flight's state first, as the module does.
        let malformed = json!({ "tracking_id": tracking, "positions": "none" });
        let late = post(&app, "/flights/update", &auth, malformed).await;
        assert_eq!(late.status(), 409);
        assert_eq!(positions(&app, &tracking).await, 100);
    })
    .await;
}

#[tokio::test]
async fn login_by_pilot_id_email_or_key_and_failures_are_limited() {
    each_backend(|app| async move {
        for username in ["AIR0001", "air0001", "air0001@demo.test", "AIR0001@Demo.Test"] {
            let response = login(&app, username, "airside-demo").await;
            assert_eq!(response.status(), 200, "{username}");
            let body: Value = response.json().await.unwrap();
            let auth = format!("Bearer {}", body["token"].as_str().unwrap());
            assert_eq!(get(&app, "/pilot/verify", Some(&auth)).await.status(), 200);
        }
        // Each sign-in has its own key; the five newest are kept.
        for _ in 0..2 {
            assert_eq!(login(&app, "AIR0001", "airside-demo").await.status(), 200);
        }
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pilot_api_keys WHERE pilot_id = $1 AND label = 'Stratos sign-in' AND revoked_at IS NULL",
        )
        .bind(pilot_id(&app, "AIR0001").await)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert_eq!(live, 5);

        // Credentials mode: the API key as the password comes back as the token.
        let key = key_for(&app, "demo", "AIR0002", None).await;
        let by_key: Value = login(&app, "AIR0002", &key).await.json().await.unwrap();
        assert_eq!((&by_key["token"], &by_key["pilot_id"]), (&json!(key), &json!("AIR0002")));
        // Someone else's key, a wrong password, an unknown pilot, a banned pilot.
        for (username, password) in [("AIR0001", key.as_str()), ("AIR0003", "wrong"), ("AIR9999", "airside-demo"), ("AIR0019", "airside-demo")] {
            let response = login(&app, username, password).await;
            assert_eq!(response.status(), 401, "{username}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body, json!({ "success": false, "error": "The username or password is incorrect" }));
        }
        let missing = app.http.post(app.url(&format!("{BASE}/pilot/login"))).json(&json!({ "username": "AIR0001" })).send().await.unwrap();
        assert_eq!(missing.status(), 401);
        // The module reads the fields from a form or the query string too.
        let form = app.http.post(app.url(&format!("{BASE}/pilot/login")))
            .form(&[("username", "AIR0002"), ("password", "airside-demo")]).send().await.unwrap();
        assert_eq!(form.status(), 200);
        let query = app.http.post(app.url(&format!("{BASE}/pilot/login?username=air0002@demo.test&password=airside-demo"))).send().await.unwrap();
        assert_eq!(query.status(), 200);

        // A bare number, as the module strips a username to its digits: pilot
        // 1 is in every demo org, so only an org's own tracker URL can say which.
        assert_eq!(login(&app, "1", "airside-demo").await.status(), 401);
        for username in ["1", "0001", "QFA0001", "air0001"] {
            let own = app.http.post(app.url(&format!("/o/demo{BASE}/pilot/login")))
                .json(&json!({ "username": username, "password": "airside-demo" })).send().await.unwrap();
            assert_eq!(own.status(), 200, "{username}");
            let own: Value = own.json().await.unwrap();
            assert_eq!(own["pilot_id"], "AIR0001", "{username}");
            // The key works under the org's URL and the shared one, not another org's.
            let auth = format!("Bearer {}", own["token"].as_str().unwrap());
            for (path, status) in [(format!("/o/demo{BASE}/pilot/verify"), 200), (format!("{BASE}/pilot/verify"), 200), (format!("/o/demo-school{BASE}/pilot/verify"), 401)] {
                let answer = app.http.get(app.url(&path)).header("authorization", &auth).send().await.unwrap();
                assert_eq!(answer.status(), status, "{path}");
            }
        }
        let school = app.http.post(app.url(&format!("/o/demo-school{BASE}/pilot/login")))
            .json(&json!({ "username": "air0001@demo.test", "password": "airside-demo" })).send().await.unwrap();
        assert_eq!(school.status(), 401, "an email of another org");
        let nowhere = app.http.get(app.url(&format!("/o/no-such-org{BASE}/"))).send().await.unwrap();
        assert_eq!(nowhere.status(), 404);
        // An org that does not exist is not found, with a good key or none.
        let good = format!("Bearer {}", key_for(&app, "demo", "AIR0001", None).await);
        for auth in [Some(good.as_str()), None] {
            let mut request = app.http.get(app.url(&format!("/o/no-such-org{BASE}/pilot/verify")));
            if let Some(auth) = auth {
                request = request.header("authorization", auth);
            }
            assert_eq!(request.send().await.unwrap().status(), 404, "{auth:?}");
        }
        for username in ["0", "AIR", ""] {
            assert_eq!(login(&app, username, "airside-demo").await.status(), 401, "{username}");
        }

        // Five failures for one account: it is locked for a while, even
        // with the right password; another account is not.
        for _ in 0..5 {
            assert_eq!(login(&app, "AIR0005", "wrong").await.status(), 401);
        }
        let locked = login(&app, "AIR0005", "airside-demo").await;
        assert_eq!(locked.status(), 429);
        assert!(locked.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
        assert_eq!(locked.json::<Value>().await.unwrap()["success"], false);
        assert_eq!(login(&app, "AIR0007", "airside-demo").await.status(), 200);
        // Twenty failures from one address (fifteen so far): every account is
        // locked there. The bucket refills one every 3 s, so count loosely.
        let mut failures = 15;
        loop {
            let response = login(&app, &format!("nobody{failures}@example.org"), "x").await;
            if response.status() == 429 {
                break;
            }
            assert_eq!(response.status(), 401);
            failures += 1;
            assert!(failures <= 25, "no limit per address");
        }
        assert!(failures >= 20, "{failures}");
        assert_eq!(login(&app, "AIR0007", "airside-demo").await.status(), 429);
    })
    .await;
}

#[tokio::test]
async fn a_flight_is_its_pilots_own_and_retries_store_once() {
    each_backend(|app| async move {
        let (auth, tracking, bid) = started_flight(&app).await;
        // Starting it again resumes it; another booking waits its turn.
        let twice = post(&app, "/flights/start", &auth, json!({ "bid_id": bid.to_string() })).await;
        assert_eq!(twice.json::<Value>().await.unwrap(), json!({ "tracking_id": tracking }));
        let second: i64 = sqlx::query_scalar("SELECT MAX(id) FROM bookings WHERE pilot_id = (SELECT pilot_id FROM bookings WHERE id = $1)")
            .bind(bid)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let another = post(&app, "/flights/start", &auth, json!({ "bid_id": second })).await;
        assert_eq!(another.status(), 409);
        assert_eq!(another.json::<Value>().await.unwrap(), json!({ "message": "You already have a flight in progress" }));

        // Another pilot of the airline, and a pilot of another org.
        let other = format!("Bearer {}", key_for(&app, "demo", "AIR0002", None).await);
        // The aircraft in the air is neither offered to nor startable by
        // another pilot booked on the same schedule with it pinned.
        let flying: i64 = sqlx::query_scalar("SELECT aircraft_id FROM pireps WHERE tracking_id = $1")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let same: i64 = sqlx::query_scalar(
            "INSERT INTO bookings (org_id, pilot_id, schedule_id, aircraft_id, created_at) \
             SELECT org_id, $1, schedule_id, aircraft_id, created_at FROM bookings WHERE id = $2 RETURNING id",
        )
        .bind(pilot_id(&app, "AIR0002").await)
        .bind(bid)
        .fetch_one(app.db.writer())
        .await
        .unwrap();
        let offered: Value = get(&app, &format!("/flights/bookings/{same}/aircraft"), Some(&other)).await.json().await.unwrap();
        let offered: Vec<i64> = offered["aircraft"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
        assert!(!offered.is_empty() && !offered.contains(&flying), "{offered:?}");
        let taken = post(&app, "/flights/start", &other, json!({ "bid_id": same })).await;
        assert_eq!(taken.status(), 409);
        assert_eq!(taken.json::<Value>().await.unwrap(), json!({ "message": "The aircraft is not available for flight" }));
        let cleared = post(&app, "/flights/unbook", &other, json!({ "bid_id": same })).await;
        assert_eq!(cleared.status(), 200);
        let student = format!("Bearer {}", key_for(&app, "demo-school", "AFA0001", None).await);
        for intruder in [&other, &student] {
            for (path, body) in [
                ("/flights/update", report(&tracking, "cruise", 51.0, 0.0)),
                ("/flights/complete", json!({ "uuid": tracking, "landing_rate": -100, "fuel_used": 1, "flight_time": 1 })),
                ("/flights/cancel", json!({ "uuid": tracking })),
                ("/flights/start", json!({ "bid_id": bid })),
                ("/flights/change-aircraft", json!({ "bid_id": bid, "aircraft_id": 1 })),
                ("/flights/unbook", json!({ "bid_id": bid })),
            ] {
                let response = post(&app, path, intruder, body).await;
                let status = response.status().as_u16();
                // Another org's booking is unknown there; a colleague's is forbidden.
                assert!(status == 404 || (status == 403 && intruder == &other), "{path}: {status}");
                assert!(response.json::<Value>().await.unwrap()["error"].is_string());
            }
            assert_eq!(get(&app, &format!("/flights/bookings/{bid}/aircraft"), Some(intruder)).await.status().as_u16() / 100, 4);
        }
        assert_eq!(positions(&app, &tracking).await, 0);
        let state: String = sqlx::query_scalar("SELECT state FROM pireps WHERE tracking_id = $1")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(state, "in_progress");
        refused(post(&app, "/flights/update", "Bearer ", report(&tracking, "cruise", 51.0, 0.0)).await).await;

        // Bad input: 422 naming the field, nothing stored; no id 400; unknown 404.
        for (field, bad) in [
            ("latitude", json!(91)),
            ("longitude", json!(-180.5)),
            ("altitude", json!("high")),
        ] {
            let mut body = report(&tracking, "cruise", 51.0, 0.0);
            body[field] = bad;
            let response = post(&app, "/flights/update", &auth, body).await;
            assert_eq!(response.status(), 422, "{field}");
            assert!(response.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains(field));
        }
        let mut batch = json!({ "uuid": tracking, "positions": [report(&tracking, "cruise", 51.0, 0.0)] });
        let response = post(&app, "/flights/update", &auth, batch.clone()).await;
        assert_eq!(response.status(), 422, "a batched report needs its time");
        assert!(response.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains("positions[0].timestamp"));
        assert_eq!(positions(&app, &tracking).await, 0);
        let mut anonymous = report(&tracking, "cruise", 51.0, 0.0);
        anonymous.as_object_mut().unwrap().remove("uuid");
        assert_eq!(post(&app, "/flights/update", &auth, anonymous).await.status(), 400);
        assert_eq!(post(&app, "/flights/update", &auth, report("no-such-flight", "cruise", 51.0, 0.0)).await.status(), 404);

        // Retry storms: the same report, the same batch, three times each.
        for _ in 0..3 {
            let sent = post(&app, "/flights/update", &auth, report(&tracking, "a phase we do not know", 51.0, 0.0)).await;
            assert_eq!(sent.status(), 200);
        }
        assert_eq!(positions(&app, &tracking).await, 1);
        let phase: String = sqlx::query_scalar("SELECT phase FROM pirep_positions WHERE pirep_id = (SELECT id FROM pireps WHERE tracking_id = $1)")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(phase, "enroute", "an unknown phase is en route");
        batch["positions"][0]["timestamp"] = json!("2026-11-23T12:00:00Z");
        batch["positions"].as_array_mut().unwrap().push({
            let mut second = report(&tracking, "cruise", 51.1, 0.1);
            second["timestamp"] = json!("2026-11-23T12:00:05Z");
            second
        });
        let stored: Vec<i64> = futures_stored(&app, &auth, &batch).await;
        assert_eq!(stored, [2, 0, 0]);
        assert_eq!(positions(&app, &tracking).await, 3);
        // What simulators send: negative distance left and speeds, a heading
        // past 360, numbers as text.
        let mut odd = report(&tracking, "cruise", 51.2, 0.2);
        for (field, value) in [("distance_remaining", json!(-3.5)), ("indicated_airspeed", json!(-1)), ("ground_speed", json!("-0.4")), ("heading", json!(361)), ("altitude", json!("12000.5"))] {
            odd[field] = value;
        }
        assert_eq!(post(&app, "/flights/update", &auth, odd).await.status(), 200);
        assert_eq!(positions(&app, &tracking).await, 4);
        let heading: f64 = sqlx::query_scalar("SELECT MAX(heading) FROM pirep_positions WHERE pirep_id = (SELECT id FROM pireps WHERE tracking_id = $1) AND latitude > 51.15")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(heading, 1.0);

        let completion = json!({ "tracking_id": tracking, "landing_rate": -180, "fuel_used": 900, "flight_time": 0.8 });
        let mut answers = vec![];
        for _ in 0..3 {
            let response = post(&app, "/flights/complete", &auth, completion.clone()).await;
            assert_eq!(response.status(), 200);
            answers.push(response.json::<Value>().await.unwrap());
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]));
        let filed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pireps WHERE tracking_id = $1 AND state = 'submitted'")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(filed, 1);
        assert_eq!(answers[0]["pirep_id"], tracking.as_str());
        let pirep: i64 = sqlx::query_scalar("SELECT id FROM pireps WHERE tracking_id = $1")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE event_type = 'flight.submitted' AND payload LIKE $1")
            .bind(format!("%\"pirep_id\":{pirep},%"))
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(events, 1);
        // A filed flight cannot be cancelled: phpVMS's problem, as the module passes it on.
        let conflict = post(&app, "/flights/cancel", &auth, json!({ "uuid": tracking })).await;
        assert_eq!(conflict.status(), 400);
        let title = "This PIREP can't be cancelled";
        assert_eq!(
            conflict.json::<Value>().await.unwrap(),
            json!({
                "type": "https://phpvms.net/errors/pirep-cancel-not-allowed", "title": title, "details": title,
                "status": 400, "error": { "status": 400, "message": title }, "pirep_id": tracking, "state": 1,
            })
        );
    })
    .await;
}

/// Sends the same batch three times; how many positions each stored.
async fn futures_stored(app: &TestApp, auth: &str, batch: &Value) -> Vec<i64> {
    let mut stored = vec![];
    for _ in 0..3 {
        let response = post(app, "/flights/update", auth, batch.clone()).await;
        assert_eq!(response.status(), 200);
        stored.push(response.json::<Value>().await.unwrap()["stored"].as_i64().unwrap());
    }
    stored
}

#[tokio::test]
async fn cancel_keeps_the_booking_and_silent_flights_are_swept() {
    each_backend(|app| async move {
        let (auth, tracking, bid) = started_flight(&app).await;
        let cancelled = post(&app, "/flights/cancel", &auth, json!({})).await;
        assert_eq!(cancelled.status(), 200);
        assert_eq!(cancelled.json::<Value>().await.unwrap(), json!({ "status": 200 }));
        assert_eq!(post(&app, "/flights/cancel", &auth, json!({ "uuid": tracking })).await.status(), 200);
        let nothing = post(&app, "/flights/cancel", &auth, json!({})).await;
        assert_eq!(nothing.status(), 404);
        assert_eq!(nothing.json::<Value>().await.unwrap(), json!({ "error": "No active PIREP to cancel" }));
        let late = post(&app, "/flights/update", &auth, report(&tracking, "cruise", 51.0, 0.0)).await;
        assert_eq!(late.status(), 409);
        assert_eq!(late.json::<Value>().await.unwrap(), json!({ "error": "PIREP is no longer active", "state": 3, "pirep_id": tracking }));
        assert_eq!(scalar::<i64>(&app, "SELECT COUNT(*) FROM bookings WHERE id = $1", bid).await, 1);

        // Two flights: one goes silent, one is paused.
        let silent = post(&app, "/flights/start", &auth, json!({ "bid_id": bid })).await;
        let silent = silent.json::<Value>().await.unwrap()["tracking_id"].as_str().unwrap().to_string();
        let other = format!("Bearer {}", key_for(&app, "demo", "AIR0002", None).await);
        // AIR0002 books a short hop (the one AIR0001 has as second booking).
        let short_hop: i64 = sqlx::query_scalar(
            "INSERT INTO bookings (org_id, pilot_id, schedule_id, created_at) \
             SELECT org_id, $1, schedule_id, created_at FROM bookings \
             WHERE pilot_id = (SELECT pilot_id FROM bookings WHERE id = $2) AND id > $2 \
             ORDER BY id LIMIT 1 RETURNING id",
        )
        .bind(pilot_id(&app, "AIR0002").await)
        .bind(bid)
        .fetch_one(app.db.writer())
        .await
        .unwrap();
        let paused = post(&app, "/flights/start", &other, json!({ "bid_id": short_hop })).await;
        assert_eq!(paused.status(), 200);
        let paused = paused.json::<Value>().await.unwrap()["tracking_id"].as_str().unwrap().to_string();
        assert_eq!(post(&app, "/flights/update", &other, report(&paused, "paused", 51.0, 0.0)).await.status(), 200);

        let rule = airside::config::Config::default().stale_rule();
        let sweep = |hours: i64| {
            let at = airside::domain::Timestamp(chrono::Utc::now() + chrono::Duration::hours(hours));
            airside::storage::pireps::cancel_stale(&app.db, at, rule)
        };
        let app = &app;
        let state = |tracking: String| async move {
            let state: String = sqlx::query_scalar("SELECT state FROM pireps WHERE tracking_id = $1")
                .bind(tracking)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
            state
        };
        assert_eq!(sweep(1).await.unwrap(), 0, "an hour of silence is allowed");
        let swept = sweep(3).await.unwrap();
        assert!(swept >= 1, "{swept}");
        assert_eq!(state(silent.clone()).await, "cancelled");
        assert_eq!(state(paused.clone()).await, "in_progress");
        let why: String = sqlx::query_scalar(
            "SELECT message FROM pirep_log_lines WHERE pirep_id = (SELECT id FROM pireps WHERE tracking_id = $1)",
        )
        .bind(&silent)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert_eq!(why, "Cancelled: no report for 120 minutes");
        assert!(sweep(25).await.unwrap() >= 1);
        assert_eq!(state(paused).await, "cancelled");
    })
    .await;
}

#[tokio::test]
async fn the_orgs_rule_accepts_soft_landings_of_qualified_pilots() {
    each_backend(|app| async move {
        let owner = sign_in(&app, "owner@demo.test").await;
        let path = "/console/api/acars/auto-accept";
        let rule: Value = console(&app, &owner, Method::GET, path, None).await.json().await.unwrap();
        assert_eq!(rule["data"]["enabled"], false);
        let viewer = sign_in(&app, "viewer@demo.test").await;
        let body = json!({ "enabled": true, "min_rank_id": null, "max_landing_rate": 200.0 });
        assert_eq!(console(&app, &viewer, Method::PUT, path, Some(body.clone())).await.status(), 403);
        let bad = json!({ "enabled": true, "min_rank_id": 999999, "max_landing_rate": 200.0 });
        assert_eq!(console(&app, &owner, Method::PUT, path, Some(bad)).await.status(), 422);
        assert_eq!(console(&app, &owner, Method::PUT, path, Some(body)).await.status(), 200);

        let pilot = pilot_id(&app, "AIR0001").await;
        let minutes =
            || scalar::<i64>(&app, "SELECT flight_minutes FROM pilots WHERE id = $1", pilot);
        let approved = || async {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM events WHERE event_type = 'flight.approved' AND payload LIKE '%auto-accept%'",
            )
            .fetch_one(app.db.reader())
            .await
            .unwrap();
            n
        };
        let before = minutes().await;
        let app = &app;
        let fly = |landing_rate: f64| async move {
            let (auth, tracking, _) = started_flight(app).await;
            let body = json!({ "uuid": tracking, "landing_rate": landing_rate, "fuel_used": 800, "flight_time": 1.0 });
            let filed: Value = post(app, "/flights/complete", &auth, body).await.json().await.unwrap();
            assert_eq!(filed["pirep_id"], tracking.as_str());
            let state: String = sqlx::query_scalar("SELECT state FROM pireps WHERE tracking_id = $1")
                .bind(&tracking)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
            state
        };
        assert_eq!(fly(-120.0).await, "accepted");
        assert_eq!(minutes().await, before + 60);
        assert_eq!(approved().await, 1);
        assert_eq!(fly(-450.0).await, "submitted", "too hard a landing waits for a reviewer");
        assert_eq!(minutes().await, before + 60);
    })
    .await;
}

#[tokio::test]
async fn pilots_regenerate_their_key_on_their_page_and_staff_can_issue_one() {
    each_backend(|app| async move {
        let old = format!("Bearer {}", key_for(&app, "demo", "AIR0001", None).await);
        let cookie = crate::pilot_flow::sign_in_pilot(
            &app,
            "/account/login?org=demo&next=/account/acars",
            "AIR0001",
        )
        .await
        .unwrap();
        let page =
            app.http.get(app.url("/account/acars")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Generate a new key") && !html.contains("apk_"), "{html}");
        let tracker = format!("<code id=\"tracker-url\">{}</code>", app.url("/o/demo/api/stratos"));
        assert!(html.contains(&tracker), "the pilot's tracker URL: {html}");
        let csrf = crate::pilot_flow::field(&html, "csrf_token");
        let forged = app
            .http
            .post(app.url("/account/acars/key"))
            .header("cookie", &cookie)
            .form(&[("csrf_token", "nope")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403);
        let made = app
            .http
            .post(app.url("/account/acars/key"))
            .header("cookie", &cookie)
            .form(&[("csrf_token", csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(made.status(), 200);
        assert_eq!(made.headers()["cache-control"], "no-store");
        let html = made.text().await.unwrap();
        let start = html.find("apk_").unwrap();
        let key = &html[start..start + html[start..].find('<').unwrap()];
        refused(get(&app, "/pilot/verify", Some(&old)).await).await;
        let new = format!("Bearer {key}");
        assert_eq!(get(&app, "/pilot/verify", Some(&new)).await.status(), 200);
        assert_eq!(app.get("/account/acars").await.status(), 401);

        // Staff issue one: the pilot's page key stops working.
        let pilot = pilot_id(&app, "AIR0001").await;
        let path = format!("/console/api/pilots/{pilot}/api-key");
        let viewer = sign_in(&app, "viewer@demo.test").await;
        assert_eq!(console(&app, &viewer, Method::POST, &path, None).await.status(), 403);
        let school = sign_in(&app, "owner@demo-school.test").await;
        assert_eq!(console(&app, &school, Method::POST, &path, None).await.status(), 404);
        let owner = sign_in(&app, "owner@demo.test").await;
        let issued = console(&app, &owner, Method::POST, &path, None).await;
        assert_eq!(issued.status(), 201);
        let issued: Value = issued.json().await.unwrap();
        let staff_key = format!("Bearer {}", issued["data"]["key"].as_str().unwrap());
        refused(get(&app, "/pilot/verify", Some(&new)).await).await;
        assert_eq!(get(&app, "/pilot/verify", Some(&staff_key)).await.status(), 200);
        let org = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE org_id = $1 AND action = 'pilot.api_key.issued'",
        )
        .bind(org.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert_eq!(audited, 1);
    })
    .await;
}
