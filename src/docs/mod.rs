//! API documentation generated from the code: each surface's OpenAPI 3.1
//! document at `/docs/<surface>/openapi.json`.

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::app::AppState;
use crate::operations::RouteRule;

pub mod openapi;

/// The docs routes, from each surface's own router rules.
pub fn router(state: &AppState, operations: &[RouteRule], pilot: &[RouteRule]) -> Router<AppState> {
    let issuer = state.config.issuer();
    let documents = [
        (
            "/docs/operations/openapi.json",
            openapi::document(&openapi::OPERATIONS_API, operations, &issuer),
        ),
        ("/docs/pilot/openapi.json", openapi::document(&openapi::PILOT_API, pilot, &issuer)),
    ];
    let mut router = Router::new();
    for (path, document) in documents {
        let json: Arc<str> =
            serde_json::to_string_pretty(&document).expect("OpenAPI serialises").into();
        router = router.route(
            path,
            get(move || {
                let json = json.clone();
                async move {
                    ([(header::CONTENT_TYPE, "application/json")], json.to_string()).into_response()
                }
            }),
        );
    }
    router
}
