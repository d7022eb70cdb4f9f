//! Credentials are extractors: a handler's signature says who may call it.
//! No handler reads a cookie or an `Authorization` header itself.

pub mod bearer;
pub mod cache;
pub mod operations;
pub mod pilot;
pub mod pilot_session;
pub mod public;
pub mod staff;

pub use operations::OpsCaller;
pub use pilot::PilotCaller;
pub use public::PublicCaller;
pub use staff::Staff;

use std::future::Future;

use axum::http::{HeaderMap, Method};

use crate::domain::scope::Scope;
use crate::http::ApiError;
use crate::state::AppState;

/// A bearer-token caller a scoped router guards its routes with.
pub trait Caller: Clone + Send + Sync + 'static {
    fn authenticate(
        state: &AppState,
        headers: &HeaderMap,
    ) -> impl Future<Output = Result<Self, ApiError>> + Send;

    fn require(&self, scope: Scope) -> Result<(), ApiError>;

    /// Whose request this is, for the request log and usage counts.
    fn credential(&self) -> (crate::domain::OrgId, crate::domain::usage::Credential);

    /// Whether a route of `method` may need `scope` (a router refuses nonsense).
    fn allows(method: &Method, scope: Scope) -> bool;

    /// This node's recently authenticated callers of this kind.
    fn cache(state: &AppState) -> &cache::CallerCache<Self>;
}

/// The caller caches of the scoped APIs, one per kind of caller.
#[derive(Default)]
pub struct Callers {
    pub operations: cache::CallerCache<OpsCaller>,
    pub pilot: cache::CallerCache<PilotCaller>,
    pub public: cache::CallerCache<PublicCaller>,
    /// Trackers' ACARS keys and `flights:write` tokens (Stratos, phpVMS).
    pub acars: cache::CallerCache<crate::acars::Identity>,
}

impl Callers {
    pub fn forget_all(&self) {
        self.operations.clear();
        self.pilot.clear();
        self.public.clear();
        self.acars.clear();
    }
}

/// How trackers' position and log reports end (Stratos and smartCARS
/// `flights/update`, phpVMS `acars/position`, `acars/positions`,
/// `acars/logs`, `acars/events`).
const POSITION_REPORTS: [&str; 5] =
    ["/flights/update", "/acars/position", "/acars/positions", "/acars/logs", "/acars/events"];

/// After a write that may have ended a credential on this node (a revoked
/// token or key, a reset secret, a banned pilot, a plan change: the console,
/// OAuth, the Operations and Pilot APIs, the pilot pages), this node forgets
/// its cached callers, so here the change holds from the next request;
/// other nodes follow within `cache::FRESH_FOR`. Trackers' position
/// reports (many a second, changing no credential and no pilot) leave the
/// caches alone; their other writes (a filed flight changes the pilot's
/// hours and airport, which the cached tracker caller holds) do not.
pub async fn forget_callers_after_writes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let tracker =
        path.starts_with("/o/") || (path.starts_with("/api/") && !path.starts_with("/api/v3/"));
    let report = tracker && POSITION_REPORTS.iter().any(|end| path.ends_with(end));
    let write = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let response = next.run(request).await;
    // Refusals too: a replayed code or refresh token revokes its family.
    if write && !report {
        state.callers.forget_all();
    }
    response
}
