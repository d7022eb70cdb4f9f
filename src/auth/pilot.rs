//! `PilotCaller`: a third-party app calling the Pilot API for the pilot who
//! consented (an authorization-code access token).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};

use super::{bearer, Caller};
use crate::domain::scope::{Scope, Scopes, PILOT};
use crate::domain::usage::{Credential, CredentialKind};
use crate::domain::{OrgId, PilotId};
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::clients::ClientKind;
use crate::storage::tokens;

#[derive(Debug, Clone)]
pub struct PilotCaller {
    pub org: OrgId,
    pub pilot: PilotId,
    pub client: i64,
    pub scopes: Scopes,
}

impl Caller for PilotCaller {
    /// The token's pilot must still be allowed to sign in (checked in the
    /// same query, every request: a ban holds from the next request on).
    async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<PilotCaller, ApiError> {
        let token = bearer::token(headers).ok_or_else(bearer::missing)?;
        match tokens::find_active(&state.db, token).await? {
            Some(found) if found.kind == ClientKind::Pilot && found.trial => {
                tracing::warn!(reason = "org on the trial plan", "pilot API: 403");
                Err(ApiError::trial_plan())
            }
            Some(found) if found.kind == ClientKind::Pilot => match found.pilot {
                Some(pilot) => Ok(PilotCaller {
                    org: found.org,
                    pilot,
                    client: found.client,
                    scopes: found.scopes,
                }),
                None => Err(bearer::invalid()),
            },
            _ => {
                tracing::warn!(reason = "unknown, expired or revoked token", "pilot API: 401");
                Err(bearer::invalid())
            }
        }
    }

    fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(scope) {
            Ok(())
        } else {
            Err(bearer::insufficient_scope(scope))
        }
    }

    fn credential(&self) -> (OrgId, Credential) {
        let kind = CredentialKind::PilotClient;
        (self.org, Credential { kind, id: self.client, pilot: Some(self.pilot.0) })
    }

    fn allows(_: &Method, scope: Scope) -> bool {
        PILOT.contains(&scope)
    }

    fn cache(state: &AppState) -> &super::cache::CallerCache<Self> {
        &state.callers.pilot
    }
}

/// Handlers read the caller the route guard already checked.
impl<S: Send + Sync> FromRequestParts<S> for PilotCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<PilotCaller>()
            .cloned()
            .ok_or_else(|| ApiError::internal("Pilot route without its guard"))
    }
}
