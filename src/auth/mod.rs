//! Credentials are extractors: a handler's signature says who may call it.
//! No handler reads a cookie or an `Authorization` header itself.

pub mod bearer;
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
}
