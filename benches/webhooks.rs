//! Webhook delivery benchmark: deliveries per second to a local receiver that
//! answers 200 at once, for 20,000 events over 10 endpoints, and the time from
//! commit to delivery (p50, p99) at a steady rate. The dispatcher is the one
//! `airside serve` runs.
//!
//! `cargo bench --bench webhooks` (SQLite in a temp dir), or with
//! `BENCH_DATABASE_URL=postgres://…/db` for PostgreSQL (an empty database).

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use airside::storage::webhooks;
use axum::body::Bytes;

const EVENTS: usize = 20_000;
const ENDPOINTS: usize = 10;

type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

async fn receiver() -> (String, Arrivals) {
    let arrivals: Arrivals = Arc::default();
    let seen = arrivals.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: Bytes| {
            let seen = seen.clone();
            async move {
                let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
                let id = body["id"].as_str().unwrap().to_string();
                seen.lock().unwrap().entry(id).or_insert_with(Instant::now);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, arrivals)
}

async fn wait_for(arrivals: &Arrivals, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(600);
    while arrivals.lock().unwrap().len() < count {
        assert!(Instant::now() < deadline, "deliveries stalled");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (url, backend) = support::database(&dir);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let (db, org) = support::demo_database(&url).await;
        let (hook, arrivals) = receiver().await;
        let mut endpoints = vec![];
        for _ in 0..ENDPOINTS {
            let mut tx = db.begin().await.unwrap();
            let types = ["webhook.test".to_string()];
            endpoints.push(webhooks::create(&mut tx, org, &hook, "", &types, true).await.unwrap().0);
            tx.commit().await.unwrap();
        }
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
        println!("Airside webhook benchmark: {backend}, {cores} cores");

        // Throughput: a backlog of committed events, drained by one dispatcher.
        for chunk in (0..EVENTS).collect::<Vec<_>>().chunks(500) {
            let mut tx = db.begin().await.unwrap();
            for i in chunk {
                webhooks::ping(&mut tx, org, endpoints[i % ENDPOINTS]).await.unwrap();
            }
            tx.commit().await.unwrap();
        }
        let started = Instant::now();
        let dispatcher = tokio::spawn(airside::webhooks::dispatcher::run(db.clone(), true));
        wait_for(&arrivals, EVENTS).await;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{:<44} {:>10.0} deliveries/s   ({EVENTS} events over {ENDPOINTS} endpoints in {seconds:.1} s; target >= 1,000/s)",
            "backlog drain",
            EVENTS as f64 / seconds
        );
        support::summary("webhooks", "backlog drain", EVENTS as f64 / seconds, "deliveries/s");

        // Latency: events committed one at a time at a steady 200/s.
        arrivals.lock().unwrap().clear();
        let mut committed = HashMap::new();
        let rate = Duration::from_millis(5);
        for i in 0..2_000 {
            let mut tx = db.begin().await.unwrap();
            let id = webhooks::ping(&mut tx, org, endpoints[i % ENDPOINTS]).await.unwrap();
            tx.commit().await.unwrap();
            committed.insert(id.to_string(), Instant::now());
            tokio::time::sleep(rate).await;
        }
        wait_for(&arrivals, committed.len()).await;
        let arrivals = arrivals.lock().unwrap();
        let mut latencies: Vec<Duration> =
            committed.iter().map(|(id, at)| arrivals[id].saturating_duration_since(*at)).collect();
        latencies.sort();
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
        println!(
            "{:<44} p50 {:>7.1} ms   p99 {:>7.1} ms   ({} events at ~200/s; target p50 < 50 ms)",
            "commit to delivery",
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
            latencies.len()
        );
        support::summary("webhooks", "commit to delivery p50", at(0.5).as_secs_f64() * 1e3, "ms");
        support::summary("webhooks", "commit to delivery p99", at(0.99).as_secs_f64() * 1e3, "ms");
        dispatcher.abort();
    });
}
