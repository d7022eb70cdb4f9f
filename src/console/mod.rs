//! The staff console. Its JSON endpoints live under `/console/api/*` and use
//! the same session as its pages.

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

mod acars;
pub mod clients;
pub mod credentials;
mod pages;
mod session;
pub mod usage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(pages::home))
        .route("/console/login", get(pages::login_page).post(pages::login))
        .route("/console/logout", post(pages::logout))
        .route("/console/settings/api", get(pages::api_settings))
        .route("/console/settings/api/log", get(pages::log_fragment))
        .route("/console/settings/api/clients/{id}", get(pages::client_page))
        .route("/console/settings/tokens", get(pages::tokens_page))
        .route("/console/settings/integrations", get(pages::integrations_page))
        .route("/console/settings/integrations/webhooks/{id}", get(pages::webhook_page))
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
        .route("/console/api/scopes", get(scopes))
        .route(
            "/console/api/acars/auto-accept",
            get(acars::auto_accept).put(acars::set_auto_accept),
        )
        .route("/console/api/pilots/{id}/api-key", post(acars::issue_pilot_key))
        .route("/console/api/usage", get(usage::report))
        .route("/console/api/request-log", get(usage::log))
}

#[derive(serde::Serialize)]
struct ScopeInfo {
    scope: &'static str,
    description: &'static str,
}

/// The scopes staff can give each kind of credential, for the console's forms.
async fn scopes(staff: crate::auth::Staff) -> crate::http::extract::Data<serde_json::Value> {
    use crate::domain::scope::{Scope, OPERATIONS, PILOT, PUBLIC};
    let list = |scopes: &[Scope]| -> Vec<ScopeInfo> {
        scopes
            .iter()
            .map(|s| ScopeInfo { scope: s.as_str(), description: s.description() })
            .collect()
    };
    let _ = staff;
    crate::http::extract::Data {
        data: serde_json::json!({
            "operations": list(&OPERATIONS),
            "pilot": list(&PILOT),
            "public": list(&PUBLIC),
        }),
    }
}
