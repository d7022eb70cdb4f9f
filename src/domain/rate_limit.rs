//! Token-bucket rate limits as GCRA: a bucket of `limit` requests refilling
//! evenly over a minute is one number per credential, the "theoretical
//! arrival time" (TAT) of its next request.

/// The window the limit is counted over.
pub const PERIOD_SECONDS: f64 = 60.0;
/// Legacy API tokens, as vAMSYS limits theirs.
pub const LEGACY_TOKEN_PER_MINUTE: u32 = 120;
/// Every other credential, unless its org or itself says otherwise.
pub const DEFAULT_PER_MINUTE: u32 = 600;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    /// Requests that could still be made right now.
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset: u64,
    /// When refused: seconds until one request is allowed.
    pub retry_after: u64,
    /// The TAT to store when allowed.
    pub tat: f64,
}

/// The interval between requests at a steady `limit` per minute.
pub fn interval(limit: u32) -> f64 {
    PERIOD_SECONDS / f64::from(limit.max(1))
}

/// Decides one request at `now` (unix seconds) against the stored `tat`.
pub fn decide(tat: Option<f64>, now: f64, limit: u32) -> Decision {
    let step = interval(limit);
    let start = tat.map_or(now, |t| t.max(now));
    let next = start + step;
    let allowed = next - now <= PERIOD_SECONDS + 1e-9;
    let held = if allowed { next } else { start };
    let remaining = ((PERIOD_SECONDS - (held - now)) / step).floor().max(0.0) as u32;
    let retry_after =
        if allowed { 0 } else { (next - now - PERIOD_SECONDS).ceil().max(1.0) as u64 };
    Decision {
        allowed,
        limit,
        remaining,
        reset: (held - now).ceil() as u64,
        retry_after,
        tat: next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_allows_the_limit_then_refuses_until_it_refills() {
        let mut tat = None;
        for n in 0..120 {
            let d = decide(tat, 1000.0, 120);
            assert!(d.allowed, "request {n}");
            assert_eq!(d.remaining, 119 - n);
            tat = Some(d.tat);
        }
        let refused = decide(tat, 1000.0, 120);
        assert!(!refused.allowed);
        assert_eq!((refused.remaining, refused.retry_after, refused.reset), (0, 1, 60));
        // Half a second later one request has dripped back in.
        let later = decide(tat, 1000.5, 120);
        assert!(later.allowed);
        assert_eq!(later.remaining, 0);
        // A minute of silence fills the bucket.
        assert_eq!(decide(tat, 1060.0, 120).remaining, 119);
    }
}
