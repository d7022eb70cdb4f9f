//! `POST /pilot/login`: a pilot id, its bare number or an email with the
//! password gives the client an API key; the password may also be the
//! pilot's API key (credentials mode, for pilots who sign in elsewhere).
//! Under an org's tracker URL the name is looked up in that org only; under
//! the shared URL in every org, and a login that fits pilots of several orgs
//! is refused. Failed attempts are limited per account and per address.

use axum::extract::State;
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::Json;
use serde::Serialize;

use super::auth::TrackerOrg;
use super::input::{text, Input};
use super::pilot::{profile, Verified};
use super::{AcarsError, AcarsPilot};
use crate::domain::usage::{Credential, CredentialKind};
use crate::domain::{OrgId, Timestamp};
use crate::http::rate_limit::{SignInLimit, PILOT_SIGN_IN};
use crate::security;
use crate::state::AppState;
use crate::storage::pilots::{self, KeyHolder};

/// Keys minted by sign-ins are labelled so; a pilot keeps the newest few
/// (one per installed client), older ones are revoked.
const SIGN_IN_LABEL: &str = "Stratos sign-in";
const SIGN_IN_KEYS_KEPT: i64 = 5;

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Login {
    /// An email, a pilot id such as `AIR0001`, or its number (`1`).
    username: String,
    /// The password, or the pilot's API key.
    password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoggedIn {
    #[serde(flatten)]
    profile: Verified,
    /// The API key to send as `Authorization: Bearer`.
    token: String,
}

fn refused() -> AcarsError {
    AcarsError::new(StatusCode::UNAUTHORIZED, "The username or password is incorrect")
        .with("success", false)
}

pub async fn login(
    State(state): State<AppState>,
    TrackerOrg(org): TrackerOrg,
    extensions: Extensions,
    headers: HeaderMap,
    Input(input): Input,
) -> Result<Json<LoggedIn>, AcarsError> {
    let username = text(&input, "username").unwrap_or_default();
    let password = text(&input, "password").unwrap_or_default();
    let proxy = state.config.trusted_proxy;
    let limit = SignInLimit::of_request(PILOT_SIGN_IN, &username, &extensions, &headers, proxy);
    let address = limit.address;
    if let Some(retry_after) = limit.blocked(&state.rate_limits).await {
        tracing::warn!(reason = "too many failed sign-ins", %address, "ACARS login refused");
        return Err(AcarsError::too_many(
            "Too many failed sign-ins. Try again later.",
            retry_after,
        )
        .with("success", false));
    }
    let (holder, token) =
        match authenticate(&state, org, &username, &password, SIGN_IN_LABEL).await? {
            Ok(found) => found,
            Err(reason) => {
                limit.failed(&state.rate_limits).await;
                tracing::warn!(reason, %address, "ACARS login refused");
                return Err(refused());
            }
        };
    let credential =
        Credential { kind: CredentialKind::PilotApiKey, id: holder.key_id, pilot: None };
    crate::http::request_log::note_caller(holder.org, credential);
    let caller = AcarsPilot { org: holder.org, pilot: holder.pilot };
    Ok(Json(LoggedIn { profile: profile(&state, &caller).await?, token }))
}

/// Why a sign-in was refused: the pilot exists and the password is right,
/// but they may not sign in (pending, banned); anything else.
pub(super) const MAY_NOT_SIGN_IN: &str = "pilot may not sign in";

/// The key holder and the key to hand out (minted under `label`, the
/// client's name), or why not.
pub(super) async fn authenticate(
    state: &AppState,
    org: Option<OrgId>,
    username: &str,
    password: &str,
    label: &str,
) -> Result<Result<(KeyHolder, String), &'static str>, AcarsError> {
    if username.is_empty() || password.is_empty() {
        return Ok(Err("empty username or password"));
    }
    // Credentials mode: the API key itself, which must be this pilot's.
    if let Some(holder) = pilots::by_api_key(&state.db, password).await? {
        if !pilots::is_named_by(&holder.pilot, username) {
            return Ok(Err("API key of another pilot"));
        }
        if org.is_some_and(|org| org != holder.org) {
            return Ok(Err("API key of another org than the tracker URL names"));
        }
        if !holder.pilot.state.can_authenticate() {
            return Ok(Err(MAY_NOT_SIGN_IN));
        }
        return Ok(Ok((holder, password.to_string())));
    }
    let candidates = pilots::by_tracker_login(&state.db, org, username).await?;
    let hashes: Vec<String> = candidates.iter().map(|(_, p)| p.password_hash.clone()).collect();
    let matching = security::check_password(password, hashes).await;
    let mut matched = candidates.into_iter().zip(matching).filter(|(_, ok)| *ok).map(|(c, _)| c);
    let (org, pilot) = match (matched.next(), matched.next()) {
        (Some(found), None) => found,
        (None, _) => return Ok(Err("wrong username or password")),
        (Some(_), Some(_)) => return Ok(Err("the login matches several pilots")),
    };
    if !pilot.state.can_authenticate() {
        return Ok(Err(MAY_NOT_SIGN_IN));
    }
    let org = OrgId(org);
    let mut tx = state.db.begin().await?;
    let key = pilots::create_api_key(&mut tx, org, pilot.id, label).await?;
    pilots::revoke_older_keys(&mut tx, pilot.id, label, SIGN_IN_KEYS_KEPT, Timestamp::now())
        .await?;
    tx.commit().await?;
    let token = key.expose().to_string();
    match pilots::by_api_key(&state.db, &token).await? {
        Some(holder) => Ok(Ok((holder, token))),
        None => Err(AcarsError::new(StatusCode::SERVICE_UNAVAILABLE, "Try again shortly.")),
    }
}
