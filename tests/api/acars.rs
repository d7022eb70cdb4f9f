//! The ACARS API (Stratos contract): handshake, CORS, who may call, and the
//! shapes of the profile, statistics and reference data.

use std::collections::BTreeSet;

use airside::storage::orgs;
use reqwest::Method;
use serde_json::Value;

use crate::harness::{each_backend, TestApp};

pub const BASE: &str = "/api/stratos";

/// A fresh ACARS key for the pilot `ident` of `slug`, optionally in `state`.
pub async fn key_for(app: &TestApp, slug: &str, ident: &str, state: Option<&str>) -> String {
    let org = orgs::by_slug(&app.db, slug).await.unwrap().unwrap().id;
    let pilot: i64 = sqlx::query_scalar("SELECT id FROM pilots WHERE org_id = $1 AND ident = $2")
        .bind(org.0)
        .bind(ident)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    if let Some(state) = state {
        sqlx::query("UPDATE pilots SET state = $1 WHERE id = $2")
            .bind(state)
            .bind(pilot)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let key = airside::storage::pilots::create_api_key(
        &mut tx,
        org,
        airside::domain::PilotId(pilot),
        "test",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    key.expose().to_string()
}

pub async fn get(app: &TestApp, path: &str, auth: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(app.url(&format!("{BASE}{path}")));
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    request.send().await.unwrap()
}

pub fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

pub fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The module's auth refusal, exactly.
pub async fn refused(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "success": false, "error": "Invalid Token" }));
}

/// The module's CORS headers, on every answer.
const ALLOWED_HEADERS: &str = "Content-Type, Access-Control-Allow-Headers, Authorization, \
    X-Requested-With, X-Stratos-Version, User-Agent";

fn has_module_headers(response: &reqwest::Response) {
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(headers["access-control-allow-methods"], "GET, POST, PUT, DELETE, OPTIONS, HEAD");
    assert_eq!(headers["access-control-allow-headers"], ALLOWED_HEADERS);
    assert_eq!(headers["content-type"], "application/json");
}

#[tokio::test]
async fn the_handshake_and_cors_answer_anyone() {
    each_backend(|app| async move {
        let hello = get(&app, "/", None).await;
        assert_eq!(hello.status(), 200);
        let body: Value = hello.json().await.unwrap();
        // The module version whose contract this is.
        assert_eq!(body, serde_json::json!({ "api_version": "0.3.6", "handler": "Stratos" }));
        let head = app.http.head(app.url(&format!("{BASE}/"))).send().await.unwrap();
        assert_eq!(head.status(), 200);
        // As the module's StratosHeaders: OPTIONS and HEAD on every route
        // answer 200 with `{}` before any auth, with the CORS headers.
        for base in [BASE.to_string(), format!("/o/demo{BASE}")] {
            for path in [
                "/pilot/login",
                "/pilot/verify",
                "/flights/bookings/1/aircraft",
                "/flights/update",
                "/flights/complete",
                "/flights/cancel",
                "/logbook/stats",
            ] {
                for method in [Method::OPTIONS, Method::HEAD] {
                    let answer = app
                        .http
                        .request(method.clone(), app.url(&format!("{base}{path}")))
                        .header("origin", "app://stratos")
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(answer.status(), 200, "{method} {base}{path}");
                    has_module_headers(&answer);
                    let body = answer.text().await.unwrap();
                    let expected = if method == Method::HEAD { "" } else { "{}" };
                    assert_eq!(body, expected, "{method} {path}");
                }
            }
        }
        let refusal = get(&app, "/pilot/verify", None).await;
        has_module_headers(&refusal);
        refused(refusal).await;

        let preflight = app
            .http
            .request(Method::OPTIONS, app.url(&format!("{BASE}/pilot/verify")))
            .header("origin", "app://stratos")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization, x-stratos-version")
            .send()
            .await
            .unwrap();
        assert!(preflight.status().is_success());
        assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
        has_module_headers(&preflight);
        let simple = app
            .http
            .get(app.url(&format!("{BASE}/")))
            .header("origin", "app://stratos")
            .send()
            .await
            .unwrap();
        assert_eq!(simple.headers()["access-control-allow-origin"], "*");
    })
    .await;
}

#[tokio::test]
async fn only_active_and_on_leave_pilots_with_a_real_key_get_in() {
    each_backend(|app| async move {
        let verify = |auth: Option<String>| {
            let app = &app;
            async move { get(app, "/pilot/verify", auth.as_deref()).await }
        };
        refused(verify(None).await).await;
        refused(verify(Some("Bearer ".into())).await).await;
        refused(verify(Some("Bearer    ".into())).await).await;
        let active = key_for(&app, "demo", "AIR0001", None).await;
        refused(verify(Some(format!("Basic {active}"))).await).await;
        refused(verify(Some("Bearer apk_unknown".into())).await).await;
        assert_eq!(verify(Some(format!("Bearer {active}"))).await.status(), 200);
        let on_leave = key_for(&app, "demo", "AIR0003", Some("on_leave")).await;
        assert_eq!(verify(Some(format!("Bearer {on_leave}"))).await.status(), 200);
        for state in ["banned", "inactive"] {
            let key = key_for(&app, "demo", "AIR0004", Some(state)).await;
            refused(verify(Some(format!("Bearer {key}"))).await).await;
        }
        // OAuth mode: a Pilot API token with pilot.flights.
        let pilot_app = crate::pilot_flow::pilot_app(&app, true).await;
        let (token, _, _) = crate::pilot_flow::tokens_for_air0001(&app, &pilot_app).await;
        let me = verify(Some(format!("Bearer {token}"))).await;
        assert_eq!(me.status(), 200);
        assert_eq!(me.json::<Value>().await.unwrap()["pilot_id"], "AIR0001");
    })
    .await;
}

#[tokio::test]
async fn profile_statistics_and_data_have_the_module_shapes_and_stay_in_the_org() {
    each_backend(|app| async move {
        let key = format!("Bearer {}", key_for(&app, "demo", "AIR0001", None).await);
        let me: Value = get(&app, "/pilot/verify", Some(&key)).await.json().await.unwrap();
        assert_eq!(
            keys(&me),
            set(&["db_id", "pilot_id", "first_name", "last_name", "email", "rank", "rank_image", "rank_level", "avatar"])
        );
        assert_eq!((me["pilot_id"].as_str(), me["email"].as_str()), (Some("AIR0001"), Some("air0001@demo.test")));
        // Types and values as the module sends them.
        assert!(me["db_id"].is_i64() && me["first_name"].is_string() && me["rank"].is_string());
        let below: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM ranks r WHERE r.org_id = p.org_id AND r.min_hours < \
             (SELECT min_hours FROM ranks WHERE id = p.rank_id)) FROM pilots p \
             WHERE p.ident = 'AIR0001' AND p.org_id = (SELECT id FROM orgs WHERE slug = 'demo')",
        )
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert_eq!(me["rank_level"].as_i64(), Some(below));
        let digest = {
            use md5::Digest;
            hex::encode(md5::Md5::digest(b"air0001@demo.test"))
        };
        assert_eq!(me["avatar"], format!("https://www.gravatar.com/avatar/{digest}?d=mp"));
        let stats: Value = get(&app, "/pilot/statistics", Some(&key)).await.json().await.unwrap();
        assert_eq!(
            keys(&stats),
            set(&["hours_flown", "flights_flown", "average_landing_rate", "pireps_filed", "total_pay", "flight_streak", "location", "ff_level", "ff_status", "rank_image"])
        );
        let org = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let accepted: i64 = sqlx::query_scalar(
            "SELECT flights FROM pilots WHERE org_id = $1 AND ident = 'AIR0001'",
        )
        .bind(org.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        // Counts as strings, as the module casts them; the rest numbers.
        assert_eq!(stats["flights_flown"], accepted.to_string());
        assert!(stats["pireps_filed"].as_str().unwrap().parse::<i64>().unwrap() >= accepted);
        for field in ["total_pay", "flight_streak", "ff_level", "ff_status"] {
            assert_eq!(stats[field], 0, "{field}");
        }
        assert!(stats["hours_flown"].is_number() && stats["average_landing_rate"].is_number());
        assert!(stats["location"].is_string());

        let fleet: Value = get(&app, "/data/aircraft", Some(&key)).await.json().await.unwrap();
        let fleet = fleet.as_array().unwrap();
        assert!(!fleet.is_empty());
        assert_eq!(
            keys(&fleet[0]),
            set(&["id", "code", "name", "registration", "maximum_passengers", "maximum_cargo", "minimum_rank"])
        );
        let airports: Value = get(&app, "/data/airports", Some(&key)).await.json().await.unwrap();
        let airports = airports.as_array().unwrap();
        assert_eq!(keys(&airports[0]), set(&["id", "code", "name", "latitude", "longitude"]));
        // phpVMS keys airports by ICAO code: bookings' airports join on it.
        assert!(airports.iter().all(|a| a["id"] == a["code"] && a["id"].is_string()));
        assert!(airports.iter().all(|a| a["latitude"].is_f64() && a["longitude"].is_number()));
        assert!(fleet.iter().all(|a| a["id"].is_i64() && a["maximum_passengers"].is_i64()
            && a["maximum_cargo"].is_i64() && a["minimum_rank"].is_string()));
        let news: Value = get(&app, "/data/announcements", Some(&key)).await.json().await.unwrap();
        let news = news.as_array().unwrap();
        assert!(!news.is_empty() && news.len() <= 10);
        assert_eq!(keys(&news[0]), set(&["id", "title", "subtitle", "body", "link", "image", "publish_date"]));
        let dates: Vec<&str> = news.iter().map(|n| n["publish_date"].as_str().unwrap()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
        assert!(dates.iter().all(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()), "{dates:?}");
        for item in news {
            let id: i64 = item["id"].as_str().unwrap().parse().unwrap();
            let body: String = sqlx::query_scalar("SELECT body FROM announcements WHERE id = $1")
                .bind(id)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
            let subtitle = item["subtitle"].as_str().unwrap();
            assert!(!subtitle.is_empty() && subtitle.chars().count() <= 200 && !subtitle.contains('<'));
            assert!(body.contains(&subtitle[..subtitle.len().min(12)]), "{subtitle} / {body}");
        }

        // The school's pilot sees the school's data only.
        let school_ident: String = sqlx::query_scalar(
            "SELECT MIN(ident) FROM pilots WHERE org_id = (SELECT id FROM orgs WHERE slug = 'demo-school')",
        )
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let school = format!("Bearer {}", key_for(&app, "demo-school", &school_ident, None).await);
        let theirs: Value = get(&app, "/data/aircraft", Some(&school)).await.json().await.unwrap();
        let ours: BTreeSet<i64> = fleet.iter().map(|a| a["id"].as_i64().unwrap()).collect();
        assert!(theirs.as_array().unwrap().iter().all(|a| !ours.contains(&a["id"].as_i64().unwrap())));
    })
    .await;
}

#[tokio::test]
async fn bookings_and_their_eligible_aircraft_are_the_pilots_own() {
    each_backend(|app| async move {
        let key = format!("Bearer {}", key_for(&app, "demo", "AIR0001", None).await);
        let list: Value = get(&app, "/flights/bookings", Some(&key)).await.json().await.unwrap();
        let list = list.as_array().unwrap();
        assert!(!list.is_empty());
        assert_eq!(
            keys(&list[0]),
            set(&["bid_id", "number", "code", "departure_airport", "arrival_airport", "route", "flight_level", "distance", "departure_time", "arrival_time", "flight_time", "days_of_week", "type", "aircraft", "aircraft_changeable", "notes"])
        );
        let org = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let own: BTreeSet<i64> = sqlx::query_scalar(
            "SELECT b.id FROM bookings b JOIN pilots p ON p.id = b.pilot_id WHERE b.org_id = $1 AND p.ident = 'AIR0001'",
        )
        .bind(org.0)
        .fetch_all(app.db.reader())
        .await
        .unwrap()
        .into_iter()
        .collect();
        let listed: BTreeSet<i64> = list.iter().map(|b| b["bid_id"].as_i64().unwrap()).collect();
        assert_eq!(listed, own);
        assert!(list.iter().any(|b| b["aircraft"].is_i64()), "a booking with its aircraft pinned");
        let airports: Value = get(&app, "/data/airports", Some(&key)).await.json().await.unwrap();
        let airport_ids: BTreeSet<&str> =
            airports.as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
        for b in list {
            assert!(b["route"].is_array() && (b["type"] == "P" || b["type"] == "C"), "{b}");
            assert!(b["number"].is_i64() && b["flight_level"].is_i64() && b["bid_id"].is_i64(), "{b}");
            assert!(b["distance"].is_number() && b["flight_time"].is_number(), "{b}");
            let days = b["days_of_week"].as_i64().unwrap();
            assert!((1..=127).contains(&days), "phpVMS's day bits: {b}");
            assert!(b["aircraft"].is_null() || b["aircraft"].is_i64());
            assert_eq!(b["aircraft_changeable"], true);
            assert!(b["notes"].is_string() && b["code"].is_string());
            for end in ["departure_airport", "arrival_airport"] {
                assert!(airport_ids.contains(b[end].as_str().unwrap()), "{end} joins /data/airports");
            }
        }
        let every_day: Vec<&Value> = list.iter().filter(|b| b["days_of_week"] == 127).collect();
        assert!(!every_day.is_empty(), "the demo's daily flights are 127 = Monday..Sunday");

        let bid = list[0]["bid_id"].as_i64().unwrap();
        let eligible = get(&app, &format!("/flights/bookings/{bid}/aircraft"), Some(&key)).await;
        assert_eq!(eligible.status(), 200);
        let eligible: Value = eligible.json().await.unwrap();
        assert_eq!(keys(&eligible), set(&["changeable", "aircraft"]));
        let aircraft = eligible["aircraft"].as_array().unwrap();
        assert!(!aircraft.is_empty());
        assert_eq!(keys(&aircraft[0]), set(&["id", "name", "registration", "icao", "subfleet"]));
        // Every one belongs to a subfleet the schedule allows.
        let allowed: BTreeSet<i64> = sqlx::query_scalar(
            "SELECT a.id FROM aircraft a JOIN schedule_subfleets ss ON ss.subfleet_id = a.subfleet_id \
             JOIN bookings b ON b.schedule_id = ss.schedule_id WHERE b.id = $1",
        )
        .bind(bid)
        .fetch_all(app.db.reader())
        .await
        .unwrap()
        .into_iter()
        .collect();
        assert!(aircraft.iter().all(|a| allowed.contains(&a["id"].as_i64().unwrap())));

        let others: i64 = sqlx::query_scalar(
            "SELECT MIN(b.id) FROM bookings b JOIN pilots p ON p.id = b.pilot_id WHERE b.org_id = $1 AND p.ident <> 'AIR0001'",
        )
        .bind(org.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let theirs = get(&app, &format!("/flights/bookings/{others}/aircraft"), Some(&key)).await;
        assert_eq!(theirs.status(), 403);
        let forbidden = serde_json::json!({ "error": "This bid does not belong to you" });
        assert_eq!(theirs.json::<Value>().await.unwrap(), forbidden);
        for bid in ["999999", "abc"] {
            let unknown = get(&app, &format!("/flights/bookings/{bid}/aircraft"), Some(&key)).await;
            assert_eq!(unknown.status(), 404);
            assert_eq!(unknown.json::<Value>().await.unwrap(), serde_json::json!({ "error": "Bid not found" }));
        }
        refused(get(&app, &format!("/flights/bookings/{bid}/aircraft"), None).await).await;
    })
    .await;
}

#[tokio::test]
async fn schedule_search_returns_exactly_the_matching_schedules() {
    each_backend(|app| async move {
        let key = format!("Bearer {}", key_for(&app, "demo", "AIR0001", None).await);
        let org = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let expected = |sql: &'static str| {
            let db = app.db.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .bind(org.0)
                    .fetch_all(db.reader())
                    .await
                    .unwrap()
                    .into_iter()
                    .collect::<Vec<i64>>()
            }
        };
        let ids = |found: &Value| -> Vec<i64> {
            // phpVMS flight ids are strings.
            found.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().parse().unwrap()).collect()
        };
        let departure: String = sqlx::query_scalar(
            "SELECT d.icao FROM schedules s JOIN airports d ON d.id = s.departure_airport_id \
             WHERE s.org_id = $1 GROUP BY d.icao ORDER BY COUNT(*) DESC, d.icao LIMIT 1",
        )
        .bind(org.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let path = format!("/flights/search?departure_airport={departure}&limit=100");
        let found: Value = get(&app, &path, Some(&key)).await.json().await.unwrap();
        let want: Vec<i64> = sqlx::query_scalar(
            "SELECT s.id FROM schedules s JOIN airports d ON d.id = s.departure_airport_id \
             WHERE s.org_id = $1 AND s.active = 1 AND d.icao = $2 ORDER BY s.id",
        )
        .bind(org.0)
        .bind(&departure)
        .fetch_all(app.db.reader())
        .await
        .unwrap();
        assert!(!want.is_empty());
        assert_eq!(ids(&found), want);
        let entry = &found[0];
        assert_eq!(
            keys(entry),
            set(&["id", "number", "code", "departure_airport", "arrival_airport", "flight_level", "route", "distance", "departure_time", "arrival_time", "flight_time", "days_of_week", "type", "aircraft", "notes"])
        );
        assert_eq!(entry["departure_airport"], departure.as_str());
        for entry in found.as_array().unwrap() {
            assert!(entry["route"].is_string() && entry["number"].is_i64(), "{entry}");
            assert_eq!(entry["days_of_week"], serde_json::json!([]));
            // The name of the first aircraft the pilot may fly it with.
            let schedule: i64 = entry["id"].as_str().unwrap().parse().unwrap();
            let first: Option<String> = sqlx::query_scalar(
                "SELECT a.name FROM aircraft a JOIN schedule_subfleets ss ON ss.subfleet_id = a.subfleet_id \
                 WHERE ss.schedule_id = $1 AND a.status = 'active' ORDER BY a.registration LIMIT 1",
            )
            .bind(schedule)
            .fetch_optional(app.db.reader())
            .await
            .unwrap();
            assert!(entry["aircraft"].is_null() || entry["aircraft"].is_string(), "{entry}");
            if entry["aircraft"].is_string() {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT a.name FROM aircraft a JOIN schedule_subfleets ss ON ss.subfleet_id = a.subfleet_id WHERE ss.schedule_id = $1",
                )
                .bind(schedule)
                .fetch_all(app.db.reader())
                .await
                .unwrap();
                assert!(names.contains(&entry["aircraft"].as_str().unwrap().to_string()), "{entry}");
            }
            assert!(first.is_some() || entry["aircraft"].is_null());
        }
        // An airport the org does not have does not filter (the module's rule).
        let everything = expected("SELECT id FROM schedules WHERE org_id = $1 AND active = 1 ORDER BY id LIMIT 100").await;
        let unknown: Value = get(&app, "/flights/search?departure_airport=ZZZZ", Some(&key)).await.json().await.unwrap();
        assert_eq!(ids(&unknown), everything);
        let default: Value = get(&app, "/flights/search", Some(&key)).await.json().await.unwrap();
        assert_eq!(ids(&default), everything, "100 by default");
        // `aircraft` is a subfleet id.
        let subfleet: i64 = sqlx::query_scalar("SELECT MIN(subfleet_id) FROM schedule_subfleets WHERE org_id = $1")
            .bind(org.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let by_subfleet: Value = get(&app, &format!("/flights/search?aircraft={subfleet}"), Some(&key)).await.json().await.unwrap();
        let want: Vec<i64> = sqlx::query_scalar(
            "SELECT s.id FROM schedules s WHERE s.org_id = $1 AND s.active = 1 AND EXISTS \
             (SELECT 1 FROM schedule_subfleets ss WHERE ss.schedule_id = s.id AND ss.subfleet_id = $2) ORDER BY s.id LIMIT 100",
        )
        .bind(org.0)
        .bind(subfleet)
        .fetch_all(app.db.reader())
        .await
        .unwrap();
        assert!(!want.is_empty() && want.len() < everything.len());
        assert_eq!(ids(&by_subfleet), want);

        // Flight time in hours, distance in nm; both bounds inclusive.
        let path = "/flights/search?minimum_flight_time=1&maximum_flight_time=2&maximum_distance=600&limit=100";
        let found: Value = get(&app, path, Some(&key)).await.json().await.unwrap();
        let want = expected(
            "SELECT id FROM schedules WHERE org_id = $1 AND active = 1 AND flight_minutes >= 60 \
             AND flight_minutes <= 120 AND distance_nm <= 600 ORDER BY id",
        )
        .await;
        assert_eq!(ids(&found), want);

        let three: Value = get(&app, "/flights/search?limit=3", Some(&key)).await.json().await.unwrap();
        assert_eq!(three.as_array().unwrap().len(), 3);
        let capped: Value = get(&app, "/flights/search?limit=5000", Some(&key)).await.json().await.unwrap();
        assert!(capped.as_array().unwrap().len() <= 100);
        // A bound that is not a number is 0, as PHP's floatval reads it.
        let far: Value = get(&app, "/flights/search?minimum_distance=far", Some(&key)).await.json().await.unwrap();
        assert_eq!(ids(&far), everything);
    })
    .await;
}

pub async fn post(app: &TestApp, path: &str, auth: &str, body: Value) -> reqwest::Response {
    app.http
        .post(app.url(&format!("{BASE}{path}")))
        .header("authorization", auth)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn change_aircraft_and_unbook_act_on_own_bookings_only() {
    each_backend(|app| async move {
        let key = format!("Bearer {}", key_for(&app, "demo", "AIR0001", None).await);
        let list: Value = get(&app, "/flights/bookings", Some(&key)).await.json().await.unwrap();
        let bid = list[0]["bid_id"].as_i64().unwrap();
        let path = format!("/flights/bookings/{bid}/aircraft");
        let eligible: Value = get(&app, &path, Some(&key)).await.json().await.unwrap();
        let choice = eligible["aircraft"].as_array().unwrap().last().unwrap()["id"].as_i64().unwrap();

        let changed = post(&app, "/flights/change-aircraft", &key, serde_json::json!({ "bid_id": bid, "aircraft_id": choice })).await;
        assert_eq!(changed.status(), 200);
        let changed: Value = changed.json().await.unwrap();
        assert_eq!((changed["bid_id"].as_i64(), changed["aircraft"].as_i64()), (Some(bid), Some(choice)));
        let stored: Option<i64> = sqlx::query_scalar("SELECT aircraft_id FROM bookings WHERE id = $1")
            .bind(bid)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(stored, Some(choice));

        // Not eligible, missing fields, another pilot's booking, unknown booking.
        let school_aircraft: i64 = sqlx::query_scalar(
            "SELECT MIN(id) FROM aircraft WHERE org_id = (SELECT id FROM orgs WHERE slug = 'demo-school')",
        )
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let refused = post(&app, "/flights/change-aircraft", &key, serde_json::json!({ "bid_id": bid, "aircraft_id": school_aircraft })).await;
        assert_eq!(refused.status(), 422);
        let unavailable = serde_json::json!({ "message": "This aircraft isn't available for this flight" });
        assert_eq!(refused.json::<Value>().await.unwrap(), unavailable);
        let missing = post(&app, "/flights/change-aircraft", &key, serde_json::json!({ "bid_id": bid })).await;
        assert_eq!(missing.status(), 422);
        let required = serde_json::json!({ "message": "bid_id and aircraft_id are required" });
        assert_eq!(missing.json::<Value>().await.unwrap(), required);
        // Ids as text, as a form would send them.
        let as_text = serde_json::json!({ "bid_id": bid.to_string(), "aircraft_id": choice.to_string() });
        assert_eq!(post(&app, "/flights/change-aircraft", &key, as_text).await.status(), 200);
        let others: i64 = sqlx::query_scalar(
            "SELECT MIN(b.id) FROM bookings b JOIN pilots p ON p.id = b.pilot_id \
             WHERE p.ident <> 'AIR0001' AND b.org_id = (SELECT id FROM orgs WHERE slug = 'demo')",
        )
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        let theirs = post(&app, "/flights/change-aircraft", &key, serde_json::json!({ "bid_id": others, "aircraft_id": choice })).await;
        assert_eq!(theirs.status(), 403);
        assert_eq!(theirs.json::<Value>().await.unwrap(), serde_json::json!({ "error": "This bid does not belong to you" }));
        // Another pilot's booking is not the caller's to drop (the module finds none).
        assert_eq!(post(&app, "/flights/unbook", &key, serde_json::json!({ "bid_id": others })).await.status(), 404);
        assert_eq!(post(&app, "/flights/unbook", &key, serde_json::json!({ "bid_id": 999_999 })).await.status(), 404);

        let unbooked = post(&app, "/flights/unbook", &key, serde_json::json!({ "bid_id": bid })).await;
        assert_eq!(unbooked.status(), 200);
        assert_eq!(unbooked.json::<Value>().await.unwrap(), serde_json::json!({ "status": 200 }));
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE id = $1")
            .bind(bid)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(left, 0);
        assert_eq!(post(&app, "/flights/unbook", &key, serde_json::json!({ "bid_id": bid })).await.status(), 404);
        // The other pilot's booking is still there.
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE id = $1")
            .bind(others)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(kept, 1);
    })
    .await;
}
