//! `POST /oauth/token`, `/oauth/revoke` and `/oauth/introspect`.

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;

use super::client_auth::{self, Offered};
use super::OAuthError;
use crate::domain::oauth::{pkce_challenge, valid_verifier};
use crate::domain::scope::{Scopes, OPERATIONS};
use crate::domain::{OrgId, PilotId, Timestamp};
use crate::security::{self, Secret};
use crate::state::AppState;
use crate::storage::clients::{Client, ClientKind};
use crate::storage::grants::{self, Redeemed, Rotated};
use crate::storage::orgs;
use crate::storage::pilots::Pilot;
use crate::storage::tokens::{self, ACCESS_TOKEN_SECONDS};
use crate::storage::{clients, resource};

#[derive(Debug, Default, Deserialize)]
pub struct TokenRequest {
    grant_type: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

fn form<T: Default>(form: Result<Form<T>, FormRejection>) -> Result<T, OAuthError> {
    form.map(|Form(f)| f).map_err(|e| match e.status() {
        // A body over the limit is 413, as on every route.
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => OAuthError::too_large(),
        _ => OAuthError::invalid_request(format!("the body must be a form: {}", e.body_text())),
    })
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Form<TokenRequest>, FormRejection>,
) -> Result<Response, OAuthError> {
    let request = form(body)?;
    let offered = client_auth::offered(
        &headers,
        request.client_id.as_deref(),
        request.client_secret.as_deref(),
    )?;
    match request.grant_type.as_deref() {
        Some("client_credentials") => {
            client_credentials(&state, offered, request.scope.as_deref()).await
        }
        Some("authorization_code") => authorization_code(&state, offered, &request).await,
        Some("refresh_token") => refresh(&state, offered, &request).await,
        Some(other) => Err(OAuthError::unsupported_grant_type(other)),
        None => Err(OAuthError::invalid_request("grant_type is required")),
    }
}

/// The scopes a token gets: what was asked, within what the client holds.
/// A client with no scopes is unrestricted and may ask for any.
fn granted_scopes(client: &Client, asked: Option<&str>) -> Result<Scopes, OAuthError> {
    let held = &client.scopes.0;
    let unrestricted = || Scopes::new(OPERATIONS.to_vec());
    let asked = match asked.map(str::trim).filter(|s| !s.is_empty()) {
        // `*` (as vAMSYS bots ask): every scope the client may have.
        None | Some("*") => return Ok(if held.is_empty() { unrestricted() } else { held.clone() }),
        Some(text) => Scopes::parse(text).map_err(|unknown| {
            OAuthError::invalid_scope(format!("unknown scopes: {}", unknown.join(" ")))
        })?,
    };
    let foreign = asked.outside(&OPERATIONS);
    if !foreign.is_empty() {
        return Err(OAuthError::invalid_scope(format!(
            "not Operations scopes: {}",
            foreign.join(" ")
        )));
    }
    if !held.is_empty() && !asked.is_subset_of(held) {
        return Err(OAuthError::invalid_scope(format!(
            "this client may ask for at most: {}",
            held.to_text()
        )));
    }
    Ok(asked)
}

async fn client_credentials(
    state: &AppState,
    offered: Option<Offered>,
    scope: Option<&str>,
) -> Result<Response, OAuthError> {
    let (org, client) = client_auth::authenticate(state, offered).await?;
    if client.kind != ClientKind::Operations {
        return Err(OAuthError::unauthorized_client(
            "only Operations clients may use client_credentials",
        ));
    }
    not_on_trial(state, org).await?;
    let scopes = granted_scopes(&client, scope)?;
    let mut conn = state.db.writer().acquire().await?;
    let token = tokens::issue(&mut conn, org, client.id, &scopes, None, None).await?;
    let body = json!({
        "access_token": token.expose(),
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "scope": scopes.to_text(),
    });
    Ok(no_store(Json(body).into_response()))
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenOnly {
    token: Option<String>,
    #[allow(dead_code)]
    token_type_hint: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// The revocation and introspection requests: an authenticated client and
/// the token it asks about.
async fn about_a_token(
    state: &AppState,
    headers: &HeaderMap,
    body: Result<Form<TokenOnly>, FormRejection>,
) -> Result<(OrgId, Client, String), OAuthError> {
    let request = form(body)?;
    let offered = client_auth::offered(
        headers,
        request.client_id.as_deref(),
        request.client_secret.as_deref(),
    )?;
    let (org, client) = client_auth::authenticate(state, offered).await?;
    let token = request
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    Ok((org, client, token))
}

/// RFC 7009: the client's own token stops working; an unknown token is not an error.
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Form<TokenOnly>, FormRejection>,
) -> Result<Response, OAuthError> {
    let (_, client, token) = about_a_token(&state, &headers, body).await?;
    tokens::revoke(&state.db, client.id, &token).await?;
    Ok(no_store(axum::http::StatusCode::OK.into_response()))
}

/// RFC 7662: what a token is, for the client it was issued to; to any
/// other client, even of the same org, `active: false` (§4: a token's
/// existence is not another client's to learn).
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Form<TokenOnly>, FormRejection>,
) -> Result<Response, OAuthError> {
    let (org, client, token) = about_a_token(&state, &headers, body).await?;
    let inactive = || no_store(Json(json!({ "active": false })).into_response());
    let Some(found) = tokens::find_active(&state.db, &token).await? else { return Ok(inactive()) };
    if found.org != org || found.client != client.id {
        return Ok(inactive());
    }
    let org_uuid = orgs::by_id(&state.db, org).await?.map(|o| o.uuid);
    let mut body = json!({
        "active": true,
        "scope": found.scopes.to_text(),
        "client_id": found.client_id,
        "token_type": "Bearer",
        "iat": found.issued_at.0.timestamp(),
        "exp": found.expires_at.0.timestamp(),
        "iss": state.config.issuer(),
        "org_id": org_uuid,
    });
    if let Some(pilot) = found.pilot {
        body["sub"] = json!(format!("pilot:{pilot}"));
    }
    Ok(no_store(Json(body).into_response()))
}

/// A Pilot client at the token endpoint: confidential ones prove their
/// secret; public ones name themselves and rely on PKCE.
async fn pilot_client(
    state: &AppState,
    offered: Option<Offered>,
) -> Result<(OrgId, Client), OAuthError> {
    let (org, client) = match offered {
        Some(Offered { secret: Some(_), .. }) => client_auth::authenticate(state, offered).await?,
        Some(Offered { client_id, secret: None }) => {
            match clients::by_client_id(&state.db, &client_id).await? {
                Some((org, client)) if !client.confidential.0 && !client.revoked.0 => {
                    client_auth::note_caller(org, &client);
                    (org, client)
                }
                _ => {
                    tracing::warn!(client_id = %client_id, "public client authentication failed");
                    return Err(OAuthError::invalid_client());
                }
            }
        }
        None => return Err(OAuthError::invalid_client()),
    };
    if client.kind != ClientKind::Pilot {
        return Err(OAuthError::unauthorized_client("only Pilot clients use this grant"));
    }
    not_on_trial(state, org).await?;
    Ok((org, client))
}

/// Trial orgs have no API access: their clients get no tokens until the
/// plan changes.
async fn not_on_trial(state: &AppState, org: OrgId) -> Result<(), OAuthError> {
    match orgs::by_id(&state.db, org).await? {
        Some(found) if found.plan == crate::domain::org::Plan::Trial => {
            Err(OAuthError::unauthorized_client(
                "the organisation is on the trial plan, which has no API access",
            ))
        }
        _ => Ok(()),
    }
}

fn pilot_tokens_body(access: &Secret, refresh: &Secret, scopes: &Scopes) -> Response {
    let body = json!({
        "access_token": access.expose(),
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "refresh_token": refresh.expose(),
        "scope": scopes.to_text(),
    });
    no_store(Json(body).into_response())
}

async fn pilot_may_sign_in(state: &AppState, org: OrgId, pilot: i64) -> Result<bool, OAuthError> {
    let found = resource::get::<Pilot>(&state.db, org, pilot).await?;
    Ok(found.is_some_and(|p| p.state.can_authenticate()))
}

fn expired(at: &str) -> bool {
    Timestamp::try_from(at.to_string()).map(|t| t <= Timestamp::now()).unwrap_or(true)
}

async fn authorization_code(
    state: &AppState,
    offered: Option<Offered>,
    request: &TokenRequest,
) -> Result<Response, OAuthError> {
    let (org, client) = pilot_client(state, offered).await?;
    let code = request
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    let verifier = request.code_verifier.as_deref().unwrap_or("");
    let mut tx = state.db.begin().await?;
    let code = match grants::redeem_code(&mut tx, code).await? {
        Redeemed::Fresh(code) => code,
        Redeemed::Replayed(code) => {
            // Someone else may hold what the first use issued: end it all.
            tokens::revoke_family(&mut tx, &code.family).await?;
            tx.commit().await?;
            tracing::warn!(client_id = %client.client_id, "authorization code replayed: its tokens are revoked");
            return Err(OAuthError::invalid_grant(
                "the code was used already; the tokens it gave are revoked",
            ));
        }
        Redeemed::Unknown => return Err(OAuthError::invalid_grant("unknown code")),
    };
    // The code is spent whatever happens next.
    tx.commit().await?;
    if code.client_id != client.id || code.org_id != org.0 {
        return Err(OAuthError::invalid_grant("the code was issued to another client"));
    }
    if expired(&code.expires_at) {
        return Err(OAuthError::invalid_grant("the code has expired"));
    }
    if request.redirect_uri.as_deref() != Some(code.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant(
            "redirect_uri differs from the one the code was issued for",
        ));
    }
    let proof = pkce_challenge(verifier);
    if !valid_verifier(verifier)
        || !security::constant_time_eq(proof.as_bytes(), code.code_challenge.as_bytes())
    {
        return Err(OAuthError::invalid_grant("code_verifier does not match the code_challenge"));
    }
    if !pilot_may_sign_in(state, org, code.pilot_id).await? {
        return Err(OAuthError::invalid_grant("the pilot can no longer sign in"));
    }
    let scopes = code.scopes.0;
    let pilot = PilotId(code.pilot_id);
    let mut tx = state.db.begin().await?;
    let access =
        tokens::issue(&mut tx, org, client.id, &scopes, Some(pilot), Some(&code.family)).await?;
    let refresh =
        grants::issue_refresh(&mut tx, org, client.id, pilot, &scopes, &code.family).await?;
    tx.commit().await?;
    Ok(pilot_tokens_body(&access, &refresh, &scopes))
}

async fn refresh(
    state: &AppState,
    offered: Option<Offered>,
    request: &TokenRequest,
) -> Result<Response, OAuthError> {
    let (org, client) = pilot_client(state, offered).await?;
    let presented = request
        .refresh_token
        .as_deref()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
    let mut tx = state.db.begin().await?;
    let old = match grants::spend_refresh(&mut tx, presented).await? {
        Rotated::Fresh(old) => old,
        Rotated::Reused(old) => {
            tokens::revoke_family(&mut tx, &old.family).await?;
            tx.commit().await?;
            tracing::warn!(client_id = %client.client_id, "refresh token reused: its family is revoked");
            return Err(OAuthError::invalid_grant(
                "the refresh token was used already; the whole family is revoked",
            ));
        }
        Rotated::Unknown => return Err(OAuthError::invalid_grant("unknown refresh token")),
    };
    if old.client_id != client.id || old.org_id != org.0 {
        return Err(OAuthError::invalid_grant("the refresh token belongs to another client"));
    }
    if expired(&old.expires_at) {
        return Err(OAuthError::invalid_grant("the refresh token has expired"));
    }
    if !pilot_may_sign_in(state, org, old.pilot_id).await? {
        return Err(OAuthError::invalid_grant("the pilot can no longer sign in"));
    }
    let held = old.scopes.0;
    let scopes = match request.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => held,
        Some(text) => match Scopes::parse(text) {
            Ok(asked) if asked.is_subset_of(&held) => asked,
            _ => return Err(OAuthError::invalid_scope("a refresh may only narrow the scopes")),
        },
    };
    let pilot = PilotId(old.pilot_id);
    let access =
        tokens::issue(&mut tx, org, client.id, &scopes, Some(pilot), Some(&old.family)).await?;
    let next = grants::issue_refresh(&mut tx, org, client.id, pilot, &scopes, &old.family).await?;
    tx.commit().await?;
    Ok(pilot_tokens_body(&access, &next, &scopes))
}
