//! Callers recently authenticated on this node, so a burst of requests with
//! one token costs one credential lookup, not one each. An entry lives
//! [`FRESH_FOR`]: a revoked token, reset secret, deleted legacy token,
//! revoked org key or banned pilot stops working on every node within that
//! time (each node re-reads the database), without any cross-node message.
//! Only successful lookups are kept: refusals are always looked up anew.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// How long a cached caller is trusted; the promise is one second.
pub const FRESH_FOR: Duration = Duration::from_millis(500);
/// Entries kept at most (each at most FRESH_FOR old); beyond, stale ones go.
const MAX_ENTRIES: usize = 100_000;

pub struct CallerCache<C> {
    entries: Mutex<HashMap<[u8; 32], (C, Instant)>>,
}

impl<C> Default for CallerCache<C> {
    fn default() -> Self {
        CallerCache { entries: Mutex::default() }
    }
}

/// What names a caller: a digest of its credential headers (the token is
/// never kept in memory in the clear), with the org header the Public API
/// also reads.
pub fn key_of(headers: &HeaderMap) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    for name in [axum::http::header::AUTHORIZATION.as_str(), super::public::ORG_HEADER] {
        if let Some(value) = headers.get(name) {
            digest.update(value.as_bytes());
        }
        digest.update([0]);
    }
    digest.finalize().into()
}

impl<C: Clone> CallerCache<C> {
    /// The caller under `key` if it was authenticated less than FRESH_FOR ago.
    pub fn get(&self, key: &[u8; 32]) -> Option<C> {
        let entries = self.entries.lock().expect("not poisoned");
        let (caller, at) = entries.get(key)?;
        (at.elapsed() < FRESH_FOR).then(|| caller.clone())
    }

    pub fn clear(&self) {
        self.entries.lock().expect("not poisoned").clear();
    }

    pub fn put(&self, key: [u8; 32], caller: C) {
        let mut entries = self.entries.lock().expect("not poisoned");
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (_, at)| at.elapsed() < FRESH_FOR);
        }
        entries.insert(key, (caller, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_trusted_only_while_fresh() {
        let cache = CallerCache::default();
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer a".parse().unwrap());
        let key = key_of(&headers);
        assert_eq!(cache.get(&key), None);
        cache.put(key, 7);
        assert_eq!(cache.get(&key), Some(7));
        headers.insert(super::super::public::ORG_HEADER, "other".parse().unwrap());
        assert_eq!(cache.get(&key_of(&headers)), None, "another org header is another caller");
        std::thread::sleep(FRESH_FOR);
        assert_eq!(cache.get(&key), None);
    }
}
