//! The OAuth 2 server: `/oauth/token`, `/oauth/revoke`, `/oauth/introspect`
//! and the RFC 8414 metadata document.

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

mod authorize;
mod client_auth;
mod error;
mod metadata;
mod token;

pub use error::OAuthError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize::show).post(authorize::decide))
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(token::revoke))
        .route("/oauth/introspect", post(token::introspect))
        .route("/.well-known/oauth-authorization-server", get(metadata::metadata))
}
