//! The staff console and the API docs in a real browser: Debian's Chromium
//! driven by Playwright (`tests/browser/console.mjs`), against a server of
//! this suite. Screenshots of the main pages land in
//! `target/browser-screenshots/`.
//!
//! Needs `/usr/bin/chromium` and `npm ci --prefix tests/browser`; `.ci/run`
//! installs both and sets `AIRSIDE_REQUIRE_BROWSER=1`, without which a
//! machine lacking them skips this test with a message.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::{Backend, TestApp};

#[tokio::test]
async fn staff_work_the_console_and_docs_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/browser/console.mjs");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = Path::new(&chromium).exists()
        && root.join("tests/browser/node_modules/playwright-core").exists();
    if !ready {
        assert!(
            std::env::var_os("AIRSIDE_REQUIRE_BROWSER").is_none(),
            "Chromium or Playwright is missing: apt-get install chromium; npm ci --prefix tests/browser"
        );
        eprintln!("SKIPPED: no Chromium or Playwright here (see tests/api/browser.rs)");
        return;
    }
    let app = TestApp::spawn(&Backend::Sqlite).await;
    let shots = root.join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let base = app.url("");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node").arg(script).arg(base.trim_end_matches('/')).arg(shots).output()
    })
    .await
    .unwrap()
    .expect("node runs");
    assert!(
        output.status.success(),
        "the browser run failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: Value =
        serde_json::from_slice(output.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();

    // What the browser did is what the server recorded.
    let client_id = seen["clientId"].as_str().unwrap();
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE target_kind = 'client' AND target_id = $1 ORDER BY id",
    )
    .bind(client_id)
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    assert!(actions.iter().any(|a| a == "client.secret_reset"), "{actions:?}");
    let attested: Option<String> = sqlx::query_scalar(
        "SELECT attested_at FROM oauth_clients WHERE name = 'Browser pilot app'",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert!(attested.is_some());
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_log WHERE credential_kind = 'operations_client' \
         AND credential_id = (SELECT id FROM oauth_clients WHERE client_id = $1)",
    )
    .bind(client_id)
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert!(logged >= 3, "{logged}");
    assert!(
        seen["endpoints"].as_i64().unwrap() >= 5,
        "Swagger UI renders the first endpoints at once"
    );
}
