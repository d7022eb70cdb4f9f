//! The foundation: migrations, the demo, org isolation, the PIREP state
//! machine over storage, pagination, and the HTTP error surface.

use std::collections::BTreeSet;

use airside::domain::pirep::{PirepAction, PirepState};
use airside::domain::{OrgId, PirepId};
use airside::storage::page::{Keyed, PageRequest};
use airside::storage::resource::{self, Resource};
use airside::storage::{
    airlines, airports, announcements, badges, bookings, fleet, hubs, orgs, pilots, pireps, ranks,
    schedules, Db,
};

use crate::harness::{each_backend, each_empty_database, problem, TestApp};

async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn migrations_apply_from_empty_and_again_on_restart() {
    each_empty_database(|database| async move {
        for start in 0..3 {
            let db = Db::connect(&database.url).await.unwrap();
            db.migrate().await.unwrap_or_else(|e| panic!("start {start}: {e:#}"));
            let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
                .fetch_one(db.reader())
                .await
                .unwrap();
            assert_eq!(applied, 17, "start {start}");
            assert_eq!(count(&db, "pireps").await, 0);
            db.close().await;
        }
    })
    .await;
}

#[tokio::test]
async fn demo_seed_is_idempotent_and_complete() {
    each_backend(|app| async move {
        let tables =
            ["orgs", "staff_users", "pilots", "pireps", "schedules", "aircraft", "bookings"];
        let mut before = vec![];
        for table in tables {
            before.push(count(&app.db, table).await);
        }
        airside::demo::seed(&app.db).await.unwrap();
        for (table, expected) in tables.iter().zip(&before) {
            assert_eq!(count(&app.db, table).await, *expected, "{table} after a second seed");
        }

        let demo = orgs::by_slug(&app.db, "demo").await.unwrap().unwrap();
        assert_eq!(demo.plan.as_str(), "active");
        assert_eq!(
            orgs::by_slug(&app.db, "demo-school").await.unwrap().unwrap().plan.as_str(),
            "active"
        );
        assert_eq!(
            orgs::by_slug(&app.db, "demo-trial").await.unwrap().unwrap().plan.as_str(),
            "trial"
        );
        let airline_pilots: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM pilots WHERE org_id = $1")
                .bind(demo.id.0)
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        assert_eq!(airline_pilots, 20, "20 demo pilots");
        assert!(before[3] >= 300, "a few hundred PIREPs");

        let pilot = pilots::by_login(&app.db, demo.id, "AIR0001").await.unwrap().unwrap();
        assert_eq!(pilot.email, "air0001@demo.test");
        assert!(airside::security::verify_password("airside-demo", &pilot.password_hash));
        assert_eq!(
            pilots::by_login(&app.db, demo.id, "air0001@demo.test").await.unwrap().unwrap().id,
            pilot.id
        );
        for state in PirepState::ALL {
            let n: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM pireps WHERE org_id = $1 AND state = $2")
                    .bind(demo.id.0)
                    .bind(state.as_str())
                    .fetch_one(app.db.reader())
                    .await
                    .unwrap();
            assert!(n > 0, "no demo PIREP is {state}");
        }
        // Totals agree with the accepted PIREPs.
        let accepted: (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(flight_minutes), 0) AS BIGINT) FROM pireps \
             WHERE pilot_id = $1 AND state = 'accepted'",
        )
        .bind(pilot.id.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert_eq!((pilot.flights, pilot.flight_minutes), accepted);
        let pinned: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings WHERE pilot_id = $1 AND aircraft_id IS NOT NULL",
        )
        .bind(pilot.id.0)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert!(pinned >= 1, "AIR0001 has a booking with a pinned aircraft");

        for slug in ["demo", "demo-school", "demo-trial"] {
            for who in ["owner", "viewer"] {
                let staff =
                    airside::storage::staff::by_email(&app.db, &format!("{who}@{slug}.test"))
                        .await
                        .unwrap()
                        .unwrap_or_else(|| panic!("{who}@{slug}.test"));
                assert_eq!(staff.permissions().is_owner(), who == "owner");
            }
        }
    })
    .await;
}

/// Every id of a resource an org can list.
async fn ids_of<R: Resource>(db: &Db, org: OrgId) -> BTreeSet<i64> {
    let mut ids = BTreeSet::new();
    let mut page = PageRequest { limit: 200, cursor: None, order: None, by: None };
    loop {
        let got = resource::list::<R>(db, org, &[], &page).await.unwrap();
        ids.extend(got.items.iter().map(Keyed::key));
        match got.next {
            Some(next) => page.cursor = Some(next),
            None => return ids,
        }
    }
}

/// Org A's rows are invisible to org B, listed or fetched by id.
async fn assert_isolated<R: Resource>(db: &Db, a: OrgId, b: OrgId, name: &str) {
    let of_a = ids_of::<R>(db, a).await;
    let of_b = ids_of::<R>(db, b).await;
    assert!(!of_a.is_empty() && !of_b.is_empty(), "{name}: both orgs have rows");
    assert!(of_a.is_disjoint(&of_b), "{name}: lists overlap");
    for id in of_a.iter().take(25) {
        assert!(resource::get::<R>(db, b, *id).await.unwrap().is_none(), "{name} {id} leaks to B");
        assert!(resource::get::<R>(db, a, *id).await.unwrap().is_some(), "{name} {id} of A");
    }
}

#[tokio::test]
async fn storage_never_crosses_orgs() {
    each_backend(|app| async move {
        let db = &app.db;
        let a = orgs::by_slug(db, "demo").await.unwrap().unwrap().id;
        let mut tx = db.begin().await.unwrap();
        let b = orgs::create(
            &mut tx,
            &orgs::NewOrg {
                name: "Other Air",
                slug: "other",
                kind: airside::domain::org::OrgKind::Airline,
                plan: airside::domain::org::Plan::Active,
            },
        )
        .await
        .unwrap()
        .id;
        airside::demo::seed_airline(&mut tx, b, "not-a-hash").await.unwrap();
        tx.commit().await.unwrap();

        assert_isolated::<airlines::Airline>(db, a, b, "airlines").await;
        assert_isolated::<airports::Airport>(db, a, b, "airports").await;
        assert_isolated::<ranks::Rank>(db, a, b, "ranks").await;
        assert_isolated::<hubs::Hub>(db, a, b, "hubs").await;
        assert_isolated::<badges::Badge>(db, a, b, "badges").await;
        assert_isolated::<fleet::Subfleet>(db, a, b, "subfleets").await;
        assert_isolated::<fleet::Aircraft>(db, a, b, "aircraft").await;
        assert_isolated::<schedules::Schedule>(db, a, b, "schedules").await;
        assert_isolated::<bookings::Booking>(db, a, b, "bookings").await;
        assert_isolated::<pilots::Pilot>(db, a, b, "pilots").await;
        assert_isolated::<pireps::Pirep>(db, a, b, "pireps").await;
        assert_isolated::<announcements::Announcement>(db, a, b, "announcements").await;

        // Same pilot id in both orgs: each org sees its own.
        let mine = pilots::by_login(db, a, "AIR0001").await.unwrap().unwrap();
        let theirs = pilots::by_login(db, b, "AIR0001").await.unwrap().unwrap();
        assert_ne!(mine.id, theirs.id);

        // A state change asked for with the wrong org finds nothing and changes nothing.
        let pirep = first_pirep(db, a, PirepState::Submitted).await;
        let mut tx = db.begin().await.unwrap();
        let err = pireps::apply(&mut tx, b, pirep, PirepAction::Accept, None).await.unwrap_err();
        assert!(matches!(err, pireps::TransitionError::NotFound), "{err}");
        tx.rollback().await.unwrap();
        assert_eq!(state_of(db, a, pirep).await, PirepState::Submitted);
    })
    .await;
}

async fn first_pirep(db: &Db, org: OrgId, state: PirepState) -> PirepId {
    sqlx::query_scalar("SELECT MIN(id) FROM pireps WHERE org_id = $1 AND state = $2")
        .bind(org.0)
        .bind(state.as_str())
        .fetch_one(db.reader())
        .await
        .map(PirepId)
        .unwrap()
}

async fn state_of(db: &Db, org: OrgId, pirep: PirepId) -> PirepState {
    resource::get::<pireps::Pirep>(db, org, pirep.0).await.unwrap().unwrap().state
}

async fn totals(db: &Db, org: OrgId, pirep: PirepId) -> (i64, i64, i64) {
    let p = resource::get::<pireps::Pirep>(db, org, pirep.0).await.unwrap().unwrap();
    let pilot = resource::get::<pilots::Pilot>(db, org, p.pilot_id.0).await.unwrap().unwrap();
    (pilot.flights, pilot.flight_minutes, pilot.points)
}

#[tokio::test]
async fn pirep_state_changes_follow_the_state_machine_and_count_once() {
    each_backend(|app| async move {
        let db = &app.db;
        let org = orgs::by_slug(db, "demo").await.unwrap().unwrap().id;

        // Every action refused by the domain is refused over storage too, and changes nothing.
        for state in PirepState::ALL {
            let pirep = first_pirep(db, org, state).await;
            for action in PirepAction::ALL {
                if state.apply(action).is_ok() {
                    continue;
                }
                let mut tx = db.begin().await.unwrap();
                let err = pireps::apply(&mut tx, org, pirep, action, None).await.unwrap_err();
                assert!(
                    matches!(err, pireps::TransitionError::Illegal(_)),
                    "{state} {action:?}: {err}"
                );
                tx.commit().await.unwrap();
                assert_eq!(state_of(db, org, pirep).await, state);
            }
        }

        // Accepting counts the flight once; a second accept is refused; invalidating takes it back.
        let pirep = first_pirep(db, org, PirepState::Submitted).await;
        let row = resource::get::<pireps::Pirep>(db, org, pirep.0).await.unwrap().unwrap();
        let before = totals(db, org, pirep).await;
        let mut tx = db.begin().await.unwrap();
        let moved =
            pireps::apply(&mut tx, org, pirep, PirepAction::Accept, Some("good")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(moved, (PirepState::Submitted, PirepState::Accepted));
        let after = totals(db, org, pirep).await;
        assert_eq!(after, (before.0 + 1, before.1 + row.flight_minutes, before.2 + row.points));

        let mut tx = db.begin().await.unwrap();
        assert!(pireps::apply(&mut tx, org, pirep, PirepAction::Accept, None).await.is_err());
        tx.commit().await.unwrap();
        assert_eq!(totals(db, org, pirep).await, after);

        let mut tx = db.begin().await.unwrap();
        pireps::apply(&mut tx, org, pirep, PirepAction::Invalidate, None).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(totals(db, org, pirep).await, before);

        // A rolled-back change leaves no trace.
        let other = first_pirep(db, org, PirepState::Submitted).await;
        let mut tx = db.begin().await.unwrap();
        pireps::apply(&mut tx, org, other, PirepAction::Reject, None).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(state_of(db, org, other).await, PirepState::Submitted);
    })
    .await;
}

#[tokio::test]
async fn cursor_pagination_walks_1000_rows_once_each_way() {
    each_backend(|app| async move {
        let db = &app.db;
        let mut tx = db.begin().await.unwrap();
        let new = orgs::NewOrg {
            name: "Empty",
            slug: "empty",
            kind: airside::domain::org::OrgKind::Airline,
            plan: airside::domain::org::Plan::Active,
        };
        let org = orgs::create(&mut tx, &new).await.unwrap().id;
        for i in 0..1000 {
            let icao = format!("Z{i:03}");
            let new = airports::NewAirport {
                icao: &icao,
                iata: None,
                name: &icao,
                city: None,
                country: None,
                latitude: 0.0,
                longitude: 0.0,
            };
            airports::create(&mut tx, org, &new).await.unwrap();
        }
        tx.commit().await.unwrap();

        // Forward, 37 at a time (not a divisor of 1000).
        let mut seen = vec![];
        let mut page = PageRequest { limit: 37, cursor: None, order: None, by: None };
        let last_page = loop {
            let got = resource::list::<airports::Airport>(db, org, &[], &page).await.unwrap();
            assert!(got.items.len() <= 37);
            seen.extend(got.items.iter().map(Keyed::key));
            match got.next {
                Some(next) => page.cursor = Some(next),
                None => break got,
            }
        };
        assert_eq!(seen.len(), 1000);
        let unique: BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), 1000, "each row once");
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "oldest first");

        // Backward from the last page, by prev cursors, sees the same rows.
        let mut back: Vec<i64> = last_page.items.iter().map(Keyed::key).collect();
        let mut prev = last_page.prev;
        while let Some(cursor) = prev {
            let got = resource::list::<airports::Airport>(
                db,
                org,
                &[],
                &PageRequest { limit: 37, cursor: Some(cursor), order: None, by: None },
            )
            .await
            .unwrap();
            let mut ids: Vec<i64> = got.items.iter().map(Keyed::key).collect();
            ids.extend(back);
            back = ids;
            prev = got.prev;
        }
        assert_eq!(back, seen);
    })
    .await;
}

#[tokio::test]
async fn health_and_readiness() {
    each_backend(|app| async move {
        let live = app.get("/healthz").await;
        assert_eq!(live.status(), 200);
        assert_eq!(live.json::<serde_json::Value>().await.unwrap()["status"], "ok");
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 200);

        // With the database gone, readiness says so (503 problem), liveness does not.
        app.db.close().await;
        let body = problem(app.get("/readyz").await, 503).await;
        assert_eq!(body["type"], "/docs/problems#unavailable");
        assert_eq!(app.get("/healthz").await.status(), 200);
    })
    .await;
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_problem_json() {
    let app = TestApp::spawn_empty(&crate::harness::Backend::Sqlite).await;
    let body = problem(app.get("/no/such/route").await, 404).await;
    assert_eq!(body["detail"], "no route for /no/such/route");

    let response = app.http.delete(app.url("/healthz")).send().await.unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET"), "{allow}");
    problem(response, 405).await;
}

#[tokio::test]
async fn request_ids_are_honoured_when_sane_and_made_otherwise() {
    let app = TestApp::spawn_empty(&crate::harness::Backend::Sqlite).await;
    let sent =
        app.http.get(app.url("/nope")).header("x-request-id", "trace-123").send().await.unwrap();
    assert_eq!(sent.headers()["x-request-id"], "trace-123");
    assert_eq!(problem(sent, 404).await["request_id"], "trace-123");

    let junk =
        app.http.get(app.url("/healthz")).header("x-request-id", "a b\"c").send().await.unwrap();
    let made = junk.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(made).is_ok(), "{made}");

    let none = app.get("/healthz").await;
    assert!(uuid::Uuid::parse_str(none.headers()["x-request-id"].to_str().unwrap()).is_ok());
}

/// PostgreSQL caches a statement with its first parameter types: a column
/// bound NULL once and a value later must keep one type, or values break.
#[tokio::test]
async fn the_same_insert_takes_nulls_and_values_in_any_order() {
    use airside::storage::resource::{insert, Value};
    each_backend(|app| async move {
        let org = orgs::by_slug(&app.db, "demo-school").await.unwrap().unwrap().id;
        let aircraft: i64 = sqlx::query_scalar("SELECT MIN(id) FROM aircraft WHERE org_id = $1")
            .bind(org.0)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        // NULLs first: the statement is prepared with the first row's types.
        let rows = [
            (Value::Text("2030-01-01".into()), Value::NullFloat),
            (Value::NullText, Value::Float(12.5)),
            (Value::Text("2031-01-01".into()), Value::NullFloat),
            (Value::NullText, Value::Float(7.25)),
        ];
        let mut tx = app.db.begin().await.unwrap();
        let mut ids = vec![];
        for (due_on, due_hours) in rows.clone() {
            let row = [
                ("aircraft_id", Value::Int(aircraft)),
                ("name", Value::Text("check".into())),
                ("due_on", due_on),
                ("due_hours", due_hours),
                ("created_at", Value::Text("2026-01-01T00:00:00.000000Z".into())),
            ];
            ids.push(
                insert(&mut tx, org, airside::storage::Table::MaintenanceItems, &row)
                    .await
                    .unwrap(),
            );
        }
        tx.commit().await.unwrap();
        for (id, (due_on, due_hours)) in ids.iter().zip(rows) {
            let (on, hours): (Option<String>, Option<f64>) =
                sqlx::query_as("SELECT due_on, due_hours FROM maintenance_items WHERE id = $1")
                    .bind(id)
                    .fetch_one(app.db.reader())
                    .await
                    .unwrap();
            assert_eq!(on, if let Value::Text(t) = due_on { Some(t) } else { None });
            assert_eq!(hours, if let Value::Float(f) = due_hours { Some(f) } else { None });
        }
    })
    .await;
}
