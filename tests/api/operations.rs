//! The Operations API: every route's token, org and scope rules, taken from
//! the router itself, and the behaviour behind them.

use std::collections::BTreeSet;

use airside::config::Config;
use airside::domain::scope::{Scope, OPERATIONS};
use airside::domain::OrgId;
use airside::state::AppState;
use airside::storage::{orgs, Db};
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{each_backend, problem, TestApp};
use crate::ops_helpers::{call, ops_client, token};

async fn id_where(db: &Db, org: OrgId, table: &str, condition: &str) -> i64 {
    let sql = format!("SELECT MIN(id) FROM {table} WHERE org_id = $1 AND {condition}");
    let id: Option<i64> =
        sqlx::query_scalar(&sql).bind(org.0).fetch_one(db.reader()).await.unwrap();
    id.unwrap_or_else(|| panic!("no {table} row where {condition}"))
}

async fn ids_of(db: &Db, org: OrgId, table: &str) -> BTreeSet<i64> {
    sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE org_id = $1"))
        .bind(org.0)
        .fetch_all(db.reader())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Inserts a row of the demo org through the API under test's own storage.
async fn insert(
    db: &Db,
    org: OrgId,
    table: &str,
    row: &[(&'static str, airside::storage::resource::Value)],
) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let table: airside::storage::Table = table.parse().unwrap();
    let id = airside::storage::resource::insert(&mut tx, org, table, row).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// What the other org's token must get.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cross {
    /// The id is not theirs: 404.
    NotFound,
    /// The body names rows that are not theirs: 422.
    Invalid,
    /// A list: 200, with none of the demo org's rows of `table`.
    NoLeak(&'static str),
    /// Creates in their own org; nothing of the demo org is involved.
    OwnOrg,
    /// A summary of their own org: 200 (what it counts is checked in
    /// `statistics_count_the_orgs_own_rows`).
    Summary,
}

struct School {
    compliance: i64,
    program: i64,
    item: i64,
    maintenance: i64,
    work_order: i64,
    session: i64,
}

struct Fixture {
    org: OrgId,
    airline: i64,
    subfleet: i64,
    aircraft: i64,
    airport: i64,
    other_airport: i64,
    hub: i64,
    rank: i64,
    badge: i64,
    route: i64,
    booking: i64,
    pirep: i64,
    pilot: i64,
    banned: i64,
    to_accept: i64,
    to_reject: i64,
    to_invalidate: i64,
    registrations: (i64, i64),
    transfers: (i64, i64),
    event: i64,
    tour: i64,
    roster: i64,
    focus: i64,
    goal: i64,
    challenge: i64,
    /// Flight school: (compliance record, program, training item, maintenance
    /// item, work order, planning session).
    school: School,
    /// Rows nothing refers to, for the DELETE routes.
    spare: std::collections::HashMap<&'static str, i64>,
}

async fn fixture(app: &TestApp) -> Fixture {
    use airside::storage::resource::Value::{Int, Text};
    let db = &app.db;
    let org = orgs::by_slug(db, "demo").await.unwrap().unwrap().id;
    let any = |table: &'static str| id_where(db, org, table, "1 = 1");
    let now = airside::domain::Timestamp::now().to_db();
    let later = airside::domain::Timestamp(chrono::Utc::now() + chrono::Duration::days(1)).to_db();
    let airline = any("airlines").await;
    let subfleet = any("subfleets").await;
    let airport = any("airports").await;
    let mut spare = std::collections::HashMap::new();
    let spare_airport = insert(
        db,
        org,
        "airports",
        &[
            ("icao", Text("ZZZZ".into())),
            ("name", Text("Spare".into())),
            ("latitude", airside::storage::resource::Value::Float(1.0)),
            ("longitude", airside::storage::resource::Value::Float(1.0)),
            ("created_at", Text(now.clone())),
        ],
    )
    .await;
    spare.insert("airports", spare_airport);
    let amsterdam = id_where(db, org, "airports", "icao = 'EHAM'").await;
    spare.insert(
        "fleet",
        insert(
            db,
            org,
            "subfleets",
            &[
                ("airline_id", Int(airline)),
                ("type_code", Text("DH8D".into())),
                ("name", Text("Spare".into())),
                ("created_at", Text(now.clone())),
            ],
        )
        .await,
    );
    spare.insert(
        "aircraft",
        insert(
            db,
            org,
            "aircraft",
            &[
                ("subfleet_id", Int(subfleet)),
                ("registration", Text("G-SPAR".into())),
                ("name", Text("Spare".into())),
                ("icao", Text("A320".into())),
                ("created_at", Text(now.clone())),
            ],
        )
        .await,
    );
    spare.insert(
        "fleet-aircraft",
        insert(
            db,
            org,
            "aircraft",
            &[
                ("subfleet_id", Int(subfleet)),
                ("registration", Text("G-NEST".into())),
                ("name", Text("Nested".into())),
                ("icao", Text("A320".into())),
                ("created_at", Text(now.clone())),
            ],
        )
        .await,
    );
    let notam = |tag: &str| {
        vec![
            ("title", Text("Runway".into())),
            ("tag", Text(tag.into())),
            ("content", Text("Runway 27 closed".into())),
            ("notam_type", Text("info".into())),
            ("priority", Text("low".into())),
            ("created_at", Text(now.clone())),
        ]
    };
    insert(db, org, "notams", &notam("Existing")).await;
    spare.insert("notams", insert(db, org, "notams", &notam("Spare")).await);
    let routing = || {
        vec![
            ("departure_airport_id", Int(airport)),
            ("arrival_airport_id", Int(amsterdam)),
            ("route", Text("DCT".into())),
            ("created_at", Text(now.clone())),
        ]
    };
    insert(db, org, "routings", &routing()).await;
    spare.insert("routings", insert(db, org, "routings", &routing()).await);
    spare.insert(
        "hubs",
        insert(
            db,
            org,
            "hubs",
            &[
                ("airport_id", Int(airport)),
                ("name", Text("Spare".into())),
                ("created_at", Text(now.clone())),
            ],
        )
        .await,
    );
    spare.insert(
        "ranks",
        insert(
            db,
            org,
            "ranks",
            &[
                ("name", Text("Spare".into())),
                ("sort_order", Int(50)),
                ("created_at", Text(now.clone())),
            ],
        )
        .await,
    );
    spare.insert(
        "badges",
        insert(
            db,
            org,
            "badges",
            &[("name", Text("Spare".into())), ("created_at", Text(now.clone()))],
        )
        .await,
    );
    let spare_route = insert(
        db,
        org,
        "schedules",
        &[
            ("airline_id", Int(airline)),
            ("flight_number", Text("AS0001".into())),
            ("departure_airport_id", Int(airport)),
            ("arrival_airport_id", Int(amsterdam)),
            ("created_at", Text(now.clone())),
        ],
    )
    .await;
    insert(
        db,
        org,
        "schedule_subfleets",
        &[("schedule_id", Int(spare_route)), ("subfleet_id", Int(subfleet))],
    )
    .await;
    spare.insert("routes", spare_route);
    let pilot = id_where(db, org, "pilots", "ident = 'AIR0002'").await;
    let route = any("schedules").await;
    spare.insert(
        "bookings",
        insert(
            db,
            org,
            "bookings",
            &[
                ("pilot_id", Int(pilot)),
                ("schedule_id", Int(route)),
                ("created_at", Text(now.clone())),
            ],
        )
        .await,
    );
    let period = || {
        vec![
            ("starts_at", Text(now.clone())),
            ("ends_at", Text(later.clone())),
            ("created_at", Text(now.clone())),
        ]
    };
    let named = |name: &str| -> Vec<(&'static str, airside::storage::resource::Value)> {
        vec![("name", Text(name.into()))]
    };
    spare.insert(
        "events",
        insert(db, org, "activity_events", &[named("Spare"), period()].concat()).await,
    );
    spare.insert("rosters", insert(db, org, "rosters", &[named("Spare"), period()].concat()).await);
    spare.insert(
        "challenges",
        insert(db, org, "challenges", &[named("Spare"), period()].concat()).await,
    );
    spare.insert(
        "community-goals",
        insert(
            db,
            org,
            "community_goals",
            &[
                named("Spare"),
                vec![
                    ("metric", Text("flights".into())),
                    ("target", airside::storage::resource::Value::Float(5.0)),
                ],
                period(),
            ]
            .concat(),
        )
        .await,
    );
    spare.insert(
        "focus-airports",
        insert(db, org, "focus_airports", &[vec![("airport_id", Int(airport))], period()].concat())
            .await,
    );
    let spare_tour = insert(
        db,
        org,
        "tours",
        &[named("Spare"), vec![("created_at", Text(now.clone()))]].concat(),
    )
    .await;
    insert(
        db,
        org,
        "tour_legs",
        &[
            ("tour_id", Int(spare_tour)),
            ("position", Int(1)),
            ("departure_airport_id", Int(airport)),
            ("arrival_airport_id", Int(amsterdam)),
        ],
    )
    .await;
    spare.insert("tours", spare_tour);
    spare.insert(
        "pilots",
        insert(
            db,
            org,
            "pilots",
            &[
                ("airline_id", Int(airline)),
                ("number", Int(900)),
                ("ident", Text("AIR0900".into())),
                ("first_name", Text("Spare".into())),
                ("last_name", Text("Pilot".into())),
                ("email", Text("spare@demo.test".into())),
                ("password_hash", Text("x".into())),
                ("state", Text("active".into())),
                ("created_at", Text(now.clone())),
                ("updated_at", Text(now.clone())),
            ],
        )
        .await,
    );
    let school = school_rows(db, org, &mut spare).await;

    Fixture {
        org,
        airline,
        subfleet,
        aircraft: any("aircraft").await,
        airport,
        other_airport: amsterdam,
        hub: any("hubs").await,
        rank: any("ranks").await,
        badge: any("badges").await,
        route,
        booking: any("bookings").await,
        pirep: any("pireps").await,
        pilot,
        banned: id_where(db, org, "pilots", "state = 'banned'").await,
        to_accept: id_where(db, org, "pireps", "state = 'submitted'").await,
        to_reject: id_where(
            db,
            org,
            "pireps",
            "state = 'submitted' AND id > (SELECT MIN(id) FROM pireps WHERE state = 'submitted')",
        )
        .await,
        to_invalidate: id_where(db, org, "pireps", "state = 'accepted'").await,
        registrations: (
            id_where(db, org, "registrations", "1 = 1").await,
            id_where(db, org, "registrations", "id > (SELECT MIN(id) FROM registrations)").await,
        ),
        transfers: (
            id_where(db, org, "transfers", "1 = 1").await,
            id_where(db, org, "transfers", "id > (SELECT MIN(id) FROM transfers)").await,
        ),
        event: any("activity_events").await,
        tour: any("tours").await,
        roster: any("rosters").await,
        focus: any("focus_airports").await,
        goal: any("community_goals").await,
        challenge: any("challenges").await,
        school,
        spare,
    }
}

/// The demo airline has no flight-school rows; these make every school route callable.
async fn school_rows(
    db: &airside::storage::Db,
    org: OrgId,
    spare: &mut std::collections::HashMap<&'static str, i64>,
) -> School {
    use airside::storage::resource::Value::{Float, Int, Text};
    let now = airside::domain::Timestamp::now().to_db();
    let aircraft = id_where(db, org, "aircraft", "1 = 1").await;
    let pilot = id_where(db, org, "pilots", "ident = 'AIR0002'").await;
    let program = insert(
        db,
        org,
        "training_programs",
        &[("name", Text("PPL".into())), ("created_at", Text(now.clone()))],
    )
    .await;
    let item = insert(
        db,
        org,
        "training_items",
        &[("program_id", Int(program)), ("position", Int(1)), ("name", Text("Circuits".into()))],
    )
    .await;
    let compliance = insert(
        db,
        org,
        "compliance_records",
        &[
            ("subject_type", Text("pilot".into())),
            ("subject_id", Int(pilot)),
            ("record_type", Text("Class 2 medical".into())),
            ("status", Text("valid".into())),
            ("created_at", Text(now.clone())),
            ("updated_at", Text(now.clone())),
        ],
    )
    .await;
    let maintenance_item = || {
        vec![
            ("aircraft_id", Int(aircraft)),
            ("name", Text("100-hour check".into())),
            ("due_hours", Float(1.0e6)),
            ("created_at", Text(now.clone())),
        ]
    };
    let maintenance = insert(db, org, "maintenance_items", &maintenance_item()).await;
    spare.insert(
        "maintenance/items",
        insert(db, org, "maintenance_items", &maintenance_item()).await,
    );
    let work_order = insert(
        db,
        org,
        "work_orders",
        &[
            ("aircraft_id", Int(aircraft)),
            ("title", Text("Replace tyre".into())),
            ("status", Text("open".into())),
            ("opened_at", Text(now.clone())),
        ],
    )
    .await;
    let session = || {
        vec![
            ("title", Text("Ground school".into())),
            ("starts_at", Text("2030-01-01T09:00:00Z".into())),
            ("ends_at", Text("2030-01-01T10:00:00Z".into())),
            ("resource_type", Text("classroom".into())),
            ("resource_id", Int(1)),
            ("created_at", Text(now.clone())),
        ]
    };
    let planning = insert(db, org, "planning_sessions", &session()).await;
    spare.insert("planning/sessions", insert(db, org, "planning_sessions", &session()).await);
    School { compliance, program, item, maintenance, work_order, session: planning }
}

struct Sample {
    path: String,
    body: Option<Value>,
    cross: Cross,
}

/// A valid request for each route. A route with no sample here fails the test:
/// every new route must say how it is called and what another org gets.
async fn sample(app: &TestApp, fx: &Fixture, method: &Method, template: &str) -> Sample {
    let start = "2030-01-01T00:00:00Z";
    let end = "2030-01-02T00:00:00Z";
    let mut segments = template.trim_start_matches('/').split('/');
    let resource = match segments.next().unwrap() {
        // Grouped resources are named by their first two segments.
        group @ ("maintenance" | "training" | "planning") => {
            Box::leak(format!("{group}/{}", segments.next().unwrap()).into_boxed_str())
        }
        single => single,
    };
    let existing = match resource {
        "fleet" => fx.subfleet,
        "aircraft" => fx.aircraft,
        "airports" => fx.airport,
        "hubs" => fx.hub,
        "ranks" => fx.rank,
        "badges" => fx.badge,
        "routes" => fx.route,
        "bookings" => fx.booking,
        "pireps" => fx.pirep,
        "pilots" => fx.pilot,
        "registrations" => fx.registrations.0,
        "transfers" => fx.transfers.0,
        "events" => fx.event,
        "tours" => fx.tour,
        "rosters" => fx.roster,
        "focus-airports" => fx.focus,
        "community-goals" => fx.goal,
        "challenges" => fx.challenge,
        "compliance" => fx.school.compliance,
        "training/signoffs" | "flights" => 0,
        "maintenance/items" => fx.school.maintenance,
        "maintenance/work-orders" => fx.school.work_order,
        "planning/sessions" => fx.school.session,
        "notams" => id_where(&app.db, fx.org, "notams", "tag = 'Existing'").await,
        "routings" => id_where(&app.db, fx.org, "routings", "1 = 1").await,
        "live-flights" | "flight-map" | "statistics" => 0,
        other => panic!("no fixture for {other}"),
    };
    let table = match resource {
        "fleet" => "subfleets",
        "routes" => "schedules",
        "events" => "activity_events",
        "focus-airports" => "focus_airports",
        "community-goals" => "community_goals",
        "compliance" => "compliance_records",
        "flights" | "live-flights" | "flight-map" => "pireps",
        "training/signoffs" => "signoffs",
        "maintenance/items" => "maintenance_items",
        "maintenance/work-orders" => "work_orders",
        "planning/sessions" => "planning_sessions",
        other => Box::leak(other.to_string().into_boxed_str()),
    };
    let with = |id: i64| {
        template.replace("{id}", &id.to_string()).replace("{pilot_id}", &fx.pilot.to_string())
    };
    // Nested aircraft: the aircraft's own fleet in the path.
    let nested = |aircraft: i64| async move {
        let fleet = id_where(
            &app.db,
            fx.org,
            "subfleets",
            &format!("id = (SELECT subfleet_id FROM aircraft WHERE id = {aircraft})"),
        )
        .await;
        format!("/fleet/{fleet}/aircraft/{aircraft}")
    };
    let (path, body, cross) = match (method.as_str(), template) {
        ("GET", "/statistics/airline" | "/statistics/general") => {
            (template.to_string(), None, Cross::Summary)
        }
        ("GET", "/fleet/{id}/aircraft/{aircraft_id}") => {
            (nested(fx.aircraft).await, None, Cross::NotFound)
        }
        ("PATCH", "/fleet/{id}/aircraft/{aircraft_id}") => {
            (nested(fx.aircraft).await, Some(json!({ "name": "Renamed" })), Cross::NotFound)
        }
        ("DELETE", "/fleet/{id}/aircraft/{aircraft_id}") => {
            (nested(fx.spare["fleet-aircraft"]).await, None, Cross::NotFound)
        }
        ("POST", "/fleet/{id}/aircraft") => (
            with(fx.subfleet),
            Some(json!({ "registration": "G-NEWA", "name": "New", "icao": "A320" })),
            Cross::NotFound,
        ),
        ("GET", t) if !t.contains('{') => (t.to_string(), None, Cross::NoLeak(table)),
        ("GET", _) => (with(existing), None, Cross::NotFound),
        ("DELETE", "/hubs/{id}/pilots/{pilot_id}") => (with(fx.hub), None, Cross::NotFound),
        ("DELETE", _) => (with(fx.spare[resource]), None, Cross::NotFound),
        ("PATCH", _) => {
            let body = match resource {
                "bookings" => json!({ "aircraft_id": fx.aircraft }),
                "pilots" => json!({ "first_name": "Renamed" }),
                "routes" => json!({ "remarks": "Renamed" }),
                "notams" => json!({ "title": "Renamed", "priority": "high" }),
                "routings" => json!({ "route": "UL607 DCT" }),
                "focus-airports" => json!({ "bonus_points": 5 }),
                "compliance" => json!({ "status": "expiring", "valid_until": "2030-01-01" }),
                "maintenance/work-orders" => json!({ "status": "closed" }),
                "planning/sessions" => json!({ "title": "Renamed" }),
                _ => json!({ "name": "Renamed" }),
            };
            (with(existing), Some(body), Cross::NotFound)
        }
        ("POST", "/fleet") => (
            template.into(),
            Some(
                json!({ "airline_id": fx.airline, "code": "A21N", "name": "A321neo", "type": "pax", "max_pax": 220 }),
            ),
            Cross::Invalid,
        ),
        ("POST", "/aircraft") => (
            template.into(),
            Some(
                json!({ "fleet_id": fx.subfleet, "registration": "G-TEST", "name": "Test", "icao": "A320", "selcal": "ABCD", "hexcode": "4ca7b1" }),
            ),
            Cross::Invalid,
        ),
        ("POST", "/airports") => (
            template.into(),
            Some(
                json!({ "icao": "LOWS", "name": "Salzburg", "latitude": 47.79, "longitude": 13.0 }),
            ),
            Cross::OwnOrg,
        ),
        ("POST", "/hubs") => (
            template.into(),
            Some(json!({ "airport_id": fx.airport, "name": "Test hub" })),
            Cross::Invalid,
        ),
        ("POST", "/ranks") => {
            (template.into(), Some(json!({ "name": "Test rank", "sort_order": 99 })), Cross::OwnOrg)
        }
        ("POST", "/badges") => {
            (template.into(), Some(json!({ "name": "Test badge" })), Cross::OwnOrg)
        }
        ("POST", "/routes") => (
            template.into(),
            Some(
                json!({ "airline_id": fx.airline, "flight_number": "AS9999", "callsign": "AS99X", "departure_id": fx.airport, "arrival_id": fx.other_airport, "fleet_ids": [fx.subfleet], "altitude": 35000, "service_days": "135" }),
            ),
            Cross::Invalid,
        ),
        ("POST", "/bookings") => (
            template.into(),
            Some(json!({ "pilot_id": fx.pilot, "route_id": fx.route })),
            Cross::Invalid,
        ),
        ("POST", "/events") => (
            template.into(),
            Some(json!({ "name": "Test event", "starts_at": start, "ends_at": end })),
            Cross::OwnOrg,
        ),
        ("POST", "/tours") => (
            template.into(),
            Some(
                json!({ "name": "Test tour", "legs": [{ "departure_airport_id": fx.airport, "arrival_airport_id": fx.other_airport }] }),
            ),
            Cross::Invalid,
        ),
        ("POST", "/rosters") => (
            template.into(),
            Some(json!({ "name": "Test roster", "starts_at": start, "ends_at": end })),
            Cross::OwnOrg,
        ),
        ("POST", "/focus-airports") => (
            template.into(),
            Some(json!({ "airport_id": fx.airport, "starts_at": start, "ends_at": end })),
            Cross::Invalid,
        ),
        ("POST", "/community-goals") => (
            template.into(),
            Some(
                json!({ "name": "Test goal", "metric": "flights", "target": 10, "starts_at": start, "ends_at": end }),
            ),
            Cross::OwnOrg,
        ),
        ("POST", "/challenges") => (
            template.into(),
            Some(json!({ "name": "Test challenge", "starts_at": start, "ends_at": end })),
            Cross::OwnOrg,
        ),
        ("POST", "/compliance") => (
            template.into(),
            Some(
                json!({ "subject_type": "aircraft", "subject_id": fx.aircraft, "record_type": "ARC", "valid_until": "2031-05-01", "status": "valid" }),
            ),
            Cross::Invalid,
        ),
        ("POST", "/training/signoffs") => (
            template.into(),
            Some(
                json!({ "student_id": fx.pilot, "program_id": fx.school.program, "item_id": fx.school.item, "signed_by": "Ivy Instructor" }),
            ),
            Cross::Invalid,
        ),
        ("POST", "/maintenance/items") => (
            template.into(),
            Some(json!({ "aircraft_id": fx.aircraft, "name": "Annual", "due_on": "2031-01-01" })),
            Cross::Invalid,
        ),
        ("POST", "/maintenance/work-orders") => (
            template.into(),
            Some(json!({ "aircraft_id": fx.aircraft, "title": "Fix radio" })),
            Cross::Invalid,
        ),
        ("POST", "/planning/sessions") => (
            template.into(),
            Some(
                json!({ "title": "Dual", "starts_at": start, "ends_at": end, "student_id": fx.pilot, "resource_type": "aircraft", "resource_id": fx.aircraft }),
            ),
            Cross::Invalid,
        ),
        ("POST", "/notams") => (
            template.into(),
            Some(
                json!({ "title": "Fog", "content": "Expect delays", "type": "warning", "must_read": true }),
            ),
            Cross::OwnOrg,
        ),
        ("POST", "/routings") => (
            template.into(),
            Some(
                json!({ "departure_airport_id": fx.airport, "arrival_airport_id": fx.other_airport, "route": "DCT" }),
            ),
            Cross::Invalid,
        ),
        ("POST", "/ranks/reorder") => {
            let ids: Vec<i64> = ids_of(&app.db, fx.org, "ranks").await.into_iter().collect();
            (template.into(), Some(json!({ "rank_ids": ids })), Cross::Invalid)
        }
        ("POST", "/hubs/{id}/pilots/{pilot_id}") => (with(fx.hub), None, Cross::NotFound),
        ("POST", "/ranks/{id}/pilots/{pilot_id}") => (with(fx.rank), None, Cross::NotFound),
        ("POST", "/pireps/{id}/comments") => {
            (with(fx.pirep), Some(json!({ "body": "Nice landing" })), Cross::NotFound)
        }
        ("POST", "/pilots/{id}/points") => (
            with(fx.pilot),
            Some(json!({ "points": 10, "reason": "Event bonus" })),
            Cross::NotFound,
        ),
        ("POST", "/pilots/{id}/notes") => {
            (with(fx.pilot), Some(json!({ "body": "Helpful on Discord" })), Cross::NotFound)
        }
        ("POST", "/pireps/{id}/accept") => (with(fx.to_accept), None, Cross::NotFound),
        ("POST", "/pireps/{id}/reject") => {
            (with(fx.to_reject), Some(json!({ "reason": "Route not flown" })), Cross::NotFound)
        }
        ("POST", "/pireps/{id}/invalidate") => (with(fx.to_invalidate), None, Cross::NotFound),
        ("POST", "/pilots/{id}/ban") => (with(fx.pilot), None, Cross::NotFound),
        ("POST", "/pilots/{id}/unban") => (with(fx.banned), None, Cross::NotFound),
        ("POST", "/registrations/{id}/approve") => {
            (with(fx.registrations.0), None, Cross::NotFound)
        }
        ("POST", "/registrations/{id}/reject") => (with(fx.registrations.1), None, Cross::NotFound),
        ("POST", "/transfers/{id}/approve") => (with(fx.transfers.0), None, Cross::NotFound),
        ("POST", "/transfers/{id}/reject") => (with(fx.transfers.1), None, Cross::NotFound),
        (m, t) => panic!("no sample for {m} {t}: add one to tests/api/operations.rs"),
    };
    Sample { path: format!("{}{path}", airside::operations::BASE), body, cross }
}

fn ids_in(body: &Value) -> BTreeSet<i64> {
    body["data"].as_array().unwrap().iter().map(|row| row["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn every_operations_route_checks_token_org_and_scope() {
    each_backend(|app| async move {
        let state = AppState::new(app.db.clone(), Config::default());
        let (_, rules) = airside::operations::build(&state);
        assert!(rules.len() > 80, "{} rules", rules.len());
        let fx = fixture(&app).await;

        let other = ops_client(&app, "demo-school", &[]).await;
        let other_token = token(&app, &other, None).await;
        let mut tokens = std::collections::HashMap::new();
        let everything = ops_client(&app, "demo", &[]).await;
        for scope in OPERATIONS {
            let right = token(&app, &everything, Some(scope.as_str())).await;
            let others: Vec<&str> =
                OPERATIONS.iter().filter(|s| **s != scope).map(|s| s.as_str()).collect();
            let lacking = token(&app, &everything, Some(&others.join(" "))).await;
            tokens.insert(scope, (right, lacking));
        }

        for rule in &rules {
            let what = format!("{} {}", rule.method, rule.path);
            let s = sample(&app, &fx, &rule.method, rule.path).await;
            let (right, lacking) = &tokens[&rule.scope];

            let response = call(&app, rule.method.clone(), &s.path, None, s.body.as_ref()).await;
            assert!(response.headers().contains_key("www-authenticate"), "{what}");
            problem(response, 401).await;

            let response =
                call(&app, rule.method.clone(), &s.path, Some(lacking), s.body.as_ref()).await;
            let body = problem(response, 403).await;
            assert_eq!(body["scope"], rule.scope.as_str(), "{what}");
            assert_eq!(body["error"], "insufficient_scope", "{what}");

            let response =
                call(&app, rule.method.clone(), &s.path, Some(&other_token), s.body.as_ref()).await;
            match s.cross {
                Cross::NotFound => {
                    problem(response, 404).await;
                }
                Cross::Invalid => {
                    problem(response, 422).await;
                }
                Cross::NoLeak(table) => {
                    assert_eq!(response.status(), 200, "{what}");
                    let seen = ids_in(&response.json().await.unwrap());
                    let demo = ids_of(&app.db, fx.org, table).await;
                    assert!(seen.is_disjoint(&demo), "{what} shows the demo org's rows");
                }
                Cross::Summary => {
                    assert_eq!(response.status(), 200, "{what}");
                }
                Cross::OwnOrg => {
                    assert_eq!(response.status(), 201, "{what}");
                    let body: Value = response.json().await.unwrap();
                    let id = body["data"]["id"].as_i64().unwrap();
                    let table = match rule.path {
                        "/events" => "activity_events",
                        "/community-goals" => "community_goals",
                        p => p.trim_start_matches('/'),
                    };
                    assert!(
                        !ids_of(&app.db, fx.org, table).await.contains(&id),
                        "{what} wrote into the demo org"
                    );
                }
            }

            let response =
                call(&app, rule.method.clone(), &s.path, Some(right), s.body.as_ref()).await;
            let status = response.status();
            let text = response.text().await.unwrap();
            assert!(status.is_success(), "{what} with {}: {status} {text}", rule.scope);
        }
    })
    .await;
}

#[tokio::test]
async fn lists_page_over_http_and_refuse_bad_query_strings() {
    each_backend(|app| async move {
        let client = ops_client(&app, "demo", &[Scope::OpsRead]).await;
        let token = token(&app, &client, None).await;
        let demo = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let expected = ids_of(&app.db, demo, "pireps").await;
        assert!(expected.len() >= 300);

        let mut seen = vec![];
        let mut next = Some(
            format!("{}/pireps?limit=37&state=", airside::operations::BASE).replace("&state=", ""),
        );
        while let Some(url) = next {
            let body: Value =
                call(&app, Method::GET, &url, Some(&token), None).await.json().await.unwrap();
            assert!(body["data"].as_array().unwrap().len() <= 37);
            seen.extend(ids_in(&body));
            // Absolute, from the public URL: HTTP clients refuse relative ones.
            let link = body["meta"]["next_cursor_url"].as_str().map(str::to_owned);
            if let Some(url) = &link {
                assert!(url.starts_with(&app.url("/api/v3/operations/pireps?")), "{url}");
                assert!(url.contains("limit=37"), "{url}");
            }
            next = link.map(|url| url.trim_start_matches(&app.url("")).to_string());
        }
        assert_eq!(seen.len(), expected.len(), "each row once");
        assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>(), expected);

        let filtered: Value = call(
            &app,
            Method::GET,
            "/api/v3/operations/pireps?status=rejected&limit=200",
            Some(&token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        assert!(filtered["data"].as_array().unwrap().iter().all(|p| p["status"] == "rejected"));
        assert!(!filtered["data"].as_array().unwrap().is_empty());

        for bad in [
            "limit=0",
            "limit=301",
            "limit=ten",
            "cursor=nonsense",
            "pilot_id=abc",
            "page[size]=0",
            "page[cursor]=nonsense",
            "filter[pilot_id]=abc",
            "filter[nope]=1",
            "bogus=1",
        ] {
            let response = call(
                &app,
                Method::GET,
                &format!("/api/v3/operations/pireps?{bad}"),
                Some(&token),
                None,
            )
            .await;
            problem(response, 400).await;
        }
        let response =
            call(&app, Method::GET, "/api/v3/operations/pireps/not-a-number", Some(&token), None)
                .await;
        problem(response, 400).await;
    })
    .await;
}

#[tokio::test]
async fn accepting_counts_once_emits_an_event_and_refuses_illegal_moves() {
    each_backend(|app| async move {
        let client = ops_client(&app, "demo", &[]).await;
        let token = token(&app, &client, None).await;
        let demo = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let pirep = id_where(&app.db, demo, "pireps", "state = 'submitted'").await;
        let path = format!("/api/v3/operations/pireps/{pirep}");
        let before: Value =
            call(&app, Method::GET, &path, Some(&token), None).await.json().await.unwrap();
        let pilot = before["data"]["pilot_id"].as_i64().unwrap();
        let pilot_path = format!("/api/v3/operations/pilots/{pilot}");
        let flights_before = call(&app, Method::GET, &pilot_path, Some(&token), None)
            .await
            .json::<Value>()
            .await
            .unwrap()["data"]["flights"]
            .as_i64()
            .unwrap();

        let accepted =
            call(&app, Method::POST, &format!("{path}/accept"), Some(&token), None).await;
        assert_eq!(accepted.status(), 200);
        assert_eq!(accepted.json::<Value>().await.unwrap()["data"]["status"], "accepted");
        let again = call(&app, Method::POST, &format!("{path}/accept"), Some(&token), None).await;
        let body = problem(again, 409).await;
        assert_eq!(body["pirep_status"], "accepted");
        let flights_after = call(&app, Method::GET, &pilot_path, Some(&token), None)
            .await
            .json::<Value>()
            .await
            .unwrap()["data"]["flights"]
            .as_i64()
            .unwrap();
        assert_eq!(flights_after, flights_before + 1, "counted once");

        let events: Vec<(String, String)> =
            sqlx::query_as("SELECT event_type, payload FROM events WHERE org_id = $1")
                .bind(demo.0)
                .fetch_all(app.db.reader())
                .await
                .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].0, "flight.approved");
        let payload: Value = serde_json::from_str(&events[0].1).unwrap();
        assert_eq!(payload["data"]["pirep_id"], pirep);

        // Rejecting needs a reason, and a rejected PIREP can be accepted on review.
        let other = id_where(&app.db, demo, "pireps", "state = 'submitted'").await;
        let response = call(
            &app,
            Method::POST,
            &format!("/api/v3/operations/pireps/{other}/reject"),
            Some(&token),
            None,
        )
        .await;
        let body = problem(response, 422).await;
        assert_eq!(body["errors"][0]["field"], "reason");
        let response = call(
            &app,
            Method::POST,
            &format!("/api/v3/operations/pireps/{other}/reject"),
            Some(&token),
            Some(&json!({ "reason": "Wrong aircraft" })),
        )
        .await;
        assert_eq!(response.status(), 200);
        let kinds: Vec<String> =
            sqlx::query_scalar("SELECT event_type FROM events WHERE org_id = $1 ORDER BY id")
                .bind(demo.0)
                .fetch_all(app.db.reader())
                .await
                .unwrap();
        assert_eq!(kinds, ["flight.approved", "flight.rejected"]);
        let cancelled = id_where(&app.db, demo, "pireps", "state = 'cancelled'").await;
        let response = call(
            &app,
            Method::POST,
            &format!("/api/v3/operations/pireps/{cancelled}/accept"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(problem(response, 409).await["pirep_status"], "cancelled");
    })
    .await;
}

#[tokio::test]
async fn deleting_what_others_refer_to_is_refused_with_the_reason() {
    each_backend(|app| async move {
        let client = ops_client(&app, "demo", &[]).await;
        let token = token(&app, &client, None).await;
        let demo = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let heathrow = id_where(&app.db, demo, "airports", "icao = 'EGLL'").await;
        let response = call(&app, Method::DELETE, &format!("/api/v3/operations/airports/{heathrow}"), Some(&token), None).await;
        let body = problem(response, 409).await;
        assert!(body["referenced_by"]["schedules"].as_i64().unwrap() > 0, "{body}");
        assert!(body["referenced_by"]["hubs"].as_i64().unwrap() > 0, "{body}");
        let still: Value = call(&app, Method::GET, &format!("/api/v3/operations/airports/{heathrow}"), Some(&token), None).await.json().await.unwrap();
        assert_eq!(still["data"]["icao"], "EGLL");

        // Validation names the fields, and nothing is stored.
        let response = call(&app, Method::POST, "/api/v3/operations/airports", Some(&token), Some(&json!({ "icao": "TOOLONG", "name": "", "latitude": 91, "longitude": 0 }))).await;
        let body = problem(response, 422).await;
        let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["icao", "name", "latitude"]);
        let response = call(&app, Method::POST, "/api/v3/operations/airports", Some(&token), Some(&json!({ "icao": "EGLL", "name": "Again", "latitude": 1, "longitude": 1 }))).await;
        problem(response, 409).await;
        let response = call(&app, Method::POST, "/api/v3/operations/airports", Some(&token), Some(&json!({ "icao": "LOWS", "name": "X", "latitude": 1, "longitude": 1, "surprise": true }))).await;
        problem(response, 422).await;
    })
    .await;
}

fn refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                into.push(r.trim_start_matches("#/components/schemas/").to_string());
            }
            map.values().for_each(|v| refs(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, into)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_documents_match_the_routers() {
    let app = TestApp::spawn_empty(&crate::harness::Backend::Sqlite).await;
    let state = AppState::new(app.db.clone(), Config::default());
    let surfaces = [
        (
            "operations",
            airside::operations::BASE,
            airside::operations::build(&state).1,
            "clientCredentials",
            6,
        ),
        (
            "pilot",
            airside::pilot::api::BASE,
            airside::pilot::api::build(&state).1,
            "authorizationCode",
            9,
        ),
        ("public", airside::public::BASE, airside::public::build(&state).1, "", 12),
    ];
    for (surface, base, rules, flow, scope_count) in surfaces {
        let doc: Value =
            app.get(&format!("/docs/{surface}/openapi.json")).await.json().await.unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                documented.insert((method.to_uppercase(), path.clone()));
                let rule = rules
                    .iter()
                    .find(|r| {
                        r.method.as_str() == method.to_uppercase()
                            && format!("{base}{}", r.path) == *path
                    })
                    .unwrap_or_else(|| panic!("{method} {path} is documented but not routed"));
                // OAuth surfaces name the route's scope on the token; the
                // Public API on the org key, with the org's id beside it.
                let security = &operation["security"][0];
                match surface {
                    "public" => {
                        assert_eq!(security["orgKey"], json!([rule.scope.as_str()]), "{path}");
                        assert_eq!(security["orgId"], json!([]), "{path}");
                    }
                    _ => assert_eq!(security["oauth2"], json!([rule.scope.as_str()]), "{path}"),
                }
                assert!(
                    operation["responses"]["401"].is_object()
                        && operation["responses"]["403"].is_object()
                );
            }
        }
        let routed: BTreeSet<(String, String)> =
            rules.iter().map(|r| (r.method.to_string(), format!("{base}{}", r.path))).collect();
        assert_eq!(documented, routed, "{surface}");

        let mut used = vec![];
        refs(&doc["paths"], &mut used);
        refs(&doc["components"], &mut used);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for name in used {
            assert!(schemas.contains_key(&name), "{surface}: $ref to missing schema {name}");
        }
        let schemes = &doc["components"]["securitySchemes"];
        if surface == "public" {
            assert_eq!(schemes["orgKey"]["scheme"], "bearer");
            assert_eq!(
                (&schemes["orgId"]["in"], &schemes["orgId"]["name"]),
                (&json!("header"), &json!("x-org-id"))
            );
            // Read-only: every route a GET needing one of the public scopes.
            assert!(documented.iter().all(|(method, _)| method == "GET"));
            let scopes: BTreeSet<&str> = rules.iter().map(|r| r.scope.as_str()).collect();
            assert!(scopes.len() <= scope_count && scopes.iter().all(|s| s.starts_with("public.")));
            continue;
        }
        let flows = &schemes["oauth2"]["flows"][flow];
        assert!(flows["tokenUrl"].as_str().unwrap().ends_with("/oauth/token"), "{surface}");
        assert_eq!(flows["scopes"].as_object().unwrap().len(), scope_count, "{surface}");
    }

    // ACARS: every route built is documented, and nothing else.
    let doc: Value = app.get("/docs/acars/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let routes = airside::acars::build().1;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone()));
            let open = path.ends_with("/api/stratos")
                || path.ends_with("/api/stratos/")
                || path.ends_with("/pilot/login");
            assert_eq!(operation["security"].is_array(), !open, "{method} {path}");
            // A position update is answered with an empty body, as the module answers it.
            let empty = path.ends_with("/flights/update");
            assert_eq!(
                operation["responses"]["200"]["content"]["application/json"]["schema"].is_object(),
                !empty,
                "{method} {path}"
            );
        }
    }
    let routed: BTreeSet<(String, String)> =
        routes.iter().map(|r| (r.method.to_string(), r.path.clone())).collect();
    assert_eq!(documented, routed);
    assert_eq!(
        routed.len(),
        20,
        "the module's 16 routes, the handshake with and without its slash, the logbook's 3"
    );
    let mut used = vec![];
    refs(&doc["paths"], &mut used);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in used {
        assert!(schemas.contains_key(&name), "acars: $ref to missing schema {name}");
    }
    for field in ["uuid", "latitude", "positions"] {
        assert!(schemas["Update"]["properties"][field].is_object(), "{field}");
    }
}

#[tokio::test]
async fn each_surface_has_an_interactive_page_served_from_this_binary() {
    let app = TestApp::spawn_empty(&crate::harness::Backend::Sqlite).await;
    for surface in ["operations", "pilot", "public", "acars"] {
        let page = app.get(&format!("/docs/{surface}")).await;
        assert_eq!(page.status(), 200, "{surface}");
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        let html = page.text().await.unwrap();
        assert!(html.contains(&format!("data-spec=\"/docs/{surface}/openapi.json\"")), "{html}");
        // Every script and stylesheet is served here, none from elsewhere.
        for asset in [
            "/assets/swagger-ui/swagger-ui-bundle.js",
            "/assets/swagger-ui/swagger-ui.css",
            "/assets/docs.js",
        ] {
            assert!(html.contains(asset), "{surface}: {asset}");
        }
        assert!(!html.contains("http://") && !html.contains("https://"), "{html}");
    }
    for asset in [
        "/assets/swagger-ui/swagger-ui-bundle.js",
        "/assets/swagger-ui/swagger-ui.css",
        "/assets/docs.js",
    ] {
        let response = app.get(asset).await;
        assert_eq!(response.status(), 200, "{asset}");
        assert!(response.text().await.unwrap().len() > 100, "{asset}");
    }
}

#[tokio::test]
async fn live_flights_are_the_orgs_flights_in_progress_with_their_last_position() {
    each_backend(|app| async move {
        let client = ops_client(&app, "demo", &[Scope::OpsRead]).await;
        let token = token(&app, &client, None).await;
        let demo = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let live =
            call(&app, Method::GET, "/api/v3/operations/live-flights", Some(&token), None).await;
        assert_eq!(live.status(), 200);
        let body: Value = live.json().await.unwrap();
        let flights = body["data"].as_array().unwrap();
        let seen: BTreeSet<i64> = flights.iter().map(|f| f["id"].as_i64().unwrap()).collect();
        let in_progress: BTreeSet<i64> =
            sqlx::query_scalar("SELECT id FROM pireps WHERE org_id = $1 AND state = 'in_progress'")
                .bind(demo.0)
                .fetch_all(app.db.reader())
                .await
                .unwrap()
                .into_iter()
                .collect();
        assert!(!in_progress.is_empty());
        assert_eq!(seen, in_progress);
        for flight in flights {
            let last: Option<(f64, String)> = sqlx::query_as(
                "SELECT latitude, recorded_at FROM pirep_positions WHERE pirep_id = $1 \
                 ORDER BY recorded_at DESC LIMIT 1",
            )
            .bind(flight["id"].as_i64().unwrap())
            .fetch_optional(app.db.reader())
            .await
            .unwrap();
            match last {
                Some((latitude, at)) => {
                    assert_eq!(flight["latitude"].as_f64(), Some(latitude));
                    assert_eq!(flight["last_report_at"], at.as_str());
                }
                None => assert!(flight["latitude"].is_null()),
            }
        }

        // The flight map: the same flights, camelCase, with names and tracks.
        let map: Value = call(
            &app,
            Method::GET,
            "/api/v3/operations/flight-map?include_posreps=true",
            Some(&token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        let items = map["data"].as_array().unwrap();
        let on_map: BTreeSet<i64> = items.iter().map(|f| f["id"].as_i64().unwrap()).collect();
        assert_eq!(on_map, in_progress);
        for item in items {
            let id = item["id"].as_i64().unwrap();
            let (ident, dep, arr, positions): (String, String, String, i64) = sqlx::query_as(
                "SELECT l.ident, d.icao, a.icao, (SELECT COUNT(*) FROM pirep_positions pp \
                 WHERE pp.pirep_id = p.id) FROM pireps p JOIN pilots l ON l.id = p.pilot_id \
                 JOIN airports d ON d.id = p.departure_airport_id \
                 JOIN airports a ON a.id = p.arrival_airport_id WHERE p.id = $1",
            )
            .bind(id)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
            assert_eq!(item["pilot"]["username"], ident.as_str());
            assert_eq!(item["departureAirport"]["icao"], dep.as_str());
            assert_eq!(item["arrivalAirport"]["icao"], arr.as_str());
            assert!(
                item["booking"]["flightNumber"].is_string()
                    && item["booking"]["callsign"].is_string()
            );
            assert_eq!(item["posreps"].as_array().unwrap().len() as i64, positions);
            let progress = &item["progress"];
            let percentage = progress["progressPercentage"].as_f64().unwrap();
            assert!((0.0..=100.0).contains(&percentage), "{progress}");
            assert!(
                progress["departureTime"].is_string() && progress.get("currentPhase").is_some()
            );
            if positions > 0 {
                assert!(progress["latitude"].is_f64() && progress["distanceRemaining"].is_f64());
            }
        }
        let plain: Value =
            call(&app, Method::GET, "/api/v3/operations/flight-map", Some(&token), None)
                .await
                .json()
                .await
                .unwrap();
        assert!(plain["data"][0].get("posreps").is_none(), "posreps only when asked");
        for bad in ["include_posreps=maybe", "posreps=true"] {
            let path = format!("/api/v3/operations/flight-map?{bad}");
            problem(call(&app, Method::GET, &path, Some(&token), None).await, 400).await;
        }
    })
    .await;
}

#[tokio::test]
async fn statistics_count_the_orgs_own_rows() {
    each_backend(|app| async move {
        let demo = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        for (slug, org) in [("demo", demo), ("demo-school", orgs::by_slug(&app.db, "demo-school").await.unwrap().unwrap().id)] {
            let client = ops_client(&app, slug, &[Scope::OpsRead]).await;
            let token = token(&app, &client, None).await;
            let general: Value =
                call(&app, Method::GET, "/api/v3/operations/statistics/general", Some(&token), None)
                    .await
                    .json()
                    .await
                    .unwrap();
            let count = |sql: &'static str| {
                let db = app.db.clone();
                async move {
                    sqlx::query_scalar::<_, i64>(sql).bind(org.0).fetch_one(db.reader()).await.unwrap()
                }
            };
            let active = count("SELECT COUNT(*) FROM pilots WHERE org_id = $1 AND state = 'active'").await;
            assert_eq!(general["data"]["pilots"]["current"], active, "{slug}");
            let pireps = count("SELECT COUNT(*) FROM pireps WHERE org_id = $1").await;
            assert_eq!(general["data"]["pireps"]["total"], pireps, "{slug}");
            let aircraft = count("SELECT COUNT(*) FROM aircraft WHERE org_id = $1").await;
            assert_eq!(general["data"]["aircraft"], aircraft, "{slug}");

            // One day of accepted flying, by filing time.
            let day: Option<String> = sqlx::query_scalar(
                "SELECT MAX(substr(submitted_at, 1, 10)) FROM pireps WHERE org_id = $1 AND state = 'accepted'",
            )
            .bind(org.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
            let Some(day) = day else { continue };
            let (flights, minutes): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), CAST(COALESCE(SUM(flight_minutes), 0) AS BIGINT) FROM pireps \
                 WHERE org_id = $1 AND state = 'accepted' AND substr(submitted_at, 1, 10) = $2",
            )
            .bind(org.0)
            .bind(&day)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
            let path = format!("/api/v3/operations/statistics/airline?from={day}&to={day}");
            let airline: Value =
                call(&app, Method::GET, &path, Some(&token), None).await.json().await.unwrap();
            assert_eq!(airline["data"]["pireps"], flights, "{slug} {day}");
            assert_eq!(airline["data"]["flightTime"]["minutes"], minutes);
            assert_eq!(
                airline["data"]["flightTime"]["formatted"],
                format!("{:02}:{:02}", minutes / 60, minutes % 60)
            );
        }
        let client = ops_client(&app, "demo", &[Scope::OpsRead]).await;
        let token = token(&app, &client, None).await;
        for bad in ["from=yesterday", "from=2026-02-02&to=2026-02-01", "period=2026"] {
            let path = format!("/api/v3/operations/statistics/airline?{bad}");
            problem(call(&app, Method::GET, &path, Some(&token), None).await, 400).await;
        }
    })
    .await;
}

#[tokio::test]
async fn patch_tells_absent_from_null_and_null_clears_a_nullable_column() {
    each_backend(|app| async move {
        let client = crate::ops_helpers::ops_client(&app, "demo", &[]).await;
        let token = crate::ops_helpers::token(&app, &client, None).await;
        let base = "/api/v3/operations";
        let patch = |path: String, body: Value| {
            let (app, token) = (&app, token.clone());
            async move {
                let response =
                    crate::ops_helpers::call(app, Method::PATCH, &path, Some(&token), Some(&body))
                        .await;
                assert_eq!(response.status(), 200, "{path} {body}");
                response.json::<Value>().await.unwrap()["data"].clone()
            }
        };
        let org = airside::storage::orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;
        let first = |sql: &'static str| {
            let db = app.db.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql).bind(org.0).fetch_one(db.reader()).await.unwrap()
            }
        };
        // An airport's IATA code: absent leaves it, null clears it, a value sets it.
        let airport =
            first("SELECT MIN(id) FROM airports WHERE org_id = $1 AND iata IS NOT NULL").await;
        let path = format!("{base}/airports/{airport}");
        let kept = patch(path.clone(), json!({ "name": "Renamed" })).await;
        assert!(kept["iata"].is_string() && kept["name"] == "Renamed");
        assert!(patch(path.clone(), json!({ "iata": null })).await["iata"].is_null());
        assert_eq!(patch(path.clone(), json!({ "iata": "zzz" })).await["iata"], "ZZZ");
        // An aircraft's airport, a pilot's hub, a route's times, a maintenance item's date.
        let aircraft =
            first("SELECT MIN(id) FROM aircraft WHERE org_id = $1 AND airport_id IS NOT NULL")
                .await;
        assert!(patch(format!("{base}/aircraft/{aircraft}"), json!({ "airport_id": null })).await
            ["airport_id"]
            .is_null());
        let pilot =
            first("SELECT MIN(id) FROM pilots WHERE org_id = $1 AND hub_id IS NOT NULL").await;
        let cleared = patch(format!("{base}/pilots/{pilot}"), json!({ "hub_id": null })).await;
        assert!(cleared["hub_id"].is_null() && cleared["rank_id"].is_i64(), "{cleared}");
        let route =
            first("SELECT MIN(id) FROM schedules WHERE org_id = $1 AND departure_time IS NOT NULL")
                .await;
        let times = patch(
            format!("{base}/routes/{route}"),
            json!({ "departure_time": null, "arrival_time": null }),
        )
        .await;
        assert!(times["departure_time"].is_null() && times["arrival_time"].is_null(), "{times}");
        let stored: Option<String> =
            sqlx::query_scalar("SELECT departure_time FROM schedules WHERE id = $1")
                .bind(route)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        assert_eq!(stored, None);
    })
    .await;
}

/// A vAMSYS-style bot: a token with `scope=*`, pilots paged by
/// `page[size]`/`page[cursor]` following the absolute links, one pilot's
/// PIREPs by `filter[pilot_id]`, and an unknown filter refused by name.
#[tokio::test]
async fn a_vamsys_style_bot_pages_filters_and_is_told_of_unknown_parameters() {
    each_backend(|app| async move {
        let client = ops_client(&app, "demo", &[]).await;
        let granted =
            crate::ops_helpers::grant(&app, &client.client_id, &client.secret, Some("*")).await;
        assert_eq!(granted.status(), 200);
        let granted: Value = granted.json().await.unwrap();
        let scopes: BTreeSet<&str> = granted["scope"].as_str().unwrap().split(' ').collect();
        assert_eq!(scopes.len(), OPERATIONS.len(), "every scope the client may have");
        let token = granted["access_token"].as_str().unwrap().to_string();
        let demo = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap().id;

        let mut url = Some(app.url("/api/v3/operations/pilots?page[size]=7"));
        let mut pilots = vec![];
        while let Some(next) = url {
            let page: Value =
                app.http.get(&next).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            assert!(page["data"].as_array().unwrap().len() <= 7);
            pilots.extend(ids_in(&page));
            url = page["meta"]["next_cursor_url"].as_str().map(str::to_owned);
            if let Some(url) = &url {
                assert!(url.starts_with("http://") && url.contains("page%5Bcursor%5D="), "{url}");
            }
        }
        assert_eq!(
            pilots.iter().copied().collect::<BTreeSet<_>>(),
            ids_of(&app.db, demo, "pilots").await
        );

        let pilot = pilots[0];
        let path = format!("/api/v3/operations/pireps?filter[pilot_id]={pilot}&page[size]=300");
        let theirs: Value =
            call(&app, Method::GET, &path, Some(&token), None).await.json().await.unwrap();
        let want: BTreeSet<i64> = sqlx::query_scalar("SELECT id FROM pireps WHERE pilot_id = $1")
            .bind(pilot)
            .fetch_all(app.db.reader())
            .await
            .unwrap()
            .into_iter()
            .collect();
        assert!(!want.is_empty());
        assert_eq!(ids_in(&theirs).into_iter().collect::<BTreeSet<_>>(), want, "only that pilot's");

        // Newest first, across pages: the sort travels in the links.
        let first =
            format!("/api/v3/operations/pireps?filter[pilot_id]={pilot}&sort=-id&page[size]=3");
        let mut url = Some(app.url(&first));
        let mut newest_first = vec![];
        while let Some(next) = url {
            let page: Value =
                app.http.get(&next).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            newest_first
                .extend(page["data"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()));
            url = page["meta"]["next_cursor_url"].as_str().map(str::to_owned);
        }
        let want_order: Vec<i64> = want.iter().rev().copied().collect();
        assert_eq!(newest_first, want_order);
        // vAMSYS's sort keys, paged by keyset across pages as well.
        let first = format!(
            "/api/v3/operations/pireps?filter[pilot_id]={pilot}&sort=-created_at&page[size]=4"
        );
        let mut url = Some(app.url(&first));
        let mut by_created = vec![];
        while let Some(next) = url {
            let page: Value =
                app.http.get(&next).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            by_created.extend(page["data"].as_array().unwrap().iter().map(|p| {
                (p["created_at"].as_str().unwrap().to_string(), p["id"].as_i64().unwrap())
            }));
            url = page["meta"]["next_cursor_url"].as_str().map(str::to_owned);
        }
        let mut want_created = by_created.clone();
        want_created.sort_by(|a, b| b.cmp(a));
        assert_eq!(by_created, want_created, "newest first by created_at, then id");
        assert_eq!(by_created.len(), want.len());
        for pirep in theirs["data"].as_array().unwrap() {
            let status = pirep["status"].as_str().unwrap();
            assert!(
                [
                    "in_progress",
                    "submitted",
                    "accepted",
                    "auto_accepted",
                    "rejected",
                    "invalidated",
                    "cancelled"
                ]
                .contains(&status),
                "{status}"
            );
            assert!(pirep["flight_length"].is_i64() && pirep.get("flight_minutes").is_none());
        }
        let airports: Value = call(
            &app,
            Method::GET,
            "/api/v3/operations/airports?sort=name&page[size]=100",
            Some(&token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        let names: Vec<&str> = airports["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(airports["data"].as_array().unwrap().iter().any(|a| a["base"] == true));
        let unsortable =
            call(&app, Method::GET, "/api/v3/operations/pireps?sort=-altitude", Some(&token), None)
                .await;
        assert_eq!(problem(unsortable, 400).await["unknown"], json!(["sort=altitude"]));

        // A bot links a Discord member and finds the pilot by it.
        let link = call(
            &app,
            Method::PATCH,
            &format!("/api/v3/operations/pilots/{pilot}"),
            Some(&token),
            Some(&json!({ "discord_id": "123456789012345678" })),
        )
        .await;
        assert_eq!(link.status(), 200);
        let found: Value = call(
            &app,
            Method::GET,
            "/api/v3/operations/pilots?filter[discord_id]=123456789012345678",
            Some(&token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        let found = found["data"].as_array().unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0]["id"], pilot);
        assert!(found[0]["username"].is_string() && found[0]["name"].is_string());
        let bad = call(
            &app,
            Method::PATCH,
            &format!("/api/v3/operations/pilots/{pilot}"),
            Some(&token),
            Some(&json!({ "discord_id": "not-a-snowflake" })),
        )
        .await;
        problem(bad, 422).await;

        // One pilot's bookings by departure time, with vAMSYS's fields.
        let holder: i64 =
            sqlx::query_scalar("SELECT pilot_id FROM bookings WHERE org_id = $1 LIMIT 1")
                .bind(demo.0)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        let path =
            format!("/api/v3/operations/bookings?filter[pilot_id]={holder}&sort=departure_time");
        let bookings: Value =
            call(&app, Method::GET, &path, Some(&token), None).await.json().await.unwrap();
        let bookings = bookings["data"].as_array().unwrap();
        assert!(!bookings.is_empty());
        for b in bookings {
            assert_eq!(b["pilot_id"], holder);
            assert!(
                b["route_id"].is_i64()
                    && b["callsign"].is_string()
                    && b["flight_number"].is_string()
            );
            assert!(["current", "in_progress"].contains(&b["status"].as_str().unwrap()));
            assert_eq!(b["status"] == "in_progress", b["pirep_id"].is_i64(), "{b}");
        }
        let times: Vec<String> = bookings
            .iter()
            .map(|b| b["departure_time"].as_str().unwrap_or("").to_string())
            .collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted);

        // A spreadsheet client writes vAMSYS's own field names.
        let airline: i64 = sqlx::query_scalar("SELECT MIN(id) FROM airlines WHERE org_id = $1")
            .bind(demo.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let airport = json!({ "icao_iata": "lowk", "name": "Klagenfurt", "latitude": 46.64, "longitude": 14.34, "airline_id": airline, "category": "seasonal" });
        let created = call(&app, Method::POST, "/api/v3/operations/airports", Some(&token), Some(&airport)).await;
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        assert_eq!((created["data"]["icao"].as_str(), created["data"]["airline_id"].as_i64()), (Some("LOWK"), Some(airline)));
        assert_eq!(created["data"]["base"], false);
        let iata_only = json!({ "icao_iata": "KLU", "name": "Klagenfurt", "latitude": 46.64, "longitude": 14.34 });
        let refused = call(&app, Method::POST, "/api/v3/operations/airports", Some(&token), Some(&iata_only)).await;
        assert_eq!(problem(refused, 422).await["errors"][0]["field"], "icao_iata");
        let fleet = json!({ "airline_id": airline, "code": "B77F", "name": "777 Freighter", "type": "cargo", "max_cargo": 100000, "container_units": 37, "hide_in_phoenix": true });
        let created = call(&app, Method::POST, "/api/v3/operations/fleet", Some(&token), Some(&fleet)).await;
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        assert_eq!((created["data"]["container_units"].as_i64(), created["data"]["hide_in_phoenix"].as_bool()), (Some(37), Some(true)));
        assert_eq!(created["data"]["type"], "cargo");

        // The flight map a bot posts to Discord: every flight in progress.
        let map: Value =
            call(&app, Method::GET, "/api/v3/operations/flight-map", Some(&token), None)
                .await
                .json()
                .await
                .unwrap();
        let flying: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pireps WHERE org_id = $1 AND state = 'in_progress'",
        )
        .bind(demo.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert!(flying > 0);
        assert_eq!(map["data"].as_array().unwrap().len() as i64, flying);
        assert!(map["data"][0]["progress"]["progressPercentage"].is_number());

        let refused = call(
            &app,
            Method::GET,
            "/api/v3/operations/pireps?filter[callsign]=X",
            Some(&token),
            None,
        )
        .await;
        let body = problem(refused, 400).await;
        assert_eq!(body["unknown"], json!(["filter[callsign]"]));
        assert!(body["detail"].as_str().unwrap().contains("filter[callsign]"));
    })
    .await;
}

/// Every list of the Operations API takes vAMSYS's syntax the same way:
/// `page[size]` and `page[cursor]` walk it once, `sort=-id` reverses it,
/// each documented filter and sort key does what it says, and an unknown
/// parameter, filter or sort key is a 400 naming it.
#[tokio::test]
async fn every_list_takes_each_syntax_and_refuses_unknowns() {
    let app = TestApp::spawn(&crate::harness::Backend::Sqlite).await;
    let state = AppState::new(app.db.clone(), Config::default());
    let (_, rules) = airside::operations::build(&state);
    // Hundreds of requests from one client: past the default per-minute limit.
    sqlx::query("UPDATE orgs SET rate_limit_per_minute = 1000000")
        .execute(app.db.writer())
        .await
        .unwrap();
    let client = ops_client(&app, "demo", &[Scope::OpsRead]).await;
    let token = token(&app, &client, None).await;
    let fx = fixture(&app).await;
    let get = |path: String| {
        let (app, token) = (&app, token.clone());
        async move { call(app, Method::GET, &path, Some(&token), None).await }
    };
    let mut lists = 0;
    for rule in rules.iter().filter(|r| {
        r.method == Method::GET && matches!(r.doc.answer, airside::operations::Answer::Many(_))
    }) {
        let base = format!("{}{}", airside::operations::BASE, rule.path)
            .replace("{id}", &fx.subfleet.to_string());
        let base = if rule.path.contains("{id}") {
            // Lists under a row: the fleet's aircraft, a PIREP's comments, a pilot's notes.
            let owner = match rule.path.split('/').nth(1).unwrap() {
                "fleet" => fx.subfleet,
                "pireps" => fx.pirep,
                "pilots" => fx.pilot,
                other => panic!("no owner for {other}"),
            };
            format!("{}{}", airside::operations::BASE, rule.path)
                .replace("{id}", &owner.to_string())
        } else {
            base
        };
        let sep = if base.contains('?') { '&' } else { '?' };
        let all: Value = get(format!("{base}{sep}page[size]=300")).await.json().await.unwrap();
        let mut ids: Vec<i64> = all["data"]
            .as_array()
            .unwrap_or_else(|| panic!("{base}: {all}"))
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect();
        let first_page = ids.len();
        let mut cursor = all["meta"]["next_cursor"].as_str().map(str::to_owned);
        while let Some(next) = cursor.take() {
            let page: Value = get(format!("{base}{sep}page[size]=300&page[cursor]={next}"))
                .await
                .json()
                .await
                .unwrap();
            ids.extend(page["data"].as_array().unwrap().iter().filter_map(|r| r["id"].as_i64()));
            cursor = page["meta"]["next_cursor"].as_str().map(str::to_owned);
        }
        // page[size]=1 and page[cursor], each row once.
        let mut seen = vec![];
        let mut url = Some(format!("{base}{sep}page[size]=1"));
        while let Some(next) = url.take() {
            let page: Value = get(next.clone()).await.json().await.unwrap();
            let rows = page["data"].as_array().unwrap_or_else(|| panic!("{next}: {page}"));
            assert!(rows.len() <= 1, "{base}");
            seen.extend(rows.iter().filter_map(|r| r["id"].as_i64()));
            if let Some(cursor) = page["meta"]["next_cursor"].as_str() {
                url = Some(format!("{base}{sep}page[size]=1&page[cursor]={cursor}"));
            }
            assert!(seen.len() <= ids.len() + 1, "{base} pages forever");
        }
        assert_eq!(seen, ids, "{base}: paged by one");
        // sort=-id reverses.
        let reversed: Value =
            get(format!("{base}{sep}sort=-id&page[size]=300")).await.json().await.unwrap();
        let back: Vec<i64> =
            reversed["data"].as_array().unwrap().iter().filter_map(|r| r["id"].as_i64()).collect();
        let mut want = ids.clone();
        want.sort_unstable_by(|a, b| b.cmp(a));
        want.truncate(300);
        assert_eq!(back, want, "{base}: sort=-id");
        // Each documented filter keeps only rows with that value.
        if let Some(first) = all["data"].get(0) {
            for (name, _, _) in rule.doc.filters {
                let Some(value) = first.get(*name).filter(|v| v.is_i64() || v.is_string()) else {
                    continue;
                };
                let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
                let query =
                    serde_urlencoded::to_string([(format!("filter[{name}]"), text)]).unwrap();
                let filtered: Value =
                    get(format!("{base}{sep}{query}&page[size]=300")).await.json().await.unwrap();
                let rows = filtered["data"].as_array().unwrap();
                assert!(
                    !rows.is_empty() && rows.iter().all(|r| &r[*name] == value),
                    "{base} filter[{name}]"
                );
            }
            // Each sort key orders by its field where the rows show it.
            for (key, _) in rule.doc.sorts {
                let sorted: Value = get(format!("{base}{sep}sort={key}&page[size]=300"))
                    .await
                    .json()
                    .await
                    .unwrap();
                let rows = sorted["data"].as_array().unwrap();
                assert_eq!(rows.len(), first_page, "{base} sort={key}");
                let values: Vec<&Value> = rows.iter().filter_map(|r| r.get(*key)).collect();
                let times: Option<Vec<chrono::DateTime<chrono::FixedOffset>>> = values
                    .iter()
                    .map(|v| v.as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()))
                    .collect();
                if let Some(times) = times {
                    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{base} sort={key}");
                } else if values.iter().all(|v| v.is_string()) {
                    let texts: Vec<&str> = values.iter().filter_map(|v| v.as_str()).collect();
                    assert!(texts.windows(2).all(|w| w[0] <= w[1]), "{base} sort={key}: {texts:?}");
                } else if values.iter().all(|v| v.is_number()) {
                    let numbers: Vec<f64> = values.iter().filter_map(|v| v.as_f64()).collect();
                    assert!(numbers.windows(2).all(|w| w[0] <= w[1]), "{base} sort={key}");
                }
            }
        }
        for (bad, unknown) in
            [("filter[nope]=1", "filter[nope]"), ("bogus=1", "bogus"), ("sort=nope", "sort=nope")]
        {
            let response = get(format!("{base}{sep}{bad}")).await;
            assert_eq!(response.status(), 400, "{base}?{bad}");
            let body = problem(response, 400).await;
            assert_eq!(body["unknown"], json!([unknown]), "{base}?{bad}");
        }
        lists += 1;
    }
    assert!(lists >= 30, "{lists} lists");
}
