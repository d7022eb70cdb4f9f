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
use crate::app::AppState;
use crate::domain::scope::{Scopes, OPERATIONS};
use crate::domain::OrgId;
use crate::storage::clients::{Client, ClientKind};
use crate::storage::orgs;
use crate::storage::tokens::{self, ACCESS_TOKEN_SECONDS};

#[derive(Debug, Default, Deserialize)]
pub struct TokenRequest {
    grant_type: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn form<T: Default>(form: Result<Form<T>, FormRejection>) -> Result<T, OAuthError> {
    form.map(|Form(f)| f).map_err(|e| {
        OAuthError::invalid_request(format!("the body must be a form: {}", e.body_text()))
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
        None => return Ok(if held.is_empty() { unrestricted() } else { held.clone() }),
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
    let scopes = granted_scopes(&client, scope)?;
    let mut conn = state.db.writer().acquire().await?;
    let token = tokens::issue(&mut conn, org, client.id, &scopes, None).await?;
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

/// RFC 7662: what a token is, for a client of the same org; `active: false` otherwise.
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Form<TokenOnly>, FormRejection>,
) -> Result<Response, OAuthError> {
    let (org, _, token) = about_a_token(&state, &headers, body).await?;
    let inactive = || no_store(Json(json!({ "active": false })).into_response());
    let Some(found) = tokens::find_active(&state.db, &token).await? else { return Ok(inactive()) };
    if found.org != org {
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
