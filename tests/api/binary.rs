//! The real `airside` binary: serving, graceful shutdown, admin commands.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{each_empty_database, TestDatabase};

const BIN: &str = env!("CARGO_BIN_EXE_airside");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn admin(database: &TestDatabase, args: &[&str]) -> (bool, Value) {
    let output = Command::new(BIN)
        .args(["admin", "--database-url", &database.url])
        .args(args)
        .env("AIRSIDE_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("one JSON object on stdout, got {stdout:?}: {e}"));
    (output.status.success(), value)
}

/// `admin org create` for `slug`, its owner `boss@<slug>.test` with `password`.
pub fn create_org(database: &TestDatabase, slug: &str, password: &str) -> (bool, Value) {
    let email = format!("boss@{slug}.test");
    let args = ["org", "create", "--name", slug, "--slug", slug, "--owner-email", &email];
    admin(database, &[&args[..], &["--owner-password", password]].concat())
}

#[tokio::test]
async fn admin_creates_orgs_and_pilots_and_refuses_nonsense() {
    each_empty_database(|db| async move {
        let (ok, org) = admin(
            &db,
            &[
                "org",
                "create",
                "--name",
                "Blue Sky",
                "--slug",
                "blue",
                "--owner-email",
                "boss@blue.test",
                "--owner-password",
                "a-long-password",
            ],
        );
        assert!(ok, "{org}");
        assert!(uuid::Uuid::parse_str(org["org_id"].as_str().unwrap()).is_ok());
        assert_eq!(org["airline_icao"], "BLU");

        let (ok, again) = admin(
            &db,
            &[
                "org",
                "create",
                "--name",
                "Again",
                "--slug",
                "blue",
                "--owner-email",
                "x@blue.test",
                "--owner-password",
                "a-long-password",
            ],
        );
        assert!(!ok);
        assert_eq!(again["error"], "an org with this slug already exists");

        let (ok, pilot) = admin(
            &db,
            &[
                "pilot",
                "create",
                "--org",
                "blue",
                "--pilot-id",
                "BLU0007",
                "--email",
                "p@blue.test",
                "--password",
                "pilot-password",
            ],
        );
        assert!(ok, "{pilot}");
        assert_eq!(pilot["pilot_id"], "BLU0007");
        assert!(pilot["api_key"].as_str().unwrap().starts_with("apk_"));

        for (args, error) in [
            (
                vec!["--org", "blue", "--pilot-id", "XYZ0001"],
                "org blue has no airline with ICAO XYZ",
            ),
            (vec!["--org", "nope", "--pilot-id", "BLU0002"], "no org with slug nope"),
            (
                vec!["--org", "blue", "--pilot-id", "0001"],
                "pilot id must look like AIR0001: airline ICAO, then digits",
            ),
            (
                vec!["--org", "blue", "--pilot-id", "BLU0007"],
                "a pilot with this pilot id or email already exists",
            ),
        ] {
            let mut all =
                vec!["pilot", "create", "--email", "q@blue.test", "--password", "pilot-password"];
            all.extend(args);
            if error.contains("already exists") {
                all[3] = "p@blue.test";
            }
            let (ok, out) = admin(&db, &all);
            assert!(!ok);
            assert_eq!(out["error"], error);
        }
    })
    .await;
}

pub struct Server {
    child: Child,
    port: u16,
    log: std::sync::mpsc::Receiver<String>,
}

impl Server {
    fn start(database_url: &str) -> Server {
        // Request starts are logged at debug: tests wait on them instead of sleeping.
        Self::start_logging(database_url, "warn,tower_http=debug")
    }

    fn start_logging(database_url: &str, filter: &str) -> Server {
        Self::start_with(database_url, filter, &[])
    }

    pub fn start_with(database_url: &str, filter: &str, extra: &[&str]) -> Server {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", &listen, "--database-url", database_url])
            .args(extra)
            .env("AIRSIDE_LOG", filter)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, log) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let server = Server { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// A URL of this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Waits until the server logs a line containing `text`.
    fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(text) => return,
                Ok(_) => {}
                Err(_) => panic!("the server never logged {text:?}"),
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Server {
    /// SIGKILL: no shutdown, nothing flushed.
    pub fn crash(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_then_exits_cleanly() {
    each_empty_database(|db| async move {
        let mut server = Server::start(&db.url);
        let body = br#"{"email": "nobody@example.test", "password": "x"}"#;
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let head = format!(
            "POST /console/api/session HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&body[..10]).unwrap();
        server.wait_for_log("started processing request");

        server.signal("TERM");
        std::thread::sleep(Duration::from_millis(300));
        if let Some(status) = server.child.try_wait().unwrap() {
            let log: Vec<String> = server.log.try_iter().collect();
            panic!("exited ({status}) with a request in flight: {log:?}");
        }

        stream.write_all(&body[10..]).unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        assert!(response.starts_with("HTTP/1.1 401"), "{response}");
        assert!(response.contains("application/problem+json"), "{response}");

        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "did not exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "{status}");
        assert!(TcpStream::connect(("127.0.0.1", server.port)).is_err(), "still listening");

        // Restarting on the same database migrates nothing new and serves again.
        let again = Server::start(&db.url);
        let mut stream = TcpStream::connect(("127.0.0.1", again.port)).unwrap();
        stream.write_all(b"GET /readyz HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    })
    .await;
}

#[tokio::test]
async fn no_secret_or_token_reaches_the_logs() {
    each_empty_database(|db| async move {
        let password = "owner-password-4711";
        let (ok, _) = create_org(&db, "blue", password);
        assert!(ok);
        let (ok, client) = admin(
            &db,
            &["client", "create", "--org", "blue", "--kind", "operations", "--name", "bot"],
        );
        assert!(ok, "{client}");
        let (client_id, secret) =
            (client["client_id"].as_str().unwrap(), client["client_secret"].as_str().unwrap());
        let (ok, key) = admin(
            &db,
            &[
                "key",
                "create",
                "--org",
                "blue",
                "--name",
                "partner",
                "--scope",
                "public.fleet:read",
            ],
        );
        assert!(ok, "{key}");
        let org_key = key["key"].as_str().unwrap().to_string();
        let org_uuid = key["org_id"].as_str().unwrap().to_string();
        let (ok, legacy) = admin(&db, &["token", "create", "--org", "blue", "--name", "old bot"]);
        assert!(ok, "{legacy}");
        let legacy = legacy["token"].as_str().unwrap().to_string();

        // Everything at debug, the most a operator would turn on.
        let mut server = Server::start_logging(&db.url, "debug");
        let base = format!("http://127.0.0.1:{}", server.port);
        let http = reqwest::Client::new();
        let token: Value = http
            .post(format!("{base}/oauth/token"))
            .basic_auth(client_id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token["access_token"].as_str().unwrap().to_string();
        let in_body = http
            .post(format!("{base}/oauth/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(in_body.status(), 200);
        let wrong_secret = format!("{secret}x");
        http.post(format!("{base}/oauth/token"))
            .basic_auth(client_id, Some(&wrong_secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        let ok = http
            .get(format!("{base}/api/v3/operations/aircraft"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let wrong_token = format!("{token}x");
        let refused = http
            .get(format!("{base}/api/v3/operations/aircraft?token={wrong_token}"))
            .bearer_auth(&wrong_token)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        http.post(format!("{base}/oauth/introspect"))
            .basic_auth(client_id, Some(secret))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        let public = |key: String| {
            http.get(format!("{base}/api/v1/public/fleet"))
                .bearer_auth(key)
                .header("x-org-id", &org_uuid)
                .send()
        };
        assert_eq!(public(org_key.clone()).await.unwrap().status(), 200);
        let wrong_key = format!("{org_key}x");
        assert_eq!(public(wrong_key.clone()).await.unwrap().status(), 401);
        let old = http.get(format!("{base}/api/v3/operations/aircraft")).bearer_auth(&legacy);
        assert_eq!(old.send().await.unwrap().status(), 200);
        let login = http
            .post(format!("{base}/console/api/session"))
            .json(&serde_json::json!({ "email": "boss@blue.test", "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200);
        let cookie = login.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .split('=')
            .nth(1)
            .unwrap()
            .to_string();
        http.post(format!("{base}/oauth/revoke"))
            .basic_auth(client_id, Some(secret))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();

        server.signal("TERM");
        let _ = server.child.wait();
        let log: Vec<String> = server.log.try_iter().collect();
        assert!(log.len() > 20, "debug logging was on: {} lines", log.len());
        assert!(
            log.iter().any(|l| l.contains("client authentication failed")),
            "the failure is logged"
        );
        let all = log.join("\n");
        for (what, value) in [
            ("client secret", secret),
            ("wrong secret", wrong_secret.as_str()),
            ("access token", token.as_str()),
            ("wrong token", wrong_token.as_str()),
            ("password", password),
            ("session", cookie.as_str()),
            ("org API key", org_key.as_str()),
            ("wrong org API key", wrong_key.as_str()),
            ("legacy token", legacy.as_str()),
        ] {
            assert!(!all.contains(value), "the {what} is in the logs");
        }
    })
    .await;
}

#[tokio::test]
async fn admin_creates_and_attests_pilot_clients() {
    each_empty_database(|db| async move {
        let (ok, _) = create_org(&db, "blue", "a-long-password");
        assert!(ok);
        let (ok, client) = admin(
            &db,
            &[
                "client",
                "create",
                "--org",
                "blue",
                "--kind",
                "pilot",
                "--name",
                "Tracker",
                "--scope",
                "identity:basic",
                "--redirect-uri",
                "myapp://callback",
                "--privacy-policy-url",
                "https://t.example/privacy",
                "--public",
            ],
        );
        assert!(ok, "{client}");
        assert_eq!(client["client_secret"], Value::Null);
        let client_id = client["client_id"].as_str().unwrap();
        let (ok, attested) =
            admin(&db, &["client", "attest", "--org", "blue", "--client-id", client_id]);
        assert!(ok, "{attested}");
        assert_eq!(attested, serde_json::json!({ "attested": true }));

        let (ok, refused) = admin(
            &db,
            &[
                "client",
                "create",
                "--org",
                "blue",
                "--kind",
                "pilot",
                "--name",
                "Bad",
                "--scope",
                "identity:basic",
                "--redirect-uri",
                "http://bad.example/cb",
                "--privacy-policy-url",
                "https://t.example/privacy",
            ],
        );
        assert!(!ok);
        assert!(refused["error"].as_str().unwrap().contains("redirect_uris[0]"), "{refused}");
        let (ok, refused) =
            admin(&db, &["client", "attest", "--org", "blue", "--client-id", "pil_nope"]);
        assert!(!ok);
        assert_eq!(refused["error"], "no client pil_nope in org blue");
    })
    .await;
}

#[tokio::test]
async fn metrics_are_served_on_their_own_port_only_when_asked() {
    each_empty_database(|db| async move {
        let metrics_port = free_port();
        let listen = format!("127.0.0.1:{metrics_port}");
        let server = Server::start_with(&db.url, "warn", &["--metrics-listen", &listen]);
        let http = reqwest::Client::new();
        let api = format!("http://127.0.0.1:{}", server.port);
        let refused = http.get(format!("{api}/api/v1/public/pilots")).send().await.unwrap();
        assert_eq!(refused.status(), 400);
        assert_eq!(http.get(format!("{api}/metrics")).send().await.unwrap().status(), 404);
        let deadline = Instant::now() + Duration::from_secs(20);
        let text = loop {
            match http.get(format!("http://{listen}/metrics")).send().await {
                Ok(response) if response.status() == 200 => break response.text().await.unwrap(),
                _ => assert!(Instant::now() < deadline, "no metrics listener"),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        for expected in [
            r#"airside_http_requests_total{surface="public",route="/api/v1/public/pilots",status="400"} 1"#,
            r#"airside_http_request_duration_seconds_bucket{surface="public",route="/api/v1/public/pilots",le="0.001"}"#,
            "airside_request_log_dropped_entries 0",
            r#"airside_db_pool_connections{pool="writer",state="idle"}"#,
        ] {
            assert!(text.contains(expected), "{expected} missing from\n{text}");
        }
        drop(server);
    })
    .await;
}

#[tokio::test]
async fn admin_registers_webhooks_pings_them_and_sets_rate_limits() {
    each_empty_database(|db| async move {
        assert!(create_org(&db, "hook", "a-long-password").0);
        let create = |url: &str, event: &str, insecure: bool| {
            let mut args = vec!["webhook", "create", "--org", "hook", "--url", url, "--event", event];
            if insecure {
                args.push("--allow-insecure");
            }
            admin(&db, &args)
        };
        // http and loopback only when allowed; events from the catalog only.
        assert!(!create("http://127.0.0.1:9/hook", "webhook.test", false).0);
        let (ok, refused) = create("https://example.test/hook", "flight.landed", false);
        assert!(!ok && refused.to_string().contains("flight.landed"), "{refused}");
        let (ok, created) = create("http://127.0.0.1:9/hook", "webhook.test", true);
        assert!(ok, "{created}");
        assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
        let id = created["endpoint_id"].as_i64().unwrap().to_string();
        let (ok, pinged) = admin(&db, &["webhook", "ping", "--org", "hook", "--endpoint-id", &id]);
        assert!(ok, "{pinged}");
        assert!(uuid::Uuid::parse_str(pinged["event_id"].as_str().unwrap()).is_ok());
        let store = airside::storage::Db::connect(&db.url).await.unwrap();
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending' AND event_type = 'webhook.test'",
        )
        .fetch_one(store.reader())
        .await
        .unwrap();
        assert_eq!(pending, 1, "a running server would send it");
        assert!(!admin(&db, &["webhook", "ping", "--org", "hook", "--endpoint-id", "999"]).0);

        let (ok, set) = admin(&db, &["rate-limit", "set", "--org", "hook", "--per-minute", "30"]);
        assert!(ok && set["rate_limit_per_minute"] == 30, "{set}");
        let wrong = ["rate-limit", "set", "--org", "hook", "--credential", "org_key:999", "--per-minute", "5"];
        assert!(!admin(&db, &wrong).0);
        store.close().await;
    })
    .await;
}
