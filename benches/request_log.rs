//! Request-log writer benchmark: can the log keep up with 10,000 requests a
//! second without dropping entries? Submits entries through the same bounded
//! channel the request layer uses, at a steady rate, and reports drops, how
//! long the writer took to catch up, and its raw batch-insert capacity.
//!
//! `cargo bench --bench request_log` (SQLite in a temp dir), or with
//! `BENCH_DATABASE_URL=postgres://…/db` for PostgreSQL (an empty database).
//! `BENCH_RATE` (entries/s, default 10000) and `BENCH_SECONDS` (default 10).

mod support;

use std::time::{Duration, Instant};

use airside::domain::usage::{Credential, CredentialKind};
use airside::domain::Timestamp;
use airside::http::request_log::RequestLog;
use airside::storage::usage::{self, LogEntry};
use airside::storage::Db;

fn entry(org: airside::domain::OrgId, n: usize) -> LogEntry {
    LogEntry {
        at: Timestamp::now(),
        org: Some(org),
        credential: Some(Credential {
            kind: CredentialKind::OperationsClient,
            id: (n % 50) as i64,
            pilot: None,
        }),
        method: "GET".into(),
        route: Some("/api/v3/operations/aircraft".into()),
        path: "/api/v3/operations/aircraft?limit=50".into(),
        status: 200,
        duration_us: 850,
        ip: Some("127.0.0.1".into()),
        user_agent: Some("bench".into()),
        request_id: uuid::Uuid::new_v4().to_string(),
    }
}

async fn count(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM request_log").fetch_one(db.reader()).await.unwrap()
}

fn main() {
    let rate: usize = support::setting("BENCH_RATE", 10_000);
    let seconds: usize = support::setting("BENCH_SECONDS", 10);
    let dir = tempfile::tempdir().unwrap();
    let (url, backend) = support::database(&dir);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let (db, org) = support::demo_database(&url).await;
        println!("Airside request-log benchmark: {backend}");

        // Raw capacity: batches of 2,000 written back to back.
        let batch: Vec<LogEntry> = (0..2_000).map(|n| entry(org, n)).collect();
        let started = Instant::now();
        for _ in 0..25 {
            usage::write_batch(&db, &batch).await.unwrap();
        }
        let capacity = 50_000.0 / started.elapsed().as_secs_f64();
        println!("{:<40} {capacity:>10.0} entries/s", "writer capacity (2,000 per batch)");
        support::summary("request_log", "writer capacity", capacity, "entries/s");

        // Steady load through the channel, as the request layer submits.
        let before = count(&db).await;
        let (log, writer) = RequestLog::start(db.clone());
        let total = rate * seconds;
        let tick = Duration::from_millis(10);
        let per_tick = rate / 100;
        let started = Instant::now();
        let mut sent = 0;
        let mut every = tokio::time::interval(tick);
        while sent < total {
            every.tick().await;
            for _ in 0..per_tick {
                log.submit(entry(org, sent));
                sent += 1;
            }
        }
        let submitting = started.elapsed();
        let dropped = log.dropped();
        drop(log);
        writer.await.unwrap();
        let caught_up = started.elapsed();
        let written = count(&db).await - before;
        println!(
            "{:<40} {sent} entries in {:.1} s ({:.0}/s): {dropped} dropped, {written} written, writer done {:.2} s after the last",
            format!("steady {rate}/s for {seconds} s"),
            submitting.as_secs_f64(),
            sent as f64 / submitting.as_secs_f64(),
            (caught_up - submitting).as_secs_f64()
        );
        support::summary("request_log", &format!("dropped at {rate}/s"), dropped as f64, "entries");
    });
}
