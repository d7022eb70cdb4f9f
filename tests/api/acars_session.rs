//! A Stratos client's whole session against the module's contract, with the
//! retries real clients make (start twice, complete twice, update after
//! cancel); completions in the forms the module files; the Logbook add-on.

use serde_json::{json, Value};

use crate::acars::{get, key_for, keys, post, set, BASE};
use crate::harness::{each_backend, TestApp};

/// A new booking of AIR0001 on the schedule of its first booking.
async fn new_booking(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO bookings (org_id, pilot_id, schedule_id, created_at) \
         SELECT org_id, pilot_id, schedule_id, created_at FROM bookings WHERE id = \
         (SELECT MIN(b.id) FROM bookings b JOIN pilots p ON p.id = b.pilot_id \
          WHERE p.ident = 'AIR0001' AND b.org_id = (SELECT id FROM orgs WHERE slug = 'demo')) \
         RETURNING id",
    )
    .fetch_one(app.db.writer())
    .await
    .unwrap()
}

fn position(tracking: &str, phase: &str, lat: f64) -> Value {
    json!({
        "uuid": tracking, "phase": phase, "latitude": lat, "longitude": 4.5, "heading": 90,
        "altitude": 3000, "ground_speed": 180, "distance_remaining": 40,
    })
}

async fn pirep_row(app: &TestApp, tracking: &str) -> (i64, String, String) {
    sqlx::query_as("SELECT id, state, phase FROM pireps WHERE tracking_id = $1")
        .bind(tracking)
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_client_session_with_its_retries_ends_in_one_filed_pirep_in_the_logbook() {
    each_backend(|app| async move {
        let base = format!("/o/demo{BASE}");
        let call = |method: reqwest::Method, path: &str, auth: Option<&str>, body: Option<Value>| {
            let mut request = app.http.request(method, app.url(&format!("{base}{path}")));
            if let Some(auth) = auth {
                request = request.header("authorization", auth);
            }
            if let Some(body) = body {
                request = request.json(&body);
            }
            request.send()
        };
        let hello: Value = call(reqwest::Method::GET, "/", None, None).await.unwrap().json().await.unwrap();
        assert_eq!(hello["api_version"], "0.3.6");
        // The client's preflight, then a login with the pilot's number.
        let preflight = call(reqwest::Method::OPTIONS, "/pilot/login", None, None).await.unwrap();
        assert_eq!(preflight.status(), 200);
        let login = json!({ "username": "AIR0001", "password": "airside-demo" });
        let signed_in: Value = call(reqwest::Method::POST, "/pilot/login", None, Some(login)).await.unwrap().json().await.unwrap();
        let auth = format!("Bearer {}", signed_in["token"].as_str().unwrap());
        let auth = auth.as_str();
        assert_eq!(call(reqwest::Method::GET, "/pilot/verify", Some(auth), None).await.unwrap().status(), 200);
        let stats: Value = call(reqwest::Method::GET, "/pilot/statistics", Some(auth), None).await.unwrap().json().await.unwrap();
        let filed_before: i64 = stats["pireps_filed"].as_str().unwrap().parse().unwrap();

        let bid = new_booking(&app).await;
        // The client sends an empty start body: the newest booking.
        let started = call(reqwest::Method::POST, "/flights/start", Some(auth), None).await.unwrap();
        assert_eq!(started.status(), 200);
        let tracking = started.json::<Value>().await.unwrap()["tracking_id"].as_str().unwrap().to_string();
        // The client restarts and starts again: the same flight.
        let again: Value = call(reqwest::Method::POST, "/flights/start", Some(auth), Some(json!({ "bid_id": bid }))).await.unwrap().json().await.unwrap();
        assert_eq!(again["tracking_id"], tracking.as_str());
        for (n, phase) in ["boarding", "taxi", "take_off", "take_off"].iter().enumerate() {
            // The last one is a re-send of the third: stored once.
            let lat = 52.0 + (n.min(2) as f64) * 0.01;
            let sent = call(reqwest::Method::POST, "/flights/update", Some(auth), Some(position(&tracking, phase, lat))).await.unwrap();
            assert_eq!(sent.status(), 200);
        }
        let positions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pirep_positions WHERE pirep_id = (SELECT id FROM pireps WHERE tracking_id = $1)")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(positions, 3);
        assert_eq!(pirep_row(&app, &tracking).await.2, "takeoff");

        // The pilot gives up: cancel (empty body), cancel again, then a late update.
        let cancelled = call(reqwest::Method::POST, "/flights/cancel", Some(auth), Some(json!({}))).await.unwrap();
        assert_eq!(cancelled.json::<Value>().await.unwrap(), json!({ "status": 200 }));
        // The empty body again finds no flight in progress; by its id it is done.
        let nothing = call(reqwest::Method::POST, "/flights/cancel", Some(auth), Some(json!({}))).await.unwrap();
        assert_eq!(nothing.status(), 404);
        let by_id = call(reqwest::Method::POST, "/flights/cancel", Some(auth), Some(json!({ "uuid": tracking }))).await.unwrap();
        assert_eq!(by_id.json::<Value>().await.unwrap(), json!({ "status": 200 }));
        let late = call(reqwest::Method::POST, "/flights/update", Some(auth), Some(position(&tracking, "climb", 52.1))).await.unwrap();
        assert_eq!(late.status(), 409);
        assert_eq!(late.json::<Value>().await.unwrap(), json!({ "error": "PIREP is no longer active", "state": 3, "pirep_id": tracking }));
        assert_eq!(pirep_row(&app, &tracking).await.1, "cancelled");

        // The booking stays: a new start is a new flight.
        let restart: Value = call(reqwest::Method::POST, "/flights/start", Some(auth), Some(json!({ "bid_id": bid }))).await.unwrap().json().await.unwrap();
        let tracking = restart["tracking_id"].as_str().unwrap().to_string();
        assert_ne!(tracking, again["tracking_id"].as_str().unwrap());
        for (n, phase) in ["taxi", "take_off", "cruise", "final", "on_block"].iter().enumerate() {
            let sent = call(reqwest::Method::POST, "/flights/update", Some(auth), Some(position(&tracking, phase, 52.0 + n as f64 * 0.2))).await.unwrap();
            assert_eq!(sent.status(), 200);
        }
        assert_eq!(pirep_row(&app, &tracking).await.2, "on_block");
        // Complete twice, as a client does that lost the first answer.
        let completion = json!({
            "tracking_id": tracking, "landing_rate": "-212.4", "fuel_used": 1800, "flight_time": 1.5,
            "flight_data": [{ "event": "Stall warning", "timestamp": "2026-11-23 10:00:00" }, { "event": "Landed", "timestamp": "2026-11-23 10:30:05" }],
        });
        let first = call(reqwest::Method::POST, "/flights/complete", Some(auth), Some(completion.clone())).await.unwrap();
        assert_eq!(first.status(), 200);
        let first: Value = first.json().await.unwrap();
        let second: Value = call(reqwest::Method::POST, "/flights/complete", Some(auth), Some(completion)).await.unwrap().json().await.unwrap();
        assert_eq!(first, second);
        assert_eq!(first["pirep_id"], tracking.as_str());
        let after = call(reqwest::Method::POST, "/flights/update", Some(auth), Some(position(&tracking, "taxi_in", 53.0))).await.unwrap();
        assert_eq!(after.json::<Value>().await.unwrap()["state"], 1, "pending review");
        let filed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pireps WHERE booking_id = $1 AND state = 'submitted'")
            .bind(bid)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(filed, 1);
        let stats: Value = call(reqwest::Method::GET, "/pilot/statistics", Some(auth), None).await.unwrap().json().await.unwrap();
        assert_eq!(stats["pireps_filed"], (filed_before + 1).to_string());

        // The logbook shows it, newest first, with its track and log.
        let page: Value = call(reqwest::Method::GET, "/logbook/pireps?limit=5", Some(auth), None).await.unwrap().json().await.unwrap();
        assert_eq!(keys(&page), set(&["items", "total", "limit", "offset"]));
        assert_eq!((page["limit"].as_i64(), page["offset"].as_i64()), (Some(5), Some(0)));
        let newest = &page["items"][0];
        assert_eq!(newest["id"], tracking.as_str());
        assert_eq!(
            keys(newest),
            set(&["id", "date", "dep_icao", "arr_icao", "callsign", "aircraft_icao", "aircraft_reg", "duration_min", "distance_nm", "landing_rate_fpm", "status"])
        );
        assert_eq!((&newest["status"], &newest["duration_min"], &newest["landing_rate_fpm"]), (&json!("pending"), &json!(90), &json!(-212)));
        assert!(newest["date"].as_str().unwrap().ends_with("+00:00"));
        assert!(newest["callsign"].as_str().unwrap().starts_with("AIR"));
        let detail: Value = call(reqwest::Method::GET, &format!("/logbook/pireps/{tracking}"), Some(auth), None).await.unwrap().json().await.unwrap();
        assert_eq!(detail["route"].as_array().unwrap().len(), 5);
        assert_eq!(detail["route"][0]["t"], 0);
        assert_eq!(detail["cruise_alt_ft"], 3000);
        assert_eq!(detail["max_speed_kt"], 180);
        let log = detail["log"].as_array().unwrap();
        assert_eq!((&log[0]["level"], &log[0]["message"]), (&json!("error"), &json!("Stall warning")));
        assert_eq!((&log[1]["t"], &log[1]["level"]), (&json!(1_805_000), &json!("info")));
        let unknown = call(reqwest::Method::GET, "/logbook/pireps/no-such-flight", Some(auth), None).await.unwrap();
        assert_eq!(unknown.status(), 404);
        assert_eq!(unknown.json::<Value>().await.unwrap(), json!({ "message": "Not found" }));
        // Another pilot's flight is not in their logbook.
        let other = format!("Bearer {}", key_for(&app, "demo", "AIR0002", None).await);
        let theirs = call(reqwest::Method::GET, &format!("/logbook/pireps/{tracking}"), Some(&other), None).await.unwrap();
        assert_eq!(theirs.status(), 404);
    })
    .await;
}

/// Starts a new booking of AIR0001 and completes it with `body` (the
/// tracking id is added); the answer and the PIREP's id.
async fn fly_and_complete(
    app: &TestApp,
    auth: &str,
    mut body: Value,
) -> (reqwest::Response, String) {
    let bid = new_booking(app).await;
    let started: Value =
        post(app, "/flights/start", auth, json!({ "bid_id": bid })).await.json().await.unwrap();
    let tracking = started["tracking_id"].as_str().unwrap().to_string();
    body["uuid"] = json!(tracking);
    (post(app, "/flights/complete", auth, body).await, tracking)
}

#[tokio::test]
async fn completions_in_the_forms_the_module_files_are_filed() {
    each_backend(|app| async move {
        let auth = format!("Bearer {}", key_for(&app, "demo", "AIR0001", None).await);
        let auth = auth.as_str();
        type Filed = (Option<f64>, Option<f64>, i64, i64, String);
        let filed = |tracking: String| {
            let db = app.db.clone();
            async move {
                let row: Filed = sqlx::query_as(
                    "SELECT landing_rate, fuel_used, flight_minutes, flight_level, state FROM pireps WHERE tracking_id = $1",
                )
                .bind(tracking)
                .fetch_one(db.reader())
                .await
                .unwrap();
                row
            }
        };
        let texts = |sql: &'static str, tracking: String| {
            let db = app.db.clone();
            async move {
                let rows: Vec<String> = sqlx::query_scalar(sql).bind(tracking).fetch_all(db.reader()).await.unwrap();
                rows
            }
        };
        const COMMENTS: &str = "SELECT body FROM pirep_comments WHERE pirep_id = (SELECT id FROM pireps WHERE tracking_id = $1) ORDER BY id";
        const LOG: &str = "SELECT logged_at || ' ' || message FROM pirep_log_lines WHERE pirep_id = (SELECT id FROM pireps WHERE tracking_id = $1) ORDER BY id";
        const FIELDS: &str = "SELECT name || '=' || value FROM pirep_fields WHERE pirep_id = (SELECT id FROM pireps WHERE tracking_id = $1) ORDER BY name";

        // Only the tracking id: zeros, as the module files it.
        let (answer, tracking) = fly_and_complete(&app, auth, json!({})).await;
        assert_eq!(answer.status(), 200);
        let planned: i64 = sqlx::query_scalar("SELECT s.flight_level FROM pireps p JOIN schedules s ON s.id = p.schedule_id WHERE p.tracking_id = $1")
            .bind(&tracking)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(filed(tracking).await, (Some(0.0), Some(0.0), 0, planned, "submitted".to_string()));

        // Nulls, numbers as text, a decimal level, an optional number that is not one.
        let body = json!({ "landing_rate": null, "fuel_used": "2450.5", "flight_time": "1.75", "level": 350.6, "zfw": "heavy", "block_fuel": "5200" });
        let (answer, tracking) = fly_and_complete(&app, auth, body).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(filed(tracking.clone()).await, (Some(0.0), Some(2450.5), 105, 351, "submitted".to_string()));
        // A level in feet is a flight level.
        let (answer, feet) = fly_and_complete(&app, auth, json!({ "level": 35_000 })).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(filed(feet).await.3, 350);
        let fields = texts(FIELDS, tracking).await;
        assert!(fields.contains(&"Block Fuel=5200".to_string()) && !fields.iter().any(|f| f.starts_with("ZFW")), "{fields:?}");

        // Comments as objects and text, empty ones skipped; log times without a zone.
        let body = json!({
            "landing_rate": -95, "fuel_used": 900, "flight_time": 0.5,
            "comments": [{ "event": "Gate B12" }, { "text": "Light chop" }, { "comment": "ILS 27L" }, "", "Plain", { "other": 1 }, 42],
            "flight_log": [{ "event": "Ignored: flight_data wins" }],
            "flight_data": [
                { "event": "Doors closed", "timestamp": "2026-11-23 10:00:00" },
                { "event": "Pushback", "timestamp": "2026-11-23T10:05:00" },
                { "event": "Takeoff", "timestamp": "2026-11-23T10:15:00+01:00" },
                { "event": "" },
                "not an object",
            ],
            "additional_fields": { "Network": "VATSIM", "Pitch": 2.5, "Flaps": true, "Lights": null, "List": [1] },
        });
        let (answer, tracking) = fly_and_complete(&app, auth, body).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(
            texts(COMMENTS, tracking.clone()).await,
            ["Gate B12", "Light chop", "ILS 27L", "Plain", "{\"other\":1}", "42"]
        );
        assert_eq!(
            texts(LOG, tracking.clone()).await,
            [
                "2026-11-23T10:00:00.000000Z Doors closed",
                "2026-11-23T10:05:00.000000Z Pushback",
                "2026-11-23T09:15:00.000000Z Takeoff",
            ]
        );
        let fields = texts(FIELDS, tracking).await;
        for field in ["Network=VATSIM", "Pitch=2.5", "Flaps=1"] {
            assert!(fields.contains(&field.to_string()), "{field}: {fields:?}");
        }
        assert!(!fields.iter().any(|f| f.starts_with("Lights") || f.starts_with("List")), "{fields:?}");

        // `flight_log` when there is no `flight_data`; a route as a list.
        let body = json!({ "flight_log": [{ "event": "Legacy log", "timestamp": 1795428000 }], "route": ["EHAM", "LEKKO", "EGLL"] });
        let (answer, tracking) = fly_and_complete(&app, auth, body).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(texts(LOG, tracking.clone()).await, ["2026-11-23T10:00:00.000000Z Legacy log"]);
        let route: String = sqlx::query_scalar("SELECT route FROM pireps WHERE tracking_id = $1").bind(&tracking).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(route, "EHAM LEKKO EGLL");

        // What no flight sends is refused, naming the field, and nothing is filed.
        // The one rule set of filing, as a Pilot API filing meets it
        // (webhooks::a_pirep_filed_by_hand_emits_flight_submitted_and_counts_only_once_accepted).
        for (body, field) in [
            (json!({ "landing_rate": "soft" }), "landing_rate"),
            (json!({ "flight_time": 48.1 }), "flight_time"),
            (json!({ "fuel_used": -5 }), "fuel_used"),
            (json!({ "landing_rate": -20_001 }), "landing_rate"),
            (json!({ "level": 60_100 }), "level"),
            (json!({ "route": "X".repeat(4_001) }), "route"),
        ] {
            let (answer, tracking) = fly_and_complete(&app, auth, body).await;
            assert_eq!(answer.status(), 422, "{field}");
            let error: Value = answer.json().await.unwrap();
            assert_eq!(keys(&error), set(&["error"]));
            assert!(error["error"].as_str().unwrap().contains(field), "{error}");
            assert_eq!(filed(tracking.clone()).await.4, "in_progress");
            assert_eq!(post(&app, "/flights/cancel", auth, json!({ "uuid": tracking })).await.status(), 200);
        }
        // No tracking id, an unknown one.
        let none = post(&app, "/flights/complete", auth, json!({ "landing_rate": -100 })).await;
        assert_eq!(none.status(), 400);
        assert_eq!(none.json::<Value>().await.unwrap(), json!({ "error": "tracking_id is required" }));
        let unknown = post(&app, "/flights/complete", auth, json!({ "tracking_id": "nope" })).await;
        assert_eq!(unknown.status(), 404);
        assert_eq!(unknown.json::<Value>().await.unwrap(), json!({ "error": "PIREP not found" }));
        // A body that is not JSON is no fields at all, as Laravel reads it.
        let garbage = app.http.post(app.url(&format!("{BASE}/flights/update"))).header("authorization", auth)
            .header("content-type", "application/json").body("{not json").send().await.unwrap();
        assert_eq!(garbage.status(), 400);
        assert_eq!(garbage.json::<Value>().await.unwrap(), json!({ "error": "tracking_id is required" }));
    })
    .await;
}

#[tokio::test]
async fn the_logbook_lists_filters_sorts_and_validates_as_the_add_on() {
    each_backend(|app| async move {
        let auth = format!("Bearer {}", key_for(&app, "demo", "AIR0001", None).await);
        let pilot = "(SELECT id FROM pilots WHERE ident = 'AIR0001' AND org_id = (SELECT id FROM orgs WHERE slug = 'demo'))";
        let count = |states: &str| {
            let sql = format!("SELECT COUNT(*) FROM pireps WHERE pilot_id = {pilot} AND state IN ({states})");
            let db = app.db.clone();
            async move { sqlx::query_scalar::<_, i64>(&sql).fetch_one(db.reader()).await.unwrap() }
        };
        let all = count("'submitted', 'accepted', 'rejected', 'invalidated'").await;
        assert!(all > 3, "the demo pilot has history");
        let page: Value = get(&app, "/logbook/pireps", Some(&auth)).await.json().await.unwrap();
        assert_eq!((page["total"].as_i64(), page["limit"].as_i64()), (Some(all), Some(25)));
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len() as i64, all.min(25));
        let dates: Vec<&str> = items.iter().map(|i| i["date"].as_str().unwrap()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");

        let accepted: Value = get(&app, "/logbook/pireps?status=accepted&limit=100", Some(&auth)).await.json().await.unwrap();
        assert_eq!(accepted["total"].as_i64(), Some(count("'accepted'").await));
        assert!(accepted["items"].as_array().unwrap().iter().all(|i| i["status"] == "accepted"));

        let rates: Value = get(&app, "/logbook/pireps?sort=landing_rate&order=asc&limit=100", Some(&auth)).await.json().await.unwrap();
        let rates: Vec<i64> = rates["items"].as_array().unwrap().iter().map(|i| i["landing_rate_fpm"].as_i64().unwrap()).collect();
        assert!(rates.windows(2).all(|w| w[0] <= w[1]), "{rates:?}");

        // Pages follow one another without overlap.
        let first: Value = get(&app, "/logbook/pireps?limit=2&sort=duration", Some(&auth)).await.json().await.unwrap();
        let next: Value = get(&app, "/logbook/pireps?limit=2&offset=2&sort=duration", Some(&auth)).await.json().await.unwrap();
        let ids = |page: &Value| -> Vec<String> { page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect() };
        assert!(ids(&first).iter().all(|id| !ids(&next).contains(id)));

        // `q`: part of the flight number or an airport's code.
        let icao: String = sqlx::query_scalar(&format!(
            "SELECT d.icao FROM pireps p JOIN airports d ON d.id = p.departure_airport_id WHERE p.pilot_id = {pilot} \
             AND p.state = 'accepted' ORDER BY p.id LIMIT 1"
        ))
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let found: Value = get(&app, &format!("/logbook/pireps?q={icao}&limit=100"), Some(&auth)).await.json().await.unwrap();
        let found = found["items"].as_array().unwrap();
        assert!(!found.is_empty());
        assert!(found.iter().all(|i| i["dep_icao"] == icao.as_str() || i["arr_icao"] == icao.as_str() || i["callsign"].as_str().unwrap().contains(&icao)));

        // Laravel's validation, in phpVMS's problem shape, naming each field.
        let bad = get(&app, "/logbook/pireps?limit=0&sort=altitude&status=maybe&order=up", Some(&auth)).await;
        assert_eq!(bad.status(), 400);
        let bad: Value = bad.json().await.unwrap();
        assert_eq!(bad["type"], "https://phpvms.net/errors/validation-exception");
        assert_eq!((&bad["title"], &bad["status"]), (&json!("Validation Error"), &json!(400)));
        assert_eq!(keys(&bad["errors"]), set(&["limit", "sort", "status", "order"]));
        assert_eq!(bad["errors"]["limit"][0], "The limit field must be at least 1.");
        assert_eq!(get(&app, "/logbook/pireps?limit=abc", Some(&auth)).await.status(), 400);

        let stats: Value = get(&app, "/logbook/stats", Some(&auth)).await.json().await.unwrap();
        assert_eq!(
            keys(&stats),
            set(&["total_flights", "flights_this_month", "hours_flown", "hours_this_year", "distance_nm", "avg_landing_fpm", "rank", "rank_image"])
        );
        let flights: i64 = sqlx::query_scalar(&format!("SELECT flights FROM pilots WHERE id = {pilot}")).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(stats["total_flights"], flights);
        assert!(stats["distance_nm"].is_i64() && stats["avg_landing_fpm"].is_i64() && stats["rank"].is_string() && stats["rank_image"].is_string());
        let distance: f64 = sqlx::query_scalar(&format!("SELECT SUM(distance_nm) FROM pireps WHERE pilot_id = {pilot} AND state = 'accepted'"))
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(stats["distance_nm"], distance as i64);
        crate::acars::refused(get(&app, "/logbook/stats", None).await).await;
    })
    .await;
}
