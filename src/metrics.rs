//! Prometheus metrics on a separate listener (`--metrics-listen`, off by
//! default): request counts and latencies by surface, route and status,
//! webhook deliveries by outcome, dropped request-log entries, and database
//! pool use. Counters are recorded where the work happens; gauges are read
//! when scraped.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::state::AppState;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder (once).
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
        PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &buckets)
            .expect("buckets are not empty")
            .install_recorder()
            .expect("the only recorder of this process")
    })
}

/// Which API a request was for, from its path.
pub fn surface(path: &str) -> &'static str {
    match path.split('/').nth(2).unwrap_or("") {
        _ if path.starts_with("/oauth/") => "oauth",
        "v3" if path.starts_with("/api/v3/operations") => "operations",
        "v3" if path.starts_with("/api/v3/pilot") => "pilot",
        "v1" if path.starts_with("/api/v1/public") => "public",
        _ if path.starts_with("/api/stratos") => "acars",
        _ => "other",
    }
}

/// Whether metrics are collected at all (`--metrics-listen`): without it the
/// request path builds no label strings.
fn enabled() -> bool {
    HANDLE.get().is_some()
}

pub fn record_request(path: &str, route: Option<&str>, status: u16, seconds: f64) {
    if !enabled() {
        return;
    }
    let (surface, route) = (surface(path), route.unwrap_or("unmatched").to_string());
    metrics::counter!("airside_http_requests_total", "surface" => surface, "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!("airside_http_request_duration_seconds", "surface" => surface, "route" => route)
        .record(seconds);
}

pub fn record_delivery(outcome: &'static str) {
    if !enabled() {
        return;
    }
    metrics::counter!("airside_webhook_deliveries_total", "outcome" => outcome).increment(1);
}

async fn render(State(state): State<AppState>) -> String {
    let handle = install();
    metrics::gauge!("airside_request_log_dropped_entries").set(state.request_log.dropped() as f64);
    for (name, pool) in [("reader", state.db.reader()), ("writer", state.db.writer())] {
        let idle = pool.num_idle() as f64;
        metrics::gauge!("airside_db_pool_connections", "pool" => name, "state" => "idle").set(idle);
        let busy = f64::from(pool.size()) - idle;
        metrics::gauge!("airside_db_pool_connections", "pool" => name, "state" => "in_use")
            .set(busy);
    }
    handle.render()
}

/// Serves `GET /metrics` on `addr` until the task is aborted.
pub async fn serve(addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    install();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(address = %listener.local_addr()?, "metrics listening");
    let app = Router::new().route("/metrics", get(render)).with_state(state);
    axum::serve(listener, app).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn surfaces_from_paths() {
        use super::surface;
        assert_eq!(surface("/api/v3/operations/pireps"), "operations");
        assert_eq!(surface("/api/v3/pilot/me"), "pilot");
        assert_eq!(surface("/api/v1/public/pilots"), "public");
        assert_eq!(surface("/oauth/token"), "oauth");
        assert_eq!(surface("/api/stratos/handshake"), "acars");
    }
}
