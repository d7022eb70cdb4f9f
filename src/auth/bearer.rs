//! Bearer tokens (RFC 6750): reading them and the 401/403 challenges.

use axum::http::header::{self, HeaderMap, HeaderValue};
use serde_json::json;

use crate::domain::scope::Scope;
use crate::http::ApiError;

/// The token of `Authorization: Bearer <token>`; `None` when there is no
/// such header. An empty token is kept empty: it matches nothing.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn challenge(value: String) -> HeaderValue {
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
}

/// 401 for a request with no bearer token.
pub fn missing() -> ApiError {
    ApiError::unauthorized("send an access token as `Authorization: Bearer <token>`")
        .with_header(header::WWW_AUTHENTICATE, challenge("Bearer realm=\"airside\"".into()))
}

/// 401 for a token that is unknown, expired or revoked.
pub fn invalid() -> ApiError {
    ApiError::unauthorized("the access token is invalid, expired or revoked").with_header(
        header::WWW_AUTHENTICATE,
        challenge("Bearer realm=\"airside\", error=\"invalid_token\"".into()),
    )
}

/// 403 for a token without the scope a route needs.
pub fn insufficient_scope(needed: Scope) -> ApiError {
    ApiError::forbidden(format!("this needs the {needed} scope"))
        .with("error", json!("insufficient_scope"))
        .with("scope", json!(needed.as_str()))
        .with_header(
            header::WWW_AUTHENTICATE,
            challenge(format!(
                "Bearer realm=\"airside\", error=\"insufficient_scope\", scope=\"{needed}\""
            )),
        )
}
