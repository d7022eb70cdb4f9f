//! Per-credential rate limits, checked by the route guard of every scoped
//! API. Each node decides from buckets in its own memory (GCRA: a
//! theoretical arrival time per bucket), so a request costs no database
//! round trip. Alone on SQLite that is the whole story. On PostgreSQL,
//! where several nodes may serve one database, every node adds what it
//! took to shared buckets every [`SYNC_EVERY`] and adopts what the others
//! took; so across nodes a credential gets at most its limit plus what the
//! other nodes admit for it in one interval (the README's "Several nodes" states it,
//! `tests/api/rate_limits.rs` checks it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use super::ApiError;
use crate::domain::rate_limit::{
    decide, interval, Decision, DEFAULT_PER_MINUTE, LEGACY_TOKEN_PER_MINUTE,
};
use crate::domain::usage::{Credential, CredentialKind};
use crate::storage::{Backend, Db};

/// Configured limits are re-read this often.
const LIMITS_TTL: Duration = Duration::from_secs(30);
/// In-process buckets kept before the full ones are dropped (sign-in
/// buckets are keyed by address, which callers choose).
const MAX_LOCAL_BUCKETS: usize = 50_000;
/// How often a node shares what it took (PostgreSQL).
pub const SYNC_EVERY: Duration = Duration::from_millis(250);

pub struct RateLimiter {
    db: Db,
    /// Each bucket's TAT as this node knows it.
    buckets: Mutex<HashMap<String, f64>>,
    /// Seconds taken from each bucket since the last sync (PostgreSQL).
    taken: Mutex<HashMap<String, f64>>,
    limits: Mutex<HashMap<(CredentialKind, i64), (u32, Instant)>>,
}

fn now() -> f64 {
    chrono::Utc::now().timestamp_micros() as f64 / 1e6
}

impl RateLimiter {
    /// A limiter without a sync task: call [`RateLimiter::sync`] yourself.
    pub fn new(db: Db) -> RateLimiter {
        RateLimiter {
            db,
            buckets: Mutex::default(),
            taken: Mutex::default(),
            limits: Mutex::default(),
        }
    }

    /// A limiter that, on PostgreSQL, shares its buckets every SYNC_EVERY
    /// until it is dropped.
    pub fn start(db: Db) -> Arc<RateLimiter> {
        let shared = db.backend() != Backend::Sqlite;
        let limiter = Arc::new(RateLimiter::new(db));
        if shared {
            let weak: Weak<RateLimiter> = Arc::downgrade(&limiter);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(SYNC_EVERY).await;
                    let Some(limiter) = weak.upgrade() else { break };
                    limiter.sync().await;
                }
            });
        }
        limiter
    }

    /// Takes one request from the credential's bucket. A database error lets
    /// the request through: the limit protects the service, it is not a lock.
    pub async fn check(&self, credential: Credential) -> Decision {
        let limit = match self.limit(credential).await {
            Ok(limit) => limit,
            Err(error) => {
                tracing::warn!(%error, "reading a rate limit failed");
                DEFAULT_PER_MINUTE
            }
        };
        let bucket = match credential.pilot {
            Some(pilot) => format!("{}:{}:{pilot}", credential.kind.as_str(), credential.id),
            None => format!("{}:{}", credential.kind.as_str(), credential.id),
        };
        self.take(&bucket, limit).await
    }

    /// Takes one request from a named bucket of `limit` a minute.
    pub async fn take(&self, bucket: &str, limit: u32) -> Decision {
        self.load_shared(bucket).await;
        let now = now();
        let mut buckets = self.buckets.lock().expect("not poisoned");
        let decision = decide(buckets.get(bucket).copied(), now, limit);
        if decision.allowed {
            // Full buckets (TAT in the past) hold nothing worth keeping.
            if buckets.len() >= MAX_LOCAL_BUCKETS {
                buckets.retain(|_, tat| *tat > now);
            }
            buckets.insert(bucket.to_string(), decision.tat);
            if self.db.backend() != Backend::Sqlite {
                *self.taken.lock().expect("not poisoned").entry(bucket.to_string()).or_default() +=
                    interval(limit);
            }
        }
        decision
    }

    /// Whether a request would be allowed, without taking it: for limits
    /// that count only failures (sign-in attempts).
    pub async fn peek(&self, bucket: &str, limit: u32) -> Decision {
        self.load_shared(bucket).await;
        let local = self.buckets.lock().expect("not poisoned").get(bucket).copied();
        decide(local, now(), limit)
    }

    /// On PostgreSQL, a bucket this node does not hold yet is read from the
    /// shared table once (another node, or this one before a restart, may
    /// have used it); after that the syncs keep it current.
    async fn load_shared(&self, bucket: &str) {
        if self.db.backend() == Backend::Sqlite
            || self.buckets.lock().expect("not poisoned").contains_key(bucket)
        {
            return;
        }
        let stored = crate::storage::rate_limits::bucket_tat(&self.db, bucket).await;
        let tat = stored.unwrap_or_else(|error| {
            tracing::warn!(%error, "reading a shared rate-limit bucket failed");
            None
        });
        // Known from now on, even if empty (a TAT in the past is a full bucket).
        let mut buckets = self.buckets.lock().expect("not poisoned");
        let local = buckets.entry(bucket.to_string()).or_insert(0.0);
        *local = local.max(tat.unwrap_or(0.0));
    }

    /// Adds what this node took since the last sync to the shared buckets
    /// and adopts their TATs, which count the other nodes' requests too. On
    /// an error what was taken is kept for the next sync.
    pub async fn sync(&self) {
        let taken: Vec<(String, f64)> =
            std::mem::take(&mut *self.taken.lock().expect("not poisoned")).into_iter().collect();
        if taken.is_empty() {
            return;
        }
        match crate::storage::rate_limits::add(&self.db, now(), &taken).await {
            Ok(tats) => {
                let mut buckets = self.buckets.lock().expect("not poisoned");
                for ((bucket, _), shared) in taken.into_iter().zip(tats) {
                    let local = buckets.entry(bucket).or_insert(shared);
                    *local = local.max(shared);
                }
            }
            Err(error) => {
                tracing::warn!(%error, "sharing rate-limit buckets failed");
                let mut pending = self.taken.lock().expect("not poisoned");
                for (bucket, seconds) in taken {
                    *pending.entry(bucket).or_default() += seconds;
                }
            }
        }
    }

    /// The credential's own limit, else its org's, else the server's.
    async fn limit(&self, credential: Credential) -> Result<u32, sqlx::Error> {
        let key = (credential.kind, credential.id);
        if let Some((limit, at)) = self.limits.lock().expect("not poisoned").get(&key) {
            if at.elapsed() < LIMITS_TTL {
                return Ok(*limit);
            }
        }
        let default = match credential.kind {
            CredentialKind::LegacyToken => LEGACY_TOKEN_PER_MINUTE,
            _ => DEFAULT_PER_MINUTE,
        };
        let row = crate::storage::rate_limits::configured(&self.db, credential.kind, credential.id)
            .await?;
        let configured = row.and_then(|(own, org)| own.or(org));
        let limit = configured.map_or(default, |n| u32::try_from(n.max(1)).unwrap_or(u32::MAX));
        self.limits.lock().expect("not poisoned").insert(key, (limit, Instant::now()));
        Ok(limit)
    }
}

/// Failed sign-ins allowed a minute, per account and per client address.
const FAILED_SIGN_INS_PER_ACCOUNT: u32 = 5;
const FAILED_SIGN_INS_PER_ADDRESS: u32 = 20;

/// The sign-in doors: staff sign in through the console's form or its JSON
/// API, pilots through their web sign-in or an ACARS tracker; each kind of
/// account has one limit, whichever way it comes in.
pub const STAFF_SIGN_IN: &str = "staff-sign-in";
pub const PILOT_SIGN_IN: &str = "pilot-sign-in";

/// The buckets of failed sign-ins at one door: per account and per client
/// address. Only failures count, so a pilot or staff member signing in
/// often is never held up.
pub struct SignInLimit {
    buckets: [(String, u32); 2],
    pub address: std::net::IpAddr,
}

impl SignInLimit {
    /// The limit of a sign-in request: its account and its client's address.
    pub fn of_request(
        door: &str,
        account: &str,
        extensions: &axum::http::Extensions,
        headers: &axum::http::HeaderMap,
        trusted_proxy: Option<std::net::IpAddr>,
    ) -> SignInLimit {
        let address = super::request_log::client_ip(extensions, headers, trusted_proxy)
            .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
        SignInLimit::new(door, account, address)
    }

    pub fn new(door: &str, account: &str, address: std::net::IpAddr) -> SignInLimit {
        let account = account.trim().to_lowercase();
        SignInLimit {
            buckets: [
                (format!("{door}:account:{account}"), FAILED_SIGN_INS_PER_ACCOUNT),
                (format!("{door}:address:{address}"), FAILED_SIGN_INS_PER_ADDRESS),
            ],
            address,
        }
    }

    /// Seconds to wait when too many attempts failed, else None.
    pub async fn blocked(&self, limits: &RateLimiter) -> Option<u64> {
        for (bucket, limit) in &self.buckets {
            let decision = limits.peek(bucket, *limit).await;
            if !decision.allowed {
                return Some(decision.retry_after);
            }
        }
        None
    }

    pub async fn failed(&self, limits: &RateLimiter) {
        for (bucket, limit) in &self.buckets {
            limits.take(bucket, *limit).await;
        }
    }
}

fn headers(decision: &Decision) -> [(HeaderName, HeaderValue); 5] {
    let value = |n: u64| HeaderValue::from(n);
    [
        (HeaderName::from_static("ratelimit-limit"), value(decision.limit.into())),
        (HeaderName::from_static("ratelimit-remaining"), value(decision.remaining.into())),
        (HeaderName::from_static("ratelimit-reset"), value(decision.reset)),
        // What existing vAMSYS integrations read.
        (HeaderName::from_static("x-ratelimit-limit"), value(decision.limit.into())),
        (HeaderName::from_static("x-ratelimit-remaining"), value(decision.remaining.into())),
    ]
}

/// The 429 for a refused request, with its headers and `Retry-After`.
pub fn refused(decision: &Decision) -> ApiError {
    let detail = format!(
        "this credential may make {} requests a minute; retry in {} s",
        decision.limit, decision.retry_after
    );
    let mut error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", detail)
        .with_header(axum::http::header::RETRY_AFTER, HeaderValue::from(decision.retry_after));
    for (name, value) in headers(decision) {
        error = error.with_header(name, value);
    }
    error
}

/// The 429 of an API sign-in refused for too many failures.
pub fn too_many_sign_ins(retry_after: u64) -> ApiError {
    let detail = format!("too many failed sign-ins; retry in {retry_after} s");
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", detail)
        .with_header(axum::http::header::RETRY_AFTER, HeaderValue::from(retry_after))
}

/// Adds the limit's headers to an allowed request's response.
pub fn annotate(response: &mut Response, decision: &Decision) {
    for (name, value) in headers(decision) {
        response.headers_mut().insert(name, value);
    }
}
