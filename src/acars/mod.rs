//! The ACARS API under `/api/stratos`: the contract of the Stratos Core API
//! module, so the Stratos desktop client flies against Airside. Field names
//! and status codes follow that module (DESIGN.md's table); errors keep its
//! `{"error": …}` shape, plus our request id.
//!

mod auth;
mod data;
mod error;
mod flights;
mod flying;
mod ingest;
mod login;
mod pilot;

use axum::http::{header, HeaderName, Method};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

pub use auth::AcarsPilot;
pub use error::AcarsError;
pub use ingest::ReportWriter;

use crate::app::AppState;

pub const BASE: &str = "/api/stratos";
/// What the handshake reports.
pub const API_VERSION: &str = "1.0";

pub fn router() -> Router<AppState> {
    // The module's CORS answer: any origin, its methods and headers.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS, Method::HEAD])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("x-stratos-version"),
        ]);
    // Full paths rather than `nest`: the handshake answers at the base path
    // with and without its trailing slash.
    let path = |p: &str| format!("{BASE}{p}");
    Router::new()
        .route(BASE, get(handshake).options(options))
        .route(&path("/"), get(handshake).options(options))
        .route(&path("/pilot/login"), post(login::login).options(options))
        .route(&path("/pilot/verify"), get(pilot::verify).options(options))
        .route(&path("/pilot/statistics"), get(pilot::statistics).options(options))
        .route(&path("/data/aircraft"), get(data::aircraft).options(options))
        .route(&path("/data/airports"), get(data::airports).options(options))
        .route(&path("/data/announcements"), get(data::announcements).options(options))
        .route(&path("/flights/bookings"), get(flights::bookings).options(options))
        .route(&path("/flights/search"), get(flights::search).options(options))
        .route(&path("/flights/change-aircraft"), post(flights::change_aircraft).options(options))
        .route(&path("/flights/unbook"), post(flights::unbook).options(options))
        .route(&path("/flights/start"), post(flying::start).options(options))
        .route(&path("/flights/update"), post(flying::update).options(options))
        .route(&path("/flights/complete"), post(flying::complete).options(options))
        .route(&path("/flights/cancel"), post(flying::cancel).options(options))
        .route(
            &path("/flights/bookings/{bid}/aircraft"),
            get(flights::eligible_aircraft).options(options),
        )
        .layer(cors)
}

/// Minutes as the module shows time: hours to two decimals.
fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// Every route answers `OPTIONS` itself (the CORS layer adds its headers
/// and answers preflights before this runs).
async fn options() -> axum::http::StatusCode {
    axum::http::StatusCode::NO_CONTENT
}

async fn handshake() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "api_version": API_VERSION, "handler": "Stratos" }))
}
