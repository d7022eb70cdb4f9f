//! API documentation generated from the code: each surface's OpenAPI 3.1
//! document at `/docs/<surface>/openapi.json`.

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::app::AppState;
use crate::operations::RouteRule;

pub mod operations;

/// The docs routes; `rules` are the Operations router's own.
pub fn router(state: &AppState, rules: &[RouteRule]) -> Router<AppState> {
    let document = operations::document(rules, &state.config.issuer());
    let json = Arc::new(serde_json::to_string_pretty(&document).expect("OpenAPI serialises"));
    Router::new().route(
        "/docs/operations/openapi.json",
        get(move || {
            let json = json.clone();
            async move {
                ([(header::CONTENT_TYPE, "application/json")], json.to_string()).into_response()
            }
        }),
    )
}
