//! Every API request is logged and counted per credential, without making
//! the request wait: entries go through a bounded channel to one writer that
//! inserts them in batches. When the channel is full the entry is dropped and
//! counted (`RequestLog::dropped`), never awaited.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::request_id::RequestId;
use crate::domain::usage::Credential;
use crate::domain::{OrgId, Timestamp};
use crate::state::AppState;
use crate::storage::usage::{self, LogEntry};
use crate::storage::Db;

/// Entries waiting for the writer. At 10,000 req/s this is over a second of
/// slack for a batch insert to finish.
const CAPACITY: usize = 16_384;
/// Entries per write: what has piled up, at most this many.
const BATCH: usize = 2_000;

#[derive(Clone)]
pub struct RequestLog {
    sender: mpsc::Sender<LogEntry>,
    dropped: Arc<AtomicU64>,
}

impl RequestLog {
    /// Starts the writer; it stops, after writing what it holds, once every
    /// `RequestLog` clone is gone.
    pub fn start(db: Db) -> (RequestLog, JoinHandle<()>) {
        let (sender, receiver) = mpsc::channel(CAPACITY);
        let dropped = Arc::new(AtomicU64::new(0));
        let writer = tokio::spawn(write(db, receiver, dropped.clone()));
        (RequestLog { sender, dropped }, writer)
    }

    /// Entries lost since start: the channel was full, or their batch failed.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub fn submit(&self, entry: LogEntry) {
        if self.sender.try_send(entry).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// How long the writer gathers after an entry arrives: requests a few at a
/// time then share one transaction instead of one each.
const GATHER: std::time::Duration = std::time::Duration::from_millis(100);

async fn write(db: Db, mut receiver: mpsc::Receiver<LogEntry>, dropped: Arc<AtomicU64>) {
    let mut batch = Vec::with_capacity(BATCH);
    while receiver.recv_many(&mut batch, BATCH).await > 0 {
        if batch.len() < BATCH {
            tokio::time::sleep(GATHER).await;
            if !receiver.is_empty() {
                let room = BATCH - batch.len();
                receiver.recv_many(&mut batch, room).await;
            }
        }
        if let Err(error) = usage::write_batch(&db, &batch).await {
            tracing::warn!(%error, entries = batch.len(), "request log batch lost");
            dropped.fetch_add(batch.len() as u64, Ordering::Relaxed);
        }
        batch.clear();
    }
}

/// What routing and authentication learn about the request being handled.
#[derive(Default)]
struct Seen {
    route: Option<String>,
    caller: Option<(OrgId, Credential)>,
}

tokio::task_local! {
    // Task-local, like the request id: credentials are checked in several
    // places (route guards, the token endpoint) and each just says who it saw.
    static SEEN: Arc<Mutex<Seen>>;
}

fn with_seen(note: impl FnOnce(&mut Seen)) {
    let _ = SEEN.try_with(|seen| note(&mut seen.lock().expect("not poisoned")));
}

/// Records who is calling; a no-op outside a logged request.
pub fn note_caller(org: OrgId, credential: Credential) {
    with_seen(|seen| seen.caller = Some((org, credential)));
}

/// A route layer: records the matched route template.
pub async fn note_route(request: Request, next: Next) -> Response {
    if let Some(path) = request.extensions().get::<MatchedPath>() {
        with_seen(|seen| seen.route = Some(path.as_str().to_string()));
    }
    next.run(request).await
}

/// The API surfaces; pages, assets and health checks are not logged.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
        || matches!(path, "/oauth/token" | "/oauth/revoke" | "/oauth/introspect")
}

/// Query parameters whose values are never logged.
fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "secret", "code", "password", "key", "verifier", "assertion"]
        .iter()
        .any(|s| name.contains(s))
}

fn logged_path(path: &str, query: Option<&str>) -> String {
    let Some(query) = query.filter(|q| !q.is_empty()) else { return path.to_string() };
    let pairs = url::form_urlencoded::parse(query.as_bytes()).map(|(name, value)| {
        let value = if is_secret(&name) { "REDACTED".into() } else { value };
        (name, value)
    });
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    format!("{path}?{query}")
}

/// The client's address: the socket's, or the last hop of `X-Forwarded-For`
/// when the socket is the proxy we were told to trust.
pub fn client_ip(
    extensions: &Extensions,
    headers: &HeaderMap,
    trusted: Option<IpAddr>,
) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())?;
    if Some(peer) != trusted {
        return Some(peer);
    }
    // The proxy appends the address it saw: only the last hop is its word.
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|hop| hop.trim().parse::<IpAddr>().ok());
    Some(forwarded.unwrap_or(peer))
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !is_api(path) {
        return next.run(request).await;
    }
    let started = Instant::now();
    let at = Timestamp::now();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let method = request.method().to_string();
    let path = logged_path(path, request.uri().query());
    let ip = client_ip(request.extensions(), request.headers(), state.config.trusted_proxy);
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(256).collect());
    let request_id =
        request.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();

    let response = SEEN.scope(seen.clone(), next.run(request)).await;

    let seen = std::mem::take(&mut *seen.lock().expect("not poisoned"));
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    crate::metrics::record_request(&path, seen.route.as_deref(), status, elapsed.as_secs_f64());
    state.request_log.submit(LogEntry {
        at,
        org: seen.caller.map(|c| c.0),
        credential: seen.caller.map(|c| c.1),
        method,
        route: seen.route,
        path,
        status,
        duration_us: i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX),
        ip: ip.map(|ip| ip.to_string()),
        user_agent,
        request_id,
    });
    response
}

/// Deletes raw entries past the retention period, once an hour.
pub fn spawn_pruning(db: Db, retention_days: u32) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            let before =
                Timestamp(chrono::Utc::now() - chrono::Duration::days(retention_days.into()));
            match usage::prune(&db, before).await {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, "request log pruned"),
                Err(error) => tracing::warn!(%error, "request log pruning failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_query_strings_are_blanked() {
        assert_eq!(logged_path("/api/x", None), "/api/x");
        assert_eq!(
            logged_path("/api/x", Some("limit=5&access_token=abc&api_key=k&state=s")),
            "/api/x?limit=5&access_token=REDACTED&api_key=REDACTED&state=s"
        );
    }

    #[test]
    fn forwarded_addresses_count_only_from_the_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::new(proxy, 4000)));
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.2.3.4, 5.6.7.8".parse().unwrap());
        let client = client_ip(&extensions, &headers, Some(proxy));
        assert_eq!(client, Some("5.6.7.8".parse().unwrap()));
        assert_eq!(client_ip(&extensions, &headers, None), Some(proxy));
    }
}
