//! API documentation generated from the code: each surface's OpenAPI 3.1
//! document at `/docs/<surface>/openapi.json`, and an interactive page at
//! `/docs/<surface>` (Swagger UI, served by the binary: nothing is fetched
//! from the internet).

use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::html;

use crate::acars::AcarsRoute;
use crate::html::{asset, document, respond_with_policy};
use crate::operations::RouteRule;
use crate::state::AppState;

pub mod acars;
pub mod openapi;

const SWAGGER_JS: &str = include_str!("../../assets/vendor/swagger-ui/swagger-ui-bundle.js");
const SWAGGER_CSS: &str = include_str!("../../assets/vendor/swagger-ui/swagger-ui.css");
const START_JS: &str = include_str!("../../assets/docs.js");

/// The surfaces with documentation: path segment and page title.
pub const SURFACES: [(&str, &str); 6] = [
    ("operations", "Operations API"),
    ("pilot", "Pilot API"),
    ("public", "Public API"),
    ("acars", "ACARS API (Stratos)"),
    ("smartcars", "smartCARS 3 API"),
    ("phpvms", "phpVMS 7 API (trackers)"),
];

/// The smartCARS 3 Public API as published, with its server set to where
/// Airside serves it.
fn smartcars_document(issuer: &str) -> serde_json::Value {
    let mut spec: serde_json::Value =
        serde_json::from_str(crate::acars::smartcars::SPEC).expect("the vendored spec is JSON");
    let base = format!("{}{}", issuer.trim_end_matches('/'), crate::acars::smartcars::BASE);
    spec["servers"] = serde_json::json!([{ "url": base }]);
    spec
}

/// The docs routes, from each surface's own routes.
pub fn router(
    state: &AppState,
    operations: &[RouteRule],
    pilot: &[RouteRule],
    public: &[RouteRule],
    acars_routes: &[AcarsRoute],
) -> Router<AppState> {
    let issuer = state.config.issuer();
    let value = |document| serde_json::to_value(document).expect("OpenAPI serialises");
    let documents = [
        value(openapi::document(&openapi::OPERATIONS_API, operations, &issuer)),
        value(openapi::document(&openapi::PILOT_API, pilot, &issuer)),
        value(openapi::document(&openapi::PUBLIC_API, public, &issuer)),
        value(acars::document(acars_routes, &issuer)),
        smartcars_document(&issuer),
        crate::acars::phpvms::document(&issuer),
    ];
    let mut router = Router::new()
        .route(
            "/assets/swagger-ui/swagger-ui-bundle.js",
            get(|| asset(SWAGGER_JS, "text/javascript")),
        )
        .route("/assets/swagger-ui/swagger-ui.css", get(|| asset(SWAGGER_CSS, "text/css")))
        .route("/assets/docs.js", get(|| asset(START_JS, "text/javascript")));
    for ((surface, title), document) in SURFACES.into_iter().zip(documents) {
        let json: Arc<str> =
            serde_json::to_string_pretty(&document).expect("OpenAPI serialises").into();
        let spec = format!("/docs/{surface}/openapi.json");
        router = router
            .route(
                &spec,
                get(move || {
                    let json = json.clone();
                    async move {
                        ([(header::CONTENT_TYPE, "application/json")], json.to_string())
                            .into_response()
                    }
                }),
            )
            .route(&format!("/docs/{surface}"), get(move || async move { page(title, &spec) }));
    }
    router
}

/// The interactive page over a surface's document.
fn page(title: &str, spec: &str) -> Response {
    let head = html! { link rel="stylesheet" href="/assets/swagger-ui/swagger-ui.css"; };
    let body = html! {
        body {
            div id="swagger-ui" data-spec=(spec) {}
            script src="/assets/swagger-ui/swagger-ui-bundle.js" {}
            script src="/assets/docs.js" {}
        }
    };
    let markup = document(&format!("Airside {title} · docs"), head, body);
    // Swagger UI sets inline styles and shows data: images; scripts only
    // from here, and "Try it" calls only this server.
    respond_with_policy(
        StatusCode::OK,
        markup,
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         frame-ancestors 'none'",
    )
}
