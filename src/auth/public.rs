//! `PublicCaller`: a partner reading the Public API with an org API key
//! (`Authorization: Bearer gaf_pk_…`) and the org it names (`X-Org-Id`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};

use super::{bearer, Caller};
use crate::domain::scope::{Scope, Scopes, PUBLIC};
use crate::domain::usage::{Credential, CredentialKind};
use crate::domain::OrgId;
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::{org_keys, orgs};

pub const ORG_HEADER: &str = "x-org-id";

#[derive(Debug, Clone)]
pub struct PublicCaller {
    pub org: OrgId,
    pub key: i64,
    pub scopes: Scopes,
}

impl Caller for PublicCaller {
    /// Missing or malformed headers: 400. Unknown or revoked key: 401. A key
    /// used with another org's id: 403.
    async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<PublicCaller, ApiError> {
        let key = bearer::token(headers).filter(|k| !k.is_empty()).ok_or_else(|| {
            ApiError::bad_request("send the org API key as `Authorization: Bearer gaf_pk_…`")
        })?;
        let org_id = headers.get(ORG_HEADER).and_then(|v| v.to_str().ok()).ok_or_else(|| {
            ApiError::bad_request("send the organisation's id as the `X-Org-Id` header")
        })?;
        let org_id = uuid::Uuid::parse_str(org_id.trim())
            .map_err(|_| ApiError::bad_request("`X-Org-Id` must be the organisation's UUID"))?;
        let found = org_keys::find(&state.db, key).await?;
        let Some(found) = found.filter(|k| !k.revoked) else {
            tracing::warn!(reason = "unknown or revoked org API key", "public API: 401");
            return Err(ApiError::unauthorized("the API key is unknown or revoked"));
        };
        let named = orgs::by_uuid(&state.db, org_id).await?;
        if named.map(|o| o.id) != Some(found.org) {
            tracing::warn!(reason = "key used with another organisation's id", "public API: 403");
            return Err(ApiError::forbidden("this API key does not belong to that organisation"));
        }
        if found.trial {
            tracing::warn!(reason = "org on the trial plan", "public API: 403");
            return Err(ApiError::trial_plan());
        }
        Ok(PublicCaller { org: found.org, key: found.id, scopes: found.scopes })
    }

    fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(scope) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("this API key lacks the {scope} scope"))
                .with("scope", serde_json::json!(scope.as_str())))
        }
    }

    fn credential(&self) -> (OrgId, Credential) {
        (self.org, Credential { kind: CredentialKind::OrgKey, id: self.key, pilot: None })
    }

    fn allows(method: &Method, scope: Scope) -> bool {
        method == Method::GET && PUBLIC.contains(&scope)
    }

    fn cache(state: &AppState) -> &super::cache::CallerCache<Self> {
        &state.callers.public
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PublicCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<PublicCaller>()
            .cloned()
            .ok_or_else(|| ApiError::internal("Public route without its guard"))
    }
}
