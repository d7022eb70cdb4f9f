//! Integration tests: a real server on a random loopback port and a real
//! database per test, on SQLite and (with AIRSIDE_TEST_DATABASE_URL) on
//! PostgreSQL. One test binary keeps link times down.

mod harness;

mod acars;
mod acars_flying;
mod acars_session;
mod binary;
mod browser;
mod console_pages;
mod console_session;
mod foundation;
mod hardening;
mod hostile;
mod oauth;
mod operations;
mod ops_helpers;
mod phpvms;
mod pilot_flow;
mod public_api;
mod rate_limits;
mod request_log;
mod scale_and_faults;
mod schemathesis;
mod smartcars;
mod webhooks;
