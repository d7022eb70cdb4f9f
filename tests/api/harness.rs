//! `TestApp`: a running Airside on its own database.

use std::future::Future;
use std::net::SocketAddr;

use airside::app::{self, AppState};
use airside::config::Config;
use airside::storage::Db;
use sqlx::{Connection, Executor};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The databases the suite runs on: SQLite always, PostgreSQL when
/// `AIRSIDE_TEST_DATABASE_URL` names a server (any database on it; each test
/// creates and drops its own).
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("AIRSIDE_TEST_DATABASE_URL") {
        if !url.is_empty() {
            all.push(Backend::Postgres(url));
        }
    }
    all
}

/// A fresh, empty database; removed when dropped.
pub struct TestDatabase {
    pub url: String,
    guard: Guard,
}

enum Guard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server: String, name: String },
}

impl TestDatabase {
    pub async fn create(backend: &Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("airside.db").display());
                TestDatabase { url, guard: Guard::Sqlite(dir) }
            }
            Backend::Postgres(server) => {
                sqlx::any::install_default_drivers();
                let name = format!("airside_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn =
                    sqlx::AnyConnection::connect(server).await.expect("PostgreSQL server");
                conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create db");
                let url = replace_database(server, &name);
                TestDatabase { url, guard: Guard::Postgres { server: server.clone(), name } }
            }
        }
    }
}

fn replace_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server, String::new()),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Guard::Postgres { server, name } = &self.guard {
            let (server, name) = (server.clone(), name.clone());
            // Drop runs outside async: a short-lived runtime on its own thread.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(mut conn) = sqlx::AnyConnection::connect(&server).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = conn.execute(sql.as_str()).await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    /// The dispatcher and sweeps, as `airside serve` runs them.
    background: Option<tokio::task::JoinHandle<()>>,
    // Dropped last: the server and pools go before the database.
    _database: TestDatabase,
}

impl TestApp {
    /// A server with the demo orgs seeded.
    pub async fn spawn(backend: &Backend) -> TestApp {
        let app = Self::spawn_empty(backend).await;
        airside::demo::seed(&app.db).await.expect("demo seed");
        app
    }

    /// A server on a migrated, empty database.
    pub async fn spawn_empty(backend: &Backend) -> TestApp {
        Self::spawn_empty_with(backend, |_| {}).await
    }

    /// A server with the demo orgs seeded and settings of its own.
    pub async fn spawn_with(backend: &Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
        let app = Self::spawn_empty_with(backend, configure).await;
        airside::demo::seed(&app.db).await.expect("demo seed");
        app
    }

    async fn spawn_empty_with(backend: &Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
        let database = TestDatabase::create(backend).await;
        let db = Db::connect(&database.url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        // Test receivers listen on loopback over plain http.
        let mut config = Config {
            listen: addr,
            database_url: database.url.clone(),
            allow_insecure_webhooks: true,
            ..Config::default()
        };
        configure(&mut config);
        let state = AppState::new(db.clone(), config);
        let background = Some(app::spawn_background(&state));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app::serve(listener, state, async {
            let _ = rx.await;
        }));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp { addr, db, http, shutdown: Some(tx), background, _database: database }
    }

    /// The database's URL, for a second connection (another "node").
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// The SQLite file, when the test runs on SQLite.
    pub fn db_path(&self) -> Option<&str> {
        self._database.url.strip_prefix("sqlite://")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(background) = self.background.take() {
            background.abort();
        }
    }
}

/// Runs `test` once per backend, each time on a fresh server with the demo.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        eprintln!("-- on {backend:?}");
        test(TestApp::spawn(&backend).await).await;
    }
}

/// Runs `test` once per backend on a fresh, empty database.
pub async fn each_empty_database<F, Fut>(test: F)
where
    F: Fn(TestDatabase) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        eprintln!("-- on {backend:?}");
        test(TestDatabase::create(&backend).await).await;
    }
}

/// Reads a problem+json answer, checking its content type and shape.
pub async fn problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_string();
    let body: serde_json::Value = response.json().await.expect("problem body");
    assert_eq!(body["status"], status);
    assert_eq!(body["request_id"], request_id.as_str());
    assert!(body["type"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["detail"].as_str().is_some());
    body
}

#[test]
fn database_name_is_swapped_in_urls() {
    assert_eq!(replace_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
    assert_eq!(replace_database("postgres://u@h", "x"), "postgres://u@h/x");
    assert_eq!(
        replace_database("postgres://h/db?sslmode=disable", "x"),
        "postgres://h/x?sslmode=disable"
    );
}

/// The `Set-Cookie` header of `name` a response carries, attributes and all.
pub fn set_cookie_header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}
