//! Property-based fuzzing from the OpenAPI documents with Schemathesis
//! (PyPI): for every operation of every surface, generated and mutated
//! requests with a valid credential. Checks: no server error, only
//! documented status codes and content types, responses matching their
//! documented schemas, and invalid requests refused.
//!
//! Needs `st` (`.ci/run` installs it into `target/schemathesis`; or set
//! `SCHEMATHESIS`); `AIRSIDE_REQUIRE_FUZZ=1` (set by `.ci/run`) makes its
//! absence a failure instead of a skip. `AIRSIDE_FUZZ_ONLY=<surface>` runs one.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{Backend, TestApp};

fn schemathesis() -> Option<PathBuf> {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/schemathesis/bin/st");
    let path = std::env::var_os("SCHEMATHESIS").map(PathBuf::from).unwrap_or(default);
    path.exists().then_some(path)
}

#[tokio::test]
async fn generated_requests_from_the_openapi_documents_find_no_faults() {
    let Some(st) = schemathesis() else {
        assert!(
            std::env::var_os("AIRSIDE_REQUIRE_FUZZ").is_none(),
            "Schemathesis is missing: python3 -m venv target/schemathesis && target/schemathesis/bin/pip install schemathesis"
        );
        eprintln!("SKIPPED: no Schemathesis here (see tests/api/schemathesis.rs)");
        return;
    };
    let app = TestApp::spawn(&Backend::Sqlite).await;
    // Generous limits: the fuzzer is one credential sending thousands.
    sqlx::query("UPDATE orgs SET rate_limit_per_minute = 1000000")
        .execute(app.db.writer())
        .await
        .unwrap();
    let ops = crate::ops_helpers::ops_client(&app, "demo", &[]).await;
    let ops = crate::ops_helpers::token(&app, &ops, None).await;
    let pilot_app = crate::pilot_flow::pilot_app(&app, true).await;
    let (pilot, _, _) = crate::pilot_flow::tokens_for_air0001(&app, &pilot_app).await;
    let scopes = airside::domain::scope::PUBLIC.to_vec();
    let (key, _, org) = crate::public_api::key(&app, "demo", &scopes).await;
    let acars = crate::acars::key_for(&app, "demo", "AIR0001", None).await;
    let surfaces = [
        ("operations", vec![format!("Authorization: Bearer {ops}")]),
        ("pilot", vec![format!("Authorization: Bearer {pilot}")]),
        ("public", vec![format!("Authorization: Bearer {key}"), format!("X-Org-Id: {org}")]),
        ("acars", vec![format!("Authorization: Bearer {acars}")]),
        ("smartcars", vec![format!("Authorization: Bearer {acars}")]),
        ("phpvms", vec![format!("X-API-Key: {acars}")]),
    ];
    let checks = "not_a_server_error,status_code_conformance,content_type_conformance,\
                  response_schema_conformance";
    // `AIRSIDE_FUZZ_ONLY=phpvms` (a surface name) fuzzes that one, while working on it.
    let only = std::env::var("AIRSIDE_FUZZ_ONLY").ok();
    for (surface, headers) in surfaces {
        if only.as_deref().is_some_and(|only| only != surface) {
            continue;
        }
        let spec = app.url(&format!("/docs/{surface}/openapi.json"));
        let mut command = Command::new(&st);
        command.args(["run", &spec, "--checks", checks, "--max-examples", "15", "--seed", "1"]);
        command.args(["--phases", "examples,coverage,fuzzing", "--no-color"]);
        for header in &headers {
            command.args(["-H", header]);
        }
        let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        let summary = report.rsplit("SUMMARY").next().unwrap_or(&report);
        assert!(output.status.success(), "{surface}:\n{report}");
        assert!(summary.contains("Tested:"), "{surface}: {summary}");
    }
    assert_eq!(app.get("/readyz").await.status(), 200);
}
