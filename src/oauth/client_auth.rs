//! Client authentication at the token, revocation and introspection
//! endpoints: HTTP Basic (RFC 6749 §2.3.1) or `client_id`/`client_secret`
//! in the form body, never both.

use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::OAuthError;
use crate::domain::usage::Credential;
use crate::domain::OrgId;
use crate::state::AppState;
use crate::storage::clients::{self, Client};

/// What a request offered to identify its client.
pub struct Offered {
    pub client_id: String,
    pub secret: Option<String>,
}

/// Reads the client's credentials from `Authorization: Basic` or the form.
pub fn offered(
    headers: &HeaderMap,
    form_id: Option<&str>,
    form_secret: Option<&str>,
) -> Result<Option<Offered>, OAuthError> {
    let basic = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    match (basic, form_secret) {
        (Some(_), Some(_)) => {
            Err(OAuthError::invalid_request("use one client authentication method, not both"))
        }
        (Some(encoded), None) => {
            let decoded =
                STANDARD.decode(encoded.trim()).map_err(|_| OAuthError::invalid_client())?;
            let text = String::from_utf8(decoded).map_err(|_| OAuthError::invalid_client())?;
            let (id, secret) = text.split_once(':').ok_or_else(OAuthError::invalid_client)?;
            // RFC 6749 §2.3.1: both parts are form-urlencoded inside Basic.
            let decode = |s: &str| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
                    .ok()
                    .and_then(|mut v| v.pop())
                    .map(|(_, v)| v)
                    .ok_or_else(OAuthError::invalid_client)
            };
            Ok(Some(Offered { client_id: decode(id)?, secret: Some(decode(secret)?) }))
        }
        (None, secret) => Ok(form_id
            .filter(|id| !id.is_empty())
            .map(|id| Offered { client_id: id.to_string(), secret: secret.map(str::to_owned) })),
    }
}

/// A confidential client that proved its secret, and is not revoked.
pub async fn authenticate(
    state: &AppState,
    offered: Option<Offered>,
) -> Result<(OrgId, Client), OAuthError> {
    let Some(Offered { client_id, secret: Some(secret) }) = offered else {
        return Err(OAuthError::invalid_client());
    };
    match clients::authenticate(&state.db, &client_id, &secret).await? {
        Some((org, client)) if !client.revoked.0 => {
            note_caller(org, &client);
            Ok((org, client))
        }
        _ => {
            tracing::warn!(client_id = %client_id, "client authentication failed");
            Err(OAuthError::invalid_client())
        }
    }
}

/// Tells the request log which client this request is from.
pub fn note_caller(org: OrgId, client: &Client) {
    let kind = client.kind.credential_kind();
    crate::http::request_log::note_caller(org, Credential { kind, id: client.id, pilot: None });
}
