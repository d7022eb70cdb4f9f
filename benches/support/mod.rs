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
