//! RFC 8414 authorization server metadata.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::domain::scope::{OPERATIONS, PILOT};
use crate::state::AppState;

pub async fn metadata(State(state): State<AppState>) -> Json<Value> {
    let issuer = state.config.issuer();
    let scopes: Vec<&str> = OPERATIONS.iter().chain(PILOT.iter()).map(|s| s.as_str()).collect();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "introspection_endpoint": format!("{issuer}/oauth/introspect"),
        "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": scopes,
        "authorization_response_iss_parameter_supported": true,
        "service_documentation": format!("{issuer}/docs/operations"),
    }))
}
