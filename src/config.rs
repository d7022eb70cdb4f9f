//! How a server is configured (from the command line and the environment).

use std::net::SocketAddr;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://airside.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    /// Seed the demo organisations on start.
    pub demo: bool,
    /// The URL the outside world reaches this server at (the OAuth issuer).
    /// Default: `http://` and the listen address.
    pub public_url: Option<String>,
    /// A reverse proxy whose `X-Forwarded-For` names the client.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// Days raw request-log entries are kept.
    pub request_log_retention_days: u32,
    /// Minutes an ACARS flight may stay silent before the sweep cancels it.
    pub acars_stale_minutes: u32,
    /// Let webhooks use http:// and reach private and loopback addresses
    /// (local testing only).
    pub allow_insecure_webhooks: bool,
    /// Where `GET /metrics` is served; off when None.
    pub metrics_listen: Option<SocketAddr>,
}

impl Config {
    /// When the stale-flight sweep cancels an ACARS flight.
    pub fn stale_rule(&self) -> crate::storage::pireps::StaleRule {
        crate::storage::pireps::StaleRule {
            silent_for: chrono::Duration::minutes(self.acars_stale_minutes.into()),
            paused_for: chrono::Duration::hours(24),
        }
    }

    /// The OAuth issuer identifier (RFC 8414), without a trailing slash.
    pub fn issuer(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.listen),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN.parse().expect("valid default address"),
            database_url: DEFAULT_DATABASE_URL.to_string(),
            demo: false,
            public_url: None,
            trusted_proxy: None,
            request_log_retention_days: 30,
            acars_stale_minutes: 120,
            allow_insecure_webhooks: false,
            metrics_listen: None,
        }
    }
}
