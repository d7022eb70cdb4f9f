//! The staff console. Its JSON endpoints live under `/console/api/*` and use
//! the same session as its pages.

use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;

mod clients;
pub mod credentials;
mod session;
pub mod usage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/console/api/session",
            post(session::sign_in).get(session::current).delete(session::sign_out),
        )
        .route("/console/api/clients", get(clients::list).post(clients::create))
        .route(
            "/console/api/clients/{id}",
            get(clients::show).patch(clients::edit).delete(clients::delete),
        )
        .route("/console/api/clients/{id}/reset-secret", post(clients::reset_secret))
        .route("/console/api/clients/{id}/revoke", post(clients::revoke))
        .route("/console/api/clients/{id}/restore", post(clients::restore))
        .route("/console/api/clients/{id}/attest", post(clients::attest))
        .route("/console/api/audit", get(clients::audit_trail))
        .route("/console/api/tokens", get(credentials::list_tokens).post(credentials::create_token))
        .route("/console/api/tokens/{id}", axum::routing::delete(credentials::delete_token))
        .route("/console/api/keys", get(credentials::list_keys).post(credentials::create_key))
        .route("/console/api/keys/{id}", axum::routing::delete(credentials::delete_key))
        .route("/console/api/keys/{id}/revoke", post(credentials::revoke_key))
        .route("/console/api/usage", get(usage::report))
        .route("/console/api/request-log", get(usage::log))
}
