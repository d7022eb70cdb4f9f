//! What every request handler shares: the database, the settings, the
//! request log, the rate limiter and the position-report writer. Apart from
//! the router (`app`), so the surfaces and the core import this and never
//! the module that imports them all.

use std::sync::Arc;

use crate::config::Config;
use crate::flights::reports::ReportWriter;
use crate::http::rate_limit::RateLimiter;
use crate::http::request_log::RequestLog;
use crate::storage::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub request_log: RequestLog,
    pub rate_limits: Arc<RateLimiter>,
    /// Stores ACARS position reports, many to a transaction.
    pub reports: ReportWriter,
    /// Callers of the scoped APIs authenticated in the last moment.
    pub callers: Arc<crate::auth::Callers>,
}

impl AppState {
    /// State with its request-log writer running (it stops with the last clone).
    pub fn new(db: Db, config: Config) -> AppState {
        let (request_log, _writer) = RequestLog::start(db.clone());
        Self::with_log(db, config, request_log)
    }

    /// State around a running request-log writer.
    pub fn with_log(db: Db, config: Config, request_log: RequestLog) -> AppState {
        let rate_limits = RateLimiter::start(db.clone());
        let reports = ReportWriter::start(db.clone());
        let callers = Arc::default();
        AppState { db, config: Arc::new(config), request_log, rate_limits, reports, callers }
    }
}
