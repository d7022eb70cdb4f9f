//! The phpVMS 7 core API (`/api`) as ACARS trackers use it: the scenarios
//! of phpVMS's own `tests/ApiTest.php` and `tests/AcarsTest.php`, over HTTP.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{each_backend, TestApp};

struct Tracker<'a> {
    app: &'a TestApp,
    key: String,
}

impl Tracker<'_> {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self
            .app
            .http
            .request(method, self.app.url(&format!("/api{path}")))
            .header("X-API-Key", &self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let response = self.send(method.clone(), path, body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// A phpVMS problem: status, problem+json, the type's slug; the body.
    async fn problem(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        status: u16,
        kind: &str,
    ) -> Value {
        let response = self.send(method.clone(), path, body).await;
        assert_eq!(response.status(), status, "{method} {path}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["type"], format!("https://phpvms.net/errors/{kind}"), "{path}: {body}");
        assert_eq!(body["error"]["status"], status);
        body
    }
}

/// A pilot of the demo airline with no flight in progress, their key, and
/// an aircraft they may fly.
async fn tracker(app: &TestApp) -> (Tracker<'_>, i64, i64, i64, String) {
    let (ident, airline): (String, i64) = sqlx::query_as(
        "SELECT p.ident, p.airline_id FROM pilots p JOIN orgs o ON o.id = p.org_id WHERE o.slug = 'demo' \
         AND p.state = 'active' AND NOT EXISTS (SELECT 1 FROM pireps r WHERE r.pilot_id = p.id \
         AND r.state = 'in_progress') ORDER BY p.id LIMIT 1",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    let aircraft: i64 = sqlx::query_scalar(
        "SELECT a.id FROM aircraft a JOIN subfleets f ON f.id = a.subfleet_id JOIN orgs o ON o.id = a.org_id \
         LEFT JOIN ranks needed ON needed.id = f.min_rank_id \
         WHERE o.slug = 'demo' AND a.status = 'active' AND (needed.id IS NULL OR needed.sort_order <= \
         COALESCE((SELECT r.sort_order FROM pilots p JOIN ranks r ON r.id = p.rank_id WHERE p.ident = $1), -1)) \
         AND NOT EXISTS (SELECT 1 FROM pireps r WHERE r.aircraft_id = a.id AND r.state = 'in_progress') \
         ORDER BY a.id LIMIT 1",
    )
    .bind(&ident)
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    let pilot: i64 = sqlx::query_scalar("SELECT id FROM pilots WHERE ident = $1")
        .bind(&ident)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let key = crate::acars::key_for(app, "demo", &ident, None).await;
    (Tracker { app, key }, pilot, airline, aircraft, ident)
}

fn prefile_body(airline: i64, aircraft: i64) -> Value {
    json!({
        "airline_id": airline, "aircraft_id": aircraft, "dpt_airport_id": "EGLL", "arr_airport_id": "EHAM",
        "flight_number": "6000", "level": 38000, "planned_distance": 400, "planned_flight_time": 120,
        "route": "POINTA POINTB", "source_name": "UnitTest",
    })
}

#[tokio::test]
async fn the_key_is_read_as_api_auth_reads_it() {
    each_backend(|app| async move {
        let (t, pilot, _, _, _) = tracker(&app).await;
        let anonymous = app.http.get(app.url("/api/user")).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        let body: Value = anonymous.json().await.unwrap();
        assert_eq!(body["error"]["code"], "401");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid or missing API key"));
        for (name, value) in [
            ("Authorization", t.key.clone()),
            ("authorization", format!("Bearer {}", t.key)),
            ("x-api-key", t.key.clone()),
            ("X-API-KEY", t.key.clone()),
        ] {
            let response =
                app.http.get(app.url("/api/user")).header(name, value).send().await.unwrap();
            assert_eq!(response.status(), 200, "{name}");
            assert_eq!(response.json::<Value>().await.unwrap()["data"]["id"], pilot);
        }
        for bad in ["invalidKey", ""] {
            let response = app
                .http
                .get(app.url("/api/user"))
                .header("Authorization", bad)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401, "{bad:?}");
            let text = response.text().await.unwrap();
            assert!(!text.contains("invalidKey"), "the key is not echoed");
        }
        // An inactive pilot is refused; the status needs no key.
        let pending = crate::acars::key_for(&app, "demo", "AIR0005", Some("inactive")).await;
        let response =
            app.http.get(app.url("/api/user")).header("X-API-Key", pending).send().await.unwrap();
        assert_eq!(response.status(), 401);
        let status: Value = app.get("/api/status").await.json().await.unwrap();
        assert!(
            !status["version"].as_str().unwrap().is_empty()
                && !status["php"].as_str().unwrap().is_empty()
        );
        let user = t.ok(Method::GET, "/user", None).await;
        assert!(user["data"]["avatar"].as_str().unwrap().starts_with("https://"));
        assert_eq!(user["data"]["state"], 1);
        let airlines = t.ok(Method::GET, "/airlines", None).await;
        assert!(
            airlines["data"].is_array()
                && airlines["links"].is_object()
                && airlines["meta"].is_object()
        );
        assert_eq!(t.ok(Method::GET, "/airports/EGLL", None).await["data"]["icao"], "EGLL");
        t.problem(Method::GET, "/airports/UNK", None, 404, "airport-not-found").await;
    })
    .await;
}

/// `testAcarsUpdates`, `testFilePirepApi`, duplicate prefile, cancel then
/// post, and reads after cancel.
#[tokio::test]
async fn a_tracker_prefiles_reports_files_and_cancels_as_acars_test_does() {
    each_backend(|app| async move {
        let (t, pilot, airline, aircraft, _) = tracker(&app).await;
        // Validation: a missing airline, blank airports.
        let mut missing = prefile_body(airline, aircraft);
        missing.as_object_mut().unwrap().remove("airline_id");
        let body = t.problem(Method::POST, "/pireps/prefile", Some(missing), 400, "validation-exception").await;
        assert!(body["errors"]["airline_id"].is_array());
        let mut blank = prefile_body(airline, aircraft);
        blank["dpt_airport_id"] = Value::Null;
        blank["arr_airport_id"] = Value::Null;
        let body = t.problem(Method::POST, "/pireps/prefile", Some(blank), 400, "validation-exception").await;
        assert_eq!(body["details"], "A departure airport is required, An arrival airport is required");
        let mut unknown = prefile_body(airline, aircraft);
        unknown["arr_airport_id"] = json!("ZZZZ");
        t.problem(Method::POST, "/pireps/prefile", Some(unknown), 404, "airport-not-found").await;

        // Prefile with a status and fields: the status is INI whatever is sent.
        let mut first = prefile_body(airline, aircraft);
        first["status"] = json!("BST");
        first["fields"] = json!({ "custom_field": "custom_value" });
        let pirep = t.ok(Method::POST, "/pireps/prefile", Some(first.clone())).await;
        let id = pirep["data"]["id"].as_str().expect("a string id").to_string();
        for key in ["airline", "arr_airport", "dpt_airport"] {
            assert!(pirep["data"][key].is_object(), "{key}");
        }
        assert_eq!(pirep["data"]["user_id"], pilot);
        assert_eq!(pirep["data"]["fields"]["custom_field"], "custom_value", "the answer shows the fields");
        let again = t.ok(Method::POST, "/pireps/prefile", Some(first)).await;
        assert_eq!(again["data"]["id"], id.as_str(), "the same prefile is the same PIREP");
        let read = t.ok(Method::GET, &format!("/pireps/{id}"), None).await;
        assert_eq!((read["data"]["state"].as_i64(), read["data"]["status"].as_str()), (Some(0), Some("INI")));
        assert_eq!(read["data"]["fields"]["custom_field"], "custom_value");
        assert!(read["data"]["planned_distance"]["nmi"].is_number() && read["data"]["distance"]["mi"].is_number());
        assert!(read["data"]["created_at"].as_str().unwrap().ends_with('Z'));

        // Update: phase, time, distance, fields; a blank airport is refused.
        let update = json!({ "flight_time": 60, "distance": 20, "status": "TKO", "fields": { "custom_field": "custom_value_changed" } });
        t.ok(Method::POST, &format!("/pireps/{id}/update"), Some(update)).await;
        let read = t.ok(Method::GET, &format!("/pireps/{id}"), None).await;
        assert_eq!(read["data"]["fields"]["custom_field"], "custom_value_changed");
        let body = t.problem(Method::POST, &format!("/pireps/{id}/update"), Some(json!({ "dpt_airport_id": "" })), 400, "validation-exception").await;
        assert_eq!(body["details"], "A departure airport is required");

        // Positions: the wrapper is required; a batch with client ids is stored once.
        t.problem(Method::POST, &format!("/pireps/{id}/acars/position"), Some(json!({})), 400, "validation-exception").await;
        let batch: Vec<Value> = (0..6)
            .map(|n| json!({ "id": format!("pos-{n}"), "lat": 51.47 + n as f64 * 0.1, "lon": -0.45 + n as f64 * 0.2,
                "heading": 90, "altitude": 1000 + n * 1000, "gs": 250, "log": if n == 0 { "Takeoff" } else { "" } }))
            .collect();
        for _ in 0..2 {
            let added = t.ok(Method::POST, &format!("/pireps/{id}/acars/position"), Some(json!({ "positions": batch }))).await;
            assert_eq!(added["count"], 6);
        }
        let track = t.ok(Method::GET, &format!("/pireps/{id}/acars/position"), None).await;
        let track = track["data"].as_array().unwrap();
        assert_eq!(track.len(), 6, "a re-sent batch is stored once");
        assert_eq!((track[0]["lat"].as_f64(), track[0]["altitude_agl"].as_f64()), (Some(51.47), Some(1000.0)));
        let read = t.ok(Method::GET, &format!("/pireps/{id}"), None).await;
        assert_eq!((read["data"]["state"].as_i64(), read["data"]["status"].as_str()), (Some(0), Some("ICL")), "positions leave the phase");

        // Logs, events, fields.
        let logs = t.ok(Method::POST, &format!("/pireps/{id}/acars/logs"), Some(json!({ "logs": [{ "log": "Gear up" }] }))).await;
        assert_eq!(logs["count"], 1);
        let events = t.ok(Method::POST, &format!("/pireps/{id}/acars/events"), Some(json!({ "events": [{ "event": "Flaps 0" }] }))).await;
        assert_eq!(events["count"], 1);
        let fields = t.ok(Method::POST, &format!("/pireps/{id}/fields"), Some(json!({ "fields": { "Departure Gate": "G26" } }))).await;
        assert_eq!(fields["data"]["Departure Gate"], "G26");
        let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pirep_log_lines l JOIN pireps p ON p.id = l.pirep_id WHERE p.tracking_id = $1")
            .bind(&id)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(lines, 3, "the position's log, the log and the event");

        // The filed route: replaced by each post, in order; removed.
        let route = |n: usize| -> Vec<Value> {
            (0..n).map(|i| json!({ "order": i + 1, "name": format!("NAV{i}"), "lat": 51.0 + i as f64, "lon": 1.0, "nav_type": 2 })).collect()
        };
        assert_eq!(t.ok(Method::POST, &format!("/pireps/{id}/route"), Some(json!({ "route": route(3) }))).await["count"], 3);
        assert_eq!(t.ok(Method::POST, &format!("/pireps/{id}/route"), Some(json!({ "route": route(2) }))).await["count"], 2);
        let filed_route = t.ok(Method::GET, &format!("/pireps/{id}/route"), None).await;
        let names: Vec<&str> = filed_route["data"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["NAV0", "NAV1"]);
        t.problem(Method::POST, &format!("/pireps/{id}/route"), Some(json!({ "order": 1, "name": "NAVPOINT" })), 400, "validation-exception").await;
        let bad = json!({ "route": [{ "order": 1, "name": "X", "lat": "notanumber", "lon": 34.11 }] });
        t.problem(Method::POST, &format!("/pireps/{id}/route"), Some(bad), 400, "validation-exception").await;
        t.ok(Method::DELETE, &format!("/pireps/{id}/route"), None).await;
        assert_eq!(t.ok(Method::GET, &format!("/pireps/{id}/route"), None).await["data"], json!([]));
        let airports = t.ok(Method::GET, "/airports?limit=5", None).await;
        assert_eq!(airports["data"].as_array().unwrap().len(), 5);
        assert!(airports["meta"]["total"].as_i64().unwrap() > 5);
        assert_eq!(t.ok(Method::GET, &format!("/airlines/{airline}"), None).await["data"]["id"], airline);

        // File: distance and minutes required; filed once.
        t.problem(Method::POST, &format!("/pireps/{id}/file"), Some(json!({})), 400, "validation-exception").await;
        t.problem(Method::POST, &format!("/pireps/{id}/file"), Some(json!({ "flight_time": "1:30", "distance": 400 })), 400, "validation-exception").await;
        let filed = t.ok(Method::POST, &format!("/pireps/{id}/file"), Some(json!({ "flight_time": 130, "fuel_used": 8000.19, "distance": 400 }))).await;
        assert!([1, 2].contains(&filed["data"]["state"].as_i64().unwrap()), "pending, or accepted by the org's rule");
        assert!(filed["data"]["block_on_time"].is_string() && filed["data"]["block_off_time"].is_string());
        assert_eq!(filed["data"]["flight_time"], 130);
        t.problem(Method::POST, &format!("/pireps/{id}/file"), Some(json!({ "flight_time": 130, "distance": 400 })), 400, "pirep-error").await;
        t.problem(Method::PUT, &format!("/pireps/{id}/cancel"), None, 400, "pirep-cancel-not-allowed").await;
        let comment = t.send(Method::POST, &format!("/pireps/{id}/comments"), Some(json!({ "comment": "A comment" }))).await;
        assert_eq!(comment.status(), 201);
        let comments = t.ok(Method::GET, &format!("/pireps/{id}/comments"), None).await;
        assert_eq!(comments["data"].as_array().unwrap().len(), 1);

        // Cancel then post; reads after cancel.
        let second = t.ok(Method::POST, "/pireps/prefile", Some(prefile_body(airline, aircraft))).await;
        let second = second["data"]["id"].as_str().unwrap().to_string();
        assert_ne!(second, id);
        t.ok(Method::POST, &format!("/pireps/{second}/acars/position"), Some(json!({ "positions": [{ "lat": 51.0, "lon": 0.0 }] }))).await;
        let cancelled = t.ok(Method::DELETE, &format!("/pireps/{second}/cancel"), None).await;
        assert_eq!(cancelled["message"], format!("PIREP {second} cancelled"));
        t.problem(Method::POST, &format!("/pireps/{second}/acars/position"), Some(json!({ "positions": [{ "lat": 51.0, "lon": 0.0 }] })), 400, "pirep-cancelled").await;
        t.problem(Method::POST, &format!("/pireps/{second}/update"), Some(json!({ "status": "ENR" })), 400, "pirep-cancelled").await;
        let read = t.ok(Method::GET, &format!("/pireps/{second}"), None).await;
        assert_eq!((read["data"]["state"].as_i64(), read["data"]["status"].as_str()), (Some(3), Some("DX")));
        assert_eq!(t.ok(Method::GET, &format!("/pireps/{second}/acars/position"), None).await["data"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn pireps_and_bids_are_the_pilots_own() {
    each_backend(|app| async move {
        let (t, _, airline, aircraft, ident) = tracker(&app).await;
        let pirep = t.ok(Method::POST, "/pireps/prefile", Some(prefile_body(airline, aircraft))).await;
        let id = pirep["data"]["id"].as_str().unwrap().to_string();
        // Another pilot: phpVMS shows any PIREP to anyone and lets anyone cancel it.
        let someone = if ident == "AIR0001" { "AIR0002" } else { "AIR0001" };
        let other = Tracker { app: &app, key: crate::acars::key_for(&app, "demo", someone, None).await };
        other.problem(Method::GET, &format!("/pireps/{id}"), None, 404, "pirep-not-found").await;
        other.problem(Method::PUT, &format!("/pireps/{id}/cancel"), None, 404, "pirep-not-found").await;
        other.problem(Method::POST, &format!("/pireps/{id}/acars/position"), Some(json!({ "positions": [{ "lat": 1, "lon": 1 }] })), 404, "pirep-not-found").await;
        other.problem(Method::GET, "/pireps/DOESNTEXIST", None, 404, "pirep-not-found").await;
        // One flight at a time.
        let mut another = prefile_body(airline, aircraft);
        another["flight_number"] = json!("6001");
        t.problem(Method::POST, "/pireps/prefile", Some(another), 400, "pirep-error").await;

        // Bids: add, list, remove; another pilot's are not theirs.
        let schedule: i64 = sqlx::query_scalar("SELECT MIN(id) FROM schedules WHERE org_id = (SELECT id FROM orgs WHERE slug = 'demo') AND hidden = 0")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let added = t.ok(Method::PUT, "/user/bids", Some(json!({ "flight_id": schedule }))).await;
        assert_eq!(added["data"]["flight_id"], schedule.to_string());
        assert!(added["data"]["flight"]["flight_number"].is_string());
        let bid = added["data"]["id"].as_i64().unwrap();
        let listed = t.ok(Method::GET, "/user/bids", None).await;
        assert!(listed["data"].as_array().unwrap().iter().any(|b| b["id"] == bid));
        other.problem(Method::DELETE, "/user/bids", Some(json!({ "bid_id": bid })), 404, "not-found").await;
        let left = t.ok(Method::DELETE, "/user/bids", Some(json!({ "flight_id": schedule }))).await;
        assert!(!left["data"].as_array().unwrap().iter().any(|b| b["id"] == bid));
        // Under another org's tracker URL the key does not pass.
        let elsewhere = app.http.get(app.url("/o/demo-school/api/user")).header("X-API-Key", &t.key).send().await.unwrap();
        assert_eq!(elsewhere.status(), 401);
        let own = app.http.get(app.url("/o/demo/api/user")).header("X-API-Key", &t.key).send().await.unwrap();
        assert_eq!(own.status(), 200);
    })
    .await;
}

/// ApiTest's reads: fleet with page-number pagination, aircraft, the
/// user's fleet and PIREPs, flights and their search, news and the live
/// feed (an org's, under its tracker URL only).
#[tokio::test]
async fn the_reads_trackers_and_sites_make() {
    each_backend(|app| async move {
        let (t, pilot, airline, aircraft, _) = tracker(&app).await;
        let page = |n: &str| {
            let t = &t;
            let path = format!("/fleet?limit=1&page={n}");
            async move { t.ok(Method::GET, &path, None).await }
        };
        let (p0, p1, p2) = (page("0").await, page("1").await, page("2").await);
        assert_eq!(p0["data"], p1["data"]);
        assert_ne!(p1["data"], p2["data"]);
        assert_eq!(p1["data"].as_array().unwrap().len(), 1);
        assert!(p1["meta"]["total"].as_i64().unwrap() >= 2 && p1["links"]["next"].is_string());
        // A page far past the end is empty (found by Schemathesis: it overflowed).
        let far = page("100000000000000001").await;
        assert_eq!(far["data"], json!([]));
        assert!(far["meta"]["from"].is_null() && far["links"]["next"].is_null());
        let fleet = t.ok(Method::GET, "/fleet?limit=100", None).await;
        for subfleet in fleet["data"].as_array().unwrap() {
            let id = subfleet["id"].as_i64().unwrap();
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM aircraft WHERE subfleet_id = $1")
                    .bind(id)
                    .fetch_one(app.db.reader())
                    .await
                    .unwrap();
            let planes = subfleet["aircraft"].as_array().unwrap();
            assert_eq!(planes.len() as i64, count);
            assert!(planes.iter().all(|a| a["ident"].is_string()));
        }
        let one = t.ok(Method::GET, &format!("/fleet/aircraft/{aircraft}"), None).await;
        assert_eq!(one["data"]["id"], aircraft);
        assert!(one["data"]["name"].is_string() && one["data"]["ident"].is_string());
        let mine = t.ok(Method::GET, "/user/fleet", None).await;
        assert!(mine["data"].as_array().unwrap().iter().any(|s| s["aircraft"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == aircraft)));

        // The user's PIREPs: not the cancelled ones unless asked.
        let first =
            t.ok(Method::POST, "/pireps/prefile", Some(prefile_body(airline, aircraft))).await;
        let cancelled = first["data"]["id"].as_str().unwrap().to_string();
        t.ok(Method::PUT, &format!("/pireps/{cancelled}/cancel"), None).await;
        let mut second = prefile_body(airline, aircraft);
        second["flight_number"] = json!("6002");
        let flying = t.ok(Method::POST, "/pireps/prefile", Some(second)).await["data"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let listed = t.ok(Method::GET, "/user/pireps?limit=1000", None).await;
        let ids: Vec<&str> =
            listed["data"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert!(ids.contains(&flying.as_str()) && !ids.contains(&cancelled.as_str()));
        assert!(listed["data"].as_array().unwrap().iter().all(|p| p["user_id"] == pilot));
        let in_progress = t.ok(Method::GET, "/user/pireps?state=0", None).await;
        let ids: Vec<&str> = in_progress["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [flying.as_str()]);
        let only_cancelled = t.ok(Method::GET, "/user/pireps?state=3", None).await;
        assert!(only_cancelled["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == cancelled.as_str()));

        // Flights and their search.
        let flights = t.ok(Method::GET, "/flights?limit=5", None).await;
        assert_eq!(flights["data"].as_array().unwrap().len(), 5);
        let first_flight = &flights["data"][0];
        let dep = first_flight["dpt_airport_id"].as_str().unwrap().to_string();
        let found =
            t.ok(Method::GET, &format!("/flights/search?dep_icao={dep}&limit=1000"), None).await;
        assert!(found["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["dpt_airport_id"] == dep.as_str()));
        let id = first_flight["id"].as_str().unwrap();
        assert_eq!(t.ok(Method::GET, &format!("/flights/{id}"), None).await["data"]["id"], id);
        t.problem(Method::GET, "/flights/999999", None, 404, "not-found").await;

        // News and the live feed: the org's under its tracker URL, nothing
        // of any org under the shared one.
        let news: Value = app.get("/o/demo/api/news").await.json().await.unwrap();
        assert!(!news["data"].as_array().unwrap().is_empty());
        let shared: Value = app.get("/api/news").await.json().await.unwrap();
        assert_eq!(shared["data"], json!([]));
        let live: Value = app.get("/o/demo/api/acars").await.json().await.unwrap();
        let live_ids: Vec<&str> =
            live["data"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
        let flying_pirep: i64 = sqlx::query_scalar("SELECT id FROM pireps WHERE tracking_id = $1")
            .bind(&flying)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert!(live_ids.contains(&flying_pirep.to_string().as_str()));
        let school: Value = app.get("/o/demo-school/api/acars").await.json().await.unwrap();
        assert!(!school["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == flying_pirep.to_string().as_str()));
        let geojson: Value = app.get("/o/demo/api/acars/geojson").await.json().await.unwrap();
        assert_eq!(geojson["type"], "FeatureCollection");
        assert!(geojson["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["geometry"]["type"] == "Point"));
        let config = t.ok(Method::GET, "/vmsacars/config", None).await;
        assert_eq!(config["data"]["units"]["distance"], "nmi");
    })
    .await;
}

/// The routes around the flight: users/{id}, one bid, hubs and airport
/// search, distances, a flight's aircraft, route and briefing.
#[tokio::test]
async fn the_routes_around_a_flight() {
    each_backend(|app| async move {
        let (t, pilot, airline, aircraft, ident) = tracker(&app).await;
        let me = t.ok(Method::GET, "/user", None).await;
        assert_eq!(t.ok(Method::GET, "/users/me", None).await, me);
        assert_eq!(t.ok(Method::GET, &format!("/users/{pilot}"), None).await, me);
        // phpVMS shows any user; Airside no other pilot's profile, bids or PIREPs.
        let someone: i64 = sqlx::query_scalar("SELECT MIN(id) FROM pilots WHERE id <> $1")
            .bind(pilot)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        for path in ["", "/bids", "/pireps", "/fleet"] {
            t.problem(Method::GET, &format!("/users/{someone}{path}"), None, 404, "user-not-found").await;
        }
        assert_eq!(t.ok(Method::GET, "/pireps", None).await, t.ok(Method::GET, "/user/pireps", None).await);

        // One bid, the pilot's own.
        let schedule: i64 = sqlx::query_scalar("SELECT MIN(id) FROM schedules WHERE org_id = (SELECT id FROM orgs WHERE slug = 'demo') AND hidden = 0")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let added = t.ok(Method::PUT, "/users/me/bids", Some(json!({ "flight_id": schedule }))).await;
        let bid = added["data"]["id"].as_i64().unwrap();
        assert_eq!(t.ok(Method::GET, &format!("/bids/{bid}"), None).await, added);
        assert_eq!(t.ok(Method::GET, &format!("/user/bids/{bid}"), None).await, added);
        let other_ident = if ident == "AIR0001" { "AIR0002" } else { "AIR0001" };
        let other = Tracker { app: &app, key: crate::acars::key_for(&app, "demo", other_ident, None).await };
        let refused = other.problem(Method::GET, &format!("/bids/{bid}"), None, 404, "bid-not-found").await;
        assert_eq!(refused["bid_id"], bid.to_string());

        // Hubs and airport search: public, the org's under its tracker URL only.
        let public = |path: &str| {
            let url = app.url(path);
            let http = app.http.clone();
            async move {
                let response = http.get(url).send().await.unwrap();
                assert_eq!(response.status(), 200);
                response.json::<Value>().await.unwrap()
            }
        };
        let hubs = public("/o/demo/api/airports/hubs").await;
        let icaos: Vec<&str> = hubs["data"].as_array().unwrap().iter().map(|a| a["icao"].as_str().unwrap()).collect();
        assert!(icaos.contains(&"EGLL") && icaos.contains(&"EHAM"), "{hubs}");
        assert!(hubs["data"].as_array().unwrap().iter().all(|a| a["hub"] == true));
        assert_eq!(public("/api/airports/hubs").await["data"], json!([]));
        let found = public("/o/demo/api/airports/search?search=icao:ams").await;
        assert_eq!(found["data"][0]["icao"], "EHAM");
        assert_eq!(found["data"][0]["iata"], "AMS");
        assert_eq!(found["meta"]["total"], 1);
        let heathrow = t.ok(Method::GET, "/airports/egll", None).await;
        assert_eq!(heathrow["data"]["hub"], true);
        assert_eq!(heathrow["data"]["location"], "London");
        assert_eq!(t.ok(Method::GET, "/airports/EGLL/lookup", None).await, heathrow);

        // Distance: EGLL to EHAM is about 200 nmi.
        let d = t.ok(Method::GET, "/airports/EGLL/distance/EHAM", None).await;
        let nmi = d["data"]["distance"]["nmi"].as_f64().unwrap();
        assert!((195.0..205.0).contains(&nmi), "{d}");
        assert_eq!(d["data"]["fromIcao"], "EGLL");
        t.problem(Method::GET, "/airports/EGLL/distance/ZZZZ", None, 404, "airport-not-found").await;

        // A flight's aircraft: a bare list of those the pilot may fly it with.
        let allowed = t.ok(Method::GET, &format!("/flights/{schedule}/aircraft"), None).await;
        let list = allowed.as_array().expect("a bare list");
        let eligible: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT a.id FROM aircraft a JOIN schedule_subfleets ss ON ss.subfleet_id = a.subfleet_id \
             WHERE ss.schedule_id = $1 AND a.status = 'active'",
        )
        .bind(schedule)
        .fetch_all(app.db.reader())
        .await
        .unwrap();
        assert!(list.iter().all(|a| eligible.contains(&a["id"].as_i64().unwrap())), "{allowed}");
        assert!(list.iter().all(|a| a["registration"].is_string() && a["status"] == "A"));
        assert_eq!(t.ok(Method::GET, &format!("/flights/{schedule}/route"), None).await, json!({ "data": [] }));
        t.problem(Method::GET, "/flights/999999999/route", None, 404, "not-found").await;
        t.problem(Method::GET, &format!("/flights/{schedule}/briefing"), None, 404, "not-found").await;
        let one = t.ok(Method::GET, &format!("/subfleet/aircraft/{aircraft}"), None).await;
        assert_eq!(one, t.ok(Method::GET, &format!("/fleet/aircraft/{aircraft}"), None).await);
        assert_eq!(public("/api/").await["name"], "Airside");
        let airlines = t.ok(Method::GET, "/airlines?limit=1", None).await;
        assert_eq!(airlines["data"][0]["id"], airline);
        assert_eq!(airlines["meta"]["per_page"], 1);

        // Whole lists are whole: 320 more aircraft (past any page size) all show.
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 320) \
             INSERT INTO aircraft (org_id, subfleet_id, registration, name, icao, created_at) \
             SELECT s.org_id, s.id, 'G-X' || n.i, 'Extra', 'A320', '2026-01-01T00:00:00Z' \
             FROM n, (SELECT MIN(id) AS id, MIN(org_id) AS org_id FROM subfleets \
                      WHERE org_id = (SELECT id FROM orgs WHERE slug = 'demo')) s",
        )
        .execute(app.db.writer())
        .await
        .unwrap();
        let stored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM aircraft WHERE org_id = (SELECT id FROM orgs WHERE slug = 'demo')",
        )
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert!(stored > 320);
        for path in ["/fleet", "/subfleet"] {
            let fleet = t.ok(Method::GET, path, None).await;
            let shown: usize =
                fleet["data"].as_array().unwrap().iter().map(|s| s["aircraft"].as_array().unwrap().len()).sum();
            assert_eq!(shown as i64, stored, "{path}");
        }
    })
    .await;
}

/// The document at `/docs/phpvms` lists every route served, under the
/// shared and an org's tracker URL.
#[tokio::test]
async fn every_documented_route_is_served() {
    let app = TestApp::spawn(&crate::harness::Backend::Sqlite).await;
    let doc: Value = app.get("/docs/phpvms/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(app.get("/docs/phpvms").await.status(), 200);
    let key = crate::acars::key_for(&app, "demo", "AIR0001", None).await;
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            for base in ["/api", "/o/demo/api"] {
                let url = app.url(&format!(
                    "{base}{}",
                    path.trim_start_matches("/api")
                        .replace("{id}", "1")
                        .replace("{bid}", "1")
                        .replace("{icao}", "EGLL")
                        .replace("{to}", "EHAM")
                ));
                let response = app
                    .http
                    .request(method.clone(), url)
                    .header("X-API-Key", &key)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let body = response.text().await.unwrap();
                assert!(
                    status != 405 && !body.contains("no route"),
                    "{method} {base}{path}: {status} {body}"
                );
            }
            operations += 1;
        }
    }
    assert!(operations >= 40, "{operations}");
}
