//! What the benches share: the database they run on and the server binary.
#![allow(dead_code)] // each bench uses its part

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The bench database: `BENCH_DATABASE_URL` (an empty PostgreSQL database),
/// else SQLite in `dir`. With the backend's name.
pub fn database(dir: &tempfile::TempDir) -> (String, &'static str) {
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let backend = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    (url, backend)
}

/// The bench database migrated and seeded with the demo, and the demo
/// airline's org.
pub async fn demo_database(url: &str) -> (airside::storage::Db, airside::domain::OrgId) {
    let db = airside::storage::Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    airside::demo::seed(&db).await.unwrap();
    let org = airside::storage::orgs::by_slug(&db, "demo").await.unwrap().unwrap().id;
    (db, org)
}

/// A number from the environment, or `default`.
pub fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// One figure for `scripts/bench-report`, which gathers them into a table:
/// `SUMMARY<TAB>bench<TAB>figure<TAB>value<TAB>unit`.
pub fn summary(bench: &str, figure: &str, value: f64, unit: &str) {
    println!("SUMMARY\t{bench}\t{figure}\t{value:.2}\t{unit}");
}

/// `airside serve` on a free loopback port, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(database_url: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let listen = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_airside"))
            .args(["serve", "--listen", &listen, "--database-url", database_url])
            .env("AIRSIDE_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, base: format!("http://{listen}") }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU seconds (user + system) a process has used so far.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is the
    // 14th field, stime the 15th, in clock ticks.
    let rest = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |n: usize| fields.get(n).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    let per_second = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    (ticks(11) + ticks(12)) / per_second
}

/// What `wrk` measured, and what the server spent meanwhile.
pub struct Wrk {
    pub rps: f64,
    pub p99_ms: f64,
    pub requests: f64,
    pub non_2xx: f64,
    /// Server CPU per request, in microseconds.
    pub cpu_us: f64,
}

/// Drives `url` with `wrk -t1 -c<connections> -d<seconds>s --latency` (after
/// a one-second warm-up), measuring the server's CPU over the run.
pub fn wrk(server: u32, url: &str, headers: &[String], connections: usize, seconds: u64) -> Wrk {
    let run = |seconds: u64| {
        let mut command = Command::new("wrk");
        command.args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency"]);
        for header in headers {
            command.args(["-H", header]);
        }
        let out = command.arg(url).output().expect("wrk is installed (apt-get install wrk)");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    run(1);
    let before = cpu_seconds(server);
    let report = run(seconds);
    let cpu = cpu_seconds(server) - before;
    let number = |text: &str| -> f64 {
        let digits: String = text.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let value: f64 = digits.parse().unwrap_or(0.0);
        match text[digits.len()..].trim() {
            "us" => value / 1000.0,
            "s" => value * 1000.0,
            "k" => value * 1000.0,
            _ => value,
        }
    };
    let after = |label: &str| {
        report.lines().find_map(|line| line.trim().strip_prefix(label).map(|v| number(v.trim())))
    };
    let requests = report
        .lines()
        .find(|line| line.contains("requests in"))
        .and_then(|line| line.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or(0.0);
    let non_2xx = after("Non-2xx or 3xx responses:").unwrap_or(0.0);
    Wrk {
        rps: after("Requests/sec:").unwrap_or(0.0),
        p99_ms: after("99%").unwrap_or(0.0),
        requests,
        non_2xx,
        cpu_us: if requests > 0.0 { cpu * 1e6 / requests } else { 0.0 },
    }
}

/// PostgreSQL's count of committed and rolled-back transactions in the
/// bench database (None on SQLite).
pub fn transactions(database_url: &str) -> Option<f64> {
    if !database_url.starts_with("postgres") {
        return None;
    }
    // Statistics reach the view at most once a second.
    std::thread::sleep(Duration::from_millis(1500));
    let out = Command::new("psql")
        .args([database_url, "-Atc"])
        .arg("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}
