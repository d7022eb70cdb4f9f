//! Who is flying: `Authorization: Bearer <key>` with a pilot's ACARS API key,
//! or a Pilot API access token holding `pilot.flights` (OAuth mode). Only
//! active and on-leave pilots pass; a missing or empty token matches nothing
//! (the module would look up `api_key IS NULL`). Under an org's own tracker
//! URL (`/o/<slug>/api/stratos`) only that org's credentials pass. Each
//! refusal is logged with its reason, never the key. Calls count against the
//! credential's rate limit like every API's.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::AcarsError;
use crate::auth::bearer;
use crate::domain::scope::Scope;
use crate::domain::usage::{Credential, CredentialKind};
use crate::domain::OrgId;
use crate::state::AppState;
use crate::storage::clients::ClientKind;
use crate::storage::pilots::{self, Pilot};
use crate::storage::{orgs, resource, tokens};

#[derive(Debug, Clone)]
pub struct AcarsPilot {
    pub org: OrgId,
    pub pilot: Pilot,
}

fn refuse(reason: &'static str) -> AcarsError {
    tracing::warn!(reason, "ACARS API: 401");
    AcarsError::unauthenticated()
}

/// The org a tracker URL names (`/o/<slug>/api/stratos/…`), if it names one;
/// 404 for a slug no org has.
#[derive(Debug, Clone, Copy)]
pub struct TrackerOrg(pub Option<OrgId>);

impl FromRequestParts<AppState> for TrackerOrg {
    type Rejection = AcarsError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AcarsError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AcarsError::new(StatusCode::NOT_FOUND, "Not found"))?;
        let Some(slug) = super::path_param(&params, "org") else {
            return Ok(TrackerOrg(None));
        };
        match orgs::by_slug(&state.db, slug).await? {
            Some(org) => Ok(TrackerOrg(Some(org.id))),
            None => Err(AcarsError::new(StatusCode::NOT_FOUND, "Not found")),
        }
    }
}

impl FromRequestParts<AppState> for AcarsPilot {
    type Rejection = AcarsError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AcarsError> {
        let TrackerOrg(named) = TrackerOrg::from_request_parts(parts, state).await?;
        let key = bearer::token(&parts.headers)
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| refuse("no bearer token"))?;
        let (org, pilot, credential) = match pilots::by_api_key(&state.db, key).await? {
            Some(holder) => {
                let id = holder.key_id;
                let credential = Credential { kind: CredentialKind::PilotApiKey, id, pilot: None };
                (holder.org, holder.pilot, credential)
            }
            None => match tokens::find_active(&state.db, key).await? {
                Some(found) if found.kind == ClientKind::Pilot => {
                    if !found.scopes.contains(Scope::PilotFlights) {
                        return Err(refuse("token lacks pilot.flights"));
                    }
                    let id = found.pilot.ok_or_else(|| refuse("token has no pilot"))?;
                    let pilot = resource::get::<Pilot>(&state.db, found.org, id.0)
                        .await?
                        .ok_or_else(|| refuse("token's pilot is gone"))?;
                    let kind = CredentialKind::PilotClient;
                    (found.org, pilot, Credential { kind, id: found.client, pilot: Some(id.0) })
                }
                _ => return Err(refuse("unknown or revoked key")),
            },
        };
        if named.is_some_and(|named| named != org) {
            return Err(refuse("credential of another org than the tracker URL names"));
        }
        if !pilot.state.can_authenticate() {
            crate::http::request_log::note_caller(org, credential);
            return Err(refuse("pilot may not sign in"));
        }
        // The pipeline every bearer credential goes through.
        crate::http::scoped::admit(state, org, credential).await.map_err(|refused| {
            AcarsError::too_many(
                format!("Too many requests: {} a minute are allowed.", refused.limit),
                refused.retry_after,
            )
        })?;
        Ok(AcarsPilot { org, pilot })
    }
}
