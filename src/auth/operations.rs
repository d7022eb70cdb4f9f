//! `OpsCaller`: who is calling the Operations API, from a bearer token
//! (an Operations client's access token).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;

use super::bearer;
use crate::domain::scope::OPERATIONS;
use crate::domain::scope::{Scope, Scopes};
use crate::domain::usage::{Credential, CredentialKind};
use crate::domain::OrgId;
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::clients::ClientKind;
use crate::storage::{api_tokens, tokens};

#[derive(Debug, Clone)]
pub enum OpsCredential {
    /// An OAuth Operations client (client credentials).
    Client { id: i64, client_id: String },
    /// A legacy API token: unrestricted.
    LegacyToken { id: i64 },
}

#[derive(Debug, Clone)]
pub struct OpsCaller {
    pub org: OrgId,
    pub credential: OpsCredential,
    pub scopes: Scopes,
}

impl super::Caller for OpsCaller {
    /// Checks the bearer token (the guard keeps the answer for
    /// `cache::FRESH_FOR`: a revoked token fails on every node within it).
    async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<OpsCaller, ApiError> {
        let token = bearer::token(headers).ok_or_else(bearer::missing)?;
        if token.starts_with(api_tokens::PREFIX) {
            return match api_tokens::find(&state.db, token).await? {
                Some((_, _, true)) => {
                    tracing::warn!(reason = "org on the trial plan", "operations API: 403");
                    Err(ApiError::trial_plan())
                }
                Some((org, id, false)) => Ok(OpsCaller {
                    org,
                    credential: OpsCredential::LegacyToken { id },
                    scopes: Scopes::new(OPERATIONS.to_vec()),
                }),
                None => {
                    tracing::warn!(
                        reason = "unknown or deleted legacy token",
                        "operations API: 401"
                    );
                    Err(bearer::invalid())
                }
            };
        }
        match tokens::find_active(&state.db, token).await? {
            Some(found) if found.kind == ClientKind::Operations && found.trial => {
                tracing::warn!(reason = "org on the trial plan", "operations API: 403");
                Err(ApiError::trial_plan())
            }
            Some(found) if found.kind == ClientKind::Operations => Ok(OpsCaller {
                org: found.org,
                credential: OpsCredential::Client { id: found.client, client_id: found.client_id },
                scopes: found.scopes,
            }),
            _ => {
                tracing::warn!(reason = "unknown, expired or revoked token", "operations API: 401");
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
        let (kind, id) = match &self.credential {
            OpsCredential::Client { id, .. } => (CredentialKind::OperationsClient, *id),
            OpsCredential::LegacyToken { id } => (CredentialKind::LegacyToken, *id),
        };
        (self.org, Credential { kind, id, pilot: None })
    }

    /// Every GET needs `ops:read`; writes need a write scope.
    fn allows(method: &axum::http::Method, scope: Scope) -> bool {
        (method == axum::http::Method::GET) == (scope == Scope::OpsRead)
            && crate::domain::scope::OPERATIONS.contains(&scope)
    }

    fn cache(state: &AppState) -> &super::cache::CallerCache<Self> {
        &state.callers.operations
    }
}

impl OpsCaller {
    /// How the caller is named in audit entries and comments.
    pub fn actor(&self) -> String {
        match &self.credential {
            OpsCredential::Client { client_id, .. } => format!("client:{client_id}"),
            OpsCredential::LegacyToken { id } => format!("token:{id}"),
        }
    }
}

/// Handlers read the caller the route guard already checked.
impl<S: Send + Sync> FromRequestParts<S> for OpsCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<OpsCaller>()
            .cloned()
            .ok_or_else(|| ApiError::internal("Operations route without its guard"))
    }
}
