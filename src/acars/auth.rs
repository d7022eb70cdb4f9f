//! Who is flying: `Authorization: Bearer <key>` with a pilot's ACARS API key,
//! or a Pilot API access token holding `flights:write` (OAuth mode). Only
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
/// 404 for a slug no org has. For the handshake and the login, which need
/// the org itself; authenticated calls compare slugs instead.
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

/// Who a bearer credential is: the org (and its slug when the lookup gave
/// it), the pilot, the credential. Kept in this node's caller cache for
/// `cache::FRESH_FOR` (a banned pilot or revoked key fails on every node
/// within it).
#[derive(Clone)]
pub struct Identity {
    org: OrgId,
    org_slug: Option<String>,
    pilot: Pilot,
    credential: Credential,
}

/// The pilot a key or a `flights:write` token names, or why none.
async fn identify(
    state: &AppState,
    key: &str,
) -> Result<Result<Identity, &'static str>, AcarsError> {
    if let Some(holder) = pilots::by_api_key(&state.db, key).await? {
        let credential =
            Credential { kind: CredentialKind::PilotApiKey, id: holder.key_id, pilot: None };
        let (org, org_slug, pilot) = (holder.org, Some(holder.org_slug), holder.pilot);
        return Ok(Ok(Identity { org, org_slug, pilot, credential }));
    }
    let found = match tokens::find_active(&state.db, key).await? {
        Some(found) if found.kind == ClientKind::Pilot => found,
        _ => return Ok(Err("unknown or revoked key")),
    };
    if !found.scopes.contains(Scope::FlightsWrite) {
        return Ok(Err("token lacks flights:write"));
    }
    let Some(id) = found.pilot else { return Ok(Err("token has no pilot")) };
    let Some(pilot) = resource::get::<Pilot>(&state.db, found.org, id.0).await? else {
        return Ok(Err("token's pilot is gone"));
    };
    let credential =
        Credential { kind: CredentialKind::PilotClient, id: found.client, pilot: Some(id.0) };
    Ok(Ok(Identity { org: found.org, org_slug: None, pilot, credential }))
}

/// A refusal: 404 when the tracker URL names an org that does not exist
/// (whatever the credential), else the module's 401. Only refusals look the
/// slug up; a key's own lookup brings its org's slug.
async fn refusal(state: &AppState, slug: Option<&str>, reason: &'static str) -> AcarsError {
    if let Some(slug) = slug {
        match orgs::by_slug(&state.db, slug).await {
            Ok(None) => return AcarsError::new(StatusCode::NOT_FOUND, "Not found"),
            Err(error) => return error.into(),
            Ok(Some(_)) => {}
        }
    }
    refuse(reason)
}

impl FromRequestParts<AppState> for AcarsPilot {
    type Rejection = AcarsError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AcarsError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AcarsError::new(StatusCode::NOT_FOUND, "Not found"))?;
        let slug = super::path_param(&params, "org").map(str::to_owned);
        let slug = slug.as_deref();
        let key = bearer::token(&parts.headers).filter(|k| !k.trim().is_empty());
        let Some(key) = key else { return Err(refusal(state, slug, "no bearer token").await) };
        let cache_key = crate::auth::cache::key_of(&parts.headers);
        let cached = state.callers.acars.get(&cache_key);
        let Identity { org, org_slug, pilot, credential } = match cached {
            Some(identity) => identity,
            None => match identify(state, key).await? {
                Ok(identity) => {
                    state.callers.acars.put(cache_key, identity.clone());
                    identity
                }
                Err(reason) => return Err(refusal(state, slug, reason).await),
            },
        };
        if let Some(slug) = slug {
            let named = match org_slug {
                Some(own) => own == slug,
                None => orgs::by_slug(&state.db, slug).await?.is_some_and(|o| o.id == org),
            };
            if !named {
                let reason = "credential of another org than the tracker URL names";
                return Err(refusal(state, Some(slug), reason).await);
            }
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
