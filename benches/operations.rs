//! Operations API benchmark: throughput, p99 and server CPU per request of
//! an authenticated list against the bare `/healthz` route of the same
//! binary, both driven by `wrk -t1 -c64`; on PostgreSQL the database
//! transactions per list request; client-credentials grants per second.
//!
//! `cargo bench --bench operations` (SQLite in a temp dir), or with
//! `BENCH_DATABASE_URL=postgres://…/db` for PostgreSQL (the database must be empty).
//! `BENCH_SECONDS` sets each run's length (default 10).

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

const CONNECTIONS: usize = 64;

fn airside(database_url: &str, args: &[&str]) -> Value {
    // `--database-url` belongs right after the command (`demo`, `admin`).
    let out = Command::new(env!("CARGO_BIN_EXE_airside"))
        .arg(args[0])
        .args(["--database-url", database_url])
        .args(&args[1..])
        .env("AIRSIDE_LOG", "error")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

struct Figures {
    requests: usize,
    errors: usize,
    seconds: f64,
    p50: Duration,
    p99: Duration,
}

impl Figures {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// Runs `make` from CONNECTIONS tasks for `seconds`, after a one-second warm-up.
async fn load<F>(seconds: u64, make: F) -> Figures
where
    F: Fn() -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let run = |length: Duration| {
        let make = make.clone();
        async move {
            let deadline = Instant::now() + length;
            let tasks: Vec<_> = (0..CONNECTIONS)
                .map(|_| {
                    let make = make.clone();
                    tokio::spawn(async move {
                        let mut latencies = Vec::with_capacity(50_000);
                        let mut errors = 0;
                        while Instant::now() < deadline {
                            let started = Instant::now();
                            match make().send().await {
                                Ok(response) if response.status().is_success() => {
                                    let _ = response.bytes().await;
                                    latencies.push(started.elapsed());
                                }
                                _ => errors += 1,
                            }
                        }
                        (latencies, errors)
                    })
                })
                .collect();
            let mut all = vec![];
            let mut errors = 0;
            for task in tasks {
                let (latencies, failed) = task.await.unwrap();
                all.extend(latencies);
                errors += failed;
            }
            (all, errors)
        }
    };
    run(Duration::from_secs(1)).await;
    let started = Instant::now();
    let (mut latencies, errors) = run(Duration::from_secs(seconds)).await;
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Figures { requests: latencies.len(), errors, seconds: elapsed, p50: at(0.50), p99: at(0.99) }
}

fn row(name: &str, f: &Figures) {
    println!(
        "{name:<44} {:>10.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} ok, {} failed)",
        f.rps(),
        f.p50.as_secs_f64() * 1e3,
        f.p99.as_secs_f64() * 1e3,
        f.requests,
        f.errors
    );
}

fn main() {
    let seconds: u64 = support::setting("BENCH_SECONDS", 10);
    let dir = tempfile::tempdir().unwrap();
    let (database_url, backend) = support::database(&dir);

    // The figure is a full 50-row page: the demo airline's fleet, topped up.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (db, org) = support::demo_database(&database_url).await;
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) \
             INSERT INTO aircraft (org_id, subfleet_id, registration, name, icao, created_at) \
             SELECT $1, (SELECT MIN(id) FROM subfleets WHERE org_id = $1), 'G-B' || n.i, \
             'Bench', 'A320', '2026-01-01T00:00:00Z' FROM n",
        )
        .bind(org.0)
        .execute(db.writer())
        .await
        .unwrap();
        db.close().await;
    });
    let client = airside(
        &database_url,
        &["admin", "client", "create", "--org", "demo", "--kind", "operations", "--name", "bench"],
    );
    // The load comes from one client: lift its org's rate limit out of the way.
    airside(
        &database_url,
        &["admin", "rate-limit", "set", "--org", "demo", "--per-minute", "1000000000"],
    );
    let (client_id, secret) = (
        client["client_id"].as_str().unwrap().to_string(),
        client["client_secret"].as_str().unwrap().to_string(),
    );

    let server = support::Server::start(&database_url);
    let base = server.base.clone();
    let database_url = database_url.clone();

    runtime.block_on(async move {
        let http = reqwest::Client::builder().pool_max_idle_per_host(CONNECTIONS).build().unwrap();
        let grant = || {
            let http = http.clone();
            let (url, id, secret) = (format!("{base}/oauth/token"), client_id.clone(), secret.clone());
            move || http.post(&url).basic_auth(&id, Some(&secret)).form(&[("grant_type", "client_credentials")])
        };
        let token: Value = grant()().send().await.unwrap().json().await.unwrap();
        let token = token["access_token"].as_str().unwrap().to_string();
        let page: Value = http
            .get(format!("{base}/api/v3/operations/aircraft?limit=50"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["data"].as_array().map(Vec::len), Some(50), "a full page is measured");

        println!("Airside Operations benchmark: {backend}, wrk -t1 -c{CONNECTIONS}, {seconds} s per run, {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0));
        let pid = server.pid();
        let wrk = |path: &str, headers: Vec<String>| {
            let url = format!("{base}{path}");
            async move {
                tokio::task::spawn_blocking(move || support::wrk(pid, &url, &headers, CONNECTIONS, seconds))
                    .await
                    .unwrap()
            }
        };
        let auth = vec![format!("Authorization: Bearer {token}")];
        let bare = wrk("/healthz", vec![]).await;
        let list = wrk("/api/v3/operations/aircraft?limit=50", auth.clone()).await;
        for (name, f) in [("GET /healthz (bare route)", &bare), ("GET /api/v3/operations/aircraft?limit=50", &list)] {
            println!(
                "{name:<44} {:>10.0} req/s   p99 {:>7.2} ms   {:>6.1} µs CPU/request   ({} requests, {} not 2xx)",
                f.rps, f.p99_ms, f.cpu_us, f.requests, f.non_2xx
            );
        }
        assert_eq!(list.non_2xx, 0.0, "the list answered errors under load");
        support::summary("operations", "bare /healthz", bare.rps, "req/s");
        support::summary("operations", "bare /healthz: server CPU", bare.cpu_us, "µs/request");
        support::summary("operations", "aircraft list", list.rps, "req/s");
        support::summary("operations", "aircraft list p99", list.p99_ms, "ms");
        support::summary("operations", "aircraft list: server CPU", list.cpu_us, "µs/request");
        println!("{:<44} {:>10.1} %   (target >= 30 %, <= 80 µs CPU/request)", "aircraft list / bare route", 100.0 * list.rps / bare.rps);

        // Database transactions per request, PostgreSQL only: N sequential
        // list requests against N bare ones (whose count is the background's
        // and the counting query's own).
        const SEQUENTIAL: usize = 500;
        let counted = |path: &'static str, with_token: bool| {
            let (http, url, token, db) = (http.clone(), format!("{base}{path}"), token.clone(), database_url.clone());
            async move {
                let before = support::transactions(&db)?;
                for _ in 0..SEQUENTIAL {
                    let request = http.get(&url);
                    let request = if with_token { request.bearer_auth(&token) } else { request };
                    assert!(request.send().await.unwrap().status().is_success());
                }
                Some(support::transactions(&db)? - before)
            }
        };
        if let (Some(idle), Some(listed)) = (counted("/healthz", false).await, counted("/api/v3/operations/aircraft?limit=50", true).await) {
            let per_request = (listed - idle) / SEQUENTIAL as f64;
            println!("{:<44} {:>10.2} per request   (target <= 2)", "database transactions (aircraft list)", per_request);
            support::summary("operations", "aircraft list: database transactions", per_request, "per request");
        }

        let grants = load(seconds, grant()).await;
        row("POST /oauth/token (client_credentials)", &grants);
        support::summary("operations", "client-credentials grants", grants.rps(), "req/s");
        println!("{:<44} {:>10.0} /s   (target >= 2,000/s)", "grants", grants.rps());

        // The request log must keep up: entries dropped because its writer
        // fell behind, and what it counted for the bench client and token.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let signed_in = http
            .post(format!("{base}/console/api/session"))
            .json(&serde_json::json!({ "email": "owner@demo.test", "password": "airside-demo" }))
            .send()
            .await
            .unwrap();
        let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let usage: Value = http.get(format!("{base}/console/api/usage")).header("cookie", cookie).send().await.unwrap().json().await.unwrap();
        let counted: i64 = usage["data"]["credentials"].as_array().unwrap().iter().map(|c| c["requests"]["all_time"].as_i64().unwrap_or(0)).sum();
        println!(
            "{:<44} {:>10} dropped   ({counted} requests counted; {} measured ok, warm-ups not measured)",
            "request log",
            usage["data"]["dropped_log_entries"],
            list.requests + grants.requests as f64 + grants.errors as f64,
        );
    });
}
