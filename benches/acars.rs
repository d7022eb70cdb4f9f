//! ACARS tracker benchmark: 1,000 simulated Stratos trackers flying at once.
//!
//! 1. paced: each tracker posts one `update` a second (as Stratos does),
//!    then three and five a second (3,000 and 5,000 updates/s offered with
//!    1,000 trackers);
//! 2. flat out: each tracker posts its next update as soon as the last is
//!    answered, to find the ceiling;
//! 3. batched: each tracker posts a batch of 10 timed positions a second.
//!
//! Prints updates/s, positions/s, p50/p99 of `update`, then counts the
//! stored positions: every acknowledged one must be there.
//!
//! `cargo bench --bench acars` (SQLite in a temp dir), or with
//! `BENCH_DATABASE_URL=postgres://…/db` for PostgreSQL (an empty database).
//! `BENCH_SECONDS` sets the paced run's length (default 60; the others run
//! a third of it); `BENCH_TRACKERS` the number of trackers (default 1,000).

mod support;

use std::time::{Duration, Instant};

use airside::domain::pilot::PilotState;
use airside::domain::RankId;
use airside::storage::{bookings, fleet, pilots, schedules, Db};
use serde_json::{json, Value};

/// The demo airline plus `trackers` pilots, each with a key and a booking
/// pinned to an aircraft of their own. Returns the keys.
async fn seed(database_url: &str, trackers: usize) -> Vec<String> {
    let (db, org) = support::demo_database(database_url).await;
    let mut tx = db.begin().await.unwrap();
    let q = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).bind(org.0);
    let airline = airside::domain::AirlineId(
        q("SELECT MIN(id) FROM airlines WHERE org_id = $1").fetch_one(&mut *tx).await.unwrap(),
    );
    let departure =
        q("SELECT MIN(id) FROM airports WHERE org_id = $1").fetch_one(&mut *tx).await.unwrap();
    let arrival =
        q("SELECT MAX(id) FROM airports WHERE org_id = $1").fetch_one(&mut *tx).await.unwrap();
    // The load is the point: lift the org's rate limit out of the way.
    sqlx::query("UPDATE orgs SET rate_limit_per_minute = 1000000000 WHERE id = $1")
        .bind(org.0)
        .execute(&mut *tx)
        .await
        .unwrap();
    let subfleet = fleet::create_subfleet(
        &mut tx,
        org,
        &fleet::NewSubfleet {
            airline,
            type_code: "BNCH",
            name: "Bench fleet",
            passengers: 100,
            cargo_kg: 1_000,
            min_rank: None::<RankId>,
        },
    )
    .await
    .unwrap();
    let schedule = schedules::create(
        &mut tx,
        org,
        &schedules::NewSchedule {
            airline,
            flight_number: "BN1",
            departure: airside::domain::AirportId(departure),
            arrival: airside::domain::AirportId(arrival),
            route: "DCT",
            flight_level: 350,
            distance_nm: 500.0,
            departure_time: None,
            arrival_time: None,
            flight_minutes: 90,
            days_of_week: "1234567",
            flight_type: "P",
            notes: "",
            subfleets: &[subfleet],
        },
    )
    .await
    .unwrap();
    let mut keys = Vec::with_capacity(trackers);
    for n in 0..trackers {
        let registration = format!("B-{n:05}");
        let aircraft = fleet::create_aircraft(
            &mut tx,
            org,
            &fleet::NewAircraft {
                subfleet,
                registration: &registration,
                name: "Bench",
                icao: "BNCH",
                airport: None,
                airframe_hours: 0.0,
            },
        )
        .await
        .unwrap();
        let email = format!("bench{n}@demo.test");
        let pilot = pilots::create(
            &mut tx,
            org,
            &pilots::NewPilot {
                airline,
                airline_icao: "AIR",
                number: 5_000 + n as i64,
                first_name: "Bench",
                last_name: "Pilot",
                email: &email,
                password_hash: "-",
                state: PilotState::Active,
                rank: None,
                hub: None,
                airport: None,
            },
        )
        .await
        .unwrap();
        keys.push(
            pilots::create_api_key(&mut tx, org, pilot, "bench")
                .await
                .unwrap()
                .expose()
                .to_string(),
        );
        bookings::create(&mut tx, org, pilot, schedule, Some(aircraft)).await.unwrap();
    }
    tx.commit().await.unwrap();
    db.close().await;
    keys
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    acknowledged: u64,
    failed: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// One update every this many milliseconds.
    Paced(u64),
    FlatOut,
    Batched,
}

const BATCH: usize = 10;

/// One tracker flying for `length`: its requests' latencies and how many
/// positions the server acknowledged storing.
/// One simulated tracker: where it posts, as whom, which flight.
struct Tracker {
    http: reqwest::Client,
    url: String,
    auth: String,
    tracking: String,
}

async fn tracker(
    Tracker { http, url, auth, tracking }: Tracker,
    mode: Mode,
    length: Duration,
    offset: Duration,
    start_step: u64,
) -> Tally {
    let mut tally = Tally::default();
    // Spread the trackers over the second, as real ones are.
    tokio::time::sleep(offset).await;
    let deadline = Instant::now() + length;
    let every = match mode {
        Mode::Paced(ms) => Duration::from_millis(ms),
        _ => Duration::from_secs(1),
    };
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut step = start_step;
    while Instant::now() < deadline {
        if mode != Mode::FlatOut {
            tick.tick().await;
        }
        let position = |step: u64| {
            json!({
                "phase": "cruise", "latitude": 50.0 + (step % 10_000) as f64 * 1e-4,
                "longitude": -(step as f64) * 1e-4 % 180.0, "heading": 90, "altitude": 35000,
                "ground_speed": 450, "vertical_speed": 0, "indicated_airspeed": 280,
            })
        };
        let body = if mode == Mode::Batched {
            let base = chrono::Utc::now();
            let positions: Vec<Value> = (0..BATCH as u64)
                .map(|n| {
                    let mut p = position(step + n);
                    p["timestamp"] = json!((base + chrono::Duration::milliseconds(n as i64 * 100))
                        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
                    p
                })
                .collect();
            step += BATCH as u64;
            json!({ "tracking_id": tracking, "positions": positions })
        } else {
            let mut p = position(step);
            p["uuid"] = json!(tracking);
            step += 1;
            p
        };
        let started = Instant::now();
        match http.post(&url).header("authorization", &auth).json(&body).send().await {
            Ok(response) if response.status().is_success() => {
                // A batch is answered with its count; a single report, as the
                // module answers it, with an empty 200.
                let batched = body.get("positions").is_some();
                let answer: Value = response.json().await.unwrap_or_default();
                tally.latencies.push(started.elapsed());
                tally.acknowledged +=
                    if batched { answer["stored"].as_u64().unwrap_or(0) } else { 1 };
            }
            _ => tally.failed += 1,
        }
    }
    tally
}

async fn run(
    http: &reqwest::Client,
    base: &str,
    flights: &[(String, String)],
    mode: Mode,
    length: Duration,
    phase: u64,
) -> (Tally, f64) {
    let count = flights.len();
    let tasks: Vec<_> = flights
        .iter()
        .enumerate()
        .map(|(n, (auth, tracking))| {
            let offset = Duration::from_micros((n as u64 * 1_000_000) / count as u64);
            let one = Tracker {
                http: http.clone(),
                url: format!("{base}/api/stratos/flights/update"),
                auth: auth.clone(),
                tracking: tracking.clone(),
            };
            tokio::spawn(tracker(one, mode, length, offset, phase * 10_000_000))
        })
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await.unwrap();
        all.latencies.extend(t.latencies);
        all.acknowledged += t.acknowledged;
        all.failed += t.failed;
    }
    // Each tracker flies `length` after its start offset: rates are per
    // second of that, not of the staggered start.
    all.latencies.sort();
    (all, length.as_secs_f64())
}

/// CPU seconds a process has used (Linux), to tell the server's share of the
/// machine from the load generator's: they share the cores.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name: utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |n: usize| fields.get(n).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn report(name: &str, tally: &Tally, seconds: f64, server_cpu: f64) {
    let p99 = tally.latencies.get(tally.latencies.len() * 99 / 100).copied().unwrap_or_default();
    support::summary(
        "acars",
        &format!("{name}: updates"),
        tally.latencies.len() as f64 / seconds,
        "req/s",
    );
    support::summary(
        "acars",
        &format!("{name}: positions"),
        tally.acknowledged as f64 / seconds,
        "positions/s",
    );
    support::summary("acars", &format!("{name}: p99"), p99.as_secs_f64() * 1e3, "ms");
    let cpu_per_update = server_cpu * 1e6 / tally.latencies.len().max(1) as f64;
    support::summary("acars", &format!("{name}: server CPU"), cpu_per_update, "µs/update");
    let at = |q: f64| {
        let l = &tally.latencies;
        l.get(((l.len() as f64 * q) as usize).min(l.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{name:<28} {:>8.0} updates/s {:>8.0} positions/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} ok, {} failed; server CPU {:.0} µs/update)",
        tally.latencies.len() as f64 / seconds,
        tally.acknowledged as f64 / seconds,
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        tally.latencies.len(),
        tally.failed,
        cpu_per_update,
    );
}

fn main() {
    let seconds: u64 = support::setting("BENCH_SECONDS", 60);
    let trackers: usize = support::setting("BENCH_TRACKERS", 1_000);
    let dir = tempfile::tempdir().unwrap();
    let (database_url, backend) = support::database(&dir);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let keys = runtime.block_on(seed(&database_url, trackers));
    let server = support::Server::start(&database_url);
    let (server_pid, base) = (server.pid(), server.base.clone());

    runtime.block_on(async move {
        let http = reqwest::Client::builder().pool_max_idle_per_host(trackers).build().unwrap();
        let mut flights = Vec::with_capacity(trackers);
        for key in &keys {
            let auth = format!("Bearer {key}");
            let started = http.post(format!("{base}/api/stratos/flights/start")).header("authorization", &auth).json(&json!({})).send().await.unwrap();
            assert_eq!(started.status(), 200);
            let tracking = started.json::<Value>().await.unwrap()["tracking_id"].as_str().unwrap().to_string();
            flights.push((auth, tracking));
        }
        println!(
            "Airside ACARS benchmark: {backend}, {trackers} trackers, {} cores",
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
        );
        let short = Duration::from_secs((seconds / 3).max(5));
        let mut acknowledged = 0;
        for (phase, (name, mode, length)) in [
            ("paced, 1 update/s each", Mode::Paced(1_000), Duration::from_secs(seconds)),
            ("paced, 3 updates/s each", Mode::Paced(333), short),
            ("paced, 5 updates/s each", Mode::Paced(200), short),
            ("flat out", Mode::FlatOut, short),
            ("batched, 10 positions/s each", Mode::Batched, short),
        ]
        .into_iter()
        .enumerate()
        {
            let cpu_before = cpu_seconds(server_pid);
            let (tally, took) = run(&http, &base, &flights, mode, length, phase as u64).await;
            report(name, &tally, took, cpu_seconds(server_pid) - cpu_before);
            acknowledged += tally.acknowledged;
        }
        println!("target: SQLite >= 5,000 updates/s with p99 < 50 ms, PostgreSQL >= 3,000/s with p99 < 100 ms (the load generator shares the cores)");

        let db = Db::connect(&database_url).await.unwrap();
        let stored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pirep_positions WHERE pirep_id IN (SELECT id FROM pireps WHERE tracking_id IS NOT NULL)",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        println!(
            "{:<28} {acknowledged} acknowledged, {stored} stored: {}",
            "positions",
            if stored as u64 == acknowledged { "none lost" } else { "MISMATCH" }
        );
        support::summary("acars", "acknowledged but not stored", acknowledged as f64 - stored as f64, "positions");
        db.close().await;
    });
}
