//! The dispatcher: turns outbox events into deliveries and sends them, with
//! retries, from a task of every serving node. Claims are leases, so nodes
//! sharing a database never send the same attempt at once, and a node that
//! dies mid-send leaves its deliveries to be claimed again.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::task::JoinSet;

use crate::domain::webhook::{ga_signature, is_internal, is_internal_name, standard_signature};
use crate::domain::Timestamp;
use crate::storage::webhooks::{self, Claimed, Outcome};
use crate::storage::Db;

/// Deliveries in flight at once per node.
const IN_FLIGHT: usize = 64;
/// How long a claim holds: the 15 s request timeout and ample time to
/// record the outcome. A node that dies holding claims delays them this long.
const LEASE_SECONDS: i64 = 30;
/// How often an idle dispatcher looks for work.
const IDLE_POLL: Duration = Duration::from_millis(20);
/// How long a busy dispatcher waits for free slots before claiming again.
const REFILL: Duration = Duration::from_millis(5);
/// Characters of a response body kept in the attempt log.
const EXCERPT: usize = 500;

/// How names become addresses: the system's resolver, or a test's.
type Lookup = Arc<dyn Fn(String) -> LookupFuture + Send + Sync>;
type LookupFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>>;

fn system_lookup() -> Lookup {
    Arc::new(|name| {
        Box::pin(async move { Ok(tokio::net::lookup_host((name.as_str(), 0)).await?.collect()) })
    })
}

/// Resolves names at every connection, but refuses names of this host and
/// internal addresses, so a URL that passed validation (or a name that did
/// not resolve then) cannot be pointed at this network later (DNS rebinding).
struct PublicOnly {
    lookup: Lookup,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let lookup = self.lookup.clone();
        let name = name.as_str().to_string();
        Box::pin(async move {
            if is_internal_name(&name) {
                return Err(format!("{name} names this host").into());
            }
            let addrs: Vec<SocketAddr> =
                lookup(name.clone()).await?.into_iter().filter(|a| !is_internal(a.ip())).collect();
            if addrs.is_empty() {
                return Err(format!("{name} resolves to no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

pub fn http_client(allow_internal: bool) -> reqwest::Client {
    client_resolving(allow_internal, system_lookup())
}

fn client_resolving(allow_internal: bool, lookup: Lookup) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Airside-Webhooks/", env!("CARGO_PKG_VERSION")));
    let builder = match allow_internal {
        true => builder,
        false => builder.dns_resolver(Arc::new(PublicOnly { lookup })),
    };
    builder.build().expect("a client with these settings builds")
}

/// Runs until aborted.
pub async fn run(db: Db, allow_internal: bool) {
    let http = http_client(allow_internal);
    let mut sending = JoinSet::new();
    let (outcomes, queue) = tokio::sync::mpsc::channel(IN_FLIGHT);
    tokio::spawn(record(db.clone(), queue));
    loop {
        if let Err(error) = webhooks::fan_out(&db, 500).await {
            tracing::warn!(%error, "webhook fan-out failed");
        }
        let room = IN_FLIGHT - sending.len();
        let claimed = if room > 0 {
            webhooks::claim(&db, room as i64, chrono::Duration::seconds(LEASE_SECONDS))
                .await
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "claiming webhook deliveries failed");
                    vec![]
                })
        } else {
            vec![]
        };
        let idle = claimed.is_empty();
        for claimed in claimed {
            let (outcomes, http) = (outcomes.clone(), http.clone());
            sending.spawn(async move {
                let outcome = send(&http, &claimed, allow_internal).await;
                let jitter = rand::random::<f64>() * 2.0 - 1.0;
                crate::metrics::record_delivery(if outcome.succeeded() {
                    "succeeded"
                } else {
                    "failed_attempt"
                });
                // Waits while the recorder is behind: in flight until queued.
                let _ = outcomes.send(webhooks::Attempted { claimed, outcome, jitter }).await;
            });
        }
        if idle {
            tokio::select! {
                _ = tokio::time::sleep(IDLE_POLL) => {}
                Some(_) = sending.join_next(), if !sending.is_empty() => {}
            }
        } else {
            // Claim again once a quarter of the slots are free, or after
            // REFILL: one claim per finished delivery was a transaction each.
            let until = tokio::time::Instant::now() + REFILL;
            while IN_FLIGHT - sending.len() < IN_FLIGHT / 4 {
                match tokio::time::timeout_at(until, sending.join_next()).await {
                    Ok(Some(_)) => {}
                    _ => break,
                }
            }
        }
        while sending.try_join_next().is_some() {}
    }
}

/// Records the outcomes that finished while the last group was written, in
/// one transaction (one each capped PostgreSQL near 1,700 deliveries/s).
/// A group that fails is recorded one by one; an outcome that still fails
/// leaves its delivery claimed until the lease runs out, then it is sent
/// again: at least once.
async fn record(db: Db, mut queue: tokio::sync::mpsc::Receiver<webhooks::Attempted>) {
    let mut group = Vec::with_capacity(IN_FLIGHT);
    while queue.recv_many(&mut group, IN_FLIGHT).await > 0 {
        if webhooks::record(&db, &group).await.is_err() {
            for attempted in &group {
                if let Err(error) = webhooks::record(&db, std::slice::from_ref(attempted)).await {
                    let delivery = &attempted.claimed.uuid;
                    tracing::warn!(%error, %delivery, "recording a webhook attempt failed");
                }
            }
        }
        group.clear();
    }
}

/// One attempt: POST the body with both signature schemes.
pub async fn send(http: &reqwest::Client, delivery: &Claimed, allow_internal: bool) -> Outcome {
    let at = Timestamp::now();
    let started = Instant::now();
    let body = delivery.body();
    let secrets = delivery.secrets(at);
    let unix = at.0.timestamp();
    let join = |sign: &dyn Fn(&str) -> String| {
        secrets.iter().map(|s| sign(s)).collect::<Vec<_>>().join(" ")
    };
    let ga = join(&|s| ga_signature(s, &body));
    let standard = join(&|s| standard_signature(s, &delivery.uuid, unix, &body));
    let refused = literal_internal(&delivery.url).filter(|_| !allow_internal);
    let result = match refused {
        Some(ip) => Err(format!("{ip} is an internal address")),
        None => http
            .post(&delivery.url)
            .header("content-type", "application/json")
            .header("x-ga-webhook-delivery", &delivery.uuid)
            .header("x-ga-webhook-timestamp", at.to_rfc3339())
            .header("x-ga-webhook-signature", ga)
            .header("webhook-id", &delivery.uuid)
            .header("webhook-timestamp", unix.to_string())
            .header("webhook-signature", standard)
            .body(body)
            .send()
            .await
            .map_err(|e| describe(&e)),
    };
    let (status_code, response_excerpt, error) = match result {
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            (Some(status), Some(text.chars().take(EXCERPT).collect()), None)
        }
        Err(error) => (None, None, Some(error)),
    };
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    Outcome { at, status_code, duration_ms, response_excerpt, error }
}

/// The resolver sees names only; an IP literal is checked here.
fn literal_internal(url: &str) -> Option<std::net::IpAddr> {
    let host = url::Url::parse(url).ok()?.host()?.to_owned();
    let ip = match host {
        url::Host::Ipv4(v4) => v4.into(),
        url::Host::Ipv6(v6) => v6.into(),
        url::Host::Domain(_) => return None,
    };
    is_internal(ip).then_some(ip)
}

fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    // The URL is the user's own; the error chain says why.
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A name that passed registration but now resolves to this host (DNS
    /// rebinding) is never connected to.
    #[tokio::test]
    async fn a_name_resolving_to_this_host_is_not_delivered_to() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = connections.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                drop(socket);
            }
        });
        let to_loopback: Lookup = Arc::new(move |_| {
            Box::pin(async move { Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))]) })
        });
        let client = client_resolving(false, to_loopback);
        for url in [
            format!("http://hooks.example.com:{port}/hook"),
            format!("http://localhost.:{port}/hook"),
            format!("http://api.localhost:{port}/hook"),
        ] {
            let error = client.post(&url).body("{}").send().await.unwrap_err();
            let text = describe(&error);
            assert!(
                text.contains("no public address") || text.contains("names this host"),
                "{url}: {text}"
            );
        }
        // The listener is there and counts: a direct connection reaches it.
        let _ = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(connections.load(Ordering::SeqCst), 1, "only the direct connection arrived");
    }
}
