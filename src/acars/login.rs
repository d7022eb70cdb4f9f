//! `POST /pilot/login`: a pilot id or email with the password gives the
//! client an API key; the password may also be the pilot's API key
//! (credentials mode). Failed attempts are limited per account and per
//! client address.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::error::AcarsJson;
use super::pilot::{profile, Verified};
use super::{AcarsError, AcarsPilot};
use crate::app::AppState;
use crate::domain::usage::{Credential, CredentialKind};
use crate::domain::{OrgId, Timestamp};
use crate::http::rate_limit::SignInLimit;
use crate::security;
use crate::storage::pilots::{self, KeyHolder};

/// Keys minted by sign-ins are labelled so; a pilot keeps the newest few
/// (one per installed client), older ones are revoked.
const SIGN_IN_LABEL: &str = "Stratos sign-in";
const SIGN_IN_KEYS_KEPT: i64 = 5;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Login {
    /// An email, or a pilot id such as `AIR0001`.
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
    AcarsError::new(StatusCode::UNAUTHORIZED, "Invalid credentials.").with("success", false)
}

pub async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    headers: HeaderMap,
    AcarsJson(input): AcarsJson<Login>,
) -> Result<Json<LoggedIn>, AcarsError> {
    let address =
        crate::http::request_log::client_ip(&extensions, &headers, state.config.trusted_proxy)
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let limit = SignInLimit::new("acars-login", &input.username, address);
    if let Some(retry_after) = limit.blocked(&state.rate_limits).await {
        tracing::warn!(reason = "too many failed sign-ins", %address, "ACARS login refused");
        return Err(AcarsError::too_many(
            "Too many failed sign-ins. Try again later.",
            retry_after,
        )
        .with("success", false));
    }
    let (holder, token) = match authenticate(&state, &input).await? {
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

/// The key holder and the key to hand out, or why not.
async fn authenticate(
    state: &AppState,
    input: &Login,
) -> Result<Result<(KeyHolder, String), &'static str>, AcarsError> {
    if input.username.trim().is_empty() || input.password.is_empty() {
        return Ok(Err("empty username or password"));
    }
    // Credentials mode: the API key itself, which must be this pilot's.
    if let Some(holder) = pilots::by_api_key(&state.db, &input.password).await? {
        if !pilots::is_named_by(&holder.pilot, &input.username) {
            return Ok(Err("API key of another pilot"));
        }
        if !holder.pilot.state.can_authenticate() {
            return Ok(Err("pilot may not sign in"));
        }
        return Ok(Ok((holder, input.password.clone())));
    }
    let candidates = pilots::by_login_anywhere(&state.db, &input.username).await?;
    let password = input.password.clone();
    let hashes: Vec<String> = candidates.iter().map(|(_, p)| p.password_hash.clone()).collect();
    let matching = tokio::task::spawn_blocking(move || {
        if hashes.is_empty() {
            // As long as a real check, so timing does not tell who exists.
            security::verify_password(&password, &security::DUMMY_PASSWORD_HASH);
        }
        hashes.iter().map(|h| security::verify_password(&password, h)).collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    let mut matched = candidates.into_iter().zip(matching).filter(|(_, ok)| *ok).map(|(c, _)| c);
    let (org, pilot) = match (matched.next(), matched.next()) {
        (Some(found), None) => found,
        (None, _) => return Ok(Err("wrong username or password")),
        (Some(_), Some(_)) => return Ok(Err("the login matches pilots of several orgs")),
    };
    if !pilot.state.can_authenticate() {
        return Ok(Err("pilot may not sign in"));
    }
    let org = OrgId(org);
    let mut tx = state.db.begin().await?;
    let key = pilots::create_api_key(&mut tx, org, pilot.id, SIGN_IN_LABEL).await?;
    sqlx::query(
        "UPDATE pilot_api_keys SET revoked_at = $1 WHERE pilot_id = $2 AND label = $3 \
         AND revoked_at IS NULL AND id NOT IN (SELECT id FROM pilot_api_keys \
         WHERE pilot_id = $2 AND label = $3 AND revoked_at IS NULL ORDER BY id DESC LIMIT $4)",
    )
    .bind(Timestamp::now().to_db())
    .bind(pilot.id.0)
    .bind(SIGN_IN_LABEL)
    .bind(SIGN_IN_KEYS_KEPT)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let token = key.expose().to_string();
    match pilots::by_api_key(&state.db, &token).await? {
        Some(holder) => Ok(Ok((holder, token))),
        None => Err(AcarsError::new(StatusCode::SERVICE_UNAVAILABLE, "Try again shortly.")),
    }
}
